"""Server-side sessions, one mechanism for staff and applicants alike.

The signed cookie holds only a random token; the row named by the token's hash says whether
the session still works. Ending the row ends the session wherever a copy of the cookie is:
signing out, a time-out (idle, or the whole lifetime however busy), HR deactivating a user.

A session's own bookkeeping, its idle timer and the end a time-out finds, is kept out of the
request's unit of work. The request's loader (a before_request hook) only decides it: the
values show on the loaded row at once, and the single UPDATE that stores them goes with the
request's next commit, or after the view (an after_request hook) when the view commits
nothing. So no hook commits before the view, and a view that rolls back (a refused change)
does not lose the session's timer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Flask, Response, g, has_request_context
from sqlalchemy import String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from tracker.accounts.tokens import new_token, token_hash
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.types import UtcDateTime

# Asking how long a session has left is not activity: it must not lengthen the session
# (tracker/sessions/views.py).
STATUS_ENDPOINT = "sessions.status"

_PENDING = "server_session_bookkeeping"
# Set when the request itself flushes a change it has not yet committed or rolled back.
_UNSAVED = "server_session_request_unsaved"


class ServerSession:
    """The columns every server-side session has (a mixin for the staff and applicant rows)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


S = TypeVar("S", bound=ServerSession)


@dataclass(frozen=True)
class Timeouts:
    """When a session ends: after ``idle`` unused, or ``lifetime`` after it began, whichever
    comes first. A request refreshes the idle timer only once it is ``touch_every`` old:
    writing on every request would be wasteful, and the timer needs no finer precision."""

    idle: timedelta
    lifetime: timedelta
    touch_every: timedelta

    def ends_at(self, found: ServerSession) -> datetime:
        return min(found.last_seen_at + self.idle, found.created_at + self.lifetime)

    def has_ended(self, found: ServerSession, now: datetime) -> bool:
        return now - found.last_seen_at > self.idle or now - found.created_at > self.lifetime


def start(model: type[S], **columns: Any) -> tuple[S, str]:
    """A new session; the returned token goes in the signed cookie."""
    token = new_token()
    now = utcnow()
    # The concrete models are declarative, with a keyword constructor; the mixin has none.
    make: Any = model
    found = make(token_hash=token_hash(token), created_at=now, last_seen_at=now, **columns)
    db.session.add(found)
    db.session.flush()
    return found, token


def find_live(
    model: type[S],
    token: str,
    timeouts: Timeouts,
    *,
    touch: bool = True,
    usable: Callable[[S], bool] | None = None,
) -> S | None:
    """The session for a cookie's token if it still works: not ended, not timed out, and
    ``usable`` (whose account is still active, say). Refreshes its idle timer unless
    ``touch`` is false (a page only asking how long is left is not activity). A session
    found timed out is ended."""
    found = db.session.scalar(select(model).where(model.token_hash == token_hash(token)))
    if found is None or found.revoked_at is not None:
        return None
    now = utcnow()
    if timeouts.has_ended(found, now):
        _store_later(found, revoked_at=now)
        return None
    if usable is not None and not usable(found):
        return None
    if touch and now - found.last_seen_at > timeouts.touch_every:
        _store_later(found, last_seen_at=now)
    return found


def extend(found: ServerSession) -> None:
    """Restart the idle timer now: the person chose to stay signed in. The whole lifetime
    still ends the session on time."""
    found.last_seen_at = utcnow()
    db.session.flush()


def end(found: ServerSession) -> None:
    """This session stops working, wherever a copy of its cookie is."""
    found.revoked_at = utcnow()
    db.session.flush()


# -- the bookkeeping, out of the request's unit of work ---------------------------------------


def _store_later(found: ServerSession, **values: datetime) -> None:
    """Show ``values`` on the loaded row now, and store them with the next commit."""
    for name, value in values.items():
        set_committed_value(found, name, value)
    db.session.info.setdefault(_PENDING, []).append((type(found), found.id, values))


def _statement(model: type[ServerSession], session_id: int, values: dict[str, datetime]):
    # Never revive an ended session, nor move its timer back past a later "stay signed in".
    query = update(model).where(model.id == session_id, model.revoked_at.is_(None))
    if "last_seen_at" in values:
        query = query.where(model.last_seen_at < values["last_seen_at"])
    return query.values(**values).execution_options(synchronize_session=False)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the outer transaction may still roll back
    for model, session_id, values in session.info.pop(_PENDING, []):
        session.execute(_statement(model, session_id, values))


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    """A rollback (a refused change) keeps the bookkeeping for a later commit, and shows it
    again on the loaded rows the rollback expired."""
    if previous_transaction.parent is not None:
        return
    if has_request_context():
        g.pop(_UNSAVED, None)
    for model, session_id, values in session.info.get(_PENDING, []):
        found = session.identity_map.get(session.identity_key(model, session_id))
        for name, value in values.items() if found is not None else ():
            set_committed_value(found, name, value)


def _after_flush(session: Session, _context) -> None:
    if has_request_context():
        g.setdefault(_UNSAVED, True)


def _after_commit(session: Session) -> None:
    if has_request_context() and not session.in_nested_transaction():
        g.pop(_UNSAVED, None)


def store_after_view(response: Response) -> Response:
    """Commit the bookkeeping the view did not commit for it, and only that.

    Views change data through tracker.actions, which commits or rolls back at once, so by
    now nothing of the view's is left. If something is (a server error, or a change cut
    short), it is not committed here: the request's teardown rolls it back, and the
    session's next request does the bookkeeping again.
    """
    if db.session.info.get(_PENDING) and response.status_code < 500 and not _view_left_work():
        db.session.commit()
    return response


def _view_left_work() -> bool:
    return bool(g.get(_UNSAVED) or db.session.new or db.session.dirty or db.session.deleted)


def init_server_sessions(app: Flask) -> None:
    """Store the bookkeeping after each view (once per app, however many kinds of session
    call this), and with every commit."""
    listeners = (
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_soft_rollback),
        ("after_flush", _after_flush),
    )
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    if not app.extensions.get("server_sessions"):
        app.extensions["server_sessions"] = True
        app.after_request(store_after_view)
