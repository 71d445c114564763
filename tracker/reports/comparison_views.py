"""The funnel for a range of dates, against the previous campaign."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from tracker.accounts.permissions import Permission, require
from tracker.reports import comparison, outcome_queries
from tracker.reports.blueprint import bp, chosen_campaign, csv_response, table_or_404
from tracker.reports.forms import DateRangeForm


def _page(campaigns, campaign, form: DateRangeForm, valid: bool):
    found = chart = compared = previous = None
    if campaign is not None:
        previous = comparison.previous_campaign(campaigns, campaign)
        if valid:
            compared = outcome_queries.compare(campaign, previous, form.period(campaign))
            found = comparison.table(compared)
            chart = comparison.chart(compared)
    return render_template(
        "reports/comparison.html",
        campaign=campaign,
        campaigns=campaigns,
        previous=previous,
        form=form,
        compared=compared,
        table=found,
        chart=chart,
        csv_href=url_for(
            "reports.comparison_csv", campaign=campaign.slug if campaign else None, **form.args()
        ),
    )


@bp.get("/comparison", endpoint="comparison")
@require(Permission.VIEW_REPORTS)
def comparison_page():
    campaigns, campaign = chosen_campaign()
    form = DateRangeForm(formdata=request.args)
    return _page(campaigns, campaign, form, form.validate())


@bp.get("/comparison.csv")
@require(Permission.VIEW_REPORTS)
def comparison_csv():
    campaigns, campaign = chosen_campaign()
    if campaign is None:
        abort(404)
    form = DateRangeForm(formdata=request.args)
    if not form.validate():
        # Bad dates: the page says what is wrong, and nothing is downloaded or audited.
        return _page(campaigns, campaign, form, False), 400
    previous = comparison.previous_campaign(campaigns, campaign)
    compared = outcome_queries.compare(campaign, previous, form.period(campaign))
    table = table_or_404({"comparison": comparison.table(compared)}, "comparison")
    return csv_response(
        table, report="funnel-comparison", campaign=campaign, details=form.details()
    )
