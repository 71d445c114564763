"""Forms for sharing candidates (HR) and for a partner's feedback on one candidate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from tracker.forms.fields import Choice, GovDateField
from tracker.forms.validators import SafeText
from tracker.partners import fields as shareable
from tracker.partners.models import Recommendation
from tracker.partners.organisations import MAX_NAME
from tracker.partners.services import MAX_CRITERIA


class ShareForm(FlaskForm):
    application_ids = SelectMultipleField(
        "Candidates to share",
        coerce=int,
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    organisation = SelectField(
        "Employer partner",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired("Select the employer partner")],
    )
    purpose = StringField(
        "What are you asking them to do?",
        description="For example: Assessment day, 12 January: give feedback on each candidate "
        "you meet. The partner reads this.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter what you are asking the partner to do"),
            SafeText(label="What you are asking", max_length=200),
        ],
    )
    due_on = GovDateField(
        "Feedback due by",
        what="Due date",
        empty_message="Enter the date feedback is due by",
        description="For example, 14 1 2027. Partners missing feedback are reminded before then.",
    )
    criteria = TextAreaField(
        "What should they score, from 1 to 4?",
        description=f"One criterion on each line, up to {MAX_CRITERIA}.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter at least one criterion"),
            SafeText(label="Criteria", max_length=2000, multiline=True),
        ],
    )
    fields = SelectMultipleField(
        "What may they see, besides the reference and the role?",
        description="Partners never see contact details, date of birth, address, equality "
        "answers, adjustments, the CV, or the council's own notes and scores.",
        choices=[(code, label) for code, (label, _) in shareable.SHAREABLE.items()],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Share the candidates", widget=GovSubmitInput())

    def validate_application_ids(self, field):
        if not field.data:
            raise ValidationError("Select at least one candidate to share")

    def validate_fields(self, field):
        if any(code not in shareable.SHAREABLE for code in field.data or []):
            raise ValidationError("Select from the list")

    def criteria_lines(self) -> list[str]:
        return [line.strip() for line in (self.criteria.data or "").splitlines() if line.strip()]


def feedback_form(criteria, *, data=None) -> FlaskForm:
    """A score for each of the share's criteria, then a recommendation and comments."""
    from tracker.screening.scorecards import SCALE

    attributes = {
        f"score_{criterion.id}": Choice(
            f"{number}. {criterion.text}",
            required=f"Score criterion {number}",
            choices=[(str(value), f"{value}: {label}") for value, label in SCALE.items()],
        )
        for number, criterion in enumerate(criteria, start=1)
    }
    attributes["recommendation"] = Choice(
        "Overall, would you recommend this candidate?",
        required="Select whether you recommend this candidate",
        choices=[(r.value, r.label) for r in Recommendation],
    )
    attributes["comments"] = TextAreaField(
        "Comments (optional)",
        description="HR and the council's hiring managers read these. The candidate may ask "
        "to see them.",
        widget=GovTextArea(),
        validators=[SafeText(label="Comments", max_length=2000, multiline=True), Optional()],
    )
    attributes["submit"] = SubmitField("Save feedback", widget=GovSubmitInput())
    return type("FeedbackForm", (FlaskForm,), attributes)(data=data)


class ConfirmForm(FlaskForm):
    """A button that changes a share (lock, unlock, end, take a candidate back)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    """An employer partner's name: the service checks it is not on the list already."""

    name = StringField(
        "Organisation name",
        description="As its people would recognise it, for example Dalston Digital Ltd.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the organisation's name"),
            SafeText(
                label="The organisation's name",
                max_length=MAX_NAME,
                too_long_message=f"The organisation's name must be {MAX_NAME} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())
