"""The shortlist export form. Sent by GET: choosing what to export changes nothing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, StopValidation, ValidationError

from tracker.accounts.permissions import Permission
from tracker.applications.states import PIPELINE_ORDER, STAFF_LABELS, Status
from tracker.catalogue.models import Campaign, Role, Track
from tracker.exports import columns as registry
from tracker.exports import files
from tracker.forms.fields import GovDateField
from tracker.routing import is_id


class _Pick(SelectField):
    """A select whose 'not one of the options' error is plain English."""

    def __init__(self, label, *, message: str, **kwargs):
        super().__init__(label, widget=GovSelect(), **kwargs)
        self.message = message

    def pre_validate(self, form):
        if (self.data or "") not in {value for value, _ in self.choices}:
            raise ValidationError(self.message)


class _Id(SelectField):
    """A role or track id. One outside the user's scope is the view's 404, not an error."""

    def __init__(self, label, *, message: str, **kwargs):
        super().__init__(label, widget=GovSelect(), validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        value = self.data or ""
        if value and not is_id(value):
            raise ValidationError(self.message)


class _Stages(SelectMultipleField):
    """Stages to export: none ticked means all of them."""

    def pre_validate(self, form):
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or []):
            raise ValidationError("Select a stage from the list")


# Applications are from this service's years: a date far outside them is a typing mistake
# (and 31 12 9999 would have no next day to count up to).
YEARS = (2000, 2100)


def _within_years(field, which: str) -> None:
    if field.data is not None and not YEARS[0] <= field.data.year <= YEARS[1]:
        field.data = None
        raise StopValidation(
            f"The year of the {which} date must be between {YEARS[0]} and {YEARS[1]}"
        )


_WHAT = {"role_id": "a role", "track_id": "a whole track", "campaign_id": "a whole campaign"}


class ShortlistForm(FlaskForm):
    class Meta:
        csrf = False

    role_id = _Id("Role", message="Select a role from the list")
    track_id = _Id(
        "Or every role in a track",
        message="Select a track from the list",
    )
    campaign_id = _Id(
        "Or every role in a campaign",
        message="Select a campaign from the list",
        description="Choose one role, a whole track or a whole campaign.",
    )
    status = _Stages(
        "Stages",
        description="Leave them all unticked for every stage.",
        choices=[(s.value, STAFF_LABELS[s]) for s in PIPELINE_ORDER],
        widget=GovCheckboxesInput(),
    )
    submitted_from = GovDateField(
        "Submitted from",
        what="The from date",
        required=False,
        earliest_year=1,
        description="For example, 27 3 2026",
    )
    submitted_to = GovDateField(
        "Submitted up to",
        what="The to date",
        required=False,
        earliest_year=1,
        description="For example, 31 3 2026",
    )
    columns = SelectMultipleField(
        "Columns",
        description="The file has the ticked columns, in the order listed. It never holds "
        "candidates' answers to the optional diversity questions, or their dates of birth. "
        "Names and contact details are for HR, or for stages after the sift.",
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    format = RadioField(
        "File format",
        choices=[(files.XLSX, "Excel (.xlsx)"), (files.CSV, "CSV")],
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[InputRequired("Select a file format")],
    )

    def offer(
        self,
        *,
        roles: list[Role],
        tracks: list[Track],
        campaigns: list[Campaign],
        criteria: list[str],
        permissions: frozenset[Permission],
    ) -> None:
        """The roles, tracks, campaigns and columns this user may choose from; the columns
        ticked first, in their chosen order, so that the file's order is the page's."""
        self.permissions = permissions
        self.role_id.choices = [("", "Choose a role")] + [
            (str(r.id), f"{r.title} (level {r.level})") for r in roles
        ]
        self.track_id.choices = [("", "Choose a track")] + [(str(t.id), t.name) for t in tracks]
        self.campaign_id.choices = [("", "Choose a campaign")] + [
            (str(c.id), c.name) for c in campaigns
        ]
        columns = {c.key: c for c in registry.allowed(permissions, criteria)}
        offered = {key: c.header for key, c in columns.items()}
        ticked = [key for key in dict.fromkeys(self.columns.data or []) if key in offered]
        self.columns.choices = [(key, offered[key]) for key in ticked] + [
            (key, header) for key, header in offered.items() if key not in ticked
        ]
        # Each checkbox's hint, in the choices' order: what a decision column holds.
        self.column_hints = [
            {"hint": {"text": columns[key].description}} if columns[key].description else {}
            for key, _ in self.columns.choices
        ]

    @property
    def stages(self) -> tuple[Status, ...]:
        return tuple(Status(value) for value in dict.fromkeys(self.status.data or []))

    def move(self, instruction: str) -> None:
        """Move a ticked column up or down one place: ``up:<key>`` or ``down:<key>``."""
        direction, _, key = instruction.partition(":")
        keys = list(dict.fromkeys(self.columns.data or []))
        if key not in keys or direction not in ("up", "down"):
            return
        here = keys.index(key)
        there = here - 1 if direction == "up" else here + 1
        if 0 <= there < len(keys):
            keys[here], keys[there] = keys[there], keys[here]
        self.columns.data = keys

    def validate_format(self, field):
        if field.data not in files.MEDIA_TYPES:
            raise ValidationError("Select CSV or Excel")

    def validate_columns(self, field):
        try:
            registry.choose(
                field.data or [],
                self.permissions,
                stages=() if self.status.errors else self.stages,
            )
        except registry.ColumnError as error:
            raise ValidationError(str(error)) from error

    def validate_submitted_from(self, field):
        _within_years(field, "from")

    def validate_submitted_to(self, field):
        _within_years(field, "to")
        start = self.submitted_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The to date must be the same as or after the from date")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.role_id.errors or self.track_id.errors or self.campaign_id.errors:
            return False
        given = [name for name in _WHAT if getattr(self, name).data]
        if not given:
            self.role_id.errors.append("Select a role, or a whole track or campaign")
            return False
        if len(given) > 1:
            first, second = given[0], given[1]
            getattr(self, second).errors.append(
                f"Select {_WHAT[first]} or {_WHAT[second]}, not both"
            )
            return False
        return valid


class SaveTemplateForm(FlaskForm):
    # Length, duplicates and columns are checked by saved.save_template, which words errors.
    name = StringField(
        "Name the template",
        description='For example, "Interview panel list". A template saves the columns and '
        "their order, not which candidates.",
        widget=GovTextInput(),
    )
    # Carried as hidden inputs from the export page, in the file's order.
    columns = SelectMultipleField("Columns", validate_choice=False)


class RenameTemplateForm(FlaskForm):
    name = StringField("New name", widget=GovTextInput())


class DeleteTemplateForm(FlaskForm):
    """A Delete button: only its CSRF token."""
