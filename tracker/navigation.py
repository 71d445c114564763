"""The staff header's links, from one declarative list (each role's landing page is
tracker/accounts/home.py).

The header shows a user exactly the items of ``NAVIGATION`` they may open: an item needs one
of its permissions AND whatever permission its view itself requires (``@require`` records it
on the view), so a link never leads to a 403. An item whose view is not installed (another
part of the service not yet built) is left out rather than breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from tracker.accounts.home import home_url
from tracker.accounts.permissions import Permission, can

P = Permission


@dataclass(frozen=True)
class Item:
    text: str
    # The first of these that the app has: a page being replaced keeps working till it goes.
    endpoints: tuple[str, ...]
    # Shown to a user who holds ANY of these.
    permissions: frozenset[Permission]
    # Endpoints (shell patterns: "reports.*") whose pages mark this item as the current one.
    active: tuple[str, ...] = ()
    # Hidden from a user who holds this: HR reach exports from the reports, not the header.
    unless: Permission | None = None
    hint: str = field(default="", compare=False)


NAVIGATION: tuple[Item, ...] = (
    Item(
        "Candidates",
        ("staff.candidates",),
        frozenset({P.VIEW_ROLES}),
        ("staff.candidates", "staff.role", "staff.application*", "screening.*", "workqueue.*"),
    ),
    Item("Interviews", ("scheduling.interviews",), frozenset({P.VIEW_ROLES}), ("scheduling.*",)),
    Item(
        "Partners",
        ("partners.shares",),
        frozenset({P.SHARE_CANDIDATES}),
        (
            "partners.shares",
            "partners.new_share",
            "partners.share",
            "partners.end",
            "partners.organisation*",
        ),
    ),
    Item(
        "Apprentices",
        ("mentoring.apprentices",),
        frozenset({P.MANAGE_MENTORS}),
        ("mentoring.apprentices", "mentoring.assign", "mentoring.mentors", "mentoring.profile"),
    ),
    Item("Reports", ("reports.index",), frozenset({P.VIEW_REPORTS}), ("reports.*",)),
    Item(
        "Exports",
        ("exports.shortlist",),
        frozenset({P.EXPORT_SHORTLISTS}),
        ("exports.*",),
        unless=P.VIEW_REPORTS,
    ),
    Item(
        "Admin",
        ("admin.index",),
        frozenset({P.MANAGE_USERS, P.READ_AUDIT_LOG, P.MANAGE_EMAILS, P.MANAGE_PERSONAL_DATA}),
        (
            "admin.*",
            "audit.*",
            "privacy.data_requests",
            "privacy.applicant",
            "privacy.erase",
            "privacy.retention",
        ),
    ),
    Item(
        "Your shares",
        ("partners.portal",),
        frozenset({P.GIVE_PARTNER_FEEDBACK}),
        ("partners.portal", "partners.partner_share", "partners.candidate"),
    ),
    Item(
        "Your mentees",
        ("mentoring.mentees",),
        frozenset({P.MENTOR_APPRENTICES}),
        ("mentoring.mentees", "mentoring.mentee"),
    ),
    Item(
        "Your account",
        ("accounts.change_password",),
        frozenset({P.VIEW_STAFF_PAGES}),
        ("accounts.change_password",),
    ),
)

# The pages under "Admin", listed on its index page, each for whoever holds its permission.
ADMIN_PAGES: tuple[Item, ...] = (
    Item(
        "Users",
        ("admin.users",),
        frozenset({P.MANAGE_USERS}),
        hint="Invite people, change what they can do, deactivate them.",
    ),
    Item(
        "Audit log",
        ("audit.log", "admin.audit"),
        frozenset({P.READ_AUDIT_LOG}),
        hint="Who did what, and when.",
    ),
    Item(
        "Emails",
        ("admin.emails",),
        frozenset({P.MANAGE_EMAILS}),
        hint="What was sent, what failed, and sending a failed email again.",
    ),
    Item(
        "Email templates",
        ("admin.email_templates",),
        frozenset({P.MANAGE_EMAILS}),
        hint="The wording of every email the service sends.",
    ),
    Item(
        "Data requests",
        ("privacy.data_requests",),
        frozenset({P.MANAGE_PERSONAL_DATA}),
        hint="Subject access requests and erasure.",
    ),
    Item(
        "Retention",
        ("privacy.retention",),
        frozenset({P.MANAGE_PERSONAL_DATA}),
        hint="Removing personal data a campaign no longer needs.",
    ),
)


def endpoint_of(item: Item) -> str | None:
    """The first of the item's endpoints the app has, or None."""
    return next((e for e in item.endpoints if e in current_app.view_functions), None)


def may_open(user, item: Item) -> bool:
    endpoint = endpoint_of(item)
    if endpoint is None or not any(can(user, p) for p in item.permissions):
        return False
    if item.unless is not None and can(user, item.unless):
        return False
    required = getattr(current_app.view_functions[endpoint], "required_permission", None)
    return required is None or can(user, required)


def items_for(user, items: tuple[Item, ...] = NAVIGATION) -> list[Item]:
    return [item for item in items if may_open(user, item)]


def is_active(item: Item, endpoint: str | None) -> bool:
    return bool(endpoint) and any(fnmatchcase(endpoint, pattern) for pattern in item.active)


def staff_navigation(user=None) -> list[dict]:
    """The header's links for this user, as govukServiceNavigation wants them."""
    user = user if user is not None else current_user
    here = request.endpoint
    return [
        {
            "href": url_for(endpoint_of(item)),
            "text": item.text,
            "active": is_active(item, here),
            "attributes": {"data-nav": endpoint_of(item)},
        }
        for item in items_for(user)
    ]


def init_navigation(app: Flask) -> None:
    app.add_template_global(staff_navigation)
    app.add_template_global(home_url)
