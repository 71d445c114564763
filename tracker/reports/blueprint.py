"""The reports' blueprint and what every report's views share: the campaign asked for, the
table asked for, and an audited CSV download.

Each report has its own views module (funnel_views, sources_views, equality_views, ...),
imported by tracker.reports.views so that registering the blueprint registers them all.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from tracker.actions import save
from tracker.audit.services import record_event
from tracker.catalogue.models import Campaign
from tracker.clock import today
from tracker.reports import funnel, queries, tables

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")

_UNSAFE_IN_FILENAME = re.compile(r"[^a-z0-9-]+")


def chosen_campaign() -> tuple[list[Campaign], Campaign | None]:
    """Every campaign, and the one asked for (else the one applicants see today).

    :raise 404: when the campaign asked for does not exist.
    """
    slug = request.args.get("campaign") or None
    chosen = queries.find_campaign(slug, today())
    if slug is not None and chosen is None:
        abort(404)
    return queries.campaigns(), chosen


def grouping() -> str:
    value = request.args.get("group", "")
    return value if value in funnel.GROUPINGS else funnel.DEFAULT_GROUPING


def table_or_404(found: dict[str, tables.Table], default: str) -> tables.Table:
    """:raise 404: for a table the report does not have."""
    key = request.args.get("table") or default
    if key not in found:
        abort(404)
    return found[key]


def csv_response(
    table: tables.Table, *, report: str, campaign: Campaign, details: dict | None = None
) -> Response:
    """The table as an audited CSV file; ``details`` adds the choices behind it (dates)."""
    save(
        lambda: record_event(
            actor=current_user,
            action="reports.downloaded",
            object_type="campaign",
            object_id=campaign.id,
            details={"report": report, "table": table.key, **(details or {})},
        )
    )
    slug = _UNSAFE_IN_FILENAME.sub("-", campaign.slug.lower()).strip("-") or "campaign"
    response = Response(tables.to_csv(table), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{report}-{slug}-{table.key}.csv"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
