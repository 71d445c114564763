"""Reminding candidates to book is HR's own permission, asked for by the view's decorator
rather than by checking the role in its body."""

from __future__ import annotations

from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import ROLE_PERMISSIONS, Permission
from tracker.workqueue import views


def test_remind_asks_for_the_permission_only_hr_has():
    assert views.remind.required_permission is Permission.REMIND_CANDIDATES
    assert [r for r, held in ROLE_PERMISSIONS.items() if Permission.REMIND_CANDIDATES in held] == [
        StaffRole.ADMIN
    ]
