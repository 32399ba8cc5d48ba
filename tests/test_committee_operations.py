"""The committee's operations on a real database: rounds, signed votes, conflicts, decisions with
conditions, the frozen approved plan and re-approval (issue 8)."""
import json
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.accounts.reauth import FAILURE_WINDOW, FAILURES_ALLOWED, SIGNED_BY
from ideas.audit.models import AuditEvent
from ideas.audit.verify import verify_trail
from ideas.clock import utcnow
from ideas.committee.models import CommitteeVote, VotingRound
from ideas.committee.operations import (
    VOTE_MEANING,
    cast_vote,
    complete_condition,
    create_meeting,
    decide,
    recuse,
    schedule,
    update_meeting,
)
from ideas.committee.queries import committee_facts, conditions_of, frozen_plan, open_round
from ideas.committee.snapshot import changes_since_approval
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.operations import apply_action, reassign_mentor
from ideas.pipeline.workflow import TRANSITIONS, Stage
from ideas.review import operations as review_ops
from ideas.review.queries import plan_of
from ideas.settings.operations import change_settings
from tests.conftest import page_token, sign_in
from tests.support.committee import PASSWORD, approve_pilot, vote
from tests.support.ideas import idea_events, make_idea
from tests.support.reviews import HIGH_HAZARD, MEASURES, complete_review


@pytest.fixture
def members(create_user, people):
    return [people["committee"], create_user(Role.COMMITTEE, name="Lee Chen"),
            create_user(Role.COMMITTEE, name="Noor Aziz")]


@pytest.fixture
def at_committee(people):
    return make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])


def refused_to(idea, member, action, refusal=Invalid, **inputs):
    with pytest.raises(refusal) as raised:
        decide(idea, member, action, idea.version, password=PASSWORD, **inputs)
    db.session.rollback()
    return raised.value


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.sequence)))


class TestQuorumAndMajority:
    def test_recommend_opens_one_round(self, at_committee):
        current = open_round(at_committee.id)
        assert current is not None and current.gate == Stage.COMMITTEE_REVIEW
        assert [e.action for e in idea_events(at_committee)][-1] == "round.opened"

    def test_two_of_three_is_not_quorum(self, at_committee, members):
        vote(at_committee, members[:2])
        refusal = refused_to(at_committee, members[0], "approve_pilot")
        assert refusal.message == "The round has 2 of the 3 votes it needs for quorum."

    def test_three_of_three_approves(self, at_committee, members):
        approve_pilot(at_committee, members)
        assert at_committee.stage == Stage.PILOT
        closed = db.session.scalar(select(VotingRound).where(VotingRound.idea_id == at_committee.id))
        assert (closed.outcome, closed.closed_at is not None) == ("approve_pilot", True)
        assert open_round(at_committee.id) is None

    def test_quorum_is_a_setting(self, at_committee, members, people):
        change_settings({"quorum": "2"})
        db.session.commit()
        vote(at_committee, members[:2])
        decide(at_committee, members[1], "approve_pilot", at_committee.version, password=PASSWORD)
        assert at_committee.stage == Stage.PILOT

    def test_a_tie_decides_nothing(self, at_committee, members, create_user):
        fourth = create_user(Role.COMMITTEE)
        vote(at_committee, members[:2], "approve")
        vote(at_committee, [members[2], fourth], "reject")
        for action in ("approve_pilot", "decline"):
            refusal = refused_to(at_committee, members[0], action, reason="Not now.")
            assert "no majority" in refusal.message and "(2 approve, 2 reject, 0 abstain)" in refusal.message

    def test_abstentions_count_for_quorum_not_majority(self, at_committee, members):
        vote(at_committee, members[:1], "approve")
        vote(at_committee, members[1:], "abstain")
        decide(at_committee, members[2], "approve_pilot", at_committee.version, password=PASSWORD)
        assert at_committee.stage == Stage.PILOT

    def test_one_each_way_and_an_abstention_is_a_tie(self, at_committee, members):
        for member, choice in zip(members, ("approve", "reject", "abstain"), strict=True):
            vote(at_committee, [member], choice)
        assert "no majority" in refused_to(at_committee, members[0], "approve_pilot").message

    def test_majority_to_reject_declines(self, at_committee, members):
        vote(at_committee, members[:2], "reject")
        vote(at_committee, members[2:], "approve")
        assert "no majority to approve" in refused_to(at_committee, members[0], "approve_pilot").message
        decide(at_committee, members[0], "decline", at_committee.version, password=PASSWORD,
               reason="The night staffing cannot support it.")
        assert at_committee.stage == Stage.DECLINED

    def test_a_recusal_after_voting_drops_below_quorum(self, at_committee, members):
        vote(at_committee, members)
        recuse(at_committee, members[2], "My sister manages this ward.")
        db.session.commit()
        assert committee_facts(at_committee.id).tally.cast == 2
        assert "2 of the 3 votes" in refused_to(at_committee, members[0], "approve_pilot").message

    def test_a_return_closes_the_round_and_the_next_gate_opens_a_new_one(self, at_committee, members, people):
        vote(at_committee, members[:2])
        first = open_round(at_committee.id)
        decide(at_committee, members[0], "return_to_mentor", at_committee.version, reason="Add a staffing measure.")
        db.session.commit()
        assert at_committee.stage == Stage.MENTOR_REVIEW
        assert (first.outcome, open_round(at_committee.id)) == ("return_to_mentor", None)
        apply_action(at_committee, people["mentor"], "recommend", at_committee.version)
        db.session.commit()
        second = open_round(at_committee.id)
        assert second.id != first.id and committee_facts(at_committee.id).tally.cast == 0
        vote(at_committee, members)  # the same members vote again in the new round
        decide(at_committee, members[0], "approve_pilot", at_committee.version, password=PASSWORD)
        assert at_committee.stage == Stage.PILOT


class TestConflicts:
    """Nobody votes or decides on an idea they wrote, co-wrote, reviewed or declared a conflict on."""

    @pytest.fixture
    def conflicted(self, create_user, people, members):
        both = create_user(Role.MENTEE, Role.COMMITTEE, name="Ana Lopes")
        co_writer = create_user(Role.MENTEE, Role.COMMITTEE, name="Ben Ode")
        reviewer = create_user(Role.MENTOR, Role.COMMITTEE, name="Tom Berg")
        own = make_idea(both, Stage.COMMITTEE_REVIEW, mentor=reviewer, co_authors=(co_writer,))
        declared = members[0]
        recuse(own, declared, "I proposed a rival scheme.")
        db.session.commit()
        vote(own, [*members[1:], create_user(Role.COMMITTEE, name="Ravi Iyer")])  # quorate, to approve
        return own, {"submitter": both, "co_author": co_writer, "reviewing mentor": reviewer, "recused": declared}

    @pytest.mark.parametrize("kind", ["submitter", "co_author", "reviewing mentor", "recused"])
    def test_cannot_vote(self, conflicted, kind):
        idea, who = conflicted
        with pytest.raises(Forbidden):
            cast_vote(idea, who[kind], "approve", "", PASSWORD)
        db.session.rollback()
        assert db.session.scalar(select(CommitteeVote).where(CommitteeVote.member_id == who[kind].id)) is None

    @pytest.mark.parametrize("kind", ["submitter", "co_author", "reviewing mentor", "recused"])
    @pytest.mark.parametrize("action", ["approve_pilot", "decline", "return_to_mentor"])
    def test_cannot_decide_and_the_denial_is_audited(self, conflicted, kind, action, members):
        idea, who = conflicted
        refused_to(idea, who[kind], action, Forbidden, reason="Because.")
        assert idea.stage == Stage.COMMITTEE_REVIEW
        denied = events("gate.denied")[-1]
        assert (denied.actor_id, denied.outcome) == (who[kind].id, "denied") and action in denied.reason

    def test_a_mentor_replaced_after_reviewing_is_still_conflicted(self, people, create_user, members):
        reviewer = create_user(Role.MENTOR, Role.COMMITTEE, name="Tom Berg")
        idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=reviewer)
        complete_review(idea, reviewer)
        reassign_mentor(idea, people["admin"], people["mentor"].id, "Tom moves to nights.", idea.version)
        apply_action(idea, people["mentor"], "recommend", idea.version)
        db.session.commit()
        with pytest.raises(Forbidden, match="you reviewed it as its mentor"):
            cast_vote(idea, reviewer, "approve", "", PASSWORD)

    def test_only_committee_members_vote(self, at_committee, people):
        with pytest.raises(Forbidden):
            cast_vote(at_committee, people["admin"], "approve", "", PASSWORD)

    def test_a_vote_is_cast_once(self, at_committee, members):
        vote(at_committee, members[:1])
        with pytest.raises(Conflict, match="already voted"):
            cast_vote(at_committee, members[0], "reject", "", PASSWORD)

    def test_recusing_twice_is_refused(self, at_committee, members):
        recuse(at_committee, members[0], "Family member on the ward.")
        db.session.commit()
        with pytest.raises(Conflict):
            recuse(at_committee, members[0], "Again.")


class TestSignatures:
    def test_a_vote_records_its_signed_meaning(self, at_committee, members):
        vote(at_committee, members[:1], "approve", "Good, small test of change.")
        event = events("vote.cast")[-1]
        assert event.meaning == "voted to approve; re-authenticated"
        assert event.actor_id == members[0].id and event.idea_id == at_committee.id

    def test_a_wrong_password_is_refused_and_audited_as_a_failed_sign_off(self, at_committee, members):
        with pytest.raises(Invalid) as raised:
            cast_vote(at_committee, members[0], "approve", "", "not my password")
        assert raised.value.field == "password"
        db.session.rollback()
        failed = events("signature.failed")[-1]
        assert (failed.actor_id, failed.outcome, failed.meaning) == (members[0].id, "denied", "voted to approve")
        assert db.session.scalar(select(CommitteeVote)) is None
        assert "not my password" not in json.dumps([v.value for v in failed.values])

    def test_no_password_is_a_form_error_not_an_attempt(self, at_committee, members):
        with pytest.raises(Invalid) as raised:
            cast_vote(at_committee, members[0], "approve", "", "")
        assert raised.value.field == "password" and events("signature.failed") == []

    def test_a_decision_needs_the_password(self, at_committee, members):
        vote(at_committee, members)
        with pytest.raises(Invalid) as raised:
            decide(at_committee, members[0], "approve_pilot", at_committee.version, password="wrong")
        assert raised.value.field == "password"
        db.session.rollback()
        db.session.refresh(at_committee)
        assert at_committee.stage == Stage.COMMITTEE_REVIEW and events("signature.failed")
        decide(at_committee, members[0], "approve_pilot", at_committee.version, password=PASSWORD)
        transition = events("idea.transition")[-1]
        assert transition.meaning == "approved the pilot; re-authenticated"

    def test_bad_vote_input(self, at_committee, members):
        for bad, field in (("maybe", "vote"), (None, "vote")):
            with pytest.raises(Invalid) as raised:
                cast_vote(at_committee, members[0], bad, "", PASSWORD)
            assert raised.value.field == field
        with pytest.raises(Invalid) as raised:
            cast_vote(at_committee, members[0], "approve", "Patient MRN 1234567 agreed", PASSWORD)
        assert raised.value.field == "comment"


class TestDecisionsWithConditions:
    def test_conditions_with_owner_and_due_date(self, at_committee, members, people):
        due = date.today() + timedelta(days=30)
        approve_pilot(at_committee, members, conditions=[
            {"text": "Report falls weekly to the ward meeting.", "owner": str(people["submitter"].id),
             "due_on": due.isoformat()}])
        (condition,) = conditions_of(at_committee.id)
        assert (condition.owner_id, condition.due_on, condition.done_at) == (people["submitter"].id, due, None)
        assert "condition.added" in [e.action for e in idea_events(at_committee)]

    @pytest.mark.parametrize(("condition", "field"), [
        ({"text": "", "owner": "1", "due_on": "2099-01-01"}, "text"),
        ({"text": "Weekly report.", "owner": "", "due_on": "2099-01-01"}, "owner"),
        ({"text": "Weekly report.", "owner": "99999", "due_on": "2099-01-01"}, "owner"),
        ({"text": "Weekly report.", "owner": "1", "due_on": "next week"}, "due_on"),
        ({"text": "Weekly report.", "owner": "1", "due_on": "2001-01-01"}, "due_on"),
        ({"text": "Call Mrs Jones on 07700 900123.", "owner": "1", "due_on": "2099-01-01"}, "text"),
    ])
    def test_bad_conditions_save_nothing(self, at_committee, members, people, condition, field):
        condition = {**condition, "owner": condition["owner"] and str(people["submitter"].id)
                     if condition["owner"] == "1" else condition["owner"]}
        vote(at_committee, members)
        with pytest.raises(Invalid) as raised:
            decide(at_committee, members[0], "approve_pilot", at_committee.version, password=PASSWORD,
                   conditions=[condition])
        assert raised.value.field == field and "Condition 1" in raised.value.message
        db.session.rollback()
        db.session.refresh(at_committee)
        assert at_committee.stage == Stage.COMMITTEE_REVIEW and conditions_of(at_committee.id) == []

    def test_blank_condition_rows_are_ignored(self, at_committee, members):
        approve_pilot(at_committee, members, conditions=[{"text": "", "owner": "", "due_on": ""}])
        assert at_committee.stage == Stage.PILOT and conditions_of(at_committee.id) == []

    def test_an_extreme_risk_needs_risk_acceptance(self, people, members):
        idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
        complete_review(idea, people["mentor"], hazards=({**HIGH_HAZARD, "severity": "5", "likelihood": "4"},))
        apply_action(idea, people["mentor"], "recommend", idea.version)
        db.session.commit()
        vote(idea, members)
        refusal = refused_to(idea, members[0], "approve_pilot")
        assert refusal.field == "risk_acceptance" and "extreme" in refusal.message
        decide(idea, members[0], "approve_pilot", idea.version, password=PASSWORD,
               risk_acceptance="Accepted with a daily safety huddle for the first fortnight.")
        assert idea.stage == Stage.PILOT
        assert events("idea.transition")[-1].reason.startswith("Accepted with a daily safety huddle")

    def test_only_an_approval_carries_conditions(self, at_committee, members):
        vote(at_committee, members, "reject")
        refusal = refused_to(at_committee, members[0], "decline", reason="No.",
                             conditions=[{"text": "x", "owner": "1", "due_on": "2099-01-01"}])
        assert refusal.field == "conditions"

    def test_owner_marks_a_condition_done_once(self, at_committee, members, people):
        approve_pilot(at_committee, members, conditions=[
            {"text": "Weekly report.", "owner": people["submitter"].id, "due_on": date.today().isoformat()}])
        (condition,) = conditions_of(at_committee.id)
        with pytest.raises(Forbidden):
            complete_condition(condition, people["stranger"], "Done.")
        with pytest.raises(Invalid) as raised:
            complete_condition(condition, people["submitter"], " ")
        assert raised.value.field == "note"
        complete_condition(condition, people["submitter"], "Reported at every ward meeting.")
        db.session.commit()
        assert condition.done_at is not None and condition.done_by_id == people["submitter"].id
        with pytest.raises(Conflict):
            complete_condition(condition, members[0], "Again.")

    def test_overdue_counts_in_local_days(self, at_committee, members, people):
        approve_pilot(at_committee, members, conditions=[
            {"text": "Weekly report.", "owner": people["submitter"].id, "due_on": date.today().isoformat()}])
        (condition,) = conditions_of(at_committee.id)
        assert not condition.overdue(date.today())
        assert condition.overdue(date.today() + timedelta(days=1))


class TestFrozenPlan:
    @pytest.fixture
    def piloting(self, at_committee, members):
        approve_pilot(at_committee, members)
        return at_committee

    def test_approval_freezes_the_snapshot(self, piloting):
        frozen = frozen_plan(piloting.id)
        content = json.loads(frozen.content)
        assert content["plan"]["aim"] == plan_of(piloting.id).aim
        assert [m["name"] for m in content["measures"]] == ["Night-time falls", "Checklist done", "Handover length"]
        assert content["hazards"][0]["description"] == HIGH_HAZARD["description"]
        frozen_event = events("plan.frozen")[-1]
        assert frozen_event.idea_id == piloting.id and changes_since_approval(piloting) == []

    def test_a_material_edit_sends_it_back_with_the_difference(self, piloting, people):
        frozen = frozen_plan(piloting.id)
        before = frozen.content
        plan = plan_of(piloting.id)
        review_ops.save_plan(piloting, people["submitter"], {
            "aim": "Reduce night-time falls on 4B by half by 31 March.", "units": [u.id for u in plan.units],
            "planned_start": plan.planned_start, "planned_end": plan.planned_end,
            "data_collection": plan.data_collection}, plan.version)
        db.session.commit()
        assert piloting.stage == Stage.COMMITTEE_REVIEW
        transition = [e for e in idea_events(piloting) if e.action == "idea.transition"][-1]
        assert transition.actor_id is None and transition.changes["stage"] == ("pilot", "committee_review")
        assert "Pilot plan · aim" in transition.reason and "by half" in transition.reason
        db.session.refresh(frozen)
        assert frozen.content == before  # the approved version is never rewritten
        assert [c.where for c in changes_since_approval(piloting)] == ["Pilot plan · aim"]
        assert open_round(piloting.id) is not None

    def test_a_new_hazard_is_material(self, piloting, people):
        review_ops.add_hazard(piloting, people["mentor"], {**HIGH_HAZARD, "description": "Bed alarms missed."})
        db.session.commit()
        assert piloting.stage == Stage.COMMITTEE_REVIEW
        assert str(changes_since_approval(piloting)[0]).startswith("Hazard “Bed alarms missed.”: added")

    def test_a_comment_is_not_material(self, piloting, people):
        post_comment(piloting, people["submitter"], "First week went well.")
        db.session.commit()
        assert piloting.stage == Stage.PILOT

    def test_an_unchanged_save_is_not_material(self, piloting, people):
        plan = plan_of(piloting.id)
        review_ops.save_plan(piloting, people["mentor"], {
            "aim": plan.aim, "units": [u.id for u in plan.units], "planned_start": plan.planned_start,
            "planned_end": plan.planned_end, "data_collection": plan.data_collection}, plan.version)
        db.session.commit()
        assert piloting.stage == Stage.PILOT

    def test_others_cannot_change_a_running_pilot(self, piloting, people, members):
        with pytest.raises(Forbidden):
            review_ops.add_measure(piloting, people["stranger"], MEASURES[0])
        with pytest.raises(Forbidden):
            review_ops.add_hazard(piloting, members[0], HIGH_HAZARD)


class TestMeetings:
    def test_a_meeting_with_attendance_minutes_and_an_agenda_item(self, at_committee, members, people):
        meeting = create_meeting(members[0], {"title": "December quality committee", "held_on": "2026-12-03"})
        db.session.commit()
        update_meeting(meeting, members[0], {"title": meeting.title, "held_on": "2026-12-03",
                                             "minutes": "Falls checklist discussed.",
                                             "attendees": [m.id for m in members]}, meeting.version)
        schedule(open_round(at_committee.id), meeting, members[0])
        db.session.commit()
        assert sorted(u.id for u in meeting.attendees) == sorted(m.id for m in members)
        assert [r.idea_id for r in meeting.rounds] == [at_committee.id]
        assert {"meeting.created", "meeting.updated", "agenda.scheduled"} <= {e.action for e in
                                                                            db.session.scalars(select(AuditEvent))}

    def test_bad_meeting_input(self, members, people):
        for fields, field in (({"title": "", "held_on": "2026-12-03"}, "title"),
                              ({"title": "December", "held_on": "3rd"}, "held_on")):
            with pytest.raises(Invalid) as raised:
                create_meeting(members[0], fields)
            assert raised.value.field == field
        with pytest.raises(Forbidden):
            create_meeting(people["mentor"], {"title": "Mine", "held_on": "2026-12-03"})
        meeting = create_meeting(members[0], {"title": "December", "held_on": "2026-12-03"})
        db.session.commit()
        with pytest.raises(Invalid) as raised:
            update_meeting(meeting, members[0], {"title": "December", "held_on": "2026-12-03",
                                                 "attendees": [people["mentor"].id]}, meeting.version)
        assert raised.value.field == "attendees"
        with pytest.raises(Conflict):
            update_meeting(meeting, members[0], {"title": "Dec", "held_on": "2026-12-03"}, meeting.version - 1)


def test_the_audit_trail_verifies_after_a_whole_committee_round(at_committee, members):
    recuse(at_committee, members[0], "I line-manage the submitter.")
    db.session.commit()
    vote(at_committee, members[1:])
    assert "2 of the 3 votes" in refused_to(at_committee, members[1], "approve_pilot").message
    assert verify_trail().ok


def test_a_hazard_added_on_a_running_pilot_sends_the_page_to_the_idea(client, at_committee, members, people):
    approve_pilot(at_committee, members)
    sign_in(client, people["mentor"])
    token = page_token(client, f"/review/{at_committee.id}/safety")
    response = client.post(f"/review/{at_committee.id}/hazards", data={**HIGH_HAZARD, "description": "Alarms missed.",
                                                                       "csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == f"/ideas/{at_committee.id}"
    db.session.refresh(at_committee)
    assert at_committee.stage == Stage.COMMITTEE_REVIEW
    page = client.get(f"/ideas/{at_committee.id}").get_data(as_text=True)
    assert "went back to the committee for re-approval" in page


def test_every_signed_meaning_fits_the_audit_column():
    meanings = [row.signed for row in TRANSITIONS if row.signed] + list(VOTE_MEANING.values())
    assert all(len(f"{meaning}; {SIGNED_BY}") <= AuditEvent.meaning.type.length for meaning in meanings)


def test_signing_pauses_after_five_wrong_passwords(at_committee, members):
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(FAILURES_ALLOWED):
            with pytest.raises(Invalid, match="not your password"):
                cast_vote(at_committee, members[0], "approve", "", "wrong")
            db.session.rollback()
        with pytest.raises(Invalid, match="signing is paused for 15 minutes") as raised:
            cast_vote(at_committee, members[0], "approve", "", PASSWORD)  # even the right one, for now
        assert raised.value.field == "password"
        db.session.rollback()
        assert len(events("signature.failed")) == FAILURES_ALLOWED
        vote(at_committee, members[1:2])  # other members sign as usual
        clock.shift(FAILURE_WINDOW)
        vote(at_committee, members[:1])
    assert committee_facts(at_committee.id).tally.approve == 2


def test_the_review_pages_of_a_running_pilot_say_what_saving_does(client, at_committee, members, people):
    approve_pilot(at_committee, members)
    sign_in(client, people["mentor"])
    page = client.get(f"/review/{at_committee.id}/plan").get_data(as_text=True)
    assert "runs on the plan the committee approved" in page and "sends the idea back" in page
    assert "Still needed" not in page and "the mentor recommended it to the committee" in page
