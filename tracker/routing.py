"""Ids from URLs: only a number a record could have reaches a view or the database.

Ids are PostgreSQL ``integer`` columns (serial), so 1 to 2**31 - 1. A larger number cannot
even be compared with one there ("integer out of range"), and SQLite's driver refuses any
past 2**63 - 1 (OverflowError): both would be a server error for what is only a URL that
names nothing. So such ids are refused where they are read: in a path (every ``<int:...>``
uses IdConverter) or a query parameter (id_arg), with the 404 any unknown id gets.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))


def is_id(text: str) -> bool:
    """Whether the text is an id a record could have: ASCII digits, from 1 to MAX_ID."""
    return (
        text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS and 1 <= int(text) <= MAX_ID
    )


class IdConverter(IntegerConverter):
    """``<int:name>`` in every route: a positive id up to MAX_ID; anything else matches no
    route, so it is a 404 before any view runs."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if not is_id(value):  # before int(): Python refuses to convert 4,300 digits or more
            raise ValidationError()
        return int(value)


def id_arg(name: str) -> int | None:
    """The id in query parameter ``name``, or None when it is absent or empty.

    :raise 404: for anything else that is not an id a record could have.
    """
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not is_id(value):
        abort(404)
    return int(value)


def page_arg(name: str = "page") -> int:
    """A page number from the query: 1 when absent or not a number. Lists show their last
    page for a number past it, so a large one needs no other check."""
    value = request.args.get(name, "").strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    # A number too long to convert is past the last page too.
    return max(1, int(value)) if len(value) <= _MAX_DIGITS else MAX_ID


def init_routing(app: Flask) -> None:
    """Before any blueprint is registered: rules take their converters when added."""
    app.url_map.converters["int"] = IdConverter
