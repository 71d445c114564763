"""The equality report: the one staff page that shows equality data, and only in suppressed
aggregate (it needs VIEW_EQUALITY_REPORT)."""

from __future__ import annotations

from flask import abort, render_template, url_for

from tracker.accounts.permissions import Permission, require
from tracker.reports import equality, queries, suppression
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, table_or_404


@bp.get("/equality", endpoint="equality")
@require(Permission.VIEW_EQUALITY_REPORT)
def equality_page():
    campaigns, campaign = chosen_campaign()
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
    _, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    found = equality.tables(queries.equality_people(campaign.id))
    by_key = {table.key: equality.csv_table(table) for table in found}
    by_key["all"] = equality.combined_csv_table(found)
    return csv_response(table_or_404(by_key, "all"), report="equality", campaign=campaign)
