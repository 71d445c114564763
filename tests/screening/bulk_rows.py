"""Many submitted applications at once, inserted as rows (as an import would), for the tests
that show a list costs the same at 1,000 applications as at 10,000. The tally's triggers
count them as they go in."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert

from tracker import clock
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db

STAGES = (Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW, Status.UNSUCCESSFUL)


def add_applications(count: int, role_ids: list[int], *, seed: int = 0) -> None:
    rng = random.Random(seed)
    now = clock.utcnow()
    applicants = db.session.scalars(
        insert(Applicant).returning(Applicant.id),
        [{"email": f"bulk{seed}-{i}@example.com"} for i in range(count)],
    ).all()
    rows = []
    for i, applicant_id in enumerate(applicants):
        submitted = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
        scored = rng.random() < 0.5
        rows.append(
            {
                "applicant_id": applicant_id,
                "role_id": rng.choice(role_ids),
                "status": rng.choice(STAGES),
                "reference": f"B{seed:02d}{i:06d}",
                "version": 1,
                "completed_sections": [],
                "eligibility_findings": [],
                "needs_hr_check": rng.random() < 0.1,
                "submitted_at": submitted,
                "status_changed_at": submitted + (now - submitted) * rng.random(),
                "preference": rng.choice([1, 1, 2, 3]),
                "score_average": Decimal(rng.randrange(100, 401)) / 100 if scored else None,
                "score_count": rng.randint(1, 3) if scored else 0,
            }
        )
    db.session.execute(insert(Application), rows)
