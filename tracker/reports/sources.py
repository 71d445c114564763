"""Where applicants heard of the programme, and what the eligibility pre-check flagged. Pure.

Eligibility findings are counted by code and severity only. A finding's message is never
read here: it is written for the applicant and can give their age away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.applications.eligibility import Severity
from tracker.applications.forms import HEARD_ABOUT
from tracker.reports.charts import bar_chart, bars_from
from tracker.reports.tables import Column, Kind, Table, display, percent

NOT_GIVEN = "Not given"
NO_LONGER_ASKED = "An answer no longer on the form"

# What each finding of tracker.applications.eligibility.assess means, for HR.
FINDING_LABELS: dict[str, str] = {
    "too_young": "Under 16 on the start date",
    "no_right_to_work": "No right to work in the UK",
    "right_to_work_unsure": "Not sure of their right to work in the UK",
    "residency": "Not lived in the UK or EEA for 3 years, or not sure",
    "full_time_education": "May be in full-time education during the apprenticeship",
    "same_subject_qualification": "May already have a qualification in the same subject",
    "english_maths_optional_19_plus": "English or maths below level 2, optional by agreement",
    "english_below_level_2": "English below level 2: will work towards it",
    "maths_below_level_2": "Maths below level 2: will work towards it",
    "lives_outside_area": "Lives outside the area, or not sure",
}
SEVERITY_LABELS: dict[str, str] = {
    Severity.CHECK.value: "HR to check",
    Severity.NOTE.value: "Information only",
    Severity.BLOCK.value: "Stops an application",
}
_SEVERITY_ORDER = {severity: n for n, severity in enumerate(SEVERITY_LABELS)}
_FINDING_ORDER = {code: n for n, code in enumerate(FINDING_LABELS)}


def finding_label(code: str | None) -> str:
    if code in FINDING_LABELS:
        return FINDING_LABELS[code]
    return f"Another finding ({code})" if code else "A finding with no code recorded"


def heard_about_table(answers: Iterable[str | None]) -> Table:
    """One answer per applicant: every option of the form in its order, then the rest."""
    counts = Counter(answers)
    total = sum(counts.values())
    rows = [
        (label, counts.get(code, 0), percent(counts.get(code, 0), total))
        for code, label in HEARD_ABOUT.items()
    ]
    retired = sum(n for code, n in counts.items() if code is not None and code not in HEARD_ABOUT)
    if retired:
        rows.append((NO_LONGER_ASKED, retired, percent(retired, total)))
    rows.append((NOT_GIVEN, counts.get(None, 0), percent(counts.get(None, 0), total)))
    return Table(
        key="heard-about",
        caption="Where applicants heard of the programme",
        columns=(
            Column("Where they heard of it", Kind.TEXT),
            Column("Applicants"),
            Column("% of applicants", Kind.PERCENT),
        ),
        rows=tuple(rows),
        total=("All applicants", total, percent(total, total)),
    )


@dataclass(frozen=True)
class Flags:
    applications: int
    flagged_for_hr: int
    table: Table

    @property
    def flagged_percent(self) -> float | None:
        return percent(self.flagged_for_hr, self.applications)

    @property
    def summary(self) -> str:
        if not self.applications:
            return "No applications have been submitted yet."
        return (
            f"{self.flagged_for_hr:,} of {self.applications:,} "
            f"application{'s' if self.applications != 1 else ''} "
            f"({display(self.flagged_percent, Kind.PERCENT)}) "
            f"{'was' if self.flagged_for_hr == 1 else 'were'} flagged for HR to check."
        )


def codes(findings: Iterable[Mapping] | None) -> set[tuple[str | None, str | None]]:
    """The (code, severity) pairs of one application's findings, each once. Nothing else
    of a finding is kept."""
    return {(f.get("code"), f.get("severity")) for f in findings or () if isinstance(f, Mapping)}


def eligibility_flags(applications: Iterable[tuple[bool, list | None]]) -> Flags:
    """From (needs_hr_check, eligibility_findings) for each application."""
    counts: Counter[tuple[str | None, str | None]] = Counter()
    total = flagged = 0
    for needs_hr_check, findings in applications:
        total += 1
        flagged += bool(needs_hr_check)
        counts.update(codes(findings))

    def order(pair):
        code, severity = pair
        return (
            _SEVERITY_ORDER.get(severity, len(_SEVERITY_ORDER)),
            _FINDING_ORDER.get(code, len(_FINDING_ORDER)),
            code or "",
        )

    rows = tuple(
        (
            finding_label(code),
            SEVERITY_LABELS.get(severity, "Not recorded"),
            count,
            percent(count, total),
        )
        for (code, severity), count in sorted(counts.items(), key=lambda item: order(item[0]))
    )
    return Flags(
        applications=total,
        flagged_for_hr=flagged,
        table=Table(
            key="eligibility",
            caption="What the eligibility pre-check found",
            columns=(
                Column("Finding", Kind.TEXT),
                Column("Kind of finding", Kind.TEXT),
                Column("Applications"),
                Column("% of applications", Kind.PERCENT),
            ),
            rows=rows,
        ),
    )


def charts(found: dict[str, Table], flags: Flags, *, campaign_name: str) -> dict:
    """The page's two charts, each drawn from the table shown beside it."""
    heard = found["heard-about"]
    return {
        "heard-about": bar_chart(
            chart_id="chart-heard-about",
            title=heard.caption,
            summary=f"Bar chart of where the {heard.total[1]:,} applicants to {campaign_name} "
            "heard of the programme.",
            bars=bars_from(heard, 1),
        ),
        "eligibility": bar_chart(
            chart_id="chart-eligibility",
            title=flags.table.caption,
            summary=f"Bar chart of how many of the {flags.applications:,} applications had "
            "each finding.",
            bars=bars_from(flags.table, 2),
        ),
    }
