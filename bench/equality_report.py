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
    arguments = parser.parse_args()
    print("| people | roles | seconds (each seed) | hidden overall (of all counts) |")
    print("| ---: | ---: | --- | --- |")
    for people in arguments.people:
        times, hidden = [], []
        for seed in range(arguments.seeds):
            found = campaign(people, arguments.roles, seed)
            start = time.perf_counter()
            report = breakdowns.publish(found)
            times.append(f"{time.perf_counter() - start:.1f}")
            cells = sum(len(t.rows) + 1 for t in report.overall.tables) * len(equality.STAGES)
            hidden.append(f"{sum(t.hidden for t in report.overall.tables)}/{cells}")
        print(f"| {people} | {arguments.roles} | {', '.join(times)} | {', '.join(hidden)} |")


if __name__ == "__main__":
    main()
