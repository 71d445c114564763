"""Time to offer, time to hire and offers accepted, by role, track or level."""

from __future__ import annotations

from flask import abort, render_template, url_for

from tracker.accounts.permissions import Permission, require
from tracker.reports import funnel, outcome_queries, timing
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, grouping, table_or_404


@bp.get("/time-to-hire", endpoint="timing")
@require(Permission.VIEW_REPORTS)
def timing_page():
    campaigns, campaign = chosen_campaign()
    if campaign is None:
        return render_template("reports/timing.html", campaign=None, campaigns=campaigns)
    chosen_grouping = grouping()
    report = outcome_queries.timing_report(campaign, chosen_grouping)
    found = timing.tables(report)
    return render_template(
        "reports/timing.html",
        campaign=campaign,
        campaigns=campaigns,
        grouping=chosen_grouping,
        groupings=funnel.GROUPINGS,
        report=report,
        tables=found,
        charts=timing.charts(report, found, campaign_name=campaign.name),
        csv_href=lambda key: url_for(
            "reports.timing_csv", campaign=campaign.slug, group=chosen_grouping, table=key
        ),
    )


@bp.get("/time-to-hire.csv", endpoint="timing_csv")
@require(Permission.VIEW_REPORTS)
def timing_csv():
    _, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    report = outcome_queries.timing_report(campaign, grouping())
    table = table_or_404(timing.tables(report), "time-to-hire")
    return csv_response(table, report=f"time-to-hire-by-{report.grouping}", campaign=campaign)
