"""The staff home asks the work queue's home module for its counts: one view never depends
on another view module."""

from __future__ import annotations

import types

import tracker.staff.views as staff_views
from tracker.workqueue import home


def test_the_staff_home_takes_the_queue_from_the_home_module_not_a_view():
    imported = {v.__name__ for v in vars(staff_views).values() if isinstance(v, types.ModuleType)}
    imported |= {
        v.__module__ for v in vars(staff_views).values() if callable(v) and hasattr(v, "__module__")
    }
    assert "tracker.workqueue.views" not in imported
    assert staff_views.home_context is home.home_context
