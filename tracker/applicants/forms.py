"""Forms for applicants signing in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from tracker.accounts.forms import EMAIL_FORMAT, EMAIL_REQUIRED


class EmailLinkForm(FlaskForm):
    email = StringField(
        "Email address",
        # The page above the field already says how the link works and that there is no
        # password; the hint says what else the address is for.
        description="We will also use this address to email you about your applications.",
        widget=GovTextInput(),
        # Phones' keyboards add a space after an address; it is not part of it.
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(EMAIL_REQUIRED),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ContinueForm(FlaskForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())
