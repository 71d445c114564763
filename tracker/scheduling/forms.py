"""Forms for creating slots (staff) and choosing one (applicants)."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from tracker.applications.forms import Choice
from tracker.applications.validators import GovDateField, SafeText
from tracker.clock import UK
from tracker.fields import WholeNumberField


class SlotForm(FlaskForm):
    kind = Choice(
        "What is it?",
        required="Select assessment or interview",
        choices=[("assessment", "Assessment"), ("interview", "Interview")],
    )
    day = GovDateField("Date", what="Date", description="For example, 3 2 2027")
    time = StringField(
        "Start time (24-hour clock)",
        description="For example, 10:00 or 14:30",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a start time")],
    )
    minutes = WholeNumberField(
        "Length in minutes",
        not_a_number="The length must be a whole number of minutes, like 45",
        validators=[
            InputRequired("Enter the length in minutes"),
            NumberRange(5, 600, "The length must be between 5 and 600 minutes"),
        ],
    )
    place = TextAreaField(
        "Where (an address, or a video call link)",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter where it happens"),
            SafeText(label="Where", max_length=500, multiline=True),
        ],
    )
    capacity = WholeNumberField(
        "How many candidates can book this time",
        not_a_number="Places must be a whole number, like 6",
        validators=[
            InputRequired("Enter how many candidates can book"),
            NumberRange(1, 100, "Places must be between 1 and 100"),
        ],
    )
    panel = SelectMultipleField(
        "Panel",
        description="The panel sees the adjustments the candidates asked for.",
        coerce=int,
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Add the slot", widget=GovSubmitInput())

    def validate_time(self, field):
        try:
            datetime.strptime(field.data.strip(), "%H:%M")
        except ValueError as error:
            raise ValidationError("Enter a time like 10:00 or 14:30") from error

    def starts_at(self) -> datetime:
        clock_time = datetime.strptime(self.time.data.strip(), "%H:%M").time()
        return datetime.combine(self.day.data, clock_time, tzinfo=UK)


class ChooseSlotForm(FlaskForm):
    slot = Choice("Choose a time", required="Choose a time")
    submit = SubmitField("Book this time", widget=GovSubmitInput())


class CancelBookingForm(FlaskForm):
    submit = SubmitField("Cancel my booking", widget=GovSubmitInput())
