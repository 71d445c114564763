"""The service's own pages: home, accessibility, privacy, cookies, and the branding stylesheet."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from tracker import clock
from tracker.catalogue import queries
from tracker.colours import text_colour_for
from tracker.page_cache import shared_page

bp = Blueprint("public", __name__)


@bp.get("/")
@shared_page
def home():
    today = clock.today()
    campaign = queries.current_campaign(today)
    listing = queries.list_roles(campaign) if campaign else None
    return render_template("public/home.html", campaign=campaign, listing=listing, today=today)


@bp.get("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")


@bp.get("/privacy")
def privacy():
    today = clock.today()
    return render_template("public/privacy.html", campaign=queries.current_campaign(today))


@bp.get("/cookies")
def cookies():
    return render_template("public/cookies.html")


@bp.get("/branding.css")
def branding_css():
    """The council's colours as CSS custom properties, so a rebrand needs no asset rebuild."""
    colour = current_app.config["BRANDING"]["colour"]
    css = render_template("public/branding.css", colour=colour, text_colour=text_colour_for(colour))
    response = current_app.response_class(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
