"""One way for a view to run a change: find the record in the user's scope or answer 404, run
one service call, commit when it succeeds, and when the service refuses, roll back and put the
message on the form beside the field it concerns (the GOV.UK error pattern: a summary at the
top, the message by the field, "Error: " in the title, and nothing changed).

Services raise ``Refused`` (or a domain subclass of it) and never commit; views call
``attempt`` and never commit or roll back by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, flash
from sqlalchemy import Select

from tracker.extensions import db
from tracker.refusals import Refused

__all__ = ["Outcome", "Refused", "add_error", "attempt", "check", "save", "scoped_or_404"]

T = TypeVar("T")

# The anchor an error that concerns no one field leads to; templates put it on the form.
FORM_ANCHOR = "form-errors"


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``attempt`` did: true when the change was committed, with the service's result."""

    ok: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.ok


def attempt(form: Any, change: Callable[[], T], *, field: str | None = None) -> Outcome[T]:
    """Run ``change`` (one service call) as the request's unit of work.

    Commits when it returns. When it raises ``Refused``, rolls back, so nothing it did is
    kept, and attaches the message to ``form``: to the field the service named, else to
    ``field``, else to the form as a whole. With no form (a button with nothing to fill in),
    the message is flashed as an error instead.
    """
    try:
        value = change()
    except Refused as error:
        db.session.rollback()
        if form is None:
            flash(str(error), "error")
        else:
            add_error(form, str(error), error.field or field)
        return Outcome(False)
    db.session.commit()
    return Outcome(True, value)


def check(form: Any, question: Callable[[], T], *, field: str | None = None) -> Outcome[T]:
    """Ask a service whether a change may be made, changing nothing (the step before a
    confirmation page, a preview): on ``Refused`` the message goes on the form as ``attempt``
    puts it; either way nothing is committed, and a row lock taken for the change is kept
    for the rest of the request."""
    try:
        value = question()
    except Refused as error:
        if form is None:
            flash(str(error), "error")
        else:
            add_error(form, str(error), error.field or field)
        return Outcome(False)
    return Outcome(True, value)


def save(change: Callable[[], T]) -> T:
    """Commit a change no one can refuse (an audit record of a download, a page seen)."""
    value = change()
    db.session.commit()
    return value


def add_error(form: Any, message: str, field: str | None = None) -> None:
    """Put ``message`` beside ``field`` (or on the form as a whole when it names none, or a
    field the form does not have)."""
    target = form._fields.get(field) if field else None
    if target is None:
        form.form_errors = [*form.form_errors, message]
    else:
        # A field that was never validated holds its errors in a tuple.
        target.errors = [*target.errors, message]


def scoped_or_404(query: Select[tuple[T]], *, lock: bool = False, of: Any = None) -> T:
    """The one row a scoped query (``visible_roles(user)``, ``visible_applications(user)``)
    finds, or 404: another team's record is simply not found, never refused.

    ``lock`` takes the row lock a change needs (``SELECT ... FOR UPDATE``, of ``of`` when the
    query joins other tables), so two people changing it at once take turns.

    :raise 404: when the query finds nothing.
    """
    if lock:
        query = query.with_for_update(of=of)
    found = db.session.scalar(query)
    if found is None:
        abort(404)
    return found
