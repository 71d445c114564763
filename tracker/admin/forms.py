"""Forms HR uses to manage users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from tracker.accounts.models import StaffRole


def _organisation_id(value) -> int:
    """The chosen organisation's id; 0 for none (the placeholder, or nothing sent)."""
    return int(value) if value not in (None, "") else 0


class AccessForm(FlaskForm):
    roles = SelectMultipleField(
        "Roles",
        description="Select all that apply.",
        choices=[(r.value, r.label) for r in StaffRole],
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Choose at least one role")],
    )
    tracks = SelectMultipleField(
        "Tracks this hiring manager looks after",
        description="For hiring managers: they see every role in these tracks.",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    scoped_roles = SelectMultipleField(
        "Single roles this hiring manager looks after",
        description="For hiring managers: roles outside their tracks that they also look after.",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    # One of HR's managed list of organisations (partners/), never typed: a typo would
    # quietly make a second organisation that sees none of the first one's shares.
    partner_organisation = SelectField(
        "Employer partner's organisation",
        description="For employer partners: the business they work for.",
        coerce=_organisation_id,
        default=0,
        widget=GovSelect(),
        # The service says which organisation is missing or unknown, beside this field.
        validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class InviteForm(AccessForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=200)],
    )
    email = StringField(
        "Email address",
        description="We will email an invitation to set a password. The link lasts 7 days.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the person's email address"),
            Email(
                "Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
            Length(max=320),
        ],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
