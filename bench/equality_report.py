"""How long the equality report takes to hide what it must across all its pages
(tracker/reports/breakdowns.py publish: each page on its own, then the linked check).

Campaigns are generated, pure (no database): people answering sex, ethnicity, disability and
age, applying for one to three of the roles, each application getting as far as it does.

Run: PYTHONPATH=. .venv/bin/python bench/equality_report.py --people 100 300 1000 --roles 5
"""

from __future__ import annotations

import argparse
import random
import time

from tracker.applications.equality import QUESTIONS
from tracker.applications.states import Status
from tracker.reports import breakdowns, equality

S = Status
JOURNEYS = [
    (S.SUBMITTED,),
    (S.SUBMITTED, S.SIFT),
    (S.SUBMITTED, S.SIFT, S.ASSESSMENT),
    (S.SUBMITTED, S.SIFT, S.INTERVIEW),
    (S.SUBMITTED, S.SIFT, S.ASSESSMENT, S.INTERVIEW, S.OFFER),
    (S.SUBMITTED, S.SIFT, S.ASSESSMENT, S.INTERVIEW, S.OFFER, S.HIRED),
]
# Most applications stop early, as in a real campaign.
WEIGHTS = [40, 30, 12, 8, 6, 4]


def campaign(people: int, roles: int, seed: int) -> breakdowns.Campaign:
    rng = random.Random(seed)
    found, applications = [], []
    for _ in range(people):
        answers = {
            key: rng.choice([code for code, _ in QUESTIONS[key][1]] + [None])
            for key in ("sex", "ethnicity", "disability")
        }
        answers["age_band"] = rng.choice(["under-19", "under-19", "19-24", "25-34", None])
        reached = set()
        for role in rng.sample(range(roles), rng.choice([1, 1, 2, 3])):
            journey = frozenset(rng.choices(JOURNEYS, WEIGHTS)[0])
            reached |= journey
            applications.append((role, equality.Person(journey, answers)))
        found.append(equality.Person(frozenset(reached), answers))
    groups = [
        breakdowns.Group(f"role-{r}", "Role", f"Role {r}", frozenset({r})) for r in range(roles)
    ]
    tracks = [
        breakdowns.Group(f"track-{t}", "Track", f"Track {t}", frozenset(range(t, roles, 2)))
        for t in range(2)
    ]
    levels = [breakdowns.Group("level-3", "Level", "Level 3", frozenset(range(roles)))]
    return breakdowns.Campaign(found, applications, groups, tracks + levels, guaranteed=3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--roles", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    # The time budget (EQUALITY_CHECK_SECONDS); none by default, to see the whole check.
    parser.add_argument("--seconds", type=float, default=float("inf"))
    arguments = parser.parse_args()
    print(
        "| people | roles | overall page alone, seconds | every page, seconds (each seed) "
        "| hidden overall (of all counts) | breakdowns hidden whole |"
    )
    print("| ---: | ---: | --- | --- | --- | --- |")
    for people in arguments.people:
        times, hidden, alone, whole = [], [], [], []
        for seed in range(arguments.seeds):
            found = campaign(people, arguments.roles, seed)
            start = time.perf_counter()
            breakdowns.publish_overall(found)  # what the overall page waits for
            alone.append(f"{time.perf_counter() - start:.2f}")
            start, cpu = time.perf_counter(), time.process_time()
            report = breakdowns.publish(found, seconds=arguments.seconds)
            # Processor time beside the wall clock: on a loaded machine it is the steadier.
            times.append(f"{time.perf_counter() - start:.1f} ({time.process_time() - cpu:.1f} CPU)")
            cells = sum(len(t.rows) + 1 for t in report.overall.tables) * len(equality.STAGES)
            hidden.append(f"{sum(t.hidden for t in report.overall.tables)}/{cells}")
            # Out of time (or no better found), every breakdown is hidden but its zeros.
            shown = sum(
                not c.hidden and c.count
                for page in report.breakdowns
                for t in page.tables
                for row in (*t.rows, t.total)
                for c in row.cells
            )
            whole.append("yes" if report.breakdowns and not shown else "no")
        print(
            f"| {people} | {arguments.roles} | {', '.join(alone)} | {', '.join(times)} "
            f"| {', '.join(hidden)} | {', '.join(whole)} |"
        )


if __name__ == "__main__":
    main()
