"""The equality report as published: overall, and for each role, track and level. Pure.

The overall page counts people (each once, however many roles they applied for). A
breakdown counts applications to its roles: someone who applied for two roles in a track
counts twice on the track's page, once on each role's. Each application carries its
applicant's answers (the latest they gave), the same answers the overall page counts them by,
so the pages agree with each other (linked.py says how).

Everything published for a campaign is hidden together, because a reader holding every page
can combine them: each page is first hidden on its own (stage_suppression.py); then linked.py
looks, across all the pages and their links, for a hidden count they would pin down to fewer
than WIDTH values. Each one found is hidden on every page (a count shown on one page would
give away its place on another); if that is not enough, its whole row on every page, then its
whole table, and at worst everything. Each page is then hidden on its own again with those
forced in, and checked again, until nothing is found. Hiding more never narrows a range, and
each round hides more, so this ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.applications.states import Status
from tracker.reports import equality, linked, stage_suppression
from tracker.reports.suppression import is_small

INTERVIEW = equality.STAGES.index(Status.INTERVIEW)
EVERYONE_APPLYING = "All applications"


@dataclass(frozen=True)
class Group:
    key: str  # in the page's address: ?group=<key>
    kind: str  # "Role", "Track" or "Level"
    title: str
    roles: frozenset[int]


@dataclass(frozen=True)
class Campaign:
    """What the report is built from: people, their applications and the groups."""

    people: Sequence[equality.Person]
    applications: Sequence[tuple[int, equality.Person]]  # (role id, the application)
    roles: Sequence[Group]  # one for each role of the campaign, in order
    groups: Sequence[Group] = ()  # tracks and levels
    guaranteed: int = 0  # interviews guaranteed under Disability Confident


@dataclass(frozen=True)
class Page:
    group: Group | None  # None: everyone
    tables: list[equality.EqualityTable]


@dataclass(frozen=True)
class Report:
    overall: Page
    breakdowns: list[Page]
    guaranteed: int
    guaranteed_hidden: bool

    def page(self, key: str | None) -> Page | None:
        if not key:
            return self.overall
        return next((p for p in self.breakdowns if p.group and p.group.key == key), None)


@dataclass
class _Forced:
    """What every page must hide, whatever its own size."""

    cells: set[tuple[int, int, int]] = field(default_factory=set)  # (table, row, stage)
    totals: set[int] = field(default_factory=set)
    guaranteed: bool = False

    def per_table(self, tables: int) -> list[frozenset[tuple[int, int]]]:
        return [frozenset((g, s) for u, g, s in self.cells if u == t) for t in range(tables)]


def _everything(shape: list[list[list[int]]]) -> set[tuple[int, int, int]]:
    return {
        (t, g, s)
        for t, table in enumerate(shape)
        for g, row in enumerate(table)
        for s in range(len(row))
    }


def _widen(key: linked.Key, before: _Forced, forced: _Forced, shape) -> None:
    """Hide more for a value found too narrow (given what was forced ``before`` this round):
    the same value on every page first, then its row, then its table, then everything."""
    stages = range(len(equality.STAGES))
    if key[0] == "cell":
        _, _, t, g, s = key
        for more in (
            {(t, g, s)},
            {(t, g, c) for c in stages},
            {(t, r, c) for r in range(len(shape[t])) for c in stages},
        ):
            if not more <= before.cells:
                forced.cells |= more
                return
    elif key[0] == "total" and key[2] not in before.totals:
        forced.totals.add(key[2])
        return
    elif key[0] == "guaranteed" and INTERVIEW not in before.totals:
        forced.totals.add(INTERVIEW)
        return
    forced.cells |= _everything(shape)
    forced.totals |= set(stages)
    forced.guaranteed = True


def publish(campaign: Campaign) -> Report:
    groups = [*campaign.roles, *campaign.groups]
    members = [
        [person for role, person in campaign.applications if role in group.roles]
        for group in groups
    ]
    sources = [equality.counts(campaign.people), *(equality.counts(m) for m in members)]
    shape = sources[0][0]
    forced, alike = _Forced(), _Forced()
    while True:
        hidden = []
        for found, totals in sources:
            page = _Forced(
                forced.cells | {(t, g, s) for t, g, s in alike.cells if found[t][g][s]},
                forced.totals | {s for s in alike.totals if totals[s]},
            )
            hidden.append(
                stage_suppression.suppress(
                    found,
                    totals,
                    equality.PARENTS,
                    forced=page.per_table(len(found)),
                    forced_totals=frozenset(page.totals),
                )
            )
        # A count hidden on one page is hidden on every page where it counts anyone (a zero
        # shown beside it says nothing), until they agree: most links then give nothing away.
        more = _Forced(
            {
                (t, g, s)
                for (found, totals), p in zip(sources, hidden, strict=True)
                for t, cells in enumerate(p.cells)
                for g, s in cells
                if found[t][g][s]
            },
            {
                s
                for (_, totals), p in zip(sources, hidden, strict=True)
                for s in p.totals
                if totals[s]
            },
        )
        if not (more.cells <= alike.cells and more.totals <= alike.totals):
            alike.cells |= more.cells
            alike.totals |= more.totals
            continue
        guaranteed_hidden = forced.guaranteed or is_small(campaign.guaranteed)
        pages = [
            linked.Page(
                found,
                totals,
                protection,
                roles=None if n == 0 else groups[n - 1].roles,
                role=next(iter(groups[n - 1].roles)) if 0 < n <= len(campaign.roles) else None,
            )
            for n, ((found, totals), protection) in enumerate(zip(sources, hidden, strict=True))
        ]
        narrow = linked.too_narrow(
            linked.Linked(
                pages, equality.PARENTS, INTERVIEW, campaign.guaranteed, guaranteed_hidden
            )
        )
        if not narrow:
            break
        before = _Forced(set(forced.cells), set(forced.totals), forced.guaranteed)
        for key in narrow:
            _widen(key, before, forced, shape)
        if before == forced:
            # Everything is hidden on every page: then any hidden count could be higher by
            # any number (more people with that answer reaching that stage, applying for one
            # role), so every range is wide, whatever the search found.
            break
    overall = Page(None, equality.build(*sources[0], hidden[0]))
    breakdowns = [
        Page(
            group,
            equality.build(*source, protection, everyone=EVERYONE_APPLYING, unit="applications"),
        )
        for group, source, protection in zip(groups, sources[1:], hidden[1:], strict=True)
    ]
    return Report(overall, breakdowns, campaign.guaranteed, guaranteed_hidden)
