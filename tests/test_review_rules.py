"""Recommend's preconditions and who may change a review: pure rules, no database."""
import dataclasses
import itertools

import pytest

from ideas.errors import Invalid
from ideas.pipeline.workflow import ActorFacts, Stage, check, transition_for, unmet_preconditions
from ideas.review.access import may_plan, may_review
from ideas.review.risk import RiskBand
from ideas.review.rules import ReviewFacts, plan_missing
from tests.test_pipeline_workflow import ACTORS, COMPLETE_REVIEW, idea_at

MENTOR = ACTORS["assigned_mentor"][0]

# Each precondition broken alone: (what breaks it, the section its message links to, words in the message).
BROKEN = {
    "feasibility": ({"feasibility_complete": False}, "feasibility", "score all six criteria"),
    "safety": ({"safety_complete": False}, "safety", "state that no hazards were identified"),
    "high hazard unmitigated": ({"band": RiskBand.HIGH, "hazards_unmitigated": 1}, "safety",
                                "the risk is high, so every hazard needs a mitigation and an owner (1 without)"),
    "extreme hazard unmitigated": ({"band": RiskBand.EXTREME, "hazards_unmitigated": 2}, "safety",
                                   "the risk is extreme"),
    "triage": ({"triage_answered": False}, "triage", "answer every triage question"),
    "research without referral": ({"research": True}, "triage", "record the ethics-board referral"),
    "plan": ({"plan_missing": ("a balancing measure",)}, "plan", "Pilot plan: add a balancing measure."),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_precondition_alone_blocks_recommend_with_its_message(case):
    broken, section, words = BROKEN[case]
    idea = idea_at(Stage.MENTOR_REVIEW, review=dataclasses.replace(COMPLETE_REVIEW, **broken))
    with pytest.raises(Invalid) as raised:
        check("recommend", idea, MENTOR)
    assert raised.value.field == section and words in raised.value.message
    unmet = unmet_preconditions(transition_for("recommend", Stage.MENTOR_REVIEW), idea, MENTOR)
    assert [(r.field, r.message) for r in unmet] == [(section, raised.value.message)]


def test_all_met_lets_recommend_through():
    assert check("recommend", idea_at(Stage.MENTOR_REVIEW), MENTOR).target == Stage.COMMITTEE_REVIEW


@pytest.mark.parametrize("band", [None, RiskBand.LOW, RiskBand.MODERATE])
def test_below_high_hazards_need_no_mitigation(band):
    review = dataclasses.replace(COMPLETE_REVIEW, band=band, hazards_unmitigated=3)
    assert check("recommend", idea_at(Stage.MENTOR_REVIEW, review=review), MENTOR)


def test_research_with_a_referral_may_be_recommended():
    review = dataclasses.replace(COMPLETE_REVIEW, research=True, referral_recorded=True)
    assert check("recommend", idea_at(Stage.MENTOR_REVIEW, review=review), MENTOR)


def test_an_empty_review_lists_everything_missing():
    unmet = unmet_preconditions(transition_for("recommend", Stage.MENTOR_REVIEW),
                                idea_at(Stage.MENTOR_REVIEW, review=ReviewFacts()), MENTOR)
    assert [r.field for r in unmet] == ["feasibility", "safety", "triage", "plan"]
    assert unmet[-1].message == ("Pilot plan: add an aim, a pilot unit, planned dates, an outcome measure, "
                                 "a process measure, a balancing measure.")


def test_plan_missing_in_words():
    empty = {"aim": " ", "units": [], "planned_start": None, "planned_end": None}
    assert plan_missing(empty, set()) == plan_missing({}, set()) == ReviewFacts().plan_missing
    full = {"aim": "Aim", "units": [1], "planned_start": 1, "planned_end": 2}
    assert plan_missing(full, {"outcome", "process", "balancing"}) == ()
    assert plan_missing({**full, "planned_end": None}, {"outcome", "process"}) == ("planned dates",
                                                                                   "a balancing measure")


REVIEWERS = {"assigned_mentor"}
PLANNERS = {"assigned_mentor", "submitter", "co_author"}


@pytest.mark.parametrize(("stage", "kind"), list(itertools.product(list(Stage), ACTORS)))
def test_who_changes_the_review_and_the_plan(stage, kind):
    actor, _ = ACTORS[kind]
    # in review, and while a pilot runs on its approved plan (a change there sends it back to committee)
    in_review = stage in (Stage.MENTOR_REVIEW, Stage.REVISION, Stage.PILOT, Stage.SCALE_UP)
    assert may_review(idea_at(stage), actor) is (in_review and kind in REVIEWERS)
    assert may_plan(idea_at(stage), actor) is (in_review and kind in PLANNERS)


def test_nobody_reviews_their_own_idea():
    mentor_and_author = ActorFacts(1, frozenset({"mentor", "mentee"}))
    idea = idea_at(Stage.MENTOR_REVIEW, submitter_id=1, mentor_id=1)
    assert not may_review(idea, mentor_and_author)
