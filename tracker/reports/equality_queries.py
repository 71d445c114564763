"""What the equality report is built from: a campaign's people, their applications, its roles,
tracks and levels, and the people guaranteed an interview under Disability Confident.

The one place staff pages read the equality answers, and only for the report's aggregate
tables. The date of birth never leaves the database: the query turns it into an age band
(age on the campaign's closing date, age_bands.py). Nothing else personal is read; the
applicant's id only to count each person once.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, defaultdict

from flask import current_app
from sqlalchemy import case, func, select

from tracker.applications.models import Application, EqualityAnswers
from tracker.applications.states import Status
from tracker.catalogue.models import Campaign, Role
from tracker.extensions import db
from tracker.reports import age_bands, breakdowns, equality, funnel, queries

_application = Application.__table__.c
# Reports built lately, by what they were built from: the page and its CSV files are asked
# for one after another, and building one takes a while in a large campaign.
_BUILT: OrderedDict[tuple[bool, str], breakdowns.Report] = OrderedDict()
_KEEP = 8


def _submitted(campaign_id: int):
    """The campaign's submitted applications (drafts belong to applicants), as the other
    reports count them."""
    roles = Role.__table__.c
    return (
        _application.role_id.in_(select(roles.id).where(roles.campaign_id == campaign_id)),
        _application.status != Status.DRAFT,
    )


def _age_band(campaign: Campaign):
    """The band kept when the date of birth was blanked (reports/personal_data.py),
    else the band worked out from the date of birth, in the database."""
    born = _application.date_of_birth
    bands = age_bands.latest_births(campaign.closes_on)
    worked_out = case(
        *((born <= latest, code) for code, latest in bands if latest is not None),
        *((born.is_not(None), code) for code, latest in bands if latest is None),
        else_=None,
    )
    return func.coalesce(_application.age_band, worked_out)


def _groups(campaign_id: int) -> tuple[list[breakdowns.Group], list[breakdowns.Group]]:
    """A group for each role, then each track and each level."""
    found = sorted(queries.roles(campaign_id), key=lambda r: (r.track_position, r.position, r.id))
    roles = [breakdowns.Group(f"role-{r.id}", "Role", r.title, frozenset({r.id})) for r in found]
    tracks: dict[int, tuple[str, set[int]]] = {}
    levels: dict[int, set[int]] = defaultdict(set)
    for r in found:
        tracks.setdefault(r.track_id, (r.track_name, set()))[1].add(r.id)
        levels[r.level].add(r.id)
    return roles, [
        *(
            breakdowns.Group(f"track-{key}", "Track", name, frozenset(members))
            for key, (name, members) in tracks.items()
        ),
        *(
            breakdowns.Group(f"level-{level}", "Level", f"Level {level}", frozenset(members))
            for level, members in sorted(levels.items())
        ),
    ]


def inputs(campaign: Campaign) -> breakdowns.Campaign:
    """Everyone who applied in the campaign, once each (the stages any of their applications
    reached, and their latest answer to each question), and each of their applications with
    that person's answers."""
    answers_table = EqualityAnswers.__table__
    answered = [answers_table.c[column] for column in equality.EQUALITY_COLUMNS]
    rows = db.session.execute(
        select(
            _application.id,
            _application.applicant_id,
            _application.role_id,
            _application.status,
            _application.submitted_at,
            _application.disability_confident,
            _application.lives_in_area,
            _age_band(campaign),
            *answered,
        )
        .select_from(Application.__table__)
        .outerjoin(answers_table, answers_table.c.application_id == _application.id)
        .where(*_submitted(campaign.id))
        .order_by(_application.submitted_at, _application.id)
    ).all()
    by_application: dict[int, list[funnel.Move]] = defaultdict(list)
    for move in queries.moves(campaign.id):
        by_application[move.application_id].append(move)
    keys = (equality.LIVES_IN_AREA, age_bands.KEY, *equality.EQUALITY_COLUMNS)
    stages: dict[int, set[Status]] = defaultdict(set)
    answers: dict[int, dict[str, str | None]] = defaultdict(dict)
    applied: list[tuple[int, int, frozenset[Status]]] = []
    guaranteed: set[int] = set()  # people, each once however many roles
    for application_id, applicant_id, role_id, status, submitted_at, confident, *values in rows:
        journey = funnel.journey(status, submitted_at, by_application.get(application_id, ()))
        stages[applicant_id] |= journey.reached
        applied.append((applicant_id, role_id, journey.reached))
        if confident and Status.INTERVIEW in journey.reached:
            guaranteed.add(applicant_id)
        person = answers[applicant_id]
        for key, value in zip(keys, values, strict=True):
            if value is not None or key not in person:
                person[key] = value
    roles, groups = _groups(campaign.id)
    return breakdowns.Campaign(
        people=[
            equality.Person(reached=frozenset(stages[applicant]), answers=answers[applicant])
            for applicant in stages
        ],
        applications=[
            (role, equality.Person(reached, answers[applicant]))
            for applicant, role, reached in applied
        ],
        roles=roles,
        groups=groups,
        guaranteed=len(guaranteed),
    )


def report(
    campaign: Campaign, *, with_breakdowns: bool
) -> tuple[breakdowns.Report, list[breakdowns.Group]]:
    """The report as published (the overall page alone, quick, unless ``with_breakdowns``) and
    the groups it can be shown for; built again only when what it is built from has changed."""
    found = inputs(campaign)
    key = (with_breakdowns, hashlib.sha256(repr(found).encode()).hexdigest())
    if key in _BUILT:
        _BUILT.move_to_end(key)
    elif with_breakdowns:
        seconds = current_app.config["EQUALITY_CHECK_SECONDS"]
        _BUILT[key] = breakdowns.publish(found, seconds=seconds)
    else:
        _BUILT[key] = breakdowns.publish_overall(found)
    while len(_BUILT) > _KEEP:
        _BUILT.popitem(last=False)
    return _BUILT[key], [*found.roles, *found.groups]
