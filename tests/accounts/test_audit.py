"""The audit log: rows for each event, readable by HR, and impossible to forge with a newline."""

from __future__ import annotations

import json
import logging
import re

from sqlalchemy import select

from tests.factories import UserFactory
from tracker.accounts.models import StaffRole
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def test_a_newline_typed_into_sign_in_cannot_forge_a_log_line(client, form_token, caplog):
    forged = 'x@example.com\n{"audit": "sign_in.succeeded", "actor": "admin@example.gov.uk"}'
    caplog.set_level(logging.INFO, logger="tracker.audit")

    client.post(
        "/staff/sign-in",
        data={
            "email": forged,
            "password": "whatever it is",
            "csrf_token": form_token("/staff/sign-in"),
        },
    )

    lines = [r.getMessage() for r in caplog.records if r.name == "tracker.audit"]
    assert len(lines) == 1
    assert "\n" not in lines[0]
    record = json.loads(lines[0])
    assert record["audit"] == "sign_in.failed"
    assert record["actor"].startswith("x@example.com\n{")  # kept whole, as one value
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert event.action == "sign_in.failed"


def test_hr_reads_the_audit_log_and_filters_it(client, sign_in):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    UserFactory(email="target@example.gov.uk")
    sign_in(admin)

    page = client.get("/admin/audit").get_data(as_text=True)
    assert f"{admin.name} signed in" in page
    assert re.search(r"\d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm)", page)

    filtered = client.get("/admin/audit?action=sign_in.second_factor_passed").get_data(as_text=True)
    assert f"{admin.name} entered their security code" in filtered
    assert "1 event" in filtered


def test_a_name_with_markup_is_shown_as_text_in_the_log(client, sign_in):
    from tracker.audit.services import record_event

    record_event(actor=None, actor_label="<script>alert(1)</script>", action="sign_in.failed")
    db.session.flush()
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))

    page = client.get("/admin/audit").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
