"""The seeded demo gives users home units and pairs the demo mentees with mentors."""
from sqlalchemy import select

from ideas.accounts.models import User
from ideas.accounts.pairings import mentor_of
from ideas.demo import DEMO_HOME_UNITS, DEMO_PAIRINGS, seed_demo
from ideas.extensions import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.queries import review_facts


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_demo_users_have_home_units_and_mentors(app):
    seed_demo()
    seed_demo()  # a second run changes nothing
    for email, unit_name in DEMO_HOME_UNITS.items():
        assert user(email).home_unit.name == unit_name
    for mentee, mentor in DEMO_PAIRINGS:
        assert mentor_of(user(mentee)).email == mentor


def test_demo_has_a_partial_review_and_an_idea_at_committee(app):
    seed_demo()
    ideas = {idea.title: idea for idea in db.session.scalars(select(Idea))}
    partial = review_facts(ideas["Walk to lunch"].id)
    assert partial.safety_complete and not partial.feasibility_complete and partial.band == "high"
    recommended = ideas["Red trays for patients who need help to eat"]
    assert recommended.stage == Stage.COMMITTEE_REVIEW
    assert not review_facts(recommended.id).plan_missing
