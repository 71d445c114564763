"""The shortlist export form. Sent by GET: choosing what to export changes nothing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, ValidationError

from tracker.accounts.permissions import Permission
from tracker.applications.states import PIPELINE_ORDER, STAFF_LABELS
from tracker.catalogue.models import Role, Track
from tracker.exports import columns as registry
from tracker.exports import files
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


class ShortlistForm(FlaskForm):
    class Meta:
        csrf = False

    role_id = _Id("Role", message="Select a role from the list")
    track_id = _Id(
        "Or every role in a track",
        message="Select a track from the list",
        description="Choose one role, or a whole track.",
    )
    status = _Pick(
        "Stage",
        message="Select a stage from the list",
        choices=[("", "All stages")] + [(s.value, STAFF_LABELS[s]) for s in PIPELINE_ORDER],
    )
    columns = SelectMultipleField(
        "Columns",
        description="The file has these columns, in this order. It never holds candidates' "
        "answers to the optional diversity questions, or their dates of birth.",
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
        self, *, roles: list[Role], tracks: list[Track], permissions: frozenset[Permission]
    ) -> None:
        """The roles, tracks and columns this user may choose from."""
        self.permissions = permissions
        self.role_id.choices = [("", "Choose a role")] + [
            (str(r.id), f"{r.title} (level {r.level})") for r in roles
        ]
        self.track_id.choices = [("", "Choose a track")] + [(str(t.id), t.name) for t in tracks]
        self.columns.choices = [(c.key, c.header) for c in registry.allowed(permissions)]

    def validate_format(self, field):
        if field.data not in files.MEDIA_TYPES:
            raise ValidationError("Select CSV or Excel")

    def validate_columns(self, field):
        try:
            registry.choose(field.data or [], self.permissions)
        except registry.ColumnError as error:
            raise ValidationError(str(error)) from error

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.role_id.errors or self.track_id.errors:
            return False
        if not self.role_id.data and not self.track_id.data:
            self.role_id.errors.append("Select a role, or a whole track")
            return False
        if self.role_id.data and self.track_id.data:
            self.track_id.errors.append("Select a role or a whole track, not both")
            return False
        return valid
