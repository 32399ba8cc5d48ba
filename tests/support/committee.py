"""Test helpers for the committee: signed votes and decisions, through the operations."""
from ideas.accounts.models import User
from ideas.committee.operations import cast_vote, decide
from ideas.database import db
from ideas.pipeline.models import Idea

PASSWORD = "correct horse battery staple"  # the test users' password (tests/conftest.py)


def vote(idea: Idea, members, choice: str = "approve", comment: str = "") -> None:
    """Each member casts a signed vote in the idea's open round; committed."""
    for member in members:
        cast_vote(idea, member, choice, comment, PASSWORD)
        db.session.commit()


def approve_pilot(idea: Idea, members: list[User], conditions=(), risk_acceptance: str | None = None) -> None:
    """The members vote to approve and the first records approve_pilot; committed."""
    vote(idea, members)
    decide(idea, members[0], "approve_pilot", idea.version, password=PASSWORD, conditions=conditions,
           risk_acceptance=risk_acceptance)
    db.session.commit()
