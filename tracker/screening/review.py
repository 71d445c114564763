"""Review mode: walk a reviewer through the candidates waiting for their score in one role
and stage, in the list's order, without going back to the list between them.

Stateless: where the reviewer is comes from the query string (stage, sort, how many done,
which were skipped), so two tabs or a reload never lose or repeat work: the next candidate is
always the first one still waiting for this user's score.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, func, literal, select

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import SCORING, Status
from tracker.extensions import db
from tracker.screening import queries
from tracker.screening.models import Scorecard

# A skip list travels in the URL: a bounded number of ids keeps the URL short.
MAX_SKIPPED = 50
MAX_DONE = 10_000


def _orders() -> dict[str, tuple]:
    """The list's own sorts (each ends on the id, so "next" is always the same candidate)."""
    return queries.SORTS


@dataclass(frozen=True)
class Walk:
    """Where a reviewer is in review mode, as read from (and written back to) the URL."""

    status: Status
    sort: str = "oldest"
    done: int = 0
    skip: tuple[int, ...] = ()

    @classmethod
    def parse(cls, args, *, status_key: str = "status") -> Walk | None:
        """None when the stage is missing or not one reviewers score in."""
        status = next((s for s in SCORING if s.value == args.get(status_key, "")), None)
        if status is None:
            return None
        sort = args.get("sort", "oldest")
        done = args.get("done", "0")
        # isdigit() alone accepts "²", which int() refuses: ASCII digits only, and short.
        skip = [part for part in args.get("skip", "").split(",") if _digits(part, 12)]
        return cls(
            status=status,
            sort=sort if sort in _orders() else "oldest",
            done=min(int(done), MAX_DONE) if _digits(done, 6) else 0,
            skip=tuple(int(part) for part in skip[-MAX_SKIPPED:]),
        )

    def args(self, **changes) -> dict[str, str]:
        """The query string for the candidate page and the scorecard's form action."""
        skip = changes.get("skip", self.skip)[-MAX_SKIPPED:]
        args = {
            "review": self.status.value,
            "sort": self.sort,
            "done": str(changes.get("done", self.done)),
        }
        if skip:
            args["skip"] = ",".join(str(i) for i in skip)
        return args

    def review_args(self, **changes) -> dict[str, str]:
        """The same, for screening.review (which names the stage "status")."""
        args = self.args(**changes)
        return {"status": args.pop("review"), **args}


def _digits(text: str, shorter_than: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) < shorter_than


def waiting(user: User, role_id: int, status: Status) -> Select:
    """Candidates in this role and stage with no submitted scorecard by this user."""
    scored = exists().where(
        Scorecard.application_id == Application.id,
        Scorecard.reviewer_id == user.id,
        Scorecard.submitted_at.is_not(None),
    )
    return visible_applications(user).where(
        Application.role_id == role_id, Application.status == status, ~scored
    )


def count_waiting(user: User, role_id: int, status: Status) -> int:
    query = waiting(user, role_id, status)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def next_candidate(user: User, role_id: int, walk: Walk) -> Application | None:
    query = waiting(user, role_id, walk.status)
    if walk.skip:
        query = query.where(Application.id.not_in(walk.skip))
    sort = walk.sort
    if sort == "score" and not can(user, Permission.SEE_SCORES_UNSCORED):
        # Every candidate here is unscored by this reviewer, whose averages they may not know
        # yet (queries._average): by score would leak colleagues' marks, so oldest first.
        sort = "oldest"
    return db.session.scalar(query.order_by(*_orders()[sort]).limit(1))


def position(user: User, role_id: int, walk: Walk) -> tuple[int, int]:
    """(n, N) for "Candidate n of N": N is the ones done and those still waiting (the
    skipped included); n counts the done and the skipped that still wait before this one, so
    the last candidate is "N of N" whatever was skipped on the way. One query."""
    waiting_now = waiting(user, role_id, walk.status).subquery()
    skipped = func.count().filter(waiting_now.c.id.in_(walk.skip)) if walk.skip else literal(0)
    left, passed = db.session.execute(select(func.count(), skipped).select_from(waiting_now)).one()
    return walk.done + passed + 1, walk.done + max(left, passed + 1)
