"""Where applicants heard about the roles, and what the eligibility questions flagged."""

from __future__ import annotations

from flask import abort, render_template, url_for

from tracker.accounts.permissions import Permission, require
from tracker.catalogue.models import Campaign
from tracker.reports import conversion, outcome_queries, queries, sources, tables
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, table_or_404


def _sources_tables(campaign: Campaign) -> tuple[dict[str, tables.Table], sources.Flags]:
    heard = sources.heard_about_table(queries.heard_about(campaign.id))
    flags = queries.eligibility_flags(campaign.id)
    converted = conversion.conversion_table(outcome_queries.source_people(campaign.id))
    return {heard.key: heard, converted.key: converted, flags.table.key: flags.table}, flags


@bp.get("/sources", endpoint="sources")
@require(Permission.VIEW_REPORTS)
def sources_page():
    campaigns, campaign = chosen_campaign()
    if campaign is None:
        return render_template("reports/sources.html", campaign=None, campaigns=campaigns)
    found, flags = _sources_tables(campaign)
    return render_template(
        "reports/sources.html",
        campaign=campaign,
        campaigns=campaigns,
        tables=found,
        flags=flags,
        charts=sources.charts(found, flags, campaign_name=campaign.name)
        | {"conversion": conversion.chart(found["conversion"], campaign_name=campaign.name)},
        csv_href=lambda key: url_for("reports.sources_csv", campaign=campaign.slug, table=key),
    )


@bp.get("/sources.csv")
@require(Permission.VIEW_REPORTS)
def sources_csv():
    _, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    found, _ = _sources_tables(campaign)
    return csv_response(table_or_404(found, "heard-about"), report="sources", campaign=campaign)
