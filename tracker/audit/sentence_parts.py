"""Pieces of the audit log's sentences (sentences.py) kept apart so that it stays one table
and the functions that read it: counting in words, and the panel pack's sentence. Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from tracker.formatting import long_date

if TYPE_CHECKING:
    from tracker.audit.sentences import Facts


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def pack_sentence(done: str) -> Callable[[Facts], str]:
    """A panel pack seen or downloaded: a slot's, or a day's (the role's slots of one kind)."""

    def says(f: Facts) -> str:
        candidates = plural(f.number("candidates"), "candidate")
        if f.object_type != "role":
            return f"{done} the panel pack for {f.ref} ({candidates})"
        kind = str(f.details.get("kind") or "slot")
        try:
            on = f" on {long_date(date.fromisoformat(str(f.details.get('day'))))}"
        except ValueError:
            on = ""
        return f"{done} the panel pack for the {kind}s for {f.ref}{on} ({candidates})"

    return says
