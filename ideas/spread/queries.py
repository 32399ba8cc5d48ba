"""Reading a scale-up's target units for pages and rules."""
from sqlalchemy import case, func, select

from ideas.database import db
from ideas.spread.models import TargetUnit
from ideas.spread.rules import SpreadFacts, UnitStatus


def spread_facts(idea_id: int) -> SpreadFacts:
    """How many target units adopted, and how many of those have no sustainment owner (one query)."""
    adopted = TargetUnit.status == UnitStatus.ADOPTED
    count, ownerless = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((TargetUnit.sustainment_owner_id.is_(None), 1), else_=0)), 0))
        .where(TargetUnit.idea_id == idea_id, adopted)).one()
    return SpreadFacts(adopted_units=count, adopted_without_owner=ownerless)
