"""Scorecards: each reviewer scores a candidate 1 to 4 against every criterion of the role.

Averages over submitted scorecards give a suggested outcome. A candidate meets a criterion
when its average is 3 ("demonstrated") or more; one who meets every essential criterion and
opted in to Disability Confident is guaranteed an interview.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.refusals import Refused
from tracker.screening.models import Score, Scorecard

SCALE = {
    1: "Not demonstrated",
    2: "Partly demonstrated",
    3: "Demonstrated",
    4: "Strongly demonstrated",
}
MEETS = 3


class ScorecardError(Refused):
    """A scorecard that cannot be saved, with a message for the reviewer."""


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    essential: bool
    average: float
    scores: list[int]

    @property
    def met(self) -> bool:
        return self.average >= MEETS


@dataclass(frozen=True)
class Summary:
    reviewers: int
    criteria: list[CriterionResult]

    @property
    def average(self) -> float | None:
        return round(mean(c.average for c in self.criteria), 2) if self.criteria else None

    @property
    def meets_essentials(self) -> bool | None:
        """None until someone has submitted a scorecard."""
        if not self.reviewers:
            return None
        return all(c.met for c in self.criteria if c.essential)

    @property
    def suggestion(self) -> str:
        if self.meets_essentials is None:
            return "No scorecards submitted yet"
        if self.meets_essentials:
            return "Meets every essential criterion: take forward"
        missed = [c.criterion for c in self.criteria if c.essential and not c.met]
        return f"Below the bar on {len(missed)} essential criteria: consider not taking forward"


def criteria_for(application: Application):
    role = application.role
    return [(True, c) for c in role.essential_criteria] + [
        (False, c) for c in role.desirable_criteria
    ]


def own_scorecard(application: Application, reviewer: User) -> Scorecard | None:
    return db.session.scalar(
        select(Scorecard).where(
            Scorecard.application_id == application.id, Scorecard.reviewer_id == reviewer.id
        )
    )


def submit_scorecard(
    *, actor: User, application: Application, scores: dict[int, tuple[int, str]]
) -> Scorecard:
    """Save and submit the actor's scores, keyed by criterion id: (score, evidence).

    :raise ScorecardError: when a criterion is unscored or a score is outside 1 to 4.
    """
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise ScorecardError("You do not have permission to score candidates")
    criteria = criteria_for(application)
    if {c.id for _, c in criteria} != set(scores):
        raise ScorecardError("Score every criterion")
    if any(score not in SCALE for score, _ in scores.values()):
        raise ScorecardError("Scores are from 1 to 4")
    # Two reviewers submitting at once: the second waits here for the first to commit, so that
    # its recount of the application's score columns includes the first's scorecard.
    db.session.execute(
        select(Application.id).where(Application.id == application.id).with_for_update()
    )
    scorecard = own_scorecard(application, actor)
    if scorecard is None:
        scorecard = Scorecard(
            application_id=application.id, reviewer_id=actor.id, reviewer_label=actor.name
        )
        db.session.add(scorecard)
    elif scorecard.scores:
        # A second submit (a resubmitted form, say) replaces the scores: the old rows go
        # first, or the new ones would collide with them on (scorecard, position).
        scorecard.scores = []
        db.session.flush()
    scorecard.scores = [
        Score(
            criterion_id=criterion.id,
            essential=essential,
            position=position,
            criterion=criterion.text,
            score=scores[criterion.id][0],
            evidence=scores[criterion.id][1] or "",
        )
        for position, (essential, criterion) in enumerate(criteria, start=1)
    ]
    scorecard.submitted_at = utcnow()
    db.session.flush()
    _keep_score_columns(application)
    return scorecard


def _keep_score_columns(application: Application) -> None:
    """Refresh the application's score_average and score_count, which the pipeline list sorts
    and filters by, from its submitted scorecards (in the same transaction). Every reviewer
    scores every criterion, so the mean of all scores is the mean of the criterion averages."""
    average, reviewers = db.session.execute(
        select(
            func.round(func.avg(Score.score), 2),
            func.count(distinct(Scorecard.id)),
        )
        .join(Score, Score.scorecard_id == Scorecard.id)
        .where(Scorecard.application_id == application.id, Scorecard.submitted_at.is_not(None))
    ).one()
    application.score_average = average
    application.score_count = reviewers
    db.session.flush()


_LOOK_UP = object()


def may_see_others(application: Application, viewer: User, own=_LOOK_UP) -> bool:
    """Others' scores appear to a reviewer only once they have submitted their own, so nobody
    anchors on a colleague's marks; HR, who decide rather than score, see them at once.
    ``own``: the viewer's scorecard (or None) when the caller has it already."""
    if can(viewer, Permission.SEE_SCORES_UNSCORED):
        return True
    mine = own_scorecard(application, viewer) if own is _LOOK_UP else own
    return mine is not None and mine.submitted_at is not None


def submitted_scorecards(application: Application) -> list[Scorecard]:
    return list(
        db.session.scalars(
            select(Scorecard)
            .where(Scorecard.application_id == application.id, Scorecard.submitted_at.is_not(None))
            .options(selectinload(Scorecard.scores))
            .order_by(Scorecard.submitted_at)
        )
    )


def summarise(application: Application) -> Summary:
    cards = submitted_scorecards(application)
    by_criterion: dict[tuple[int, str, bool], list[int]] = {}
    for card in cards:
        for score in card.scores:
            key = (score.position, score.criterion, score.essential)
            by_criterion.setdefault(key, []).append(score.score)
    results = [
        CriterionResult(criterion=text, essential=essential, average=round(mean(s), 2), scores=s)
        for (_, text, essential), s in sorted(by_criterion.items())
    ]
    return Summary(reviewers=len(cards), criteria=results)
