"""The audit log's filters: a form read from the query string, so a filtered page has a URL."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from tracker.audit_log import queries, sentences
from tracker.forms.fields import GovDateField


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    person = SelectField(
        "Person", widget=GovSelect(), validate_choice=False, choices=[("", "Anyone")]
    )
    # Rendered by hand in the template, with a group per kind of work (GOV.UK's select
    # component has no option groups); the choices here are what may be chosen. Errors are
    # worded by the validators below, not WTForms' "Not a valid choice".
    action = SelectField("Action", validate_choice=False, choices=[("", "Any action")])
    date_from = GovDateField(
        "From", what="The from date", required=False, description="For example, 27 3 2026"
    )
    date_to = GovDateField(
        "To", what="The to date", required=False, description="For example, 31 3 2026"
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def offer(self, people: list[tuple[int, str]]) -> AuditFilterForm:
        self.person.choices = [
            ("", "Anyone"),
            (queries.APPLICANTS, "Applicants"),
            (queries.SYSTEM, "The system, or someone not signed in"),
            *((str(i), name) for i, name in people),
        ]
        self.action.choices = [("", "Any action")]
        for group, actions in sentences.grouped().items():
            self.action.choices.append((queries.GROUP_PREFIX + group, f"Any: {group.lower()}"))
            self.action.choices.extend(actions)
        return self

    def validate_person(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError("Select a person from the list")

    def validate_action(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError("Select an action from the list")

    def validate_date_to(self, field):
        start = self.date_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The to date must be the same as or after the from date")

    def filters(self, *, user_id: int | None) -> queries.Filters:
        return queries.Filters(
            person=self.person.data or None,
            action=self.action.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            user_id=user_id,
        )
