"""Why applications ended: reasons for unsuccessful decisions and for withdrawals."""

from __future__ import annotations

from flask import abort, render_template, url_for

from tracker.accounts.permissions import Permission, require
from tracker.reports import outcome_queries, reasons
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, table_or_404


@bp.get("/reasons", endpoint="reasons")
@require(Permission.VIEW_REPORTS)
def reasons_page():
    campaigns, campaign = chosen_campaign()
    if campaign is None:
        return render_template("reports/reasons.html", campaign=None, campaigns=campaigns)
    found = reasons.tables(outcome_queries.endings(campaign.id))
    return render_template(
        "reports/reasons.html",
        campaign=campaign,
        campaigns=campaigns,
        tables=found,
        charts=reasons.charts(found, campaign_name=campaign.name),
        csv_href=lambda key: url_for("reports.reasons_csv", campaign=campaign.slug, table=key),
    )


@bp.get("/reasons.csv")
@require(Permission.VIEW_REPORTS)
def reasons_csv():
    _, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    found = reasons.tables(outcome_queries.endings(campaign.id))
    return csv_response(table_or_404(found, "unsuccessful"), report="reasons", campaign=campaign)
