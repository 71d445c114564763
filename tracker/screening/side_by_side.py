"""Everyone's scores for one candidate, side by side per criterion, with the spread.

Reviewers who differ by 2 or more on a criterion should talk before deciding, so the page
points that out. Only shown to a reviewer who has submitted their own scores
(scorecards.may_see_others). Reviewers are named: name-blind applies to applicants.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.applications.models import Application
from tracker.extensions import db
from tracker.screening.models import Scorecard

# A spread this wide (e.g. 2 against 4) is worth a conversation.
DIFFER_BY = 2


@dataclass(frozen=True)
class Row:
    criterion: str
    essential: bool
    scores: list[int | None]  # one per reviewer, in the table's column order

    @property
    def given(self) -> list[int]:
        return [s for s in self.scores if s is not None]

    @property
    def average(self) -> float | None:
        return round(mean(self.given), 1) if self.given else None

    @property
    def differ(self) -> bool:
        return len(self.given) > 1 and max(self.given) - min(self.given) >= DIFFER_BY


@dataclass(frozen=True)
class Table:
    reviewers: list[str]
    own_column: int | None
    rows: list[Row]

    @property
    def differ(self) -> int:
        return sum(1 for row in self.rows if row.differ)


def table(application: Application, viewer_id: int) -> Table:
    """Two queries: the submitted scorecards, then their scores."""
    cards = db.session.scalars(
        select(Scorecard)
        .where(Scorecard.application_id == application.id, Scorecard.submitted_at.is_not(None))
        .options(selectinload(Scorecard.scores))
        .order_by(Scorecard.submitted_at, Scorecard.id)
    ).all()
    keys: dict[tuple[int, str, bool], list[int | None]] = {}
    for column, card in enumerate(cards):
        for score in card.scores:
            key = (score.position, score.criterion, score.essential)
            keys.setdefault(key, [None] * len(cards))[column] = score.score
    own = next((i for i, card in enumerate(cards) if card.reviewer_id == viewer_id), None)
    return Table(
        reviewers=[card.reviewer_label for card in cards],
        own_column=own,
        rows=[
            Row(criterion=text, essential=essential, scores=scores)
            for (_, text, essential), scores in sorted(keys.items())
        ],
    )
