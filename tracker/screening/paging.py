"""Keyset pages for the candidate list: the next page starts after the last row shown (the
previous one ends before the first), found through the sort's index, so page 200 costs what
page 1 does. An OFFSET would read and throw away every row before the page.

Every sort is a tuple of keys in one direction (tracker/applications/models.py LIST_SORTS),
so "after this row" is one row comparison, ``(keys) > (its keys)``, which PostgreSQL answers
from the index. The row is named by its id in the link (``after=`` or ``before=``), and its
keys are read again: a link cannot be made to carry anything but a position.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, literal, select, tuple_

from tracker.applications.models import LIST_SORTS, UNRANKED_LAST, Application
from tracker.extensions import db
from tracker.screening.filters import Filters


def sort_keys(filters: Filters) -> tuple[tuple[Any, ...], bool] | None:
    """The sort's keys, and whether the list runs down them (newest first); None for a sort
    only offsets can page: a reviewer's score sort, by the averages they may know."""
    if filters.sort == "score" and not filters.sees_all_scores:
        return None
    descending = filters.sort == "newest"
    keys = LIST_SORTS["oldest" if descending else filters.sort]
    if filters.status is not None:
        # One stage: whether it is out of the running is the same for every row.
        keys = tuple(k for k in keys if k is not UNRANKED_LAST)
    return keys, descending


def ordered(query: Select, filters: Filters) -> Select:
    found = sort_keys(filters)
    assert found is not None
    keys, descending = found
    return query.order_by(*(k.desc() if descending else k for k in keys))


def keyset_page(
    query: Select, filters: Filters, page_size: int, *, after: int | None, before: int | None
) -> list[Application] | None:
    """The page after row ``after`` (or before row ``before``) in the filters' sort; None
    when there is no such row any more, or the sort cannot be paged by keys."""
    found = sort_keys(filters)
    anchor = after if after is not None else before
    if found is None or anchor is None:
        return None
    keys, descending = found
    values = db.session.execute(select(*keys).where(Application.id == anchor)).one_or_none()
    if values is None:
        return None
    at = tuple_(*(literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)))
    # Forward in an ascending sort, or backward in a descending one: larger keys.
    upward = (after is not None) != descending
    rows = list(
        db.session.scalars(
            query.where(tuple_(*keys) > at if upward else tuple_(*keys) < at)
            .order_by(*(k if upward else k.desc() for k in keys))
            .limit(page_size)
        )
    )
    # Read backwards from the anchor: put the page back in the list's order.
    return rows if after is not None else rows[::-1]
