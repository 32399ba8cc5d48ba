"""The seeded demo: home units and mentors, ideas in every stage the product reaches, and the committee's
votes, recusal, decisions, conditions and meetings, all through the operations (the audit chain verifies)."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from ideas.accounts.models import Role, User
from ideas.accounts.pairings import mentor_of
from ideas.audit.verify import verify_trail
from ideas.clock import local_today
from ideas.committee.demo import APPROVED_DAYS_AGO
from ideas.committee.models import Meeting
from ideas.committee.operations import cast_vote, decide
from ideas.committee.queries import (
    committee_facts,
    conditions_of,
    frozen_plan,
    open_round,
    recusals_of,
    rounds_of,
)
from ideas.demo import DEMO_HOME_UNITS, DEMO_PAIRINGS, DEMO_PASSWORD, seed_demo
from ideas.errors import Refusal
from ideas.extensions import db
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage, check_vote
from ideas.review.queries import review_facts
from ideas.settings import get_setting



def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def ideas(app) -> dict[str, Idea]:
    seed_demo()
    return {idea.title: idea for idea in db.session.scalars(select(Idea))}


def may_vote(idea: Idea, member: User) -> bool:
    try:
        check_vote(idea_facts(idea), actor_facts(member))
    except Refusal:
        return False
    return True


def test_demo_users_have_home_units_and_mentors(app):
    seed_demo()
    seed_demo()  # a second run changes nothing
    for email, unit_name in DEMO_HOME_UNITS.items():
        assert user(email).home_unit.name == unit_name
    for mentee, mentor in DEMO_PAIRINGS:
        assert mentor_of(user(mentee)).email == mentor


def test_demo_has_ideas_in_every_stage_and_its_trail_verifies(ideas):
    assert {idea.stage for idea in ideas.values()} == set(Stage)
    assert verify_trail().ok


def test_demo_has_a_partial_review_and_an_idea_at_committee(ideas):
    partial = review_facts(ideas["Walk to lunch"].id)
    assert partial.safety_complete and not partial.feasibility_complete and partial.band == "high"
    recommended = ideas["Red trays for patients who need help to eat"]
    assert recommended.stage == Stage.COMMITTEE_REVIEW
    assert not review_facts(recommended.id).plan_missing


def test_a_demo_member_casts_the_deciding_vote_and_approves(ideas):
    red_trays = ideas["Red trays for patients who need help to eat"]
    assert committee_facts(red_trays.id).tally.approve == 2 and not committee_facts(red_trays.id).tally.quorate
    omar, joy = user("committee2@demo.example"), user("committee3@demo.example")
    assert may_vote(red_trays, omar) and may_vote(red_trays, joy)
    assert not may_vote(red_trays, user("chair@demo.example"))  # voted already
    cast_vote(red_trays, omar, "approve", "", DEMO_PASSWORD)
    decide(red_trays, joy, "approve_pilot", red_trays.version, password=DEMO_PASSWORD)
    db.session.commit()
    assert red_trays.stage == Stage.PILOT and frozen_plan(red_trays.id) is not None
    assert verify_trail().ok


def test_demo_has_a_recusal_on_an_idea_still_decidable(ideas):
    idea = ideas["Home by lunch: the discharge checklist the day before"]
    omar = user("committee2@demo.example")
    assert idea.stage == Stage.COMMITTEE_REVIEW
    assert [r.member for r in recusals_of(idea.id)] == [omar] and not may_vote(idea, omar)
    eligible = [u for u in db.session.scalars(select(User)) if u.has_role(Role.COMMITTEE) and may_vote(idea, u)]
    assert committee_facts(idea.id).tally.cast + len(eligible) >= get_setting("quorum")


def test_demo_pilot_was_approved_by_three_members_with_an_overdue_and_a_later_condition(ideas):
    pilot = ideas["Turning clock at the bedside"]
    assert pilot.stage == Stage.PILOT
    (approval,) = [r for r in rounds_of(pilot.id) if r.outcome == "approve_pilot"]
    assert len({v.member_id for v in approval.votes}) == 3 and {v.vote for v in approval.votes} == {"approve"}
    snapshot = json.loads(frozen_plan(pilot.id).content)
    assert snapshot["hazards"] and snapshot["plan"]["aim"]
    today = local_today(get_setting("time_zone"))
    overdue, later = conditions_of(pilot.id)  # soonest due first
    assert overdue.overdue(today) and overdue.owner_id == pilot.submitter_id
    assert not later.overdue(today) and later.due_on > today and later.owner_id == pilot.mentor_id


def test_demo_idea_declined_by_the_committee(ideas):
    declined = ideas["Volunteer greeters in the Emergency Department waiting room"]
    assert declined.stage == Stage.DECLINED
    (decision,) = rounds_of(declined.id)
    assert decision.outcome == "decline" and sum(v.vote == "reject" for v in decision.votes) == 2


def test_demo_meetings_have_attendance_minutes_and_agenda_items(ideas):
    today = local_today(get_setting("time_zone"))
    meetings = {m.held_on - today: m for m in db.session.scalars(select(Meeting))}
    held = [m for m in meetings.values() if m.held_on < today]
    assert timedelta(days=-1) in meetings and timedelta(days=7) in meetings
    for meeting in held:
        assert meeting.attendees and meeting.minutes and meeting.rounds
    yesterday = meetings[timedelta(days=-1)]
    assert [r.idea_id for r in yesterday.rounds] == [ideas["Red trays for patients who need help to eat"].id]
    assert open_round(yesterday.rounds[0].idea_id).meeting_id == yesterday.id  # still on the agenda
    assert {r.outcome for r in meetings[timedelta(days=-APPROVED_DAYS_AGO)].rounds} == {"approve_pilot", "decline"}

