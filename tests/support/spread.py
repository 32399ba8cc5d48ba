"""Test helpers for scale-up: an idea walked from its pilot to scale-up through the real operations:
the pilot completed by its team, the scale-up approved by the committee, naming the target units."""
from datetime import timedelta

from sqlalchemy import select

from ideas.accounts.models import Unit, User
from ideas.accounts.units import create_site, create_unit
from ideas.committee.operations import decide
from ideas.database import db
from ideas.pilots.completion import complete_pilot as complete
from ideas.pilots.operations import hospital_today
from ideas.pipeline.models import Idea
from ideas.review.models import Measure
from ideas.spread.models import TargetUnit
from tests.support.committee import PASSWORD, vote
from tests.support.ideas import a_unit
from tests.support.pilots import add_observations, running_pilot

RESULTS = {"summary": "Falls at night fell from 6.5 to 4.2 per 1,000 bed days over eight weeks.",
           "recommendation": "adopt", "impact": "About two fewer falls a month on 4B; handover no longer."}


def target_wards() -> list[Unit]:
    """Three wards to spread to: two on the pilot unit's site, one on another; flushed."""
    home = a_unit().site
    other = create_site("Hillside Community Hospital")
    return [create_unit(home, "Ward 5A"), create_unit(home, "Ward 6C"), create_unit(other, "Rose Ward")]


def complete_pilot(idea: Idea, actor: User) -> None:
    """A week of data for every measure, then complete_pilot with results; committed."""
    start = hospital_today() - timedelta(days=7)
    for measure in db.session.scalars(select(Measure).where(Measure.idea_id == idea.id)).all():
        add_observations(measure, [(3, 10)] * 5 if measure.proportion else [5.0, 4.0, 4.5, 4.0, 3.5],
                         start=start, actor=actor)
    complete(idea, actor, RESULTS, idea.version)
    db.session.commit()


def scale_up_idea(people: dict, members: list[User], units: list[Unit] | None = None) -> tuple[Idea, list[TargetUnit]]:
    """An idea of `people` piloted, completed and approved for scale-up to `units` by `members`; committed."""
    idea = running_pilot(people, members)
    complete_pilot(idea, people["submitter"])
    units = units or target_wards()
    vote(idea, members)
    chosen = [unit.id for unit in units]
    decide(idea, members[0], "approve_scale_up", idea.version, password=PASSWORD, target_units=chosen)
    db.session.commit()
    return idea, list(db.session.scalars(select(TargetUnit).where(TargetUnit.idea_id == idea.id)
                                         .order_by(TargetUnit.id)))
