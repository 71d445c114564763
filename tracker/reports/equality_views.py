"""The equality report: the one staff page that shows equality data, and only in suppressed
aggregate (it needs VIEW_EQUALITY_REPORT). It reads overall, or for one role, track or level
(?group=), and every reading is hidden together with the others (breakdowns.py)."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, render_template, request, url_for

from tracker.accounts.permissions import Permission, require
from tracker.reports import equality, equality_queries, likelihood, population, suppression
from tracker.reports import equality_csv as files
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, table_or_404
from tracker.reports.population_services import loaded


def _page(campaign):
    """The report, the page of it asked for, and the groups it can be shown for. The overall
    page does not wait for the breakdowns (breakdowns.publish_overall).
    :raise 404: for a group the campaign lacks."""
    key = request.args.get("group") or None
    report, groups = equality_queries.report(campaign, with_breakdowns=key is not None)
    page = report.page(key)
    if page is None:
        abort(404)
    return report, page, groups


@bp.get("/equality", endpoint="equality")
@require(Permission.VIEW_EQUALITY_REPORT)
def equality_page():
    campaigns, campaign = chosen_campaign()
    if campaign is None:
        return render_template("reports/equality.html", campaign=None, campaigns=campaigns)
    report, page, groups = _page(campaign)
    group = page.group.key if page.group else None
    return render_template(
        "reports/equality.html",
        campaign=campaign,
        campaigns=campaigns,
        report=report,
        page=page,
        groups=groups,
        tables=page.tables,
        shares=likelihood.shares,
        likelihood=likelihood.likelihood,
        stages=[equality.STAGE_LABELS[stage] for stage in equality.STAGES],
        marker=suppression.MARKER,
        smallest_shown=suppression.SMALLEST_SHOWN,
        population=loaded() if page.group is None else None,
        compare=population.comparison,
        csv_href=lambda key: url_for(
            "reports.equality_csv", campaign=campaign.slug, group=group, table=key
        ),
    )


@bp.get("/equality.csv")
@require(Permission.VIEW_EQUALITY_REPORT)
def equality_csv():
    _, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    _, page, _ = _page(campaign)
    area = loaded() if page.group is None else None  # the population: overall only
    by_key = {table.key: files.csv_table(table, population=area) for table in page.tables}
    by_key["all"] = files.combined_csv_table(page.tables, population=area)
    chosen = table_or_404(by_key, "all")
    if page.group is not None:  # the group in the file's name
        chosen = replace(chosen, key=f"{page.group.key}-{chosen.key}")
    return csv_response(chosen, report="equality", campaign=campaign)
