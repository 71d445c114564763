"""Each event's own page: the raw record, for administrators only."""

from __future__ import annotations

import html
import re

from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole


def test_an_administrator_reads_the_raw_details(client, hr, event):
    application = ApplicationFactory(submitted=True)
    made = event(
        "application.identity_revealed",
        actor=hr,
        object_type="application",
        object_id=application.id,
        details={"reference": application.reference, "reason": "To arrange <adjustments>"},
    )
    made.ip = "203.0.113.7"

    response = client.get(f"/admin/audit/{made.id}")

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", "", page)
    assert f"Priya Shah revealed who applied for {application.reference}" in text
    assert f'href="/staff/applications/{application.id}"' in page
    assert '"reason": "To arrange <adjustments>"' in page  # pretty-printed JSON
    assert f'"reference": "{application.reference}"' in page
    assert "203.0.113.7" in page
    assert "application.identity_revealed" in page
    assert "<adjustments>" not in response.get_data(as_text=True)  # shown as text


def test_the_log_links_each_event_to_its_page(client, hr, event):
    made = event("sign_out", actor=hr)

    page = client.get("/admin/audit").get_data(as_text=True)

    assert f'href="/admin/audit/{made.id}"' in page


def test_an_unknown_event_is_not_found(client, hr):
    assert client.get("/admin/audit/2147483647").status_code == 404


def test_nobody_but_an_administrator_sees_the_details(client, sign_in, event):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER])
    made = event("sign_out", actor=manager)
    sign_in(manager)

    assert client.get(f"/admin/audit/{made.id}").status_code == 403
