"""Why applications ended: the reasons given for unsuccessful decisions and for withdrawals,
counted, and the stage each was made at. Pure.

An unsuccessful decision's reasons are the codes on the timeline row that moved it to
unsuccessful (one decision can give several, so the reasons add up to more than the
decisions). A withdrawal's reason is the one the applicant chose (Application.
withdrawal_reason). Never the feedback or the applicant's own words: those are free text,
and are neither read nor shown here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.applications.states import Status
from tracker.reports import funnel
from tracker.reports.charts import bar_chart, bars_from
from tracker.reports.tables import Column, Kind, Table, percent

# What HR calls each reason: the applicant reads states.REJECTION_REASONS, written to them,
# and chose from forms.WITHDRAWAL_REASONS, written as they would say it. (A test checks that
# every code has its label here.)
UNSUCCESSFUL_LABELS: dict[str, str] = {
    "essential_criteria": "Not enough evidence of the essential criteria",
    "stronger_candidates": "Other candidates showed the criteria more strongly",
    "eligibility": "Not eligible (for example right to work or education rules)",
    "assessment": "Assessment below the standard",
    "interview": "Interview below the standard",
    "did_not_attend": "Did not attend the assessment or interview",
    "checks": "Pre-employment checks not completed",
    "other": "Another reason",
}
WITHDRAWAL_LABELS: dict[str, str] = {
    "other_job": "Accepted another job or apprenticeship",
    "education": "Going into education or training",
    "not_for_me": "No longer wants this apprenticeship",
    "personal": "Personal reasons",
    "other": "Another reason",
}
RETIRED = "A reason no longer on the list"
NONE_RECORDED = "No reason recorded"

# The stages an application can leave from: every stage but the last.
EXIT_STAGES: tuple[Status, ...] = funnel.STAGES[:-1]


@dataclass(frozen=True)
class Ending:
    """One application that ended: how, the stage it was at, and the reason codes given."""

    status: Status  # unsuccessful or withdrawn
    stage: Status | None
    codes: tuple[str, ...]


def _label(code: str | None, labels: dict[str, str]) -> str:
    if not code:
        return NONE_RECORDED
    return labels.get(code, RETIRED)


def _counts(endings: Sequence[Ending], labels: dict[str, str]):
    """Per label, the endings giving it (each once), in all and at each stage."""
    total: Counter[str] = Counter()
    by_stage: Counter[tuple[str, Status | None]] = Counter()
    for ending in endings:
        for label in {_label(code, labels) for code in ending.codes or (None,)}:
            total[label] += 1
            by_stage[label, ending.stage] += 1
    order = [*labels.values(), RETIRED, NONE_RECORDED]
    # Every reason on the list is shown, even at 0; the other two only when they happen.
    shown = [label for label in order if label in labels.values() or total[label]]
    return shown, total, by_stage


@dataclass(frozen=True)
class EndingKind:
    status: Status
    labels: dict[str, str]
    key: str
    noun: str  # "unsuccessful decisions", "withdrawals"
    caption: str


UNSUCCESSFUL = EndingKind(
    Status.UNSUCCESSFUL,
    UNSUCCESSFUL_LABELS,
    "unsuccessful",
    "unsuccessful decisions",
    "Reasons given for unsuccessful decisions",
)
WITHDRAWN = EndingKind(
    Status.WITHDRAWN, WITHDRAWAL_LABELS, "withdrawals", "withdrawals", "Why applicants withdrew"
)
KINDS = (UNSUCCESSFUL, WITHDRAWN)


def _tables(kind: EndingKind, endings: Sequence[Ending]) -> list[Table]:
    mine = [e for e in endings if e.status is kind.status]
    shown, total, by_stage = _counts(mine, kind.labels)
    everyone = f"All {kind.noun}"
    counted = Table(
        key=kind.key,
        caption=kind.caption,
        columns=(
            Column("Reason", Kind.TEXT),
            Column(kind.noun.capitalize()),
            Column(f"% of {kind.noun}", Kind.PERCENT),
        ),
        rows=tuple((label, total[label], percent(total[label], len(mine))) for label in shown),
        total=(everyone, len(mine), percent(len(mine), len(mine))),
    )
    at_stage = Counter(e.stage for e in mine)
    staged = Table(
        key=f"{kind.key}-by-stage",
        caption=f"{kind.caption}, by the stage they were at",
        columns=(
            Column("Reason", Kind.TEXT),
            *(Column(funnel.STAGE_LABELS[stage]) for stage in EXIT_STAGES),
            Column("All stages"),
        ),
        rows=tuple(
            (label, *(by_stage[label, stage] for stage in EXIT_STAGES), total[label])
            for label in shown
        ),
        total=(everyone, *(at_stage[stage] for stage in EXIT_STAGES), len(mine)),
    )
    return [counted, staged]


def tables(endings: Iterable[Ending]) -> dict[str, Table]:
    endings = list(endings)
    return {t.key: t for kind in KINDS for t in _tables(kind, endings)}


def charts(found: dict[str, Table], *, campaign_name: str) -> dict:
    made = {}
    for kind in KINDS:
        table = found[kind.key]
        made[kind.key] = bar_chart(
            chart_id=f"chart-{kind.key}",
            title=table.caption,
            summary=f"Bar chart of how many of the {table.total[1]:,} {kind.noun} at "
            f"{campaign_name} gave each reason.",
            bars=bars_from(table, 1),
        )
    return made
