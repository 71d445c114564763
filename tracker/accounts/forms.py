"""Forms for signing in and managing one's own account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

EMAIL_REQUIRED = "Enter your email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(EMAIL_REQUIRED), Length(max=320)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Security code",
        description="The 6-digit code from your authenticator app",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the security code"), Length(max=10)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(EMAIL_REQUIRED),
            Email(EMAIL_FORMAT, check_deliverability=False),
            Length(max=320),
        ],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description="At least 12 characters. Three random words work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password"), Length(max=200)],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter your new password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )


class ConfirmForm(FlaskForm):
    """A button and a CSRF token: for actions confirmed on their own page."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
