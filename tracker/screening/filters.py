"""The candidate list's filters and sort: read from a query string, checked, and written back
in one normal form (for links, paging and saved views). Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlencode

from tracker.applications.states import PIPELINE_ORDER, Status

FLAGS = {
    "hr_check": "Eligibility to check",
    "disability_confident": "Disability Confident",
    "adjustments": "Asked for adjustments",
}
SORTS = {
    "oldest": "Submitted: oldest first",
    "newest": "Submitted: newest first",
    "score": "Average score: highest first",
    "waiting": "Days in stage: longest first",
    "preference": "Applicant's preference: first choice first",
}
DEFAULT_SORT = "oldest"
LOWEST, HIGHEST = Decimal(1), Decimal(4)
SEARCH_LENGTH = 100
_STATUSES = {status.value: status for status in PIPELINE_ORDER}


@dataclass(frozen=True)
class Filters:
    status: Status | None = None
    flags: tuple[str, ...] = ()
    unscored: bool = False  # "Not scored by me"
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    reference: str = ""  # anyone: an exact reference
    search: str = ""  # HR only: a name, an email address or a reference
    sort: str = DEFAULT_SORT
    page: int = 1
    # Whether the viewer may know the average of candidates they have not scored (HR). If
    # not, a candidate's average is unknown to them until they score it, so the score sort and
    # range cannot reveal it (no anchoring). Who is looking, not a filter: never in the URL.
    sees_all_scores: bool = False
    # Where the page starts (after this application) or ends (before it): the keyset of the
    # page links (paging.py). Without either, the page is found by its number.
    after: int | None = None
    before: int | None = None

    def with_page(self, page: int, *, after: int | None = None, before: int | None = None):
        return replace(self, page=page, after=after, before=before)

    @property
    def tallied(self) -> bool:
        """Whether what the filters match is counted in the tally (stage and flags only)."""
        return not (
            self.unscored
            or self.score_min is not None
            or self.score_max is not None
            or self.reference
            or self.search
        )

    def args(self, *, page: bool = False, searches: bool = True) -> list[tuple[str, str]]:
        """The filters as query arguments, in one order, leaving out what is the default."""
        pairs: list[tuple[str, str]] = []
        if self.status is not None:
            pairs.append(("status", self.status.value))
        pairs += [("flag", key) for key in FLAGS if key in self.flags]
        if self.unscored:
            pairs.append(("unscored", "1"))
        if self.score_min is not None:
            pairs.append(("score_min", _number(self.score_min)))
        if self.score_max is not None:
            pairs.append(("score_max", _number(self.score_max)))
        if searches and self.reference:
            pairs.append(("reference", self.reference))
        if searches and self.search:
            pairs.append(("q", self.search))
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if page and self.page > 1:
            pairs.append(("page", str(self.page)))
        if page and self.after is not None:
            pairs.append(("after", str(self.after)))
        if page and self.before is not None:
            pairs.append(("before", str(self.before)))
        return pairs

    def query_string(self, *, page: bool = False, searches: bool = True) -> str:
        return urlencode(self.args(page=page, searches=searches))

    @property
    def saved_query(self) -> str:
        """What a saved view keeps: never the page, nor a search (which may name someone)."""
        return self.query_string(searches=False)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _score(raw: str, which: str) -> tuple[Decimal | None, str | None]:
    raw = raw.strip()
    if not raw:
        return None, None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not LOWEST <= value <= HIGHEST:
        return None, f"{which} score must be a number from 1 to 4"
    if value != round(value, 2):
        return None, f"{which} score must have no more than 2 decimal places"
    return value, None


def parse(args, *, may_search: bool, may_see_scores: bool) -> tuple[Filters, dict[str, str]]:
    """Filters from query arguments (a MultiDict, or parse_qs's dict of lists) and errors by
    argument name. Unknown values are dropped; a score range that is not valid is an error and
    is not applied. A search from someone who may not search is ignored entirely; someone who
    may not see the scores of candidates they have not scored sorts and filters by score only
    among those they have."""
    first, every = _readers(args)
    errors: dict[str, str] = {}
    score_min, error = _score(first("score_min")[:20], "Minimum")
    if error:
        errors["score_min"] = error
    score_max, error = _score(first("score_max")[:20], "Maximum")
    if error:
        errors["score_max"] = error
    if score_min is not None and score_max is not None and score_min > score_max:
        errors["score_max"] = "Maximum score must be the same as or more than the minimum"
    if errors:
        score_min = score_max = None
    sort = first("sort")
    return (
        Filters(
            status=_STATUSES.get(first("status")),
            flags=tuple(key for key in FLAGS if key in every("flag")),
            unscored=first("unscored") == "1",
            score_min=score_min,
            score_max=score_max,
            reference=first("reference").strip().upper()[:12],
            search=" ".join(first("q").split())[:SEARCH_LENGTH] if may_search else "",
            sort=sort if sort in SORTS else DEFAULT_SORT,
            sees_all_scores=may_see_scores,
        ),
        errors,
    )


def parse_saved(query: str, *, may_see_scores: bool) -> Filters:
    """A saved view's filters (saved already checked; anything odd is dropped)."""
    filters, _ = parse(parse_qs(query), may_search=False, may_see_scores=may_see_scores)
    return filters


def _readers(args):
    if hasattr(args, "getlist"):
        return (lambda name: args.get(name, "")), args.getlist
    return (lambda name: (args.get(name) or [""])[0]), (lambda name: args.get(name, []))
