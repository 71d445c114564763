"""HR's recruitment reports and the equality report.

Views parse the campaign and the choices, ask queries.py for the figures and render them:
each chart beside its table, each table with its CSV file. Every report is for HR
(VIEW_REPORTS); the equality report, the one page that shows equality data and only in
suppressed aggregate, needs VIEW_EQUALITY_REPORT. Each CSV download is audited.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import save
from tracker.audit.services import record_event
from tracker.catalogue.models import Campaign
from tracker.clock import today
from tracker.reports import equality, funnel, queries, sources, suppression, tables

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")

_UNSAFE_IN_FILENAME = re.compile(r"[^a-z0-9-]+")


def _campaign() -> tuple[list[Campaign], Campaign | None]:
    """Every campaign, and the one asked for (else the one applicants see today).

    :raise 404: when the campaign asked for does not exist.
    """
    slug = request.args.get("campaign") or None
    chosen = queries.find_campaign(slug, today())
    if slug is not None and chosen is None:
        abort(404)
    return queries.campaigns(), chosen


def _grouping() -> str:
    value = request.args.get("group", "")
    return value if value in funnel.GROUPINGS else funnel.DEFAULT_GROUPING


def _table(found: dict[str, tables.Table], default: str) -> tables.Table:
    """:raise 404: for a table the report does not have."""
    key = request.args.get("table") or default
    if key not in found:
        abort(404)
    return found[key]


def _csv(table: tables.Table, *, report: str, campaign: Campaign) -> Response:
    save(
        lambda: record_event(
            actor=current_user,
            action="reports.downloaded",
            object_type="campaign",
            object_id=campaign.id,
            details={"report": report, "table": table.key},
        )
    )
    slug = _UNSAFE_IN_FILENAME.sub("-", campaign.slug.lower()).strip("-") or "campaign"
    response = Response(tables.to_csv(table), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{report}-{slug}-{table.key}.csv"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("")
@require(Permission.VIEW_REPORTS)
def index():
    return render_template("reports/index.html")


def _funnel_tables(report: funnel.FunnelReport) -> dict[str, tables.Table]:
    found = funnel.tables(report)
    for n, group in enumerate(report.groups, 1):
        table = funnel.progress_table(group, key=f"progress-{n}")
        found[table.key] = table
    return found


@bp.get("/funnel", endpoint="funnel")
@require(Permission.VIEW_REPORTS)
def funnel_page():
    campaigns, campaign = _campaign()
    grouping = _grouping()
    if campaign is None:
        return render_template("reports/funnel.html", campaign=None, campaigns=campaigns)
    report = queries.funnel_report(campaign, grouping)
    found = _funnel_tables(report)
    return render_template(
        "reports/funnel.html",
        campaign=campaign,
        campaigns=campaigns,
        grouping=grouping,
        groupings=funnel.GROUPINGS,
        report=report,
        headline=funnel.headline(report.overall),
        tables=found,
        group_tables=[found[f"progress-{n}"] for n in range(1, len(report.groups) + 1)],
        charts=funnel.charts(report, found, campaign_name=campaign.name),
        csv_href=lambda key: url_for(
            "reports.funnel_csv", campaign=campaign.slug, group=grouping, table=key
        ),
    )


@bp.get("/funnel.csv")
@require(Permission.VIEW_REPORTS)
def funnel_csv():
    _, campaign = _campaign()
    if campaign is None:
        abort(404)
    report = queries.funnel_report(campaign, _grouping())
    table = _table(_funnel_tables(report), "detail")
    return _csv(table, report=f"funnel-by-{report.grouping}", campaign=campaign)


def _sources_tables(campaign: Campaign) -> tuple[dict[str, tables.Table], sources.Flags]:
    heard = sources.heard_about_table(queries.heard_about(campaign.id))
    flags = queries.eligibility_flags(campaign.id)
    return {heard.key: heard, flags.table.key: flags.table}, flags


@bp.get("/sources", endpoint="sources")
@require(Permission.VIEW_REPORTS)
def sources_page():
    campaigns, campaign = _campaign()
    if campaign is None:
        return render_template("reports/sources.html", campaign=None, campaigns=campaigns)
    found, flags = _sources_tables(campaign)
    return render_template(
        "reports/sources.html",
        campaign=campaign,
        campaigns=campaigns,
        tables=found,
        flags=flags,
        charts=sources.charts(found, flags, campaign_name=campaign.name),
        csv_href=lambda key: url_for("reports.sources_csv", campaign=campaign.slug, table=key),
    )


@bp.get("/sources.csv")
@require(Permission.VIEW_REPORTS)
def sources_csv():
    _, campaign = _campaign()
    if campaign is None:
        abort(404)
    found, _ = _sources_tables(campaign)
    return _csv(_table(found, "heard-about"), report="sources", campaign=campaign)


@bp.get("/equality", endpoint="equality")
@require(Permission.VIEW_EQUALITY_REPORT)
def equality_page():
    campaigns, campaign = _campaign()
    if campaign is None:
        return render_template("reports/equality.html", campaign=None, campaigns=campaigns)
    found = equality.tables(queries.equality_people(campaign.id))
    return render_template(
        "reports/equality.html",
        campaign=campaign,
        campaigns=campaigns,
        tables=found,
        stages=[equality.STAGE_LABELS[stage] for stage in equality.STAGES],
        marker=suppression.MARKER,
        smallest_shown=suppression.SMALLEST_SHOWN,
        csv_href=lambda key: url_for("reports.equality_csv", campaign=campaign.slug, table=key),
    )


@bp.get("/equality.csv")
@require(Permission.VIEW_EQUALITY_REPORT)
def equality_csv():
    _, campaign = _campaign()
    if campaign is None:
        abort(404)
    found = equality.tables(queries.equality_people(campaign.id))
    by_key = {table.key: equality.csv_table(table) for table in found}
    by_key["all"] = equality.combined_csv_table(found)
    return _csv(_table(by_key, "all"), report="equality", campaign=campaign)
