"""Forms for data requests and retention."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from tracker.forms.validators import SafeText


class FindApplicantForm(FlaskForm):
    email = StringField(
        "The applicant's email address",
        description="The address they applied with.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the applicant's email address"),
            SafeText(label="Email address", max_length=320),
            Length(max=320),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    submit = SubmitField("Find the applicant", widget=GovSubmitInput())


class EraseForm(FlaskForm):
    confirmed = BooleanField(
        "I have checked this request comes from the applicant, and that nothing requires us "
        "to keep their data",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm you have checked the request before erasing")],
    )
    submit = SubmitField("Yes, erase everything about this applicant", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())
