"""What a load run prints, and whether it met the issue's targets.

Targets (issue 18): no errors, p95 at most 500 ms, and every submission confirmed by exactly
one email (none missing, none doubled).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

from bench.load.smtp_sink import mailbox_name

P95_LIMIT_MS = 500
CONFIRMATION_SUBJECT = "Application received:"
SIGN_IN_SUBJECT = "Your sign-in link"


@dataclass
class Mail:
    """What reached the SMTP sink, by mailbox."""

    confirmations: Counter[str] = field(default_factory=Counter)
    sign_in_links: Counter[str] = field(default_factory=Counter)
    message_ids: Counter[str] = field(default_factory=Counter)

    @classmethod
    def read(cls, folder: Path) -> Mail:
        mail = cls()
        for path in folder.glob("*/*.eml"):
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            subject = str(message["Subject"] or "").strip()
            box = path.parent.name
            if subject.startswith(CONFIRMATION_SUBJECT):
                mail.confirmations[box] += 1
            elif subject.startswith(SIGN_IN_SUBJECT):
                mail.sign_in_links[box] += 1
            mail.message_ids[str(message["Message-ID"])] += 1
        return mail


@dataclass
class Outcome:
    requests: int
    errors: int
    rate: float
    p50: float
    p95: float
    p99: float
    steps: list[tuple[str, int, int, float, float, float]]
    submitted: int
    confirmed: int
    unconfirmed: int
    doubled: int
    stray: int
    problems: list[str]

    @property
    def met(self) -> bool:
        return (
            self.errors == 0
            and not self.problems
            and self.requests > 0
            and self.p95 <= P95_LIMIT_MS
            and self.unconfirmed == 0
            and self.doubled == 0
            and self.stray == 0
        )


def outcome(stats, plan, mail: Mail, seconds: float) -> Outcome:
    """The run's figures from Locust's statistics, the plan's tally and the sink's mail."""
    total = stats.total
    steps = [
        (
            f"{entry.method} {entry.name}",
            entry.num_requests,
            entry.num_failures,
            entry.get_response_time_percentile(0.5),
            entry.get_response_time_percentile(0.95),
            entry.get_response_time_percentile(0.99),
        )
        for entry in sorted(stats.entries.values(), key=lambda e: -e.num_requests)
    ]
    submitted = {mailbox_name(address) for address in plan.submitted}
    return Outcome(
        requests=total.num_requests,
        errors=total.num_failures,
        rate=total.num_requests / seconds if seconds else 0.0,
        p50=total.get_response_time_percentile(0.5) or 0,
        p95=total.get_response_time_percentile(0.95) or 0,
        p99=total.get_response_time_percentile(0.99) or 0,
        steps=steps,
        submitted=len(submitted),
        confirmed=sum(1 for box in submitted if mail.confirmations[box] >= 1),
        unconfirmed=sum(1 for box in submitted if mail.confirmations[box] == 0),
        doubled=sum(count - 1 for count in mail.confirmations.values() if count > 1)
        + sum(count - 1 for count in mail.message_ids.values() if count > 1),
        # A confirmation for a submission the driver never saw succeed.
        stray=sum(1 for box in mail.confirmations if box not in submitted),
        problems=list(plan.problems),
    )


def print_report(result: Outcome, plan, *, users: int, seconds: float, setting: str) -> None:
    print()
    print(f"Load: {users} users, {seconds:.0f} s (with the finishing applicants), {setting}")
    print(
        f"requests {result.requests}  errors {result.errors}  {result.rate:.1f} req/s  "
        f"p50 {result.p50:.0f} ms  p95 {result.p95:.0f} ms  p99 {result.p99:.0f} ms"
    )
    print()
    print("| step | requests | errors | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, count, failures, p50, p95, p99 in result.steps:
        print(f"| {name} | {count} | {failures} | {p50:.0f} | {p95:.0f} | {p99:.0f} |")
    print()
    waits = sorted(plan.email_waits)
    if waits:
        p95_wait = waits[max(0, int(len(waits) * 0.95) - 1)]
        print(
            f"sign-ins {plan.signed_in}; sign-in link in the mailbox after "
            f"median {statistics.median(waits):.1f} s, p95 {p95_wait:.1f} s"
        )
    print(
        f"submissions {result.submitted}  confirmation emails for them {result.confirmed}  "
        f"missing {result.unconfirmed}  doubled {result.doubled}  "
        f"for no submission {result.stray}"
    )
    print("outbox after the run: " + ", ".join(f"{n} {s}" for s, n in sorted(plan.outbox.items())))
    for problem, times in Counter(result.problems).most_common(10):
        print(f"problem ({times}x): {problem}")
    verdict = "MET" if result.met else "MISSED"
    print(
        f"targets (0 errors, p95 <= {P95_LIMIT_MS} ms, each submission confirmed once): {verdict}"
    )


def rows_for(result: Outcome, *, users: int, seconds: float) -> list[dict]:
    """The issue table's row for this run, in the shape `make bench` collects."""
    return [
        {
            "what": f"{users} concurrent applicants for {seconds:.0f} s (make load)",
            "measured": (
                f"{result.rate:.0f} req/s, p50 {result.p50:.0f} ms, p95 {result.p95:.0f} ms, "
                f"p99 {result.p99:.0f} ms, {result.errors} errors, {result.submitted} "
                f"submissions / {result.confirmed} confirmed, {result.doubled} doubled"
            ),
            "limit": "—",
            "ratio": None,
            "target": f"0 errors, p95 <= {P95_LIMIT_MS} ms, every submission confirmed once",
            "met": result.met,
        }
    ]
