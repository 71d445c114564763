"""The service's own pages, the council's branding, and errors in the same design."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import rolled_back
from tests.factories import CampaignFactory
from tracker import clock
from tracker.catalogue.models import Track
from tracker.extensions import db
from tracker.formatting import long_date

PUBLIC_PAGES = ["/", "/roles", "/accessibility", "/privacy", "/cookies"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_answer_in_the_councils_branding(client, default_catalogue, path):
    response = client.get(path)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Example Borough Council" in html
    assert 'href="/branding.css"' in html
    # A council service must not use the GOV.UK crown, logotype or GDS Transport font.
    for forbidden in ("govuk-logo", "govuk-header__logotype", "Crown copyright", "crown"):
        assert forbidden not in html
    assert html.count("<h1") == 1


def test_the_home_page_explains_the_programme(client, default_catalogue):
    html = client.get("/").get_data(as_text=True)

    for expected in (
        "What an apprenticeship is",
        "Who can apply",
        "How to apply",
        "Disability Confident",
        "See the 13 roles",
        'href="/roles?track=data-analysis">Data analysis</a>',
    ):
        assert expected in html, expected


def test_another_council_sets_its_own_name_logo_colour_and_contact(make_app, monkeypatch):
    monkeypatch.setenv("COUNCIL_NAME", "Borsetshire County Council")
    monkeypatch.setenv("COUNCIL_LOGO", "https://cdn.borsetshire.example/logo.svg")
    monkeypatch.setenv("BRAND_COLOUR", "#FFDD00")
    monkeypatch.setenv("CONTACT_EMAIL", "jobs@borsetshire.example")
    other = make_app()

    with other.test_client() as client:
        html = client.get("/accessibility").get_data(as_text=True)
        css = client.get("/branding.css").get_data(as_text=True)

    assert "Borsetshire County Council" in html and "Example Borough Council" not in html
    assert 'src="https://cdn.borsetshire.example/logo.svg"' in html
    assert "mailto:jobs@borsetshire.example" in html
    assert "--app-header-colour: #ffdd00;" in css
    # Yellow is too light for white text, so the header text turns dark.
    assert "--app-header-text-colour: #0b0c0c;" in css


def test_the_branding_stylesheet_picks_legible_header_text(client):
    response = client.get("/branding.css")

    assert response.mimetype == "text/css"
    assert "--app-header-text-colour: #ffffff;" in response.get_data(as_text=True)


def test_an_unknown_address_gets_the_404_page_in_the_same_design(client):
    response = client.get("/no/such/page")

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "Example Borough Council" in html


def test_an_unexpected_error_shows_the_500_page_and_saves_nothing(make_app):
    broken = make_app()

    @broken.get("/explode")
    def explode():
        db.session.add(Track(slug="half-done", name="Half done"))
        db.session.flush()
        raise RuntimeError("boom")

    with rolled_back(broken):
        response = broken.test_client().get("/explode")
        saved = db.session.scalar(select(func.count()).where(Track.slug == "half-done"))

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "boom" not in html
    assert saved == 0


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_home_page_gives_the_start_date_from_the_catalogue(client, default_catalogue):
    text = _text(client.get("/").get_data(as_text=True))

    campaign = default_catalogue.campaign
    assert f"Apprentices start around {long_date(campaign.expected_start)}." in text
    # No season written into the summary to contradict it (the date is months away).
    for season in ("summer", "autumn", "winter", "spring", "holidays"):
        assert season not in text.lower(), season


def test_before_opening_the_home_page_gives_every_date(client, app):
    today = clock.today()
    CampaignFactory(
        opens_on=today + timedelta(days=7),
        closes_on=today + timedelta(days=49),
        expected_start_on=today + timedelta(days=120),
    )

    text = _text(client.get("/").get_data(as_text=True))

    assert (
        f"Applications open on {long_date(today + timedelta(days=7))} and close on "
        f"{long_date(today + timedelta(days=49))}. Apprentices start around "
        f"{long_date(today + timedelta(days=120))}."
    ) in text
