"""Every decision cell of the walked campaign, worked out with plain SQL from the tables,
independently of tracker/exports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import text

from tests.exports.walked_campaign import CRITERIA
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.states import REJECTION_REASONS
from tracker.extensions import db
from tracker.offers.models import ConditionKind


def expected_cells() -> dict[str, dict[str, object]]:
    """Every decision column of every application of the campaign, straight from the tables."""
    rows = db.session.execute(
        text(
            """
            SELECT a.id, a.reference, a.status, a.heard_about, a.withdrawal_reason,
                   (now() AT TIME ZONE 'Europe/London')::date
                     - (coalesce(a.status_changed_at, a.submitted_at)
                        AT TIME ZONE 'Europe/London')::date AS days
            FROM application a JOIN role r ON r.id = a.role_id
            JOIN campaign c ON c.id = r.campaign_id
            WHERE c.slug = 'spring-2027' AND a.status != 'draft'
            """
        )
    ).all()
    expected: dict[str, dict[str, object]] = {}
    for id_, reference, status, heard, withdrawal, days in rows:

        def one(sql, id_=id_):
            return db.session.execute(text(sql), {"id": id_}).all()

        criteria = {
            f"{kind}_{position + 1}": avg
            for kind, position, avg in one(
                "SELECT cr.kind, cr.position, round(avg(s.score), 2) FROM scorecard_score s "
                "JOIN scorecard sc ON sc.id = s.scorecard_id JOIN criterion cr "
                "ON cr.id = s.criterion_id WHERE sc.application_id = :id "
                "AND sc.submitted_at IS NOT NULL GROUP BY cr.kind, cr.position"
            )
        }
        ((average, reviewers),) = one(
            "SELECT round(avg(s.score), 2), count(DISTINCT sc.id) FROM scorecard sc "
            "JOIN scorecard_score s ON s.scorecard_id = sc.id "
            "WHERE sc.application_id = :id AND sc.submitted_at IS NOT NULL"
        )
        essentials = one(
            "SELECT avg(s.score) FROM scorecard_score s JOIN scorecard sc "
            "ON sc.id = s.scorecard_id WHERE sc.application_id = :id AND s.essential "
            "AND sc.submitted_at IS NOT NULL GROUP BY s.criterion_id"
        )
        partners_ = one(
            "SELECT o.name, f.recommendation FROM partner_shared_candidate sc "
            "JOIN partner_share s ON s.id = sc.share_id "
            "JOIN partner_organisation o ON o.id = s.organisation_id "
            "LEFT JOIN partner_feedback f ON f.shared_candidate_id = sc.id "
            "WHERE sc.application_id = :id AND sc.unshared_at IS NULL ORDER BY o.name, s.id"
        )
        times = dict(
            one(
                "SELECT b.kind::text, sl.starts_at AT TIME ZONE 'Europe/London' FROM booking b "
                "JOIN slot sl ON sl.id = b.slot_id "
                "WHERE b.application_id = :id AND b.cancelled_at IS NULL"
            )
        )
        reasons = one(
            "SELECT reasons FROM application_timeline WHERE application_id = :id "
            "AND to_status = 'unsuccessful' ORDER BY occurred_at DESC, id DESC LIMIT 1"
        )
        offer = one(
            "SELECT (made_at AT TIME ZONE 'Europe/London')::date FROM offer "
            "WHERE application_id = :id"
        )
        outstanding = [
            kind
            for (kind,) in one(
                "SELECT oc.kind::text FROM offer_condition oc JOIN offer o ON o.id = oc.offer_id "
                "WHERE o.application_id = :id AND oc.met_at IS NULL ORDER BY oc.id"
            )
        ]
        labels = {
            "strongly_recommend": "Strongly recommend",
            "recommend": "Recommend",
            "reservations": "Recommend with reservations",
            "do_not_recommend": "Do not recommend",
        }
        conditions = {k.value: k.label for k in ConditionKind}
        offer_status = None
        if offer:
            offer_status = {
                "offer": "Made",
                "pre_employment_checks": "Conditions outstanding" if outstanding else "Accepted",
                "hired": "Accepted",
                "offer_declined": "Declined",
            }.get(status, status)
        expected[reference] = {
            "score_average": average,
            "reviewers": reviewers,
            **{key: criteria.get(key) for key in CRITERIA},
            "recommendation": None
            if not reviewers
            else (
                "Take forward"
                if all(avg >= 3 for (avg,) in essentials)
                else "Consider not taking forward"
            ),
            "partner_feedback": "; ".join(
                f"{name}: {labels[r] if r else 'no feedback yet'}" for name, r in partners_
            )
            or None,
            "assessment_at": times.get("assessment"),
            "interview_at": times.get("interview"),
            "source": HEARD_ABOUT.get(heard) if heard else None,
            "days_in_stage": days,
            "rejection_reasons": "; ".join(REJECTION_REASONS[c] for c in reasons[0][0])
            if status == "unsuccessful"
            else None,
            "withdrawal_reason": dict(WITHDRAWAL_REASONS)[withdrawal]
            if status == "withdrawn"
            else None,
            "offer_date": offer[0][0] if offer else None,
            "offer_status": offer_status,
            "conditions_outstanding": "; ".join(conditions[k] for k in outstanding) or None
            if status in ("offer", "pre_employment_checks")
            else None,
        }
    return expected


def as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_xlsx(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())  # openpyxl reads dates back so
    return value
