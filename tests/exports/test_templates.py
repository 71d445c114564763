"""Column order and named templates: chosen with Move up / Move down and no JavaScript, kept
per user across sign-out, never reachable by anyone else, never a way round a column's rule."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.exports.conftest import SHORTLIST, download, export_events, read_csv
from tests.factories import UserFactory
from tests.helpers import csrf_token
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.audit.models import AuditEvent
from tracker.exports.models import ExportTemplate
from tracker.extensions import db

NEW = "/staff/exports/templates/new"
_CHECKBOX = re.compile(r'name="columns" type="checkbox" value="([^"]+)"( checked)?')


def _ticked(page: str) -> list[str]:
    return [value for value, checked in _CHECKBOX.findall(page) if checked]


def _save(client, name: str, columns: list[str]):
    path = f"{NEW}?" + "&".join(f"columns={c}" for c in columns)
    return client.post(
        NEW, data={"name": name, "columns": columns, "csrf_token": csrf_token(client, path)}
    )


def _templates() -> list[ExportTemplate]:
    return list(db.session.scalars(select(ExportTemplate).order_by(ExportTemplate.id)))


def _audited(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_moving_a_column_reorders_the_page_and_the_file(client, sign_in, hr, role, candidate):
    candidate(reference="REF-0001")
    db.session.commit()
    sign_in(hr)
    chosen = {"role_id": role.id, "columns": ["reference", "stage", "level"], "format": "csv"}

    page = client.get(SHORTLIST, query_string=chosen | {"move": "down:reference"})
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert _ticked(html) == ["stage", "reference", "level"]
    assert "There is a problem" not in html
    order = re.search(
        r'<ol class="govuk-list govuk-list--number app-column-order">(.*?)</ol>', html, re.S
    )
    names = re.findall(r'app-column-order__name">([^<]+)<', order.group(1))
    assert names == ["Stage", "Reference", "Level"]
    assert 'value="up:reference"' in html and 'value="down:level"' not in html
    # The form sends the columns in the page's order: the file follows it.
    rows = read_csv(download(client, **chosen | {"columns": _ticked(html)}))
    assert rows[0] == ["Stage", "Reference", "Level"]


def test_moving_before_choosing_candidates_shows_no_errors(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)

    html = client.get(
        SHORTLIST,
        query_string={"columns": ["reference", "stage"], "format": "csv", "move": "up:stage"},
    ).get_data(as_text=True)

    assert "There is a problem" not in html
    assert _ticked(html) == ["stage", "reference"]


def test_a_template_and_its_order_survive_sign_out(client, sign_in, manager, role, candidate):
    candidate(reference="REF-0001")
    db.session.commit()
    sign_in(manager)

    response = _save(client, "  Panel   list ", ["stage", "score_average", "reference"])

    (template,) = _templates()
    assert response.status_code == 302
    assert response.location == f"{SHORTLIST}?template={template.id}"
    assert (template.name, template.columns) == (
        "Panel list",
        ["stage", "score_average", "reference"],
    )
    assert _audited("export.template_saved") == 1

    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, SHORTLIST)})
    assert client.get(SHORTLIST).status_code == 302
    sign_in(manager)
    html = client.get(SHORTLIST).get_data(as_text=True)
    assert "Panel list" in html
    applied = client.get(SHORTLIST, query_string={"template": template.id}).get_data(as_text=True)

    assert _ticked(applied) == ["stage", "score_average", "reference"]
    assert "There is a problem" not in applied
    rows = read_csv(download(client, role_id=role.id, columns=_ticked(applied), format="csv"))
    assert rows[0] == ["Stage", "Average score", "Reference"]


def test_saving_under_a_used_name_replaces_the_columns(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)

    _save(client, "Weekly", ["reference"])
    _save(client, "Weekly", ["stage", "reference"])

    (template,) = _templates()
    assert template.columns == ["stage", "reference"]
    assert _audited("export.template_saved") == 2


@pytest.mark.parametrize(
    ("name", "columns", "message"),
    [
        ("", ["reference"], "Enter a name for the template"),
        ("x" * 81, ["reference"], "The name must be 80 characters or fewer"),
        ("Empty", [], "Select at least one column to export"),
        ("Equality", ["reference", "ethnicity"], "Select the columns from the list"),
        ("Birthdays", ["date_of_birth"], "Select the columns from the list"),
    ],
)
def test_bad_input_saves_nothing_and_says_why(client, sign_in, hr, name, columns, message):
    db.session.commit()
    sign_in(hr)

    response = _save(client, name, columns)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count(message) >= 2  # in the summary and beside the field
    assert "<title>Error:" in html
    assert _templates() == []
    assert _audited("export.template_saved") == 0


def test_a_manager_cannot_save_a_template_with_a_column_outside_their_scope(
    client, sign_in, manager
):
    db.session.commit()
    sign_in(manager)

    response = _save(client, "Adjustments", ["reference", "adjustments"])

    html = response.get_data(as_text=True)
    assert "only HR can see the adjustments candidates ask for" in html
    assert _templates() == []


def test_a_manager_cannot_use_a_template_with_a_column_outside_their_scope(
    client, sign_in, manager, role, candidate
):
    """Saved while they were HR, say: the template is theirs, its column is not."""
    candidate(adjustments="A quiet room", needs_adjustments=True)
    template = ExportTemplate(
        user_id=manager.id,
        name="From my HR days",
        columns=["reference", "adjustments"],
        created_at=clock.utcnow(),
        updated_at=clock.utcnow(),
    )
    db.session.add(template)
    db.session.commit()
    sign_in(manager)

    applied = client.get(SHORTLIST, query_string={"template": template.id})
    response = download(client, role_id=role.id, columns=template.columns, format="csv")

    assert "only HR can see the adjustments" in applied.get_data(as_text=True)
    assert "A quiet room" not in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers
    assert export_events() == []


def test_identity_in_a_managers_template_follows_the_stages(
    client, sign_in, manager, role, candidate
):
    from tracker.applications.states import Status

    candidate(status=Status.SIFT, full_name="Sifted Person")
    candidate(status=Status.INTERVIEW, full_name="Interview Person", reference="REF-INT")
    db.session.commit()
    sign_in(manager)
    _save(client, "Names", ["reference", "full_name"])

    blind = download(client, role_id=role.id, columns=["reference", "full_name"], format="csv")
    past = download(
        client,
        role_id=role.id,
        status="interview",
        columns=["reference", "full_name"],
        format="csv",
    )

    assert "while they are new or in the sift" in blind.get_data(as_text=True)
    assert "Sifted Person" not in blind.get_data(as_text=True)
    assert read_csv(past) == [["Reference", "Full name"], ["REF-INT", "Interview Person"]]


def test_another_users_template_is_not_found(client, sign_in, manager, hr):
    template = ExportTemplate(
        user_id=hr.id,
        name="HR only",
        columns=["reference"],
        created_at=clock.utcnow(),
        updated_at=clock.utcnow(),
    )
    db.session.add(template)
    db.session.commit()
    sign_in(manager)
    token = csrf_token(client, SHORTLIST)
    path = f"/staff/exports/templates/{template.id}"

    assert client.get(SHORTLIST, query_string={"template": template.id}).status_code == 404
    assert client.get(path).status_code == 404
    assert client.post(path, data={"name": "Mine", "csrf_token": token}).status_code == 404
    assert client.post(f"{path}/delete", data={"csrf_token": token}).status_code == 404
    assert client.get(SHORTLIST, query_string={"template": "abc"}).status_code == 404
    db.session.refresh(template)
    assert template.name == "HR only"


def test_another_hr_users_template_is_not_found_either(client, sign_in, hr):
    other = UserFactory(roles=[StaffRole.ADMIN])
    template = ExportTemplate(
        user_id=other.id,
        name="Theirs",
        columns=["reference"],
        created_at=clock.utcnow(),
        updated_at=clock.utcnow(),
    )
    db.session.add(template)
    db.session.commit()
    sign_in(hr)

    assert client.get(f"/staff/exports/templates/{template.id}").status_code == 404
    assert "Theirs" not in client.get(SHORTLIST).get_data(as_text=True)


def test_rename_and_delete(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)
    _save(client, "First", ["reference"])
    _save(client, "Second", ["stage"])
    first, _ = _templates()
    path = f"/staff/exports/templates/{first.id}"

    clash = client.post(path, data={"name": "Second", "csrf_token": csrf_token(client, path)})
    empty = client.post(path, data={"name": " ", "csrf_token": csrf_token(client, path)})
    renamed = client.post(path, data={"name": "Renamed", "csrf_token": csrf_token(client, path)})

    assert 'You already have a template called "Second"' in unescape(clash.get_data(as_text=True))
    assert "Enter a name for the template" in empty.get_data(as_text=True)
    assert renamed.status_code == 302
    db.session.refresh(first)
    assert first.name == "Renamed"
    assert _audited("export.template_renamed") == 1

    deleted = client.post(f"{path}/delete", data={"csrf_token": csrf_token(client, path)})

    assert deleted.status_code == 302
    assert [t.name for t in _templates()] == ["Second"]
    assert _audited("export.template_deleted") == 1


def test_a_managers_template_with_names_applies_without_an_error(client, sign_in, manager):
    """The stages are chosen after the template: names are checked against them at export."""
    db.session.commit()
    sign_in(manager)
    _save(client, "Names", ["reference", "full_name"])
    (template,) = _templates()

    html = client.get(SHORTLIST, query_string={"template": template.id}).get_data(as_text=True)

    assert "There is a problem" not in html
    assert _ticked(html) == ["reference", "full_name"]
