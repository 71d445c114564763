"""Exporting a shortlist: check what the member of staff may export, count it and audit it.

The audit event is written before any row leaves, and the view commits it before sending the
file: an export that is sent is always on the record. The verb flushes and never commits.
"""

from __future__ import annotations

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can, permissions_of
from tracker.audit.services import record_event
from tracker.exports import columns as registry
from tracker.exports import files, queries
from tracker.refusals import Refused


class ExportError(Refused):
    """Something that cannot be exported, with a message for the person asking."""


def export_shortlist(
    *,
    actor: User,
    shortlist: queries.Shortlist,
    columns: list[str],
    file_format: str,
) -> int:
    """Check and audit an export of the shortlist; return how many candidates it holds."""
    if not can(actor, Permission.EXPORT_SHORTLISTS):
        raise ExportError("You do not have permission to export shortlists")
    if file_format not in files.MEDIA_TYPES:
        raise ExportError("Select CSV or Excel", field="format")
    try:
        chosen = registry.choose(columns, permissions_of(actor), stages=shortlist.statuses)
    except registry.ColumnError as error:
        raise ExportError(str(error)) from error
    rows = queries.count(actor, shortlist)
    object_type, object_id = shortlist.object
    details = {
        "filters": shortlist.audit_details(),
        "columns": [c.key for c in chosen],
        "format": file_format,
        "rows": rows,
    }
    if any(c.identity for c in chosen) and registry.includes_name_blind(shortlist.statuses):
        # HR's export of who candidates are during the sift is in effect a reveal of each:
        # the log says so, as it records a reveal.
        details["identity_while_name_blind"] = True
    record_event(
        actor=actor,
        action="export.shortlist",
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    return rows
