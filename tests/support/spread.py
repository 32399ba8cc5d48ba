"""Test helpers for scale-up: an idea walked from its pilot to scale-up through the real operations.

Completing the pilot and approving the scale-up go through `apply_action`; until the committee's
pilot review names the target units itself (branch `pilotreview`), this helper names them with `add_target_units`.
"""
from datetime import timedelta

from sqlalchemy import select

from ideas.accounts.models import Unit, User
from ideas.accounts.units import create_site, create_unit
from ideas.database import db
from ideas.pilots.operations import hospital_today
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.review.models import Measure
from ideas.spread.models import TargetUnit
from ideas.spread.operations import add_target_units
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
    apply_action(idea, actor, "complete_pilot", idea.version, **RESULTS)
    db.session.commit()


def scale_up_idea(people: dict, members: list[User], units: list[Unit] | None = None) -> tuple[Idea, list[TargetUnit]]:
    """An idea of `people` piloted, completed and approved for scale-up to `units` by `members`; committed."""
    idea = running_pilot(people, members)
    complete_pilot(idea, people["submitter"])
    units = units or target_wards()
    vote(idea, members)
    chosen = [unit.id for unit in units]
    apply_action(idea, members[0], "approve_scale_up", idea.version, password=PASSWORD, target_units=chosen)
    targets = add_target_units(idea, members[0], chosen)
    db.session.commit()
    return idea, targets
