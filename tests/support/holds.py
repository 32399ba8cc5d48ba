"""Test helpers for the safety hold: a stop rule tripped by hand, as the pilot's operations will trip it."""
from datetime import date, timedelta

from sqlalchemy import select

from ideas.accounts.models import User
from ideas.database import db
from ideas.pilots.models import Observation
from ideas.pilots.signals import observations_changed
from ideas.pipeline.models import Idea
from ideas.review.models import Measure
from ideas.review.rules import MeasureType

FIRST_DAY = date(2027, 1, 4)
# tests/support/reviews.py gives the balancing measure "Handover length" a stop rule: above 45 minutes.
UNDER, OVER = 30.0, 52.0


def balancing_measure(idea: Idea) -> Measure:
    return db.session.scalar(select(Measure).where(Measure.idea_id == idea.id, Measure.kind == MeasureType.BALANCING))


def observe(measure: Measure, actor: User, values, first: date = FIRST_DAY) -> None:
    """Observation rows straight into the table, a day apart, then the signal the pilot's operations send; flushes."""
    days = db.session.scalar(select(db.func.count(Observation.id)).where(Observation.measure_id == measure.id))
    for i, value in enumerate(values, start=days):
        db.session.add(Observation(idea_id=measure.idea_id, measure_id=measure.id, observed_on=first + timedelta(i),
                                   value=value, recorded_by_id=actor.id))
    db.session.flush()
    observations_changed.send(measure, actor=actor)


def trip_stop_rule(idea: Idea, actor: User, value: float = OVER) -> None:
    """One observation of the balancing measure over its stop threshold; committed."""
    observe(balancing_measure(idea), actor, [value])
    db.session.commit()
