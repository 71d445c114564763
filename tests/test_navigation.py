"""The staff header comes from tracker/navigation.py: each role sees exactly the links the list
gives them, every one of which opens (never a 403 behind a visible link), and each role lands
on its own page after signing in."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import render_template_string, url_for

from tests.factories import PASSWORD, ApplicationFactory, RoleFactory, TrackFactory, UserFactory
from tests.helpers import csrf_token
from tracker import navigation
from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import Permission
from tracker.applications.states import Status

A, M, P, T = (
    StaffRole.ADMIN,
    StaffRole.HIRING_MANAGER,
    StaffRole.PARTNER,
    StaffRole.MENTOR,
)
# Every role alone, and the combinations people hold (an HR officer who mentors, a manager
# who mentors, a partner's contact who mentors).
ROLE_SETS = [[A], [M], [P], [T], [A, T], [M, T], [P, T], [A, M]]
DASH = " \N{EN DASH} "
HOMES = {
    (A,): "/staff/",
    (M,): "/staff/",
    (P,): "/partner/",
    (T,): "/staff/mentees",
    (A, T): "/staff/",
    (M, T): "/staff/",
    (P, T): "/partner/",
    (A, M): "/staff/",
}


class _Header(HTMLParser):
    """The staff header's links: the navigation's, the service name's, and the sign-out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, bool]] = []  # (href, text, current)
        self.service_href: str | None = None
        self.sign_out_action: str | None = None
        self.title = ""
        self._in_list = self._in_service = self._in_title = False
        self._link: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "title":
            self._in_title = True
        if tag == "ul" and "govuk-service-navigation__list" in classes:
            self._in_list = True
        if "govuk-service-navigation__service-name" in classes:
            self._in_service = True
        if tag == "a" and self._in_service and self.service_href is None:
            self.service_href = attrs["href"]
        if tag == "a" and self._in_list:
            self._link = [attrs["href"], "", "aria-current" in attrs]
        if tag == "form" and "app-sign-out" in classes:
            self.sign_out_action = attrs["action"]

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_list = False
        if tag == "span":
            self._in_service = False
        if tag == "title":
            self._in_title = False
        if tag == "a" and self._link is not None:
            href, text, current = self._link
            self.links.append((href, " ".join(text.split()), current))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._in_title:
            self.title += data


def _header(html: str) -> _Header:
    parser = _Header()
    parser.feed(html)
    return parser


@pytest.fixture
def roles(default_catalogue):
    """Two roles on one track with candidates in them, for the managers' scope."""
    track = TrackFactory(name="Digital and data")
    first = RoleFactory(track=track, title="Data analyst apprentice")
    second = RoleFactory(track=track, title="Software developer apprentice")
    for status in (Status.SUBMITTED, Status.SUBMITTED, Status.SIFT):
        ApplicationFactory(role=first, submitted=True, stage=status)
    ApplicationFactory(role=second, interview=True)
    return track, first, second


def _user(role_set, track):
    return UserFactory(roles=role_set, tracks=[track] if M in role_set else [])


def _expected(app, user, items=navigation.NAVIGATION) -> list[tuple[str, str]]:
    with app.test_request_context():
        return [
            (url_for(navigation.endpoint_of(item)), item.text)
            for item in navigation.items_for(user, items)
        ]


@pytest.mark.parametrize("role_set", ROLE_SETS, ids=lambda r: "+".join(x.value for x in r))
def test_each_role_sees_exactly_its_links_from_the_list_and_every_one_opens(
    app, client, sign_in_through_the_form, roles, role_set
):
    user = _user(role_set, roles[0])
    expected = _expected(app, user)

    landing = sign_in_through_the_form(user)

    assert landing.status_code == 302
    assert landing.location == HOMES[tuple(role_set)]
    home = client.get(landing.location)
    assert home.status_code == 200
    header = _header(home.get_data(as_text=True))
    assert [(href, text) for href, text, _ in header.links] == expected
    assert header.service_href == landing.location
    assert header.sign_out_action == "/staff/sign-out"
    assert ("/staff/account/password", "Your account") in expected
    for href, text in expected:
        response = client.get(href)
        assert response.status_code == 200, (text, href, response.status_code)
        page = _header(response.get_data(as_text=True))
        # The page's own item is marked as the current one, and no other.
        assert [t for _, t, current in page.links if current] == [text], href
        assert [(h, t) for h, t, _ in page.links] == expected, href


def test_the_lists_give_each_role_the_pages_of_its_work(app, roles):
    texts = {}
    for role_set in ROLE_SETS:
        user = _user(role_set, roles[0])
        texts[tuple(role_set)] = [text for _, text in _expected(app, user)]
    interviews = ["Interviews"] if "scheduling.interviews" in app.view_functions else []
    assert texts[(A,)] == [
        "Candidates",
        *interviews,
        "Partners",
        "Apprentices",
        "Reports",
        "Admin",
        "Your account",
    ]
    assert texts[(M,)] == ["Candidates", *interviews, "Exports", "Your account"]
    assert texts[(P,)] == ["Your shares", "Your account"]
    assert texts[(T,)] == ["Your mentees", "Your account"]
    assert texts[(A, T)][-2:] == ["Your mentees", "Your account"]


@pytest.mark.parametrize("role_set", [[A], [M], [P], [T]], ids=lambda r: r[0].value)
def test_the_admin_index_lists_only_the_pages_the_user_may_open(
    app, client, sign_in, roles, role_set
):
    user = _user(role_set, roles[0])
    expected = _expected(app, user, navigation.ADMIN_PAGES)
    sign_in(user)

    response = client.get("/admin")

    if not expected:
        assert response.status_code == 403
        return
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert [text for _, text in expected] == [
        "Users",
        "Audit log",
        "Emails",
        "Email templates",
        "Data requests",
        "Retention",
    ]
    for href, text in expected:
        assert f'href="{href}">{text}</a>' in html
        assert client.get(href).status_code == 200, href


def test_an_item_whose_view_needs_more_than_the_list_says_is_not_shown(app, roles):
    """The list's permissions cannot put a 403 behind a link: the view's own requirement
    counts too."""
    manager = _user([M], roles[0])
    wrong = navigation.Item("Users", ("admin.users",), frozenset({Permission.VIEW_ROLES}))
    missing = navigation.Item("Soon", ("nothing.yet",), frozenset({Permission.VIEW_ROLES}))
    with app.test_request_context():
        assert navigation.items_for(manager, (wrong, missing)) == []


def test_candidates_lists_the_roles_in_scope_with_counts_by_stage(client, sign_in, roles):
    _, first, _ = roles
    other = RoleFactory(title="Cyber security apprentice")
    ApplicationFactory(role=other, submitted=True)
    manager = UserFactory(roles=[M], scoped_roles=[first])
    sign_in(manager)

    html = client.get("/staff/candidates").get_data(as_text=True)

    assert "Data analyst apprentice" in html
    assert "Software developer apprentice" not in html and "Cyber security" not in html
    assert f'href="/staff/roles/{first.id}/candidates?status=submitted">2<' in html
    assert f'href="/staff/roles/{first.id}/candidates?status=sift">1<' in html
    assert f'href="/staff/roles/{first.id}/candidates">Data analyst apprentice</a>' in html


def test_candidates_is_refused_to_partners_and_mentors(client, sign_in, roles):
    sign_in(UserFactory(roles=[P, T]))

    assert client.get("/staff/candidates").status_code == 403


def test_a_safe_next_page_still_wins_over_the_landing_page(client, sign_in_through_the_form, roles):
    partner = UserFactory(roles=[P])

    response = client.post(
        "/staff/sign-in?next=/staff/account/password",
        data={
            "email": partner.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/staff/sign-in"),
        },
    )

    assert response.location == "/staff/account/password"
    assert (
        sign_in_through_the_form(partner).location == "/partner/"
    )  # already in: straight to their home


def test_titles_name_the_page_first_and_the_service_once(app, client, sign_in, roles):
    sign_in(_user([A], roles[0]))

    title = _header(client.get("/staff/candidates").get_data(as_text=True)).title

    brand = app.config["BRANDING"]
    assert title == f"Candidates{DASH}{brand['service_name']}{DASH}{brand['council_name']}"


def test_a_service_named_after_its_council_names_the_council_once(make_app):
    brand = {"service_name": "Example Borough Council apprenticeships"}
    other = make_app()
    other.config["BRANDING"] = {**other.config["BRANDING"], **brand}
    with other.test_request_context():
        html = render_template_string(
            '{% extends "layout.html" %}{% block title %}Cookies{% endblock %}'
        )
    title = _header(html).title
    assert title == f"Cookies{DASH}Example Borough Council apprenticeships"
