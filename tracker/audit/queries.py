"""Reading the audit log, newest first, with optional filters."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, or_, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db

PAGE_SIZE = 50


def _filtered(action: str | None, text: str | None, user_id: int | None) -> Select:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if user_id:
        # What the user did, and what was done to them.
        query = query.where(
            or_(
                AuditEvent.actor_id == user_id,
                and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id)),
            )
        )
    if text:
        escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        query = query.where(
            or_(
                AuditEvent.actor_label.ilike(like, escape="\\"),
                AuditEvent.object_id.ilike(like, escape="\\"),
            )
        )
    return query


def audit_page(
    *, page: int, action: str | None = None, text: str | None = None, user_id: int | None = None
):
    """One page of events and the number of pages."""
    query = _filtered(action, text, user_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = db.session.scalars(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return list(events), page, pages, total


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
