"""Saving and using a template keep everything else chosen on the export page; Enter checks
rather than reorders; an old template's vanished columns are dropped and named; a template's
name is one per user whatever its case."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from tests.exports.conftest import SHORTLIST
from tests.helpers import csrf_token
from tracker import clock
from tracker.exports.models import ExportTemplate
from tracker.extensions import db

NEW = "/staff/exports/templates/new"
_CHECKBOX = re.compile(r'name="columns" type="checkbox" value="([^"]+)"( checked)?')


def _ticked(page: str) -> list[str]:
    return [value for value, checked in _CHECKBOX.findall(page) if checked]


def _templates() -> list[ExportTemplate]:
    return list(db.session.scalars(select(ExportTemplate).order_by(ExportTemplate.id)))


def _choices(role) -> dict:
    year = str(clock.today().year)
    return {
        "role_id": str(role.id),
        "status": ["sift", "interview"],
        "submitted_from": ["1", "1", year],
        "submitted_to": ["31", "12", year],
        "format": "csv",
    }


def _keeps_the_choices(html: str, role) -> None:
    assert re.search(rf'<option value="{role.id}" selected', html)
    assert re.search(r'value="sift" checked', html) and re.search(
        r'value="interview" checked', html
    )
    assert re.search(r'value="csv" checked', html)
    assert 'id="matching"' in html  # the choices were checked: how many match is shown
    assert "There is a problem" not in html


def test_saving_a_template_comes_back_with_every_choice(client, sign_in, hr, role, candidate):
    candidate(reference="REF-0001")
    db.session.commit()
    sign_in(hr)
    choices = _choices(role)
    columns = ["stage", "reference"]

    # "Save these columns as a template" submits the whole form to the new-template page.
    page = client.get(NEW, query_string=choices | {"columns": columns}).get_data(as_text=True)
    hidden = dict.fromkeys(re.findall(r'<input type="hidden" name="([a-z_]+)"', page))
    assert {"role_id", "status", "submitted_from", "submitted_to", "format"} <= set(hidden)

    response = client.post(
        NEW,
        data=choices
        | {"columns": columns, "name": "Panel", "csrf_token": csrf_token(client, SHORTLIST)},
    )

    (template,) = _templates()
    assert response.status_code == 302
    sent = parse_qs(urlsplit(response.location).query)
    assert sent["template"] == [str(template.id)]
    assert sent["role_id"] == [str(role.id)] and sent["status"] == ["sift", "interview"]
    assert sent["format"] == ["csv"]
    html = client.get(response.location).get_data(as_text=True)
    assert _ticked(html) == columns
    _keeps_the_choices(html, role)


def test_using_a_template_keeps_the_candidates_dates_and_format(
    client, sign_in, hr, role, candidate
):
    candidate(reference="REF-0001")
    now = clock.utcnow()
    template = ExportTemplate(
        user_id=hr.id, name="Panel", columns=["level", "reference"], created_at=now, updated_at=now
    )
    db.session.add(template)
    db.session.commit()
    sign_in(hr)

    # "Use" is a submit button of the export form: the page's choices come with it.
    html = client.get(
        SHORTLIST, query_string=_choices(role) | {"columns": ["stage"], "template": template.id}
    ).get_data(as_text=True)

    assert _ticked(html) == ["level", "reference"]
    _keeps_the_choices(html, role)
    assert f'name="template" value="{template.id}"' in html
    assert 'form="shortlist-form"' in html


def test_enter_checks_the_count_and_never_reorders(client, sign_in, hr, role):
    db.session.commit()
    sign_in(hr)
    columns = ["stage", "reference", "level"]

    html = client.get(
        SHORTLIST, query_string={"role_id": role.id, "columns": columns, "format": "csv"}
    ).get_data(as_text=True)

    # Enter submits with the form's first submit button: it must be the plain check.
    form = html[html.index('id="shortlist-form"') :]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert 'id="check"' in first and 'name="move"' not in first
    # A submit without "move" (what that button sends) keeps the order as ticked.
    assert _ticked(html) == columns


def test_a_template_with_columns_no_longer_offered_drops_and_names_them(client, sign_in, hr, role):
    now = clock.utcnow()
    template = ExportTemplate(
        user_id=hr.id,
        name="Old",
        columns=["reference", "essential_7", "favourite_colour", "stage"],
        created_at=now,
        updated_at=now,
    )
    db.session.add(template)
    db.session.commit()
    sign_in(hr)

    html = unescape(
        client.get(
            SHORTLIST, query_string={"role_id": role.id, "template": template.id, "format": "csv"}
        ).get_data(as_text=True)
    )

    assert _ticked(html) == ["reference", "stage"]
    assert "no longer available" in html
    assert "Essential 7 average" in html and "favourite_colour" in html
    assert "There is a problem" not in html
    page = unescape(client.get(f"/staff/exports/templates/{template.id}").get_data(as_text=True))
    assert "Essential 7 average (no longer available)" in page
    assert "favourite_colour (no longer available)" in page


def test_a_name_in_another_case_replaces_the_template(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)
    token = csrf_token(client, SHORTLIST)

    client.post(NEW, data={"name": "Panel list", "columns": ["reference"], "csrf_token": token})
    client.post(NEW, data={"name": "panel list", "columns": ["stage"], "csrf_token": token})

    (template,) = _templates()
    assert (template.name, template.columns) == ("panel list", ["stage"])


def test_renaming_to_another_templates_name_in_another_case_is_refused(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)
    token = csrf_token(client, SHORTLIST)
    client.post(NEW, data={"name": "Weekly", "columns": ["reference"], "csrf_token": token})
    client.post(NEW, data={"name": "Panel", "columns": ["stage"], "csrf_token": token})
    panel = _templates()[1]

    html = unescape(
        client.post(
            f"/staff/exports/templates/{panel.id}",
            data={"name": "WEEKLY", "csrf_token": token},
        ).get_data(as_text=True)
    )

    assert 'You already have a template called "WEEKLY"' in html
    db.session.expire_all()
    assert [t.name for t in _templates()] == ["Weekly", "Panel"]


def test_each_decision_column_says_what_it_holds(client, sign_in, hr, role):
    db.session.commit()
    sign_in(hr)

    html = unescape(client.get(SHORTLIST).get_data(as_text=True))

    assert "How many reviewers submitted a scorecard." in html
    assert "The booked interview, UK time." in html
