"""The operations: the only code that creates, edits and moves ideas, with their audit events."""
import pathlib
import re

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select
from ideas.accounts.models import Role
from ideas.accounts.pairings import pair_mentee
from ideas.clock import utcnow
from ideas.database import db
from ideas.demo import seed_demo
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, create_draft, save_draft
from ideas.pipeline.workflow import Stage
from tests.support.ideas import COMPLETE, idea_events, make_idea


@pytest.fixture
def mentee(create_user):
    return create_user(Role.MENTEE, name="Maya Okafor")


@pytest.fixture
def mentor(create_user):
    return create_user(Role.MENTOR, name="Priya Shah")


def test_create_draft_records_what_was_filled(mentee):
    idea = create_draft(mentee, {"title": "  Quiet nights ", "problem": "Noise\r\nat night",
                                 "tags": "Sleep, noise,sleep"})
    db.session.commit()
    assert (idea.stage, idea.title, idea.problem, idea.tags, idea.version) == (
        Stage.DRAFT, "Quiet nights", "Noise\nat night", ["noise", "sleep"], 1)
    (event,) = idea_events(idea)
    assert event.action == "idea.created"
    assert event.changes == {"title": (None, "Quiet nights"), "problem": (None, "Noise\nat night"),
                             "tags": (None, ["noise", "sleep"])}


def test_only_mentees_write_ideas(create_user):
    with pytest.raises(Forbidden, match="Only mentees"):
        create_draft(create_user(Role.COMMITTEE), {"title": "x"})


def test_save_draft_records_each_changed_field_and_bumps_the_version(mentee, create_user):
    colleague = create_user(Role.MENTEE)
    idea = make_idea(mentee)
    changes = save_draft(idea, mentee, {**COMPLETE, "title": "Falls checklist v2", "co_authors": [colleague.email],
                                        "benefits": ["staff", "safety"]}, idea.version)
    db.session.commit()
    assert changes == {"title": ("Night-time falls checklist", "Falls checklist v2"),
                       "co_authors": ([], [colleague.email]), "benefits": (["safety"], ["safety", "staff"])}
    assert idea.version == 2
    edited, invited = idea_events(idea)[-2:]
    assert edited.action == "idea.edited" and edited.changes == changes
    assert invited.action == "co_author.invited" and invited.changes == {"co_author": (None, colleague.name)}


def test_saving_nothing_new_writes_nothing(mentee):
    idea = make_idea(mentee)
    assert save_draft(idea, mentee, {"title": COMPLETE["title"]}, idea.version) == {}
    assert idea.version == 1 and len(idea_events(idea)) == 1


def test_a_co_author_change_alone_bumps_the_version(mentee, create_user):
    idea = make_idea(mentee)
    save_draft(idea, mentee, {"co_authors": [create_user(Role.MENTEE).email]}, 1)
    db.session.commit()
    assert idea.version == 2


def test_stale_version_is_a_conflict_and_nothing_is_saved(mentee):
    idea = make_idea(mentee)
    save_draft(idea, mentee, {"title": "Second"}, 1)
    db.session.commit()
    with pytest.raises(Conflict) as raised:
        save_draft(idea, mentee, {"title": "Third"}, 1)
    assert raised.value.status == 409 and "version 2" in raised.value.message
    db.session.rollback()
    assert idea.title == "Second"


@pytest.mark.parametrize("version", [None, "", "abc", [1]])
def test_missing_version_is_invalid(mentee, version):
    idea = make_idea(mentee)
    with pytest.raises(Invalid) as raised:
        save_draft(idea, mentee, {"title": "x"}, version)
    assert raised.value.field == "version"


@pytest.mark.parametrize("field", ["stage", "mentor_id", "version", "submitter_id", "safety_hold", "id"])
def test_no_mass_assignment(mentee, field):
    idea = make_idea(mentee)
    with pytest.raises(Invalid) as raised:
        save_draft(idea, mentee, {field: "committee_review"}, idea.version)
    assert raised.value.field == field
    assert idea.stage == Stage.DRAFT


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"title": "x" * 201}, "title", "keep it to 200 characters"),
    ({"problem": 42}, "problem", "expected text"),
    ({"problem": "Mrs Patel 12/03/1954 fell"}, "problem", "a date of birth in Problem at the bedside"),
    ({"evidence": "call 07700 900123"}, "evidence", "a phone number"),
    ({"tags": "MRN 1234567"}, "tags", "medical record number"),
    ({"tags": ["x" * 41]}, "tags", "at most 40 characters"),
    ({"category": "bogus"}, "category", "choose one from the list"),
    ({"benefits": ["speed"]}, "benefits", "choose from the listed benefits"),
    ({"unit": 9999}, "unit", "choose a unit from the list"),
    ({"unit": "ward"}, "unit", "choose a unit from the list"),
    ({"co_authors": ["nobody@nowhere.example"]}, "co_authors", "nobody active here"),
    ({"co_authors": 7}, "co_authors", "expected a list"),
])
def test_bad_fields_are_refused_naming_the_field(mentee, fields, field, message):
    idea = make_idea(mentee)
    with pytest.raises(Invalid) as raised:
        save_draft(idea, mentee, fields, idea.version)
    assert raised.value.field == field
    assert message in raised.value.message
    db.session.rollback()
    assert idea.version == 1 and len(idea_events(idea)) == 1


def test_the_submitter_is_no_co_author_and_a_co_author_cannot_change_co_authors(mentee, create_user):
    colleague = create_user(Role.MENTEE)
    idea = make_idea(mentee, co_authors=(colleague,))
    with pytest.raises(Invalid, match="you are the submitter"):
        save_draft(idea, mentee, {"co_authors": [mentee.email, colleague.email]}, idea.version)
    with pytest.raises(Forbidden, match="Only the submitter"):
        save_draft(idea, colleague, {"co_authors": []}, idea.version)
    assert save_draft(idea, colleague, {"title": "Co-written"}, idea.version)


def test_the_mentor_cannot_be_made_a_co_author(mentee, mentor):
    idea = make_idea(mentee, Stage.REVISION, mentor=mentor)
    with pytest.raises(Invalid, match="the idea's mentor"):
        save_draft(idea, mentee, {"co_authors": [mentor.email]}, idea.version)


def test_only_the_team_edits_and_only_in_draft_or_revision(mentee, mentor, create_user):
    idea = make_idea(mentee)
    with pytest.raises(Forbidden):
        save_draft(idea, create_user(Role.MENTEE), {"title": "Mine now"}, idea.version)
    submitted = make_idea(mentee, Stage.SUBMITTED)
    with pytest.raises(Invalid, match="can no longer be edited"):
        save_draft(submitted, mentee, {"title": "Late change"}, submitted.version)


def test_transitions_record_from_to_reason_and_version(mentee, mentor):
    idea = make_idea(mentee, Stage.REVISION, mentor=mentor)
    events = [e for e in idea_events(idea) if e.action == "idea.transition"]
    assert [(e.changes["stage"], e.reason, e.entity_version) for e in events] == [
        (("draft", "submitted"), None, 2),
        (("submitted", "mentor_review"), None, 3),
        (("mentor_review", "revision"), "Say how you will measure it.", 4),
    ]
    assert events[1].changes["mentor_id"] == (None, mentor.id)
    assert idea.submitted_at is not None and idea.stage_changed_at >= idea.submitted_at


def test_resubmit_needs_a_response_and_goes_back_to_the_mentor(mentee, mentor):
    idea = make_idea(mentee, Stage.REVISION, mentor=mentor)
    with pytest.raises(Invalid) as raised:
        apply_action(idea, mentee, "resubmit", idea.version, response=" ")
    assert raised.value.field == "response"
    apply_action(idea, mentee, "resubmit", idea.version, response="Added the measures.")
    assert (idea.stage, idea.mentor_id) == (Stage.MENTOR_REVIEW, mentor.id)


def test_a_submitted_idea_waits_in_the_paired_mentors_queue_first(mentee, mentor, create_user):
    other = create_user(Role.MENTOR)
    pair_mentee(mentee, mentor)
    idea = make_idea(mentee, Stage.SUBMITTED)
    with pytest.raises(Forbidden, match="paired mentor's queue"):
        apply_action(idea, other, "start_review", idea.version)
    with time_machine.travel(utcnow() + timedelta(days=3, minutes=1)):
        apply_action(idea, other, "start_review", idea.version)
    assert idea.mentor_id == other.id


def test_the_paired_mentor_claims_at_once(mentee, mentor):
    pair_mentee(mentee, mentor)
    idea = make_idea(mentee, Stage.SUBMITTED)
    apply_action(idea, mentor, "start_review", idea.version)
    assert idea.mentor_id == mentor.id


def test_admin_assigns_an_active_mentor(mentee, mentor, create_user):
    admin = create_user(Role.ADMIN)
    idea = make_idea(mentee, Stage.SUBMITTED)
    with pytest.raises(Invalid) as raised:
        apply_action(idea, admin, "start_review", idea.version, mentor=mentee.id)
    assert raised.value.field == "mentor"
    apply_action(idea, admin, "start_review", idea.version, mentor=mentor.id)
    assert idea.mentor_id == mentor.id and idea.stage == Stage.MENTOR_REVIEW


def test_a_mentor_cannot_claim_an_idea_they_co_wrote(mentee, create_user):
    mentor_and_mentee = create_user(Role.MENTOR, Role.MENTEE)
    idea = make_idea(mentee, Stage.SUBMITTED, co_authors=(mentor_and_mentee,))
    with pytest.raises(Forbidden, match="submitted or co-wrote"):
        apply_action(idea, mentor_and_mentee, "start_review", idea.version)


def test_reopen_by_an_admin_returns_a_draft(mentee, create_user):
    admin = create_user(Role.ADMIN)
    idea = make_idea(mentee, Stage.WITHDRAWN)
    apply_action(idea, admin, "reopen", idea.version, reason="Submitted by mistake.")
    assert idea.stage == Stage.DRAFT


def test_recommend_needs_the_review(mentee, mentor):
    idea = make_idea(mentee, Stage.MENTOR_REVIEW, mentor=mentor)
    with pytest.raises(Invalid, match="Feasibility review: score all six criteria"):
        apply_action(idea, mentor, "recommend", idea.version)
    assert idea.stage == Stage.MENTOR_REVIEW


def test_only_the_text_an_action_asks_for_is_recorded(mentee, mentor):
    idea = make_idea(mentee, Stage.MENTOR_REVIEW, mentor=mentor)
    apply_action(idea, mentor, "request_changes", idea.version, comment=" Add the measures. ",
                 reason="MRN 1234567", response="unchecked")
    assert idea_events(idea)[-1].reason == "Add the measures."


def test_a_refused_action_leaves_no_event(mentee, mentor):
    idea = make_idea(mentee, Stage.SUBMITTED)
    before = len(idea_events(idea))
    with pytest.raises(Invalid):
        apply_action(idea, mentee, "withdraw", idea.version, reason="")
    db.session.rollback()
    assert len(idea_events(idea)) == before


def test_stage_is_assigned_only_by_the_operations():
    """The rule "nothing else assigns idea.stage", checked in the source."""
    root = pathlib.Path(__file__).resolve().parents[1] / "ideas"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if re.search(r"\.stage\s*=[^=]", path.read_text()) and path.name != "operations.py"]
    assert offenders == []


def test_demo_ideas_reach_their_stages_through_the_operations(runner):
    seed_demo()
    ideas = db.session.scalars(select(Idea).order_by(Idea.id)).all()
    assert [idea.stage for idea in ideas] == [Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.REVISION,
                                             Stage.WITHDRAWN, Stage.COMMITTEE_REVIEW, Stage.PILOT, Stage.DECLINED,
                                             Stage.COMMITTEE_REVIEW, Stage.PILOT_REVIEW, Stage.SCALE_UP,
                                             Stage.ADOPTED, Stage.STOPPED]
    assert ideas[2].mentor is not None
    for idea in ideas:
        moves = [e for e in idea_events(idea) if e.action == "idea.transition"]
        assert (moves[-1].changes["stage"][1] if moves else "draft") == idea.stage
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
