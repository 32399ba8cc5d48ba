"""The rule table, generated from TRANSITIONS: every action × every stage × every kind of actor."""
import itertools
from dataclasses import replace

import pytest

from ideas.committee.rules import CommitteeFacts
from ideas.committee.tally import Tally
from ideas.errors import Forbidden, Invalid
from ideas.pipeline.workflow import (
    ACTIONS,
    FIELD_LABELS,
    REQUIRED_TO_SUBMIT,
    SHOWCASE,
    TRANSITIONS,
    ActorFacts,
    IdeaFacts,
    Stage,
    Who,
    available_actions,
    can_edit,
    can_see,
    check,
    check_answer,
    conflicts,
)
from ideas.review.risk import RiskBand
from ideas.review.rules import ReviewFacts
from ideas.spread.rules import SpreadFacts

SUBMITTER, CO_AUTHOR, PAIRED, ASSIGNED, OTHER_MENTOR, COMMITTEE, ADMIN, STRANGER, INVITED = range(1, 10)

# Each kind of actor, its facts, and the relationship kinds it should hold on the idea below.
ACTORS = {
    "submitter": (ActorFacts(SUBMITTER, frozenset({"mentee"})), {Who.SUBMITTER}),
    "co_author": (ActorFacts(CO_AUTHOR, frozenset({"mentee"})), {Who.CO_AUTHOR}),
    "invited_co_author": (ActorFacts(INVITED, frozenset({"mentee"})), set()),  # counts only once they accept
    "paired_mentor": (ActorFacts(PAIRED, frozenset({"mentor"})), {Who.ANY_MENTOR}),
    "assigned_mentor": (ActorFacts(ASSIGNED, frozenset({"mentor"})), {Who.ANY_MENTOR, Who.ASSIGNED_MENTOR}),
    "other_mentor": (ActorFacts(OTHER_MENTOR, frozenset({"mentor"})), {Who.ANY_MENTOR}),
    "committee": (ActorFacts(COMMITTEE, frozenset({"committee"})), {Who.COMMITTEE}),
    "admin": (ActorFacts(ADMIN, frozenset({"admin"})), {Who.ADMIN}),
    "unrelated_mentee": (ActorFacts(STRANGER, frozenset({"mentee"})), set()),
    "system": (ActorFacts(None, system=True), {Who.SYSTEM}),
}
COMPLETE_TEXTS = {
    "title": "Night-time falls checklist",
    "problem": "Patients fall at night on the way to the toilet.",
    "proposed_change": "A bedside checklist at the evening handover.",
    "expected_benefit": "Fewer falls, calmer nights.",
}


# A review with everything recommend needs: the mentor rows of the matrix are exercised with it.
COMPLETE_REVIEW = ReviewFacts(feasibility_complete=True, safety_complete=True, plan_missing=(),
                              band=RiskBand.HIGH, triage_answered=True)


# The open round under which each committee decision is possible (an extreme risk, so the approval
# also needs its risk-acceptance statement): the matrix exercises every committee row with them.
DECIDING = {
    "approve_pilot": {"committee": CommitteeFacts(Tally(3, 0, 0, 3), round_open=True),
                      "review": replace(COMPLETE_REVIEW, band=RiskBand.EXTREME)},
    "decline": {"committee": CommitteeFacts(Tally(1, 2, 0, 3), round_open=True)},
    "approve_scale_up": {"committee": CommitteeFacts(Tally(3, 0, 0, 3), round_open=True)},
    "mark_adopted": {"spread": SpreadFacts(adopted_units=1)},
}


def idea_for(action: str, stage: Stage) -> IdeaFacts:
    return idea_at(stage, **DECIDING.get(action, {}))


def idea_at(stage: Stage, **changes) -> IdeaFacts:
    facts = dict(stage=stage, submitter_id=SUBMITTER, co_author_ids=frozenset({CO_AUTHOR}),
                 invited_ids=frozenset({INVITED}), mentor_id=ASSIGNED,
                 paired_mentor_ids=frozenset({PAIRED}), texts=COMPLETE_TEXTS, unit_id=1, review=COMPLETE_REVIEW)
    return IdeaFacts(**{**facts, **changes})


def good_inputs(actor: ActorFacts) -> dict:
    inputs = {"reason": "No longer needed on our ward.", "comment": "Add how nights will be staffed.",
              "response": "Added the staffing plan.", "risk_acceptance": "Accepted: a daily safety huddle.",
              "difference": "Pilot plan · aim: “Reduce falls” → “Reduce falls by half”",
              "summary": "Falls at night halved over twelve weeks.", "recommendation": "adopt",
              "impact": "Eight fewer falls a month; about 20 nurse minutes a shift.", "target_units": [2, 3]}
    if "admin" in actor.roles:
        inputs["mentor"] = OTHER_MENTOR
    return inputs


def expected(action: str, stage: Stage, kinds: set[Who]):
    """What the table says: (refusal type or None, the row)."""
    row = next((t for t in TRANSITIONS if t.action == action and stage in t.sources), None)
    if row is None:
        return Invalid, None
    if not kinds & row.who:
        return Forbidden, row
    return None, row


CASES = list(itertools.product(ACTIONS, list(Stage), ACTORS))


@pytest.mark.parametrize(("action", "stage", "actor_kind"), CASES)
def test_every_action_stage_and_actor(action, stage, actor_kind):
    actor, kinds = ACTORS[actor_kind]
    refusal, row = expected(action, stage, kinds)
    idea = idea_for(action, stage)
    if refusal is None:
        assert check(action, idea, actor, good_inputs(actor)) is row
        assert row in available_actions(idea, actor)
        return
    with pytest.raises(refusal) as raised:
        check(action, idea, actor, good_inputs(actor))
    assert type(raised.value) is refusal
    message = raised.value.message
    if refusal is Invalid:
        assert "is not possible while the idea is" in message and stage.label.lower() in message
    else:
        assert f"“{row.label}” is for " in message and "only" in message
    assert all(t.action != action for t in available_actions(idea, actor) if stage in t.sources)


ALLOWED = [(t, stage, kind) for t in TRANSITIONS for stage in sorted(t.sources)
           for kind, (_, kinds) in ACTORS.items() if kinds & t.who]


@pytest.mark.parametrize(("row", "stage", "actor_kind"), ALLOWED, ids=lambda v: getattr(v, "action", str(v)))
def test_every_input_is_required_and_guarded(row, stage, actor_kind):
    actor, _ = ACTORS[actor_kind]
    optional = {p.input for p in row.preconditions if p.optional}
    for name in row.inputs:
        if name in ("mentor", "difference"):
            continue  # assignment is tested below; the system writes the difference from guarded text
        blanks = () if name in optional else ("", "   ", None)
        for bad in (*blanks, 42, "x" * 4001, "See MRN 1234567"):
            with pytest.raises(Invalid) as raised:
                check(row.action, idea_for(row.action, stage), actor, {**good_inputs(actor), name: bad})
            assert raised.value.field == name
            assert raised.value.message


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_an_optional_note_may_be_left_empty(blank):
    actor = ACTORS["assigned_mentor"][0]
    row = check("recommend", idea_for("recommend", Stage.MENTOR_REVIEW), actor, {**good_inputs(actor), "note": blank})
    assert row.target == Stage.COMMITTEE_REVIEW


@pytest.mark.parametrize("action", ["submit", "resubmit"])
@pytest.mark.parametrize("missing", REQUIRED_TO_SUBMIT)
def test_sending_needs_every_required_field(action, missing):
    stage = Stage.DRAFT if action == "submit" else Stage.REVISION
    idea = idea_at(stage, unit_id=None) if missing == "unit" else idea_at(stage, texts={**COMPLETE_TEXTS, missing: " "})
    with pytest.raises(Invalid) as raised:
        check(action, idea, ACTORS["submitter"][0], good_inputs(ACTORS["submitter"][0]))
    assert raised.value.field == missing
    assert FIELD_LABELS[missing] in raised.value.message


def test_submit_refuses_identifiers_in_the_idea_text():
    idea = idea_at(Stage.DRAFT, texts={**COMPLETE_TEXTS, "problem": "Mrs Patel 12/03/1954 fell"})
    with pytest.raises(Invalid) as raised:
        check("submit", idea, ACTORS["submitter"][0])
    assert raised.value.field == "problem"
    assert "a date of birth in Problem at the bedside" in raised.value.message


@pytest.mark.parametrize("action", [t.action for t in TRANSITIONS if not t.who & {Who.SUBMITTER, Who.CO_AUTHOR}])
@pytest.mark.parametrize("role", ["mentor", "committee", "admin"])
@pytest.mark.parametrize("team_member", [SUBMITTER, CO_AUTHOR])
def test_nobody_acts_on_their_own_idea(action, role, team_member):
    actor = ActorFacts(team_member, frozenset({"mentee", role}))
    for row in (t for t in TRANSITIONS if t.action == action and t.who & {Who.ANY_MENTOR, Who.ASSIGNED_MENTOR,
                                                                          Who.COMMITTEE, Who.ADMIN}):
        for stage in row.sources:
            idea = idea_at(stage, mentor_id=team_member)
            try:
                check(action, idea, actor, good_inputs(actor))
            except Forbidden as refusal:
                assert "submitted or co-wrote" in refusal.message or "is for" in refusal.message
            else:
                pytest.fail(f"{action} from {stage} allowed on the actor's own idea")


class TestStartReview:
    def test_paired_mentor_claims_before_the_open_queue(self):
        idea = idea_at(Stage.SUBMITTED, in_open_queue=False)
        assert check("start_review", idea, ACTORS["paired_mentor"][0]).target == Stage.MENTOR_REVIEW

    def test_other_mentor_waits_for_the_open_queue(self):
        idea = idea_at(Stage.SUBMITTED, in_open_queue=False)
        with pytest.raises(Forbidden, match="paired mentor's queue"):
            check("start_review", idea, ACTORS["other_mentor"][0])
        assert available_actions(idea, ACTORS["other_mentor"][0]) == []

    def test_admin_must_choose_a_mentor(self):
        with pytest.raises(Invalid) as raised:
            check("start_review", idea_at(Stage.SUBMITTED), ACTORS["admin"][0], {})
        assert raised.value.field == "mentor"

    def test_admin_cannot_assign_the_submitter(self):
        with pytest.raises(Invalid) as raised:
            check("start_review", idea_at(Stage.SUBMITTED), ACTORS["admin"][0], {"mentor": CO_AUTHOR})
        assert raised.value.field == "mentor"

    def test_a_mentor_cannot_assign_someone_else(self):
        with pytest.raises(Forbidden, match="administrator"):
            check("start_review", idea_at(Stage.SUBMITTED), ACTORS["other_mentor"][0], {"mentor": PAIRED})

    def test_admin_who_is_a_mentor_may_claim_it(self):
        actor = ActorFacts(ADMIN, frozenset({"admin", "mentor"}))
        assert check("start_review", idea_at(Stage.SUBMITTED, in_open_queue=False), actor, {}).action == "start_review"


def test_unknown_action():
    with pytest.raises(Invalid, match="no action called"):
        check("approve_everything", idea_at(Stage.DRAFT), ACTORS["admin"][0])


VISIBLE_TO = {
    # kind -> the stages at which it sees the idea (besides the showcase, which everyone sees)
    "submitter": set(Stage), "co_author": set(Stage), "committee": set(Stage), "admin": set(Stage),
    "system": set(Stage), "assigned_mentor": set(Stage),
    "invited_co_author": set(Stage),  # to decide whether to accept
    "paired_mentor": {Stage.SUBMITTED},  # their queue; later only what they review, and the showcase
    "other_mentor": {Stage.SUBMITTED},  # the open queue (this idea is in it)
    "unrelated_mentee": set(),
}


@pytest.mark.parametrize(("stage", "actor_kind"), list(itertools.product(list(Stage), ACTORS)))
def test_visibility(stage, actor_kind):
    actor, _ = ACTORS[actor_kind]
    assert can_see(idea_at(stage), actor) is (stage in VISIBLE_TO[actor_kind] | SHOWCASE)


def test_inside_the_paired_only_wait_only_the_paired_mentor_sees_a_submitted_idea():
    waiting = idea_at(Stage.SUBMITTED, in_open_queue=False, mentor_id=None)
    assert can_see(waiting, ACTORS["paired_mentor"][0])
    assert not can_see(waiting, ACTORS["other_mentor"][0])
    assert not can_see(waiting, ActorFacts(PAIRED, frozenset({"mentee"})))  # the queue is a mentor's


@pytest.mark.parametrize("stage", [Stage.WITHDRAWN, Stage.DECLINED, Stage.MENTOR_REVIEW, Stage.REVISION])
def test_a_paired_mentor_does_not_see_their_mentees_ideas_beyond_the_queue(stage):
    assert not can_see(idea_at(stage), ACTORS["paired_mentor"][0])
    assert can_see(idea_at(stage, reviewer_ids=frozenset({PAIRED})), ACTORS["paired_mentor"][0])


def test_a_mentor_sees_what_they_reviewed():
    actor = ActorFacts(OTHER_MENTOR, frozenset({"mentor"}))
    assert can_see(idea_at(Stage.DECLINED, reviewer_ids=frozenset({OTHER_MENTOR})), actor)
    assert not can_see(idea_at(Stage.DECLINED), actor)


def test_a_declined_invitation_shows_nothing_more():
    declined = idea_at(Stage.REVISION, invited_ids=frozenset())
    assert not can_see(declined, ACTORS["invited_co_author"][0])


class TestInvitationAnswers:
    def test_the_invited_mentee_accepts_or_declines_while_the_team_forms(self):
        for stage in (Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.REVISION):
            check_answer(idea_at(stage), ACTORS["invited_co_author"][0], accept=True)
            check_answer(idea_at(stage), ACTORS["invited_co_author"][0], accept=False)

    @pytest.mark.parametrize("kind", ["submitter", "co_author", "unrelated_mentee", "committee", "admin"])
    def test_only_the_invited_answer(self, kind):
        with pytest.raises(Forbidden, match="no open invitation"):
            check_answer(idea_at(Stage.DRAFT), ACTORS[kind][0], accept=True)

    def test_once_at_the_committee_an_invitation_can_only_be_declined(self):
        idea = idea_at(Stage.COMMITTEE_REVIEW)
        with pytest.raises(Invalid, match="only decline") as raised:
            check_answer(idea, ACTORS["invited_co_author"][0], accept=True)
        assert raised.value.field == "answer"
        check_answer(idea, ACTORS["invited_co_author"][0], accept=False)

    def test_only_a_mentee_accepts(self):
        with pytest.raises(Forbidden, match="Only mentees"):
            check_answer(idea_at(Stage.DRAFT), ActorFacts(INVITED, frozenset({"committee"})), accept=True)

    def test_the_reviewing_mentor_cannot_become_a_co_author(self):
        actor = ActorFacts(INVITED, frozenset({"mentee", "mentor"}))
        with pytest.raises(Forbidden, match="review this idea"):
            check_answer(idea_at(Stage.MENTOR_REVIEW, mentor_id=INVITED), actor, accept=True)

    def test_an_invited_committee_member_is_not_conflicted_until_they_accept(self):
        member = ActorFacts(INVITED, frozenset({"mentee", "committee"}))
        assert conflicts(idea_at(Stage.COMMITTEE_REVIEW), member) == []
        accepted = idea_at(Stage.COMMITTEE_REVIEW, co_author_ids=frozenset({CO_AUTHOR, INVITED}))
        assert conflicts(accepted, member) == ["you co-wrote it"]


@pytest.mark.parametrize(("stage", "actor_kind"), list(itertools.product(list(Stage), ACTORS)))
def test_only_the_team_edits_and_only_while_it_is_with_them(stage, actor_kind):
    actor, kinds = ACTORS[actor_kind]
    team = bool(kinds & {Who.SUBMITTER, Who.CO_AUTHOR})
    assert can_edit(idea_at(stage), actor) is (team and stage in {Stage.DRAFT, Stage.REVISION})


def test_every_stage_label_reads_well():
    assert [s.label for s in Stage][:5] == ["Draft", "Submitted", "Mentor review", "Revision", "Committee review"]
    assert Stage.SCALE_UP.label == "Scale-up"
