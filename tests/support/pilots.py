"""Test helpers for running pilots: observations and PDSA cycles, through the operations."""
from datetime import date, timedelta

from sqlalchemy import select

from ideas.accounts.models import User
from ideas.database import db
from ideas.pilots.completion import complete_pilot
from ideas.pilots.models import Observation
from ideas.pilots.operations import add_observation
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.models import Measure
from tests.support.holds import observe
from tests.support.ideas import make_idea


def add_observations(measure: Measure, values: list[float | tuple[int, int]], *, start: date, actor: User,
                     step_days: int = 1) -> list[Observation]:
    """Each value (a number, or (numerator, denominator)) observed `step_days` apart from `start`; committed."""
    # Days may not be after the hospital's today (`hospital_today()` in ideas/pilots/operations.py) nor over
    # a year before the planned start: `start=hospital_today() - timedelta(days=len(values))` always fits.
    idea = db.session.get(Idea, measure.idea_id)
    added = []
    for i, value in enumerate(values):
        day = start + timedelta(days=i * step_days)
        fields = ({"numerator": value[0], "denominator": value[1]} if isinstance(value, tuple)
                  else {"value": value})
        added.append(add_observation(idea, actor, measure.id, {"observed_on": day, **fields}))
    db.session.commit()
    return added


def running_pilot(people: dict, members: list[User], **fields) -> Idea:
    """An idea of `people` (submitter, co-author, assigned mentor) approved by `members` and piloting; committed."""
    return make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], co_authors=(people["co_author"],),
                     committee=tuple(members), **fields)


def measure_named(idea: Idea, name: str) -> Measure:
    return db.session.scalar(select(Measure).where(Measure.idea_id == idea.id, Measure.name == name))



RESULTS = {"summary": "Night-time falls fell from 6.5 to 3.9 per 1,000 bed days over twelve weeks.",
           "recommendation": "adopt",
           "impact": "About eight fewer falls a month on 4B; the checklist takes two minutes a patient."}


def observe_every_measure(idea: Idea, actor: User) -> None:
    """One observation of each measure of the plan, inside every stop rule; committed."""
    for measure in db.session.scalars(select(Measure).where(Measure.idea_id == idea.id)):
        observe(measure, actor, [20.0])
    db.session.commit()


def completed_pilot(people: dict, members: list[User], **fields) -> Idea:
    """A running pilot with data for every measure, completed by its submitter: in pilot review; committed."""
    idea = running_pilot(people, members, **fields)
    observe_every_measure(idea, people["submitter"])
    complete_pilot(idea, people["submitter"], RESULTS, idea.version)
    db.session.commit()
    return idea
