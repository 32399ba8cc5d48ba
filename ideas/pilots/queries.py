"""Reading a pilot's completion facts for the rules."""
from sqlalchemy import exists, select

from ideas.database import db
from ideas.pilots.models import Observation, PilotResult
from ideas.pilots.rules import PilotFacts
from ideas.review.models import Measure


def pilot_facts(idea_id: int) -> PilotFacts:
    """The pilot plan's measures with no observation yet, in the plan's order (one query)."""
    recorded = exists().where(Observation.measure_id == Measure.id)
    names = db.session.scalars(select(Measure.name).where(Measure.idea_id == idea_id, ~recorded).order_by(Measure.id))
    return PilotFacts(measures_without_data=tuple(names))


def results_of(idea_id: int) -> list[PilotResult]:
    """The team's completions of the pilot, newest first (an extended pilot is completed again)."""
    return list(db.session.scalars(select(PilotResult).where(PilotResult.idea_id == idea_id)
                                   .order_by(PilotResult.id.desc())))
