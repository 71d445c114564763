"""Every staff page on a phone (375 px wide), as each role that may see it, with realistic
records: nothing scrolls sideways and axe-core finds no serious violation.

``PAGES`` maps every GET endpoint under /staff, /admin and /partner to how to reach it (paths
filled in from the seeded records, and who may see it), or to why it is not a page to look at
(a file download, a redirect). A new page fails ``test_every_staff_page_is_in_the_table``
until it is added here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import running_app, serious_axe_violations, serving
from tests.browser.phone_seed import seed_phone_records
from tests.factories import PASSWORD, UserFactory
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.workqueue.lines import LINES

pytestmark = pytest.mark.browser

WIDTH = 375
HR, MANAGER, PARTNER, MENTOR = "hr", "manager", "partner", "mentor"
ANYONE = "signed out"
STAFF = (HR, MANAGER)
EVERYONE = (HR, MANAGER, PARTNER, MENTOR)


@dataclass(frozen=True)
class Visit:
    paths: tuple[str, ...]
    who: tuple[str, ...]
    status: int = 200


def visit(*paths: str, who=(HR,), status: int = 200) -> Visit:
    return Visit(paths, tuple(who), status)


def _queue_paths(role: StaffRole) -> tuple[str, ...]:
    # The emails line leads to the admin emails page, listed on its own.
    return tuple(
        f"/staff/queue/{line.key}"
        for line in LINES
        if line.audience is role and line.key != "emails_failed"
    )


SECTIONS = ("", "?section=scores", "?section=timeline", "?section=notes", "?section=emails")
APPLICATION = "/staff/applications/{application}"

PAGES: dict[str, tuple[Visit, ...] | str] = {
    "staff.dashboard": (visit("/staff/", who=EVERYONE),),
    "staff.candidates": (visit("/staff/candidates", who=STAFF),),
    "staff.role": (visit("/staff/roles/{role}", who=STAFF),),
    "staff.application": (
        visit(*(APPLICATION + s for s in SECTIONS), who=(HR,)),
        visit(APPLICATION, APPLICATION + "?section=timeline", who=(MANAGER,)),
    ),
    "staff.application_cv": "a file download",
    "screening.candidates": (
        visit(
            "/staff/roles/{role}/candidates",
            "/staff/roles/{role}/candidates?status=sift",
            "/staff/roles/{role}/candidates?status=interview",
            who=STAFF,
        ),
    ),
    "screening.review": (
        visit("/staff/roles/{role}/review", who=STAFF, status=400),
        visit("/staff/roles/{role}/review?status=assessment", who=STAFF),
    ),
    "scheduling.slots": (visit("/staff/roles/{role}/slots", who=STAFF),),
    "scheduling.slot": (visit("/staff/slots/{slot}", who=STAFF),),
    "scheduling.interviews": (visit("/staff/interviews", who=STAFF),),
    "scheduling.new_day": (visit("/staff/roles/{role}/days/new", who=STAFF),),
    "scheduling.invitation": "a calendar file download",
    "scheduling.slot_pack": (visit("/staff/slots/{slot}/pack", who=STAFF),),
    "scheduling.day_pack": (
        visit("/staff/roles/{role}/days/{slot_day}/interview/pack", who=STAFF),
    ),
    "scheduling.slot_pack_pdf": "a PDF download",
    "scheduling.day_pack_pdf": "a PDF download",
    "workqueue.queue": (
        visit(*_queue_paths(StaffRole.ADMIN), who=(HR,)),
        visit(*_queue_paths(StaffRole.HIRING_MANAGER), who=(MANAGER,)),
        visit(*_queue_paths(StaffRole.PARTNER), who=(PARTNER,)),
        visit(*_queue_paths(StaffRole.MENTOR), who=(MENTOR,)),
    ),
    "partners.shares": (visit("/staff/shares"),),
    "partners.new_share": (visit("/staff/shares/new"),),
    "partners.share": (visit("/staff/shares/{share}"),),
    "partners.end": (visit("/staff/shares/{share}/end"),),
    "partners.organisations": (visit("/staff/partners/organisations"),),
    "partners.new_organisation": (visit("/staff/partners/organisations/new"),),
    "partners.organisation": (visit("/staff/partners/organisations/{organisation}"),),
    "partners.edit_organisation": (visit("/staff/partners/organisations/{organisation}/edit"),),
    "partners.unshare": (visit("/staff/shares/{share}/candidates/{shared}/unshare"),),
    "partners.portal": (visit("/partner/", who=(PARTNER,)),),
    "partners.partner_share": (visit("/partner/shares/{share}", who=(PARTNER,)),),
    "partners.candidate": (visit("/partner/candidates/{shared}", who=(PARTNER,)),),
    "mentoring.apprentices": (visit("/staff/apprentices"),),
    "mentoring.assign": (visit("/staff/apprentices/{hired}/mentor"),),
    "mentoring.mentors": (visit("/staff/mentors"),),
    "mentoring.profile": (visit("/staff/mentors/{mentor_user}"),),
    "mentoring.mentees": (visit("/staff/mentees", who=(MENTOR,)),),
    "mentoring.mentee": (visit("/staff/mentees/{mentee}", who=(MENTOR,)),),
    "reports.index": (visit("/staff/reports"),),
    "reports.funnel": (
        visit(
            "/staff/reports/funnel",
            "/staff/reports/funnel?by=track",
            "/staff/reports/funnel?by=level",
        ),
    ),
    "reports.sources": (visit("/staff/reports/sources"),),
    "reports.equality": (
        visit("/staff/reports/equality", "/staff/reports/equality?group=role-{role}"),
    ),
    "reports.funnel_csv": "a CSV download",
    "reports.sources_csv": "a CSV download",
    "reports.equality_csv": "a CSV download",
    "reports.comparison": (
        visit(
            "/staff/reports/comparison",
            "/staff/reports/comparison?submitted_from=31&submitted_from=2&submitted_from=2026",
        ),
    ),
    "reports.reasons": (visit("/staff/reports/reasons"),),
    "reports.timing": (visit("/staff/reports/time-to-hire"),),
    "reports.population": (visit("/staff/reports/equality/population"),),
    "reports.remove_population": (visit("/staff/reports/equality/population/remove"),),
    "reports.comparison_csv": "a CSV download",
    "reports.reasons_csv": "a CSV download",
    "reports.timing_csv": "a CSV download",
    "exports.shortlist": (
        visit(
            "/staff/exports/shortlist",
            "/staff/exports/shortlist?role_id={role}&status=interview&status=offer"
            "&submitted_from=1&submitted_from=1&submitted_from=2020"
            "&columns=reference&columns=full_name&columns=essential_1&columns=partner_feedback"
            "&format=csv&move=up:full_name",
            "/staff/exports/shortlist?role_id={role}&status=sift&columns=full_name&format=csv",
            who=STAFF,
        ),
        visit("/staff/exports/shortlist?template={hr_template}", who=(HR,)),
        visit("/staff/exports/shortlist?template={manager_template}", who=(MANAGER,)),
    ),
    "exports.new_template": (
        visit(
            "/staff/exports/templates/new?columns=reference&columns=interview_at",
            "/staff/exports/templates/new",
            who=STAFF,
        ),
    ),
    "exports.template": (
        visit("/staff/exports/templates/{hr_template}", who=(HR,)),
        visit("/staff/exports/templates/{manager_template}", who=(MANAGER,)),
    ),
    "exports.download": "a CSV download",
    "privacy.data_requests": (visit("/staff/data-requests"),),
    "privacy.applicant": (visit("/staff/data-requests/{applicant}"),),
    "privacy.erase": (visit("/staff/data-requests/{applicant}/erase"),),
    "privacy.retention": (visit("/staff/retention"),),
    "admin.index": (visit("/admin"),),
    "admin.users": (visit("/admin/users"),),
    "admin.user": (visit("/admin/users/{long_user}"),),
    "admin.deactivate": (visit("/admin/users/{long_user}/deactivate"),),
    "admin.invite": (visit("/admin/users/invite"),),
    "audit.log": (visit("/admin/audit", "/admin/audit?from-day=31&from-month=2&from-year=2026"),),
    "audit.event": (visit("/admin/audit/{event}"),),
    "audit.download": "a CSV download",
    "admin.emails": (visit("/admin/emails"),),
    "admin.email_templates": (visit("/admin/email-templates"),),
    "admin.email_template": (visit("/admin/email-templates/staff_invitation"),),
    "accounts.change_password": (visit("/staff/account/password", who=EVERYONE),),
    "accounts.sign_in": (visit("/staff/sign-in", who=(ANYONE,)),),
    "accounts.forgotten_password": (visit("/staff/password/forgotten", who=(ANYONE,)),),
    # Without a link's token in the session: the "link has expired" page.
    "accounts.accept_invitation": (visit("/staff/invitation", who=(ANYONE,), status=410),),
    "accounts.reset_password": (visit("/staff/password/reset", who=(ANYONE,), status=410),),
    "accounts.invitation_link": "a redirect that moves the token into the session",
    "accounts.reset_link": "a redirect that moves the token into the session",
    "accounts.second_factor": "seen on the way in: test_signing_in_fits_a_phone",
    "accounts.set_up_second_factor": "seen on the way in: test_signing_in_fits_a_phone",
}


def staff_get_endpoints(app) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith(("/staff", "/admin", "/partner"))
    }


@pytest.fixture(scope="module")
def stack():
    """Its own app and database: the dozens of candidates here would change other modules'
    counts."""
    with running_app() as app:
        with app.app_context():
            records = seed_phone_records()
            db.session.remove()
        with serving(app) as url:
            yield app, url, records


def test_every_staff_page_is_in_the_table(stack):
    app = stack[0]
    missing = staff_get_endpoints(app) - set(PAGES)
    assert not missing, f"add these pages to PAGES in {__name__}: {sorted(missing)}"


def _phone(browser, url):
    return browser.new_context(base_url=url, viewport={"width": WIDTH, "height": 812})


def _fits(page, label: str) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width != WIDTH:
        problems.append(f"{label}: {width} px wide")
    problems += [f"{label}: {v}" for v in serious_axe_violations(page)]
    return problems


def _sign_in(page, who) -> list[str]:
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(who.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    problems = []
    if who.totp_secret:
        expect(page.get_by_label("Security code")).to_be_visible()
        problems = _fits(page, "accounts.second_factor")
        page.get_by_label("Security code").fill(pyotp.TOTP(who.totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return problems


def _visits_for(app, role: str):
    for endpoint, visits in PAGES.items():
        if isinstance(visits, str) or endpoint not in app.view_functions:
            continue  # not a page, or a page another part of the service has yet to add
        for v in visits:
            if role in v.who:
                for path in v.paths:
                    yield endpoint, path, v.status


@pytest.mark.parametrize("role", [HR, MANAGER, PARTNER, MENTOR, ANYONE])
def test_every_staff_page_fits_a_phone(browser, stack, role):
    app, url, records = stack
    context = _phone(browser, url)
    page = context.new_page()
    problems = [] if role == ANYONE else _sign_in(page, getattr(records, role))
    visited = 0
    try:
        for endpoint, path, status in _visits_for(app, role):
            target = path.format(**records.ids)
            response = page.goto(target)
            label = f"{endpoint} {target}"
            if response.status != status:
                problems.append(f"{label}: answered {response.status}")
                continue
            problems += _fits(page, label)
            visited += 1
    finally:
        context.close()
    assert visited, "no pages visited"
    assert not problems, "\n".join(problems)


def test_signing_in_fits_a_phone(browser, stack):
    """The security code pages, which only show on the way in."""
    app, url, records = stack
    with app.app_context():
        admin = UserFactory(roles=[StaffRole.ADMIN], email="new.hr.phone@example.gov.uk")
        admin.totp_secret = None
        db.session.commit()
        db.session.remove()
    context = _phone(browser, url)
    page = context.new_page()
    try:
        page.goto("/staff/sign-in")
        page.get_by_label("Email address").fill("new.hr.phone@example.gov.uk")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Set up security codes")).to_be_visible()
        problems = _fits(page, "accounts.set_up_second_factor")
        page.context.clear_cookies()
        problems += _sign_in(page, records.hr)  # checks the security code page
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_sign_out_shares_the_council_row_at_every_width(browser, stack):
    """Never on a row of its own: beside the council's name from 320 px up."""
    _, url, records = stack
    context = _phone(browser, url)
    page = context.new_page()
    try:
        _sign_in(page, records.mentor)
        rows = []
        for width in (320, 375, 641, 1024, 1440):
            page.set_viewport_size({"width": width, "height": 800})
            brand = page.locator(".app-header__brand").bounding_box()
            button = page.get_by_role("button", name="Sign out").bounding_box()
            overlaps = button["y"] < brand["y"] + brand["height"] and brand["y"] < (
                button["y"] + button["height"]
            )
            rows.append((width, overlaps, button["x"] > brand["x"]))
            assert page.evaluate("document.documentElement.scrollWidth") == width
    finally:
        context.close()
    assert rows == [(w, True, True) for w, _, _ in rows]
