"""The manifest: every package of the app, once, from the base up.

A package comes after every package it uses (the layers of docs/architecture.md), so that
tracker.privacy can take personal data out from the top down: what a package needs of a lower
one's rows is still there when that package's turn comes.

Everything else is found in each package by its modules' names, so adding a package is one
entry here, and moving a module between packages needs none:

- routes: every module named ``views`` or ``*_views`` is imported (so their routes attach),
  then the ``bp`` of the package's ``blueprint.py``, or else of its ``views.py``, is registered;
- ``models.py`` and ``*_models.py`` are imported, so that the app and Alembic see every table;
- ``emails.py`` and ``*_emails.py`` register their email templates;
- ``tasks.py`` is in Celery's imports, and the entry's ``beat`` lists its periodic jobs;
- the command groups in ``cli.py`` are added to ``flask``;
- ``personal_data.py`` is what tracker.privacy exports, anonymises and erases
  (see tracker.data_subject).

Pure data: nothing is imported or run here. tracker.create_app reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Beat:
    """A job Celery beat runs: the package's ``tasks.<task>``, every ``seconds`` (a number,
    or the name of the setting that holds it) or at the ``crontab`` fields, UK time."""

    name: str
    task: str
    seconds: float | str | None = None
    crontab: Mapping[str, int | str] | None = None


@dataclass(frozen=True)
class Domain:
    package: str
    beat: tuple[Beat, ...] = ()
    # Settings the package's pages are registered under, and only under (else always).
    pages_only_with: Mapping[str, str] | None = None


DOMAINS: tuple[Domain, ...] = (
    # The base: the audit log, email and the catalogue of roles.
    Domain("tracker.audit"),
    Domain(
        "tracker.notifications",
        beat=(Beat("sweep-outbox", "sweep_outbox", seconds="EMAIL_SWEEP_INTERVAL_SECONDS"),),
        # The development mailbox: only where nothing is really sent.
        pages_only_with={"TRACKER_ENV": "development", "EMAIL_BACKEND": "local"},
    ),
    Domain("tracker.catalogue"),
    # The domains.
    Domain("tracker.accounts"),
    Domain("tracker.applicants"),
    Domain(
        "tracker.applications",
        # Hourly, and safe to repeat: each draft is reminded once (an idempotency key).
        beat=(
            Beat("remind-drafts", "remind_about_drafts", seconds=3600),
            # The stage counts' appended rows, summed so a read stays a few hundred rows.
            Beat("fold-counts", "fold_counts", seconds=60),
        ),
    ),
    Domain("tracker.offers"),
    Domain(
        "tracker.screening",
        # Each weekday morning; at most one digest per manager per day.
        beat=(
            Beat(
                "waiting-digests",
                "send_waiting_digests",
                crontab={"hour": 7, "minute": 30, "day_of_week": "mon-fri"},
            ),
        ),
    ),
    Domain("tracker.mentoring"),
    Domain(
        "tracker.partners",
        # Each morning; each share is reminded once.
        beat=(Beat("remind-partners", "remind_partners", crontab={"hour": 9, "minute": 0}),),
    ),
    Domain(
        "tracker.scheduling",
        # Each evening: tomorrow's assessments and interviews, once per booking.
        beat=(Beat("remind-bookings", "remind_tomorrow", crontab={"hour": 18, "minute": 0}),),
    ),
    # The pages over them.
    Domain("tracker.public"),
    Domain("tracker.sessions"),
    Domain("tracker.workqueue"),
    Domain("tracker.staff"),
    Domain("tracker.exports"),
    Domain("tracker.reports"),
    Domain(
        "tracker.privacy",
        # Each night: nothing is kept past its campaign's retention period.
        beat=(Beat("run-retention", "run_retention", crontab={"hour": 2, "minute": 30}),),
    ),
    Domain("tracker.admin"),
    Domain("tracker.audit_log"),
)
