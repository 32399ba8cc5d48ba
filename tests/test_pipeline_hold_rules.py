"""The safety hold's rows of the rule table: who places and clears it, at which stages, and what it blocks."""
import itertools
from dataclasses import replace

import pytest

from ideas.committee.rules import CommitteeFacts
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.workflow import (
    HOLD_RULES,
    NO_SAFETY_HOLD,
    RUNNING,
    TRANSITIONS,
    ActorFacts,
    Stage,
    Who,
    available_actions,
    check,
    check_hold,
    hold_refusal,
)
from tests.test_pipeline_workflow import ACTORS, ASSIGNED, CO_AUTHOR, COMMITTEE, SUBMITTER, good_inputs, idea_for

HELD = ("complete_pilot", "approve_scale_up")
HOLD_MESSAGE = "The idea is on safety hold"
CLEARED = {"reason": "The committee reviewed the handover times: the spike was a fire drill; carry on."}
TRIP = {"reason": "Stop rule on “Handover length”: 52 minutes on 12 Jan 2027 is above the stop threshold (45 minutes)."}


def held(action: str, stage: Stage, **changes):
    return replace(idea_for(action, stage), safety_hold=True, **changes)


HELD_CASES = [(t.action, stage, kind) for t in TRANSITIONS if t.action in HELD for stage in t.sources
              for kind, (_, kinds) in ACTORS.items() if kinds & t.who]


@pytest.mark.parametrize(("action", "stage", "actor_kind"), HELD_CASES)
def test_a_hold_refuses_completing_and_scaling_up_to_whoever_may_take_them(action, stage, actor_kind):
    actor, _ = ACTORS[actor_kind]
    with pytest.raises(Invalid) as raised:
        check(action, held(action, stage), actor, good_inputs(actor))
    assert type(raised.value) is Invalid and raised.value.field == "safety_hold"
    assert raised.value.message.startswith(HOLD_MESSAGE) and "clear the hold, with a reason" in raised.value.message
    assert action not in [t.action for t in available_actions(held(action, stage), actor)]


@pytest.mark.parametrize(("action", "stage", "actor_kind"), HELD_CASES)
def test_without_a_hold_the_rows_are_possible(action, stage, actor_kind):
    actor, _ = ACTORS[actor_kind]
    assert check(action, idea_for(action, stage), actor, good_inputs(actor)).action == action


def test_the_hold_precondition_is_a_real_gate_on_both_rows():
    for action in HELD:
        (row,) = [t for t in TRANSITIONS if t.action == action]
        assert NO_SAFETY_HOLD in row.preconditions and NO_SAFETY_HOLD.gate
        assert "no safety hold" not in [p.description for p in row.preconditions if p is not NO_SAFETY_HOLD]
    assert NO_SAFETY_HOLD.test(held("complete_pilot", Stage.PILOT), ACTORS["submitter"][0], {}) is not None
    assert NO_SAFETY_HOLD.test(idea_for("complete_pilot", Stage.PILOT), ACTORS["submitter"][0], {}) is None


def test_a_conflicted_member_hears_why_before_what_is_not_built():
    idea = replace(idea_for("approve_scale_up", Stage.PILOT_REVIEW), reviewer_ids=frozenset({COMMITTEE}))
    with pytest.raises(Forbidden, match="reviewed it as its mentor"):
        check("approve_scale_up", idea, ACTORS["committee"][0], good_inputs(ACTORS["committee"][0]))


# --- clearing: any stage, an eligible committee member, a reason -------------------------------------

@pytest.mark.parametrize(("stage", "actor_kind"), list(itertools.product(list(Stage), ACTORS)))
def test_only_a_committee_member_clears_a_hold_at_any_stage(stage, actor_kind):
    actor, kinds = ACTORS[actor_kind]
    idea = held("clear_safety_hold", stage)
    if Who.COMMITTEE in kinds:
        assert check_hold("clear_safety_hold", idea, actor, CLEARED) is HOLD_RULES["clear_safety_hold"]
        assert hold_refusal("clear_safety_hold", idea, actor) is None  # the form is offered
        return
    with pytest.raises(Forbidden, match="“Clear the safety hold” is for a committee member only"):
        check_hold("clear_safety_hold", idea, actor, CLEARED)
    assert isinstance(hold_refusal("clear_safety_hold", idea, actor), Forbidden)


@pytest.mark.parametrize(("member", "changes", "why"), [
    (SUBMITTER, {}, "you submitted it"),
    (CO_AUTHOR, {}, "you co-wrote it"),
    (ASSIGNED, {}, "you reviewed it as its mentor"),
    (COMMITTEE, {"committee": CommitteeFacts(recused_ids=frozenset({COMMITTEE}))}, "declared a conflict"),
])
def test_a_conflicted_member_does_not_clear_a_hold(member, changes, why):
    actor = ActorFacts(member, frozenset({"committee", "mentee"}))
    idea = held("clear_safety_hold", Stage.PILOT, **changes)
    with pytest.raises(Forbidden, match=why):
        check_hold("clear_safety_hold", idea, actor, CLEARED)
    assert hold_refusal("clear_safety_hold", idea, actor) is not None  # no form for them


def test_clearing_without_a_hold_is_a_conflict():
    actor = ACTORS["committee"][0]
    with pytest.raises(Conflict, match="not on safety hold") as raised:
        check_hold("clear_safety_hold", idea_for("clear_safety_hold", Stage.PILOT), actor, CLEARED)
    assert raised.value.field == "safety_hold"
    assert hold_refusal("clear_safety_hold", idea_for("clear_safety_hold", Stage.PILOT), actor) is not None


@pytest.mark.parametrize("bad", ["", "   ", None, 42, "x" * 4001, "Patient MRN 1234567 was fine"])
def test_clearing_needs_a_reason_free_of_patient_identifiers(bad):
    with pytest.raises(Invalid) as raised:
        check_hold("clear_safety_hold", held("clear_safety_hold", Stage.PILOT), ACTORS["committee"][0], {"reason": bad})
    assert raised.value.field == "reason" and raised.value.message


# --- placing: the system, while the pilot's data can trip a stop rule --------------------------------

@pytest.mark.parametrize(("stage", "actor_kind"), list(itertools.product(list(Stage), ACTORS)))
def test_only_the_system_places_a_hold_while_the_pilot_runs(stage, actor_kind):
    actor, kinds = ACTORS[actor_kind]
    idea = idea_for("place_safety_hold", stage)
    if stage not in RUNNING:
        with pytest.raises(Invalid, match="not possible while the idea is") as raised:
            check_hold("place_safety_hold", idea, actor, TRIP)
        assert raised.value.field == "action"
    elif Who.SYSTEM in kinds:
        assert check_hold("place_safety_hold", idea, actor, TRIP).action == "place_safety_hold"
        assert check_hold("place_safety_hold", replace(idea, safety_hold=True), actor, TRIP)  # a new trip on hold
    else:
        with pytest.raises(Forbidden, match="is for the system only"):
            check_hold("place_safety_hold", idea, actor, TRIP)


@pytest.mark.parametrize("bad", ["", "  ", None])
def test_a_hold_names_the_rule_that_tripped(bad):
    with pytest.raises(Invalid) as raised:
        check_hold("place_safety_hold", idea_for("place_safety_hold", Stage.PILOT), ACTORS["system"][0],
                   {"reason": bad})
    assert raised.value.field == "reason"
