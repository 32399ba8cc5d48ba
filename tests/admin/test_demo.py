"""The seeded demo gives users home units and pairs the demo mentees with mentors."""
from sqlalchemy import select

from ideas.accounts.models import User
from ideas.accounts.pairings import mentor_of
from ideas.demo import DEMO_HOME_UNITS, DEMO_PAIRINGS, seed_demo
from ideas.extensions import db


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_demo_users_have_home_units_and_mentors(app):
    seed_demo()
    seed_demo()  # a second run changes nothing
    for email, unit_name in DEMO_HOME_UNITS.items():
        assert user(email).home_unit.name == unit_name
    for mentee, mentor in DEMO_PAIRINGS:
        assert mentor_of(user(mentee)).email == mentor
