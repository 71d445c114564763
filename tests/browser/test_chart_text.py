"""In headless Chromium: every piece of text in every report chart is drawn inside the chart
(SVG text does not wrap, so text past the edge is cut off), at a phone's width and a desktop's;
and a group with a single value still shows a box."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from tests.browser.conftest import sign_in_staff
from tests.browser.test_report_pages import PAGES, _earlier_campaign, _history
from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.catalogue.models import Campaign, Role
from tracker.extensions import db
from tracker.reports.charts import Bar, Pair, bar_chart, paired_bar_chart
from tracker.reports.spread import spread
from tracker.reports.spread_chart import spread_chart

pytestmark = pytest.mark.browser

# For each chart on the page: its width (the viewBox's) and every text element's extent,
# in the chart's own units, as Chromium lays the text out in the fonts it has.
MEASURE = """() => [...document.querySelectorAll('svg.app-chart')].map(svg => ({
    id: svg.getAttribute('aria-labelledby'),
    width: svg.viewBox.baseVal.width,
    texts: [...svg.querySelectorAll('text')].map(t => {
        const box = t.getBBox();
        return {text: t.textContent, left: box.x, right: box.x + box.width,
                length: t.getComputedTextLength()};
    }),
}))"""


def _outside(page) -> list[tuple]:
    charts = page.evaluate(MEASURE)
    assert charts, "no chart on the page"
    return [
        (chart["id"], text["text"], round(text["left"], 1), round(text["right"], 1))
        for chart in charts
        for text in chart["texts"]
        if text["left"] < -0.5 or text["right"] > chart["width"] + 0.5 or text["length"] <= 0
    ]


@pytest.fixture(scope="module")
def charted(live_app):
    """HR, and candidates in two roles with a history to time, and an earlier campaign."""
    with live_app.app_context():
        roles = db.session.scalars(select(Role).order_by(Role.position).limit(2)).all()
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.charts@example.gov.uk")
        hr.totp_secret = pyotp.random_base32()
        statuses = [Status.SUBMITTED, Status.SIFT, Status.INTERVIEW, Status.UNSUCCESSFUL]
        for n in range(16):
            # Status set directly: _history writes the timeline at chosen days after
            # submission (the charts time it), which the pipeline's moves would date today.
            application = ApplicationFactory(
                role=roles[n % 2], submitted=True, status=statuses[n % 4]
            )
            _history(application, n)
        # The report pages' own test may have made it already, in this same server.
        if not db.session.scalar(select(Campaign.id).where(Campaign.name.like("Last year%"))):
            _earlier_campaign(roles[0])
        db.session.commit()
        return hr.email, hr.totp_secret


def test_every_report_charts_text_ends_inside_the_chart(browser, live_server, charted):
    # One sign-in for both widths: a security code is accepted once.
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 900})
    page = context.new_page()
    sign_in_staff(page, *charted)
    try:
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for path, _heading in PAGES:
                page.goto(path)
                if page.locator("svg.app-chart").count():
                    assert _outside(page) == [], (path, width)
    finally:
        context.close()


def _drawn_alone(page, *charts) -> None:
    page.set_content("".join(f"<div>{chart}</div>" for chart in charts))


def test_the_longest_figures_and_labels_fit_every_kind_of_chart(page):
    """Figures as long as a big council's: a share with five-digit counts, spreads of
    thousands of days, long group names."""
    long_label = "Business administration apprentice, level 3 (adult social care) " * 2
    paired = paired_bar_chart(
        chart_id="chart-pair",
        title="Share",
        summary="Paired.",
        series=("Intake 2027, submitted from 1 September 2026 to 28 February 2027", "Before"),
        pairs=[
            Pair("Applied", Bar("", 100, "100% (12,345)"), Bar("", 100, "100% (99,999)")),
            Pair(long_label, Bar("", 99.9, "99.9% (12,344)"), None),
        ],
        largest=100,
    )
    bars = bar_chart(
        chart_id="chart-bars",
        title="Counts",
        summary="Bars.",
        bars=[
            Bar(long_label, 123_456, "123,456"),
            Bar("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", 1, "100% (12,345)"),
        ],
    )
    spreads = spread_chart(
        chart_id="chart-spread",
        title="Days",
        summary="Spread.",
        rows=[
            (long_label, spread([1, 1_234, 12_345, 123_456])),
            ("One", spread([7])),
            ("All applications", spread(list(range(0, 30_000, 7)))),
        ],
    )
    _drawn_alone(page, paired, bars, spreads)

    assert _outside(page) == []
    # The single value's box is drawn, not an empty row.
    one = page.locator("#chart-spread-title").locator("xpath=..").locator("rect").nth(1)
    assert float(one.get_attribute("width")) >= 8
