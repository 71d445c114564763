"""The public list of roles, its filters, and each role's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CampaignFactory, RoleFactory, TrackFactory


def _role_titles(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*">\s*'
        r'<a class="govuk-link" href="/roles/[^"]+">([^<]+)</a>',
        html,
    )


def test_the_roles_page_lists_13_roles_with_18_places_across_6_tracks(client, default_catalogue):
    html = client.get("/roles").get_data(as_text=True)

    assert len(_role_titles(html)) == 13
    assert "13 roles with 18 places across 6 tracks" in html
    assert "All 13 roles (18 places)" in html


def test_filtering_by_track_shows_only_that_tracks_roles(client, default_catalogue):
    html = client.get("/roles?track=ict-support").get_data(as_text=True)

    assert _role_titles(html) == [
        "Digital support technician apprentice",
        "IT service desk analyst apprentice",
    ]
    assert "2 roles (3 places) match your filters" in html
    assert 'name="track" type="checkbox" value="ict-support" checked' in html


def test_filtering_by_level_and_track_combine(client, default_catalogue):
    html = client.get("/roles?level=4&track=data-analysis&track=ict-support").get_data(as_text=True)

    assert _role_titles(html) == ["Data analyst apprentice", "IT service desk analyst apprentice"]
    # Each option's count applies the other filter: level 3 would give 2 roles here.
    assert "Level 3 (2)" in html and "Level 4 (2)" in html


def test_every_track_has_a_level_3_and_a_level_4_role(client, default_catalogue):
    for track in default_catalogue.tracks:
        for level in (3, 4):
            html = client.get(f"/roles?track={track.slug}&level={level}").get_data(as_text=True)
            assert len(_role_titles(html)) >= 1, (track.slug, level)


def test_unknown_filter_values_are_ignored_not_errors(client, default_catalogue):
    response = client.get("/roles?level=9&level=abc&track=%3Cscript%3E")

    assert response.status_code == 200
    assert len(_role_titles(response.get_data(as_text=True))) == 0
    assert "No roles match these filters" in response.get_data(as_text=True)


def test_a_role_page_shows_what_an_applicant_needs_to_decide(client, default_catalogue, today):
    html = client.get("/roles/data-analyst-apprentice").get_data(as_text=True)

    role = next(r for r in default_catalogue.roles if r.slug == "data-analyst-apprentice")
    closes = default_catalogue.campaign.closes
    for expected in (
        '<h1 class="govuk-heading-xl">Data analyst apprentice</h1>',
        "Level 4",
        "Data analyst (level 4)",
        "2 apprentices",
        f"{closes.day} {closes:%B %Y} at 11:59pm",
        role.salary,
        role.hours,
        role.duties[0],
        role.essential_criteria[0],
        role.desirable_criteria[0],
        "Apply",
    ):
        assert expected in html, expected


def test_a_role_with_its_own_closing_date_shows_it(client, default_catalogue, today):
    html = client.get("/roles/cyber-security-apprentice").get_data(as_text=True)

    closes = today + timedelta(weeks=5)
    assert f"{closes.day} {closes:%B %Y} at 11:59pm" in html


def test_a_closed_role_says_so_and_offers_no_way_to_apply(client, today):
    campaign = CampaignFactory(closed=True)
    role = RoleFactory(campaign=campaign)

    html = client.get(f"/roles/{role.slug}").get_data(as_text=True)

    assert "You can no longer apply" in html
    assert "Apply for this role" not in html


def test_a_role_of_a_campaign_not_yet_open_says_when_it_opens(client):
    campaign = CampaignFactory(upcoming=True)
    role = RoleFactory(campaign=campaign)

    html = client.get(f"/roles/{role.slug}").get_data(as_text=True)

    opens = campaign.opens_on
    assert f"Applications open on {opens.day} {opens:%B %Y}" in html


def test_unknown_and_unpublished_roles_are_not_found(client):
    role = RoleFactory(is_published=False)

    assert client.get(f"/roles/{role.slug}").status_code == 404
    assert client.get("/roles/no-such-role").status_code == 404


def test_with_no_campaign_the_roles_page_says_nothing_is_open(client):
    html = client.get("/roles").get_data(as_text=True)

    assert "There are no apprenticeships open right now" in html


def test_the_latest_opened_campaign_is_the_one_shown(client, today):
    older = CampaignFactory(
        opens_on=today - timedelta(days=400), closes_on=today - timedelta(days=300)
    )
    newer = CampaignFactory(opens_on=today - timedelta(days=3))
    track = TrackFactory()
    RoleFactory(campaign=older, track=track, title="Old role")
    RoleFactory(campaign=newer, track=track, title="New role")

    html = client.get("/roles").get_data(as_text=True)

    assert _role_titles(html) == ["New role"]


@pytest.mark.slow  # generated input
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30), max_size=4
    ),
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=5), max_size=4
    ),
)
def test_any_filter_query_answers_with_the_page_never_an_error(
    client, default_catalogue, tracks, levels
):
    response = client.get("/roles", query_string={"track": tracks, "level": levels})

    assert response.status_code == 200
    assert "Filter roles" in response.get_data(as_text=True)


def test_a_nul_character_in_a_query_is_refused_plainly(client, default_catalogue):
    response = client.get("/roles", query_string={"track": "data\x00analysis"})

    assert response.status_code == 400
    assert "a character that is not allowed" in response.get_data(as_text=True)
