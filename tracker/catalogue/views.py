"""Public role pages: the list of roles with filters, and one page per role."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from tracker import clock
from tracker.catalogue import queries
from tracker.catalogue.models import LEVELS
from tracker.page_cache import shared_page

bp = Blueprint("catalogue", __name__)


def _requested_levels() -> list[int]:
    return [int(v) for v in request.args.getlist("level") if v in {str(lv) for lv in LEVELS}]


@bp.get("/roles")
@shared_page
def roles():
    today = clock.today()
    campaign = queries.current_campaign(today)
    if campaign is None:
        return render_template("catalogue/no_campaign.html")
    listing = queries.list_roles(
        campaign, track_slugs=request.args.getlist("track"), levels=_requested_levels()
    )
    return render_template("catalogue/roles.html", campaign=campaign, listing=listing, today=today)


@bp.get("/roles/<slug>")
@shared_page
def role(slug: str):
    """:raise 404: when no published role of the current campaign has this slug."""
    today = clock.today()
    campaign = queries.current_campaign(today)
    found = queries.find_published_role(campaign, slug) if campaign else None
    if found is None:
        abort(404)
    return render_template("catalogue/role.html", campaign=campaign, role=found, today=today)
