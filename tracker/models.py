"""Every model, imported in one place so that Alembic's autogenerate sees all tables."""

from tracker.catalogue.models import Campaign, Criterion, Role, Track
from tracker.notifications.models import Email

__all__ = ["Campaign", "Criterion", "Email", "Role", "Track"]
