"""Forms for moving candidates: one at a time (with the version seen) or many at once."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from tracker.applications.states import REJECTION_REASONS, TRANSITIONS, Event
from tracker.forms.fields import Choice, GovDateField, IdChoices
from tracker.forms.validators import SafeText
from tracker.routing import is_id

REASON_CHOICES = list(REJECTION_REASONS.items())


class _MoveFields(FlaskForm):
    event = RadioField(
        "What happens next?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select what happens next")],
    )
    reasons = SelectMultipleField(
        "Reasons (if unsuccessful)",
        description="The applicant is told these, as written.",
        choices=REASON_CHOICES,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    feedback = TextAreaField(
        "Feedback for the applicant (optional)",
        widget=GovTextArea(),
        validators=[SafeText(label="Feedback", max_length=2000, multiline=True), Optional()],
    )

    def set_events(self, events: list[Event]) -> None:
        self.event.choices = [(e.value, TRANSITIONS[e].label) for e in events]

    def drop_unrevealed(self) -> None:
        """Forget the reasons and feedback unless "unsuccessful" is chosen: they are its
        conditional reveal, and a browser still sends them after another move is chosen."""
        if self.event.data != Event.REJECT.value:
            self.reasons.data = []
            self.feedback.data = None
            if "override_reason" in self._fields:
                self.override_reason.data = None

    def validate_reasons(self, field):
        if any(code not in REJECTION_REASONS for code in field.data or []):
            raise ValidationError("Select reasons from the list")


class MoveForm(_MoveFields):
    starts_on = GovDateField(
        "Start date (if making an offer)",
        what="Start date",
        required=False,
        description="For example, 1 9 2027",
    )
    override_reason = TextAreaField(
        "Reason to override the Disability Confident guarantee",
        description="Only for a guaranteed candidate made unsuccessful before interview. "
        "This is recorded and audited.",
        widget=GovTextArea(),
        validators=[SafeText(label="Override reason", max_length=2000, multiline=True), Optional()],
    )
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_version(self, field):
        # Versions count up from 1 in an integer column: anything else was not on the page.
        if not is_id(field.data or ""):
            raise ValidationError("Reload the page and try again")


class BulkMoveForm(_MoveFields):
    application_ids = IdChoices(
        "Candidates", not_listed="Select candidates from the list", widget=GovCheckboxesInput()
    )
    # "page": every candidate on the page shown (the no-JavaScript "select all"); "matching":
    # every candidate the list's filters match, found again by the server.
    scope = SelectMultipleField(
        "Select",
        choices=[("page", "All on this page"), ("matching", "All that match")],
        widget=GovCheckboxesInput(),
    )
    # The candidates the page showed, as hidden inputs: "All on this page" acts on these
    # (those still matching), never on whatever the page would hold by the time it is posted.
    shown_ids = IdChoices("Shown", not_listed="Reload the list and try again")
    submit = SubmitField("Move the selected candidates", widget=GovSubmitInput())

    @property
    def chosen_scope(self) -> str | None:
        scope = self.scope.data or []
        return "matching" if "matching" in scope else ("page" if "page" in scope else None)

    def validate_application_ids(self, field):
        if not field.data and not self.scope.data:
            raise ValidationError("Select at least one candidate")


class BulkConfirmForm(_MoveFields):
    """The confirmation page's "Yes": the move asked for, and each candidate the page listed
    as ``<id>:<version>``, so the move acts on those only and skips one changed since."""

    chosen = SelectMultipleField("Candidates", validate_choice=False)
    submit = SubmitField("Yes", widget=GovSubmitInput())

    def validate_chosen(self, field):
        if not field.data or not all(_is_pick(value) for value in field.data):
            raise ValidationError("Select the candidates again: the list has changed")

    @property
    def versions(self) -> dict[int, int]:
        """Each chosen candidate's id and the version the confirmation page showed."""
        picks = [value.split(":") for value in self.chosen.data or [] if _is_pick(value)]
        return {int(application_id): int(version) for application_id, version in picks}


def _is_pick(value: str) -> bool:
    application_id, _, version = value.partition(":")
    return is_id(application_id) and is_id(version)


class SaveViewForm(FlaskForm):
    # Length and duplicates are checked by saved_filters.save_view, which words the errors.
    name = StringField(
        "Name this view",
        description='For example, "In sift, flagged". A search is not saved.',
        widget=GovTextInput(),
    )
    save = SubmitField("Save this view", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Add a note for other reviewers",
        description="Staff who can see this candidate read notes. The candidate does not, "
        "unless they ask for their data. During the sift, leave out anything that says who "
        "the candidate is: other reviewers read the application name-blind.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter a note"),
            SafeText(label="Note", max_length=2000, multiline=True),
        ],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


def scorecard_form(criteria, *, data=None, **kwargs) -> FlaskForm:
    """One score (1 to 4) and an evidence note per criterion of the role."""
    from tracker.screening.scorecards import SCALE

    class ScorecardForm(FlaskForm):
        submit = SubmitField("Submit your scores", widget=GovSubmitInput())

    for number, (essential, criterion) in enumerate(criteria, start=1):
        kind = "Essential" if essential else "Desirable"
        setattr(
            ScorecardForm,
            f"score_{criterion.id}",
            Choice(
                f"{number}. {criterion.text} ({kind.lower()})",
                required=f"Score criterion {number}",
                choices=[(str(value), f"{value}: {label}") for value, label in SCALE.items()],
            ),
        )
        setattr(
            ScorecardForm,
            f"evidence_{criterion.id}",
            TextAreaField(
                f"Evidence for criterion {number} (optional)",
                widget=GovTextArea(),
                validators=[
                    SafeText(
                        label=f"Evidence for criterion {number}", max_length=1000, multiline=True
                    ),
                    Optional(),
                ],
            ),
        )
    return ScorecardForm(data=data, **kwargs)


class ConditionForm(FlaskForm):
    note = TextAreaField(
        "Note (optional)",
        widget=GovTextArea(),
        validators=[SafeText(label="Note", max_length=500, multiline=True), Optional()],
    )
    submit = SubmitField("Mark as met", widget=GovSubmitInput())


class RevealIdentityForm(FlaskForm):
    reason = TextAreaField(
        "Why do you need them?",
        description="For example, to phone them about their right to work. This is recorded "
        "in the audit log. Other reviewers still see the application without them.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter why you need the candidate's name and contact details"),
            SafeText(label="Reason", max_length=500, multiline=True),
        ],
    )
    submit = SubmitField("Show name and contact details", widget=GovSubmitInput())
