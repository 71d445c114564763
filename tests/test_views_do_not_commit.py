"""Views run changes through tracker.actions (attempt / save): none commits or rolls back by
hand, so every refusal is reported the same way and nothing half-done is ever kept."""

from __future__ import annotations

import re
from pathlib import Path

TRACKER = Path(__file__).resolve().parents[1] / "tracker"
HAND_MADE = re.compile(r"db\.session\.(commit|rollback)\(")


def test_no_view_module_commits_or_rolls_back_by_hand():
    offenders = [
        f"{path.relative_to(TRACKER.parent)}:{number}"
        for path in sorted(TRACKER.rglob("*views.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_MADE.search(line)
    ]
    assert not offenders, "views that commit or roll back by hand: " + ", ".join(offenders)
