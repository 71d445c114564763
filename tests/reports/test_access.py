"""Reports are HR's alone: hiring managers, partners and mentors are refused every report page
and file, and anyone not signed in is sent to sign in."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import Permission, can
from tracker.extensions import db

PATHS = [
    "/staff/reports",
    "/staff/reports/funnel",
    "/staff/reports/funnel.csv?table=detail",
    "/staff/reports/sources",
    "/staff/reports/sources.csv?table=heard-about",
    "/staff/reports/equality",
    "/staff/reports/equality.csv",
    "/staff/reports/comparison",
    "/staff/reports/comparison.csv",
    "/staff/reports/reasons",
    "/staff/reports/reasons.csv?table=withdrawals-by-stage",
    "/staff/reports/time-to-hire",
    "/staff/reports/time-to-hire.csv?table=offers",
]
NOT_HR = [StaffRole.HIRING_MANAGER, StaffRole.PARTNER, StaffRole.MENTOR]


@pytest.fixture
def committed(candidate, campaign):
    # A refused request rolls its transaction back: what it would show must be committed.
    candidate()
    db.session.commit()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("staff_role", NOT_HR, ids=lambda r: r.value)
def test_only_hr_may_see_reports(client, sign_in, committed, campaign, staff_role, path):
    user = UserFactory(roles=[staff_role])
    db.session.commit()
    sign_in(user)

    response = client.get(path)

    assert response.status_code == 403
    assert campaign.name not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PATHS)
def test_hr_may_see_every_report(client, sign_in, hr, committed, path):
    sign_in(hr)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_people_are_sent_to_sign_in(client, committed, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


def test_the_equality_report_needs_its_own_permission():
    # Today only HR holds either permission; the equality report asks for its own, so that
    # the two can be given apart.
    from tracker.reports import (
        comparison_views,
        equality_views,
        funnel_views,
        reasons_views,
        sources_views,
        timing_views,
        views,
    )

    assert equality_views.equality_page.required_permission is Permission.VIEW_EQUALITY_REPORT
    assert equality_views.equality_csv.required_permission is Permission.VIEW_EQUALITY_REPORT
    for view in (
        views.index,
        funnel_views.funnel_page,
        funnel_views.funnel_csv,
        sources_views.sources_page,
    ):
        assert view.required_permission is Permission.VIEW_REPORTS
    assert sources_views.sources_csv.required_permission is Permission.VIEW_REPORTS
    for view in (
        comparison_views.comparison_page,
        comparison_views.comparison_csv,
        reasons_views.reasons_page,
        reasons_views.reasons_csv,
        timing_views.timing_page,
        timing_views.timing_csv,
    ):
        assert view.required_permission is Permission.VIEW_REPORTS
    for role in NOT_HR:
        user = UserFactory(roles=[role])
        assert not can(user, Permission.VIEW_EQUALITY_REPORT)
        assert not can(user, Permission.VIEW_REPORTS)
