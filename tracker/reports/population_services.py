"""Loading and removing the area's population figures, audited. Services flush and never
commit (the view's ``attempt`` does)."""

from __future__ import annotations

from sqlalchemy import delete, select

from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.reports.population import Population
from tracker.reports.population_models import PopulationFigures


def current() -> PopulationFigures | None:
    return db.session.scalars(select(PopulationFigures).order_by(PopulationFigures.id)).first()


def loaded() -> Population | None:
    """The figures in use, as the report reads them, or None when none are loaded."""
    found = current()
    if found is None:
        return None
    return Population(found.shares, found.area, found.source)


def replace_population(*, actor, population: Population, filename: str) -> PopulationFigures:
    """Keep ``population`` in place of any figures loaded before."""
    db.session.execute(delete(PopulationFigures))
    figures = PopulationFigures(
        area=population.area,
        source=population.source,
        filename=filename[:255],
        shares={key: dict(found) for key, found in population.shares.items()},
        uploaded_at=utcnow(),
        uploaded_by_id=actor.id,
    )
    db.session.add(figures)
    db.session.flush()
    record_event(
        actor=actor,
        action="reports.population_loaded",
        details={"measures": len(population.shares), "filename": figures.filename},
    )
    return figures


def remove_population(*, actor) -> None:
    """Stop comparing with the area's population."""
    removed = rows_matched(delete(PopulationFigures))
    if removed:
        record_event(actor=actor, action="reports.population_removed")
    db.session.flush()
