"""`flask users create-admin`: the first administrator."""

from __future__ import annotations

from sqlalchemy import select

from tracker.accounts.models import StaffRole, User
from tracker.accounts.passwords import verify_password
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def test_create_admin_makes_an_administrator_who_can_sign_in(runner):
    result = runner.invoke(
        args=["users", "create-admin", "HR@Example.gov.uk", "--name", "Sam Patel"],
        input="a long enough password\na long enough password\n",
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "hr@example.gov.uk"))
    assert user.role_set == {StaffRole.ADMIN}
    assert verify_password(user.password_hash, "a long enough password")
    assert db.session.scalar(select(AuditEvent.action)) == "user.created"


def test_create_admin_refuses_a_weak_password_or_a_taken_email(runner):
    weak = runner.invoke(
        args=["users", "create-admin", "hr@example.gov.uk", "--name", "Sam"],
        input="short\nshort\n",
    )
    assert weak.exit_code != 0
    assert "at least 12 characters" in weak.output
    assert db.session.scalar(select(User.id)) is None

    for _ in range(2):
        taken = runner.invoke(
            args=["users", "create-admin", "hr@example.gov.uk", "--name", "Sam"],
            input="a long enough password\na long enough password\n",
        )
    assert taken.exit_code != 0
    assert "There is already a user with the email hr@example.gov.uk" in taken.output
