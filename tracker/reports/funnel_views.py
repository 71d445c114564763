"""The funnel report: how far applications got, by role, track or level, and how long each
stage took."""

from __future__ import annotations

from flask import abort, render_template, url_for

from tracker.accounts.permissions import Permission, require
from tracker.reports import funnel, funnel_tables, queries, tables
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, grouping, table_or_404


def _funnel_tables(report: funnel.FunnelReport) -> dict[str, tables.Table]:
    found = funnel_tables.tables(report)
    for n, group in enumerate(report.groups, 1):
        table = funnel_tables.progress_table(group, key=f"progress-{n}")
        found[table.key] = table
    return found


@bp.get("/funnel", endpoint="funnel")
@require(Permission.VIEW_REPORTS)
def funnel_page():
    campaigns, campaign = chosen_campaign()
    chosen_grouping = grouping()
    if campaign is None:
        return render_template("reports/funnel.html", campaign=None, campaigns=campaigns)
    report = queries.funnel_report(campaign, chosen_grouping)
    found = _funnel_tables(report)
    return render_template(
        "reports/funnel.html",
        campaign=campaign,
        campaigns=campaigns,
        grouping=chosen_grouping,
        groupings=funnel.GROUPINGS,
        report=report,
        headline=funnel.headline(report.overall),
        tables=found,
        group_tables=[found[f"progress-{n}"] for n in range(1, len(report.groups) + 1)],
        charts=funnel_tables.charts(report, found, campaign_name=campaign.name),
        csv_href=lambda key: url_for(
            "reports.funnel_csv", campaign=campaign.slug, group=chosen_grouping, table=key
        ),
    )


@bp.get("/funnel.csv")
@require(Permission.VIEW_REPORTS)
def funnel_csv():
    _, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    report = queries.funnel_report(campaign, grouping())
    table = table_or_404(_funnel_tables(report), "detail")
    return csv_response(table, report=f"funnel-by-{report.grouping}", campaign=campaign)
