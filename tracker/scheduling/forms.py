"""Forms for creating slots, one or a day's run of them (staff), and choosing one
(applicants)."""

from __future__ import annotations

from datetime import datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from tracker import clock
from tracker.clock import UK
from tracker.forms.fields import Choice, GovDateField, WholeNumberField
from tracker.forms.validators import SafeText


def _clock_time(label: str, *, required: str, description: str) -> StringField:
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[InputRequired(required)],
    )


def _parse_time(text: str) -> time:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError as error:
        raise ValidationError("Enter a time like 10:00 or 14:30") from error


class _SlotDetails(FlaskForm):
    """What a single slot and an assessment day share."""

    kind = Choice(
        "What is it?",
        required="Select assessment or interview",
        choices=[("assessment", "Assessment"), ("interview", "Interview")],
    )
    day = GovDateField("Date", what="Date", description="For example, 3 2 2027")
    time = _clock_time(
        "Start time (24-hour clock)",
        required="Enter a start time",
        description="For example, 10:00 or 14:30",
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
        description="Each person gets a calendar invitation and sees the adjustments the "
        "candidates asked for.",
        coerce=int,
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )

    def validate_day(self, field):
        if field.data is not None and field.data < clock.today():
            raise ValidationError("The date must be today or in the future")

    def validate_time(self, field):
        _parse_time(field.data)

    def validate_panel(self, field):
        offered = {value for value, _ in field.choices or ()}
        if any(person not in offered for person in field.data or ()):
            raise ValidationError("Choose the panel from the people listed")

    def start_time(self) -> time:
        return _parse_time(self.time.data)


class SlotForm(_SlotDetails):
    submit = SubmitField("Add the slot", widget=GovSubmitInput())

    def starts_at(self) -> datetime:
        return datetime.combine(self.day.data, self.start_time(), tzinfo=UK)


class DayForm(_SlotDetails):
    """A run of slots on one day: from the first start to the last, one every length + gap."""

    time = _clock_time(
        "First start time (24-hour clock)",
        required="Enter the first start time",
        description="For example, 09:00",
    )
    last_time = _clock_time(
        "Last start time (24-hour clock)",
        required="Enter the last start time",
        description="The last slot starts at this time, or the slot before it if the times "
        "do not fall on it. For example, 16:30",
    )
    gap = WholeNumberField(
        "Gap between slots in minutes",
        not_a_number="The gap must be a whole number of minutes, like 15",
        validators=[
            InputRequired("Enter the gap between slots in minutes, or 0 for none"),
            NumberRange(0, 240, "The gap must be between 0 and 240 minutes"),
        ],
    )
    capacity = WholeNumberField(
        "How many candidates can book each slot",
        not_a_number="Places must be a whole number, like 6",
        validators=[
            InputRequired("Enter how many candidates can book each slot"),
            NumberRange(1, 100, "Places must be between 1 and 100"),
        ],
    )
    # Set by the confirmation page: the staff member has seen what will be made.
    confirmed = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_last_time(self, field):
        _parse_time(field.data)

    def last_start_time(self) -> time:
        return _parse_time(self.last_time.data)


class ChooseSlotForm(FlaskForm):
    slot = Choice("Choose a time", required="Choose a time")
    submit = SubmitField("Book this time", widget=GovSubmitInput())


class CancelBookingForm(FlaskForm):
    submit = SubmitField("Cancel my booking", widget=GovSubmitInput())
