"""Shortlist templates: a member of staff's named column sets, in their order, for them alone.

A template holds only columns, never which candidates: those are chosen at each export, where
the name-blind rule is applied to the stages chosen. A template is checked against what its
owner may export when it is saved and again when it is used, so that one saved before a change
of roles cannot carry a column out of their scope. The services flush and never commit.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can, permissions_of
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.exports import columns as registry
from tracker.exports.models import ExportTemplate
from tracker.extensions import db
from tracker.refusals import Refused
from tracker.routing import is_id

NAME_LENGTH = 80
# Enough for every regular report a team runs; a list of hundreds would help nobody choose.
LIMIT = 30


class TemplateError(Refused):
    """A template that cannot be saved, renamed or used, with a message for the person."""


def templates_of(user: User) -> list[ExportTemplate]:
    return list(
        db.session.scalars(
            select(ExportTemplate)
            .where(ExportTemplate.user_id == user.id)
            .order_by(func.lower(ExportTemplate.name), ExportTemplate.id)
        )
    )


def find_own(user: User, template_id: int) -> ExportTemplate | None:
    """The user's own template; anyone else's is not found (their views answer 404)."""
    return db.session.scalar(
        select(ExportTemplate).where(
            ExportTemplate.id == template_id, ExportTemplate.user_id == user.id
        )
    )


def own_template_or_404(user: User, template_id: str | int) -> ExportTemplate:
    """For the views: the user's own template, or 404 (anyone else's, or no such id)."""
    if not is_id(str(template_id)):
        abort(404)
    template = find_own(user, int(template_id))
    if template is None:
        abort(404)
    return template


def no_longer_offered(keys: list[str], offered: set[str]) -> list[str]:
    """A template's keys for columns that no longer exist at all: a column removed from the
    registry, or a criterion place none of the user's roles has now (say essential_7). A
    column that exists but needs a permission the user lacks is not here: choosing it is
    refused with a message saying why."""
    known = offered | set(registry.COLUMNS)
    return [key for key in dict.fromkeys(keys) if key not in known]


def name_key(name: str) -> str:
    """What two template names must differ in to be two templates: not case."""
    return name.lower()


def _name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TemplateError("Enter a name for the template", field="name")
    if len(name) > NAME_LENGTH:
        raise TemplateError(f"The name must be {NAME_LENGTH} characters or fewer", field="name")
    return name


def usable_columns(user: User, keys: list[str]) -> list[str]:
    """The template's columns if this user may export them (at some stage).

    :raise TemplateError: naming the first column the user may not have.
    """
    try:
        chosen = registry.choose(keys, permissions_of(user), stages=None)
    except registry.ColumnError as error:
        raise TemplateError(str(error), field="columns") from error
    return [c.key for c in chosen]


def _audit(actor: User, action: str, template: ExportTemplate, **more) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type="user",
        object_id=actor.id,
        details={
            "template_id": template.id,
            "name": template.name,
            "columns": len(template.columns),
            "column_keys": list(template.columns),
            **more,
        },
    )


def save_template(*, actor: User, name: str, columns: list[str]) -> ExportTemplate:
    """Save these columns, in this order, under a name of the actor's own; a name they
    already use is replaced (that is how a template is updated).

    :raise TemplateError: for an empty or too long name, no columns or a column the actor may
        not export, or too many templates.
    """
    if not can(actor, Permission.EXPORT_SHORTLISTS):
        raise TemplateError("You do not have permission to export shortlists")
    name = _name(name)
    keys = usable_columns(actor, columns)
    template = db.session.scalar(
        select(ExportTemplate)
        .where(
            ExportTemplate.user_id == actor.id,
            ExportTemplate.name_key == name_key(name),
        )
        .with_for_update()
    )
    now = utcnow()
    if template is not None:
        # "panel list" replaces "Panel list", and takes the name as now typed.
        template.name = name
        template.name_key = name_key(name)
        template.columns = keys
        template.updated_at = now
        db.session.flush()
        _audit(actor, "export.template_saved", template, replaced=True)
        return template
    owned = (
        db.session.scalar(
            select(func.count())
            .select_from(ExportTemplate)
            .where(ExportTemplate.user_id == actor.id)
        )
        or 0
    )
    if owned >= LIMIT:
        raise TemplateError(
            f"You have {LIMIT} templates, the most you can have. Delete one first", field="name"
        )
    template = ExportTemplate(
        user_id=actor.id, name=name, columns=keys, created_at=now, updated_at=now
    )
    try:
        # A savepoint: the same name saved from a second tab at once is a message, not a 500.
        with db.session.begin_nested():
            db.session.add(template)
    except IntegrityError as error:
        raise TemplateError(
            f'You already have a template called "{name}". Try again to replace it',
            field="name",
        ) from error
    _audit(actor, "export.template_saved", template, replaced=False)
    return template


def rename_template(*, actor: User, template: ExportTemplate, name: str) -> ExportTemplate:
    """:raise TemplateError: for an empty, too long or already used name."""
    if template.user_id != actor.id:
        raise TemplateError("You can only rename your own templates")
    name = _name(name)
    if name == template.name:
        return template
    clash = db.session.scalar(
        select(ExportTemplate.id).where(
            ExportTemplate.user_id == actor.id,
            ExportTemplate.name_key == name_key(name),
            ExportTemplate.id != template.id,
        )
    )
    if clash is not None:
        raise TemplateError(f'You already have a template called "{name}"', field="name")
    before = template.name
    template.name = name
    template.name_key = name_key(name)
    template.updated_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise TemplateError(f'You already have a template called "{name}"', field="name") from error
    _audit(actor, "export.template_renamed", template, before=before)
    return template


def delete_template(*, actor: User, template: ExportTemplate) -> None:
    if template.user_id != actor.id:
        raise TemplateError("You can only delete your own templates")
    _audit(actor, "export.template_deleted", template)
    db.session.delete(template)
    db.session.flush()
