"""The equality report as published: overall, and for each role, track and level. Pure.

The overall page counts people (each once, however many roles they applied for). A
breakdown counts applications to its roles: someone who applied for two roles in a track
counts twice on the track's page, once on each role's. Each application carries its
applicant's answers (the latest they gave), the same answers the overall page counts them by,
so the pages agree with each other (linked.py says how).

Everything published for a campaign is hidden together, because a reader holding every page
can combine them. The overall page comes first: it is hidden on its own (stage_suppression.py)
and kept as it is, so the figures a council publishes first do not lose counts to its small
roles. The breakdowns are then hidden to suit it: each hides what the overall page hides, a
breakdown of fewer than SMALLEST_BREAKDOWN applications is hidden whole, each is hidden on its
own, and linked.py looks across all the pages and their links for a hidden count they would
pin down to fewer than WIDTH values. One found that is WIDTH or more is shown instead (it is
pinned anyway: _show). Any other is hidden on every breakdown; if that is not enough, its
whole row, then its whole table, and at worst every breakdown whole. Each count is shown at
most once and each round otherwise hides more, so this ends. A count the overall page shows
as 0 is 0 on every breakdown too, so it is shown there.

Hiding every breakdown whole is safe without a search (_hide_breakdowns says why), so the
search has a time budget (EQUALITY_CHECK_SECONDS): once it runs out the breakdowns are hidden
whole, no page waits much longer than the budget, and nothing unproven is published. The
overall page never waits for it (publish_overall).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.applications.states import Status
from tracker.reports import equality, linked, stage_suppression
from tracker.reports.suppression import SMALLEST_SHOWN, is_small

INTERVIEW = equality.STAGES.index(Status.INTERVIEW)
_ALL_STAGES = frozenset(range(len(equality.STAGES)))
EVERYONE_APPLYING = "All applications"
# Fewer applications than this on a breakdown page, and every count on it is hidden.
SMALLEST_BREAKDOWN = 20


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
    guaranteed: int = 0  # people guaranteed an interview under Disability Confident


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


def _hide(found, totals, page: _Forced, everything: _Forced) -> stage_suppression.Protection:
    """One page's hiding with ``page`` forced in; with everything forced, everything (what
    the search would end with anyway, without searching)."""
    if page.cells >= everything.cells and page.totals >= everything.totals:
        cells = tuple(page.per_table(len(found)))
        return stage_suppression.Protection(cells, frozenset(page.totals))
    return stage_suppression.suppress(
        found,
        totals,
        equality.PARENTS,
        forced=page.per_table(len(found)),
        forced_totals=frozenset(page.totals),
    )


def publish_overall(campaign: Campaign) -> Report:
    """The overall page alone, as ``publish`` has it (it never depends on the breakdowns), with
    no breakdowns: quick, for the page most people read."""
    found, totals = equality.counts(campaign.people)
    overall = _overall(found, totals)
    return Report(
        Page(None, equality.build(found, totals, overall)),
        [],
        campaign.guaranteed,
        _guaranteed_hidden(campaign.guaranteed, overall),
    )


def publish(campaign: Campaign, *, seconds: float = float("inf")) -> Report:
    """Every page, hidden together; given ``seconds`` at most to prove the breakdowns (then
    they are hidden whole).

    The overall page is what a council publishes first, so it is hidden on its own and kept
    as it is; what the breakdowns would give away is hidden on the breakdowns."""
    deadline = time.monotonic() + seconds
    groups = [*campaign.roles, *campaign.groups]
    members = [
        [person for role, person in campaign.applications if role in group.roles]
        for group in groups
    ]
    sources = [equality.counts(campaign.people), *(equality.counts(m) for m in members)]
    overall = _overall(*sources[0])
    guaranteed_hidden = _guaranteed_hidden(campaign.guaranteed, overall)
    if len(campaign.roles) == 1:
        # One role: each page counts the same people as the overall page (everyone applied
        # for that role, once), as a reader knows; hidden alike, they add nothing to it.
        hidden = [overall] * len(groups)
    else:
        found = _breakdowns(campaign, sources, overall, guaranteed_hidden, deadline)
        hidden = found if found is not None else _hide_breakdowns(sources, overall)
    breakdowns = [
        Page(
            group,
            equality.build(*source, protection, everyone=EVERYONE_APPLYING, unit="applications"),
        )
        for group, source, protection in zip(groups, sources[1:], hidden, strict=True)
    ]
    return Report(
        Page(None, equality.build(*sources[0], overall)),
        breakdowns,
        campaign.guaranteed,
        guaranteed_hidden,
    )


def _overall(found, totals) -> stage_suppression.Protection:
    return _hide(found, totals, _Forced(), _Forced(_everything(found), set(_ALL_STAGES)))


def _guaranteed_hidden(guaranteed: int, overall: stage_suppression.Protection) -> bool:
    """The people guaranteed an interview are among the people interviewed: shown beside a
    hidden interview total they would bound it from below, so they are hidden with it (then
    they could be anything from 0 to that total, which is wide). And hidden when 1 to 4."""
    return is_small(guaranteed) or (guaranteed > 0 and INTERVIEW in overall.totals)


def _hide_breakdowns(sources, overall) -> list[stage_suppression.Protection]:
    """Every breakdown hidden whole, but its known zeros: safe whatever the overall page
    shows, so it needs no search.

    Any campaign that fits the overall page fits them too: give every role all of its people
    (each applied for every role and got as far in each), or give one role nobody and the
    others all of them. So a hidden breakdown count is as wide as its overall count (hidden,
    and wide on its own page), or runs from 0 to it (shown, so at least 5); a track's or a
    level's from one role's worth to all of its roles'. The people guaranteed an interview
    are among the people interviewed overall, which neither campaign changes."""
    found, totals = sources[0]
    everything = _Forced(_everything(found), set(_ALL_STAGES))
    every = _hide(found, totals, everything, everything)
    return [_without(every, _known_zeros(found, totals, overall))] * (len(sources) - 1)


def _show(key: linked.Key, sources, shown: list[_Forced]) -> bool:
    """Show a breakdown's count that everything else published pins down anyway, when it is
    too large to point at anyone (a level of every role counts nearly the people the overall
    page shows: hiding it hides nothing). Once each; the check then runs again, as showing
    it may narrow others, which are hidden or shown in turn."""
    if key[0] not in ("cell", "total") or key[1] == 0:
        return False
    page = shown[key[1] - 1]
    found, totals = sources[key[1]]
    if key[0] == "cell":
        value, place, where = found[key[2]][key[3]][key[4]], key[2:], page.cells
    else:
        value, place, where = totals[key[2]], key[2], page.totals
    if value < SMALLEST_SHOWN or place in where:
        return False
    where.add(place)
    return True


def _known_zeros(found, totals, overall: stage_suppression.Protection) -> _Forced:
    """The counts the overall page shows as 0: each breakdown's is 0 too, as a reader knows,
    so hiding them there would hide nothing (and a search would find them pinned)."""
    return _Forced(
        {
            (t, g, s)
            for t, table in enumerate(found)
            for g, row in enumerate(table)
            for s, count in enumerate(row)
            if count == 0 and not overall.cell(t, g, s)
        },
        {s for s, total in enumerate(totals) if total == 0 and s not in overall.totals},
    )


def _without(protection: stage_suppression.Protection, known: _Forced):
    return stage_suppression.Protection(
        tuple(
            frozenset(c for c in cells if (t, *c) not in known.cells)
            for t, cells in enumerate(protection.cells)
        ),
        frozenset(protection.totals - known.totals),
    )


def _breakdowns(
    campaign: Campaign, sources, overall, guaranteed_hidden: bool, deadline: float
) -> list[stage_suppression.Protection] | None:
    """What each breakdown hides, with the overall page's hiding as it is; None where the
    search ends in hiding them whole, or time runs out first."""
    hiding = _Hiding.start(sources, overall, len(campaign.roles) + len(campaign.groups))
    while True:
        if time.monotonic() >= deadline:
            return None
        hidden = hiding.hide()
        if hiding.spread(hidden):
            continue
        pages = _linked_pages(campaign, sources, [overall, *hidden])
        if hiding.forced == hiding.everything:
            return None  # hidden whole, which _hide_breakdowns keeps safe without a search
        narrow = linked.too_narrow(
            linked.Linked(
                pages, equality.PARENTS, INTERVIEW, campaign.guaranteed, guaranteed_hidden
            ),
            deadline=deadline,
        )
        if not narrow:
            return hidden
        if time.monotonic() >= deadline:
            return None
        hiding.widen(narrow)


@dataclass
class _Hiding:
    """What the breakdowns hide, as the search for it stands."""

    sources: list
    known: _Forced  # the overall page's zeros: 0 on every breakdown too
    everything: _Forced
    forced: _Forced  # hidden on every breakdown
    alike: _Forced  # hidden on every breakdown where it counts anyone
    # For each breakdown, counts found pinned that are too large to point at anyone: shown.
    shown: list[_Forced]
    # A page hidden again with nothing new forced in is hidden as before.
    done: dict[tuple, stage_suppression.Protection] = field(default_factory=dict)

    @classmethod
    def start(cls, sources, overall: stage_suppression.Protection, groups: int) -> _Hiding:
        shape = sources[0][0]
        # What the overall page hides, every breakdown hides too, zeros included: a
        # breakdown's count shown beside it would narrow it (a role's 0 says the overall
        # count is at most the other roles' counts).
        forced = _Forced(
            {(t, g, s) for t, cells in enumerate(overall.cells) for g, s in cells},
            set(overall.totals),
        )
        alike = _Forced()
        everything = _Forced(_everything(shape), set(_ALL_STAGES), True)
        # A breakdown this small is hidden whole: its counts are nearly all 1 to 4 anyway,
        # and hiding them one by one costs many searches to end in the same place.
        alike.cells |= {
            cell
            for found, totals in sources[1:]
            if totals[0] < SMALLEST_BREAKDOWN
            for cell in everything.cells
            if found[cell[0]][cell[1]][cell[2]]
        }
        alike.totals |= {
            s
            for _, totals in sources[1:]
            if totals[0] < SMALLEST_BREAKDOWN
            for s in everything.totals
            if totals[s]
        }
        known = _known_zeros(*sources[0], overall)
        return cls(sources, known, everything, forced, alike, [_Forced() for _ in range(groups)])

    def hide(self) -> list[stage_suppression.Protection]:
        """Each breakdown hidden on its own, with what every breakdown must hide forced in."""
        hidden = []
        for n, (found, totals) in enumerate(self.sources[1:], start=1):
            page = _Forced(
                self.forced.cells | {(t, g, s) for t, g, s in self.alike.cells if found[t][g][s]},
                self.forced.totals | {s for s in self.alike.totals if totals[s]},
            )
            key = (n, frozenset(page.cells), frozenset(page.totals))
            if key not in self.done:
                self.done[key] = _without(_hide(found, totals, page, self.everything), self.known)
            hidden.append(_without(self.done[key], self.shown[n - 1]))
        return hidden

    def spread(self, hidden: list[stage_suppression.Protection]) -> bool:
        """A count hidden on one breakdown is hidden on every breakdown where it counts
        anyone (a zero shown beside it says nothing), until they agree: most links between
        the breakdowns then give nothing away. Whether that hides more than before."""
        pages = list(zip(self.sources[1:], hidden, strict=True))
        more = _Forced(
            {
                (t, g, s)
                for (found, _), p in pages
                for t, cells in enumerate(p.cells)
                for g, s in cells
                if found[t][g][s]
            },
            {s for (_, totals), p in pages for s in p.totals if totals[s]},
        )
        if more.cells <= self.alike.cells and more.totals <= self.alike.totals:
            return False
        self.alike.cells |= more.cells
        self.alike.totals |= more.totals
        return True

    def widen(self, narrow: dict[linked.Key, tuple[int, int]]) -> None:
        """Show, or hide more of, each value the pages together pin down too narrowly."""
        forced = self.forced
        before = _Forced(set(forced.cells), set(forced.totals), forced.guaranteed)
        for key in narrow:
            if not _show(key, self.sources, self.shown):
                _widen(key, before, forced, self.sources[0][0])


def _linked_pages(
    campaign: Campaign, sources, protections: list[stage_suppression.Protection]
) -> list[linked.Page]:
    """Every page as the check across them reads it: the overall page, then each breakdown."""
    groups = [*campaign.roles, *campaign.groups]
    return [
        linked.Page(
            found,
            totals,
            protection,
            roles=None if n == 0 else groups[n - 1].roles,
            role=next(iter(groups[n - 1].roles)) if 0 < n <= len(campaign.roles) else None,
        )
        for n, ((found, totals), protection) in enumerate(zip(sources, protections, strict=True))
    ]
