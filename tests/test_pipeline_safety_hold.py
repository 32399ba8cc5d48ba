"""Placing and clearing the safety hold through the workflow core, and the stop rules that place it."""
import pytest

from ideas.accounts.models import Role
from ideas.committee.operations import recuse
from ideas.database import db
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pilots.models import ChartSettings, RuleSet
from ideas.pilots.signals import observations_changed
from ideas.pipeline.operations import apply_action, clear_safety_hold, place_safety_hold
from ideas.pipeline.queries import hold_trips
from ideas.pipeline.workflow import Stage
from tests.support.holds import OVER, UNDER, balancing_measure, observe, trip_stop_rule
from tests.support.ideas import idea_events, make_idea

REASON = "The committee reviewed the handover times: the long one was a fire drill. Carry on."
HOLD_MESSAGE = "The idea is on safety hold"


@pytest.fixture
def members(create_user, people):
    return [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]


@pytest.fixture
def pilot(people, members):
    return make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], co_authors=(people["co_author"],),
                     committee=tuple(members))


def hold_events(idea):
    return [e for e in idea_events(idea) if e.action.startswith("idea.safety_hold")]


def test_a_stop_rule_trips_places_the_hold_and_is_audited(pilot, people):
    version = pilot.version
    observe(balancing_measure(pilot), people["submitter"], [UNDER, UNDER])
    db.session.commit()
    assert not pilot.safety_hold and hold_events(pilot) == []
    trip_stop_rule(pilot, people["submitter"])
    db.session.refresh(pilot)
    assert pilot.safety_hold and pilot.version == version + 1
    (event,) = hold_events(pilot)
    assert event.action == "idea.safety_hold_placed" and event.actor_id is None
    assert event.reason == ("Stop rule on “Handover length”: 52 minutes on 6 Jan 2027 is above the stop threshold "
                            "(45 minutes).")
    assert event.changes == {"safety_hold": (False, True), "measure_id": (None, balancing_measure(pilot).id)}


def test_the_same_trip_is_recorded_once_and_a_new_one_again(pilot, people):
    trip_stop_rule(pilot, people["submitter"])
    observations_changed.send(balancing_measure(pilot), actor=people["submitter"])  # a correction elsewhere
    db.session.commit()
    assert len(hold_events(pilot)) == 1
    trip_stop_rule(pilot, people["co_author"], 60)  # a second breach while on hold: its own event
    second = hold_events(pilot)[1]
    assert "60 minutes on 5 Jan 2027" in second.reason and "safety_hold" not in second.changes
    assert [e.reason for e in hold_trips(pilot.id)] == [e.reason for e in hold_events(pilot)]


def test_clearing_unblocks_and_a_cleared_trip_does_not_hold_again(pilot, people):
    trip_stop_rule(pilot, people["submitter"])
    with pytest.raises(Invalid, match=HOLD_MESSAGE):
        apply_action(pilot, people["submitter"], "complete_pilot", pilot.version)
    clear_safety_hold(pilot, people["committee"], f"  {REASON} ")
    db.session.commit()
    assert not pilot.safety_hold and hold_trips(pilot.id) == []
    cleared = hold_events(pilot)[-1]
    assert (cleared.action, cleared.actor_id, cleared.reason) == ("idea.safety_hold_cleared", people["committee"].id,
                                                                  REASON)
    assert cleared.changes == {"safety_hold": (True, False)}
    with pytest.raises(Invalid) as raised:  # the hold no longer blocks: what completing asks for is next
        apply_action(pilot, people["submitter"], "complete_pilot", pilot.version)
    assert raised.value.field == "summary"
    observe(balancing_measure(pilot), people["submitter"], [UNDER])  # the old breach is still in the data
    db.session.commit()
    assert not pilot.safety_hold and len(hold_events(pilot)) == 2
    trip_stop_rule(pilot, people["submitter"], 50)
    assert pilot.safety_hold and len(hold_trips(pilot.id)) == 1


def test_a_signal_on_a_balancing_measure_that_stops_on_signals(pilot, people):
    measure = balancing_measure(pilot)
    measure.stop_threshold, measure.stop_direction, measure.stop_on_signal = None, None, True
    db.session.add(ChartSettings(measure_id=measure.id, idea_id=pilot.id, rules=RuleSet.IHI))
    db.session.commit()
    observe(measure, people["submitter"], [30, 31, 29, 30, 28, 30, 31, 32, 33, 34])
    db.session.commit()
    (event,) = hold_events(pilot)
    assert event.reason.endswith("(IHI rules, run chart): trend: 6 points rising from 8 Jan 2027 to 13 Jan 2027.")


def test_a_measure_without_a_stop_rule_never_holds(pilot, people):
    measure = balancing_measure(pilot)
    measure.stop_threshold = measure.stop_direction = None
    db.session.commit()
    observe(measure, people["submitter"], [OVER] * 12)
    db.session.commit()
    assert not pilot.safety_hold and hold_events(pilot) == []


def test_a_refused_hold_rolls_back_with_the_observation(people, members):
    """The receiver runs in the sender's transaction: a hold that cannot be placed leaves nothing."""
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    with pytest.raises(Invalid, match="not possible while the idea is committee review"):
        trip_stop_rule(idea, people["submitter"])
    db.session.rollback()
    assert not idea.safety_hold and hold_events(idea) == []


def test_place_names_the_rule(pilot):
    with pytest.raises(Invalid) as raised:
        place_safety_hold(pilot, "  ")
    assert raised.value.field == "reason"


def test_placing_directly_returns_whether_it_recorded(pilot):
    assert place_safety_hold(pilot, "Stop rule on “Handover length”: a test trip.") is True
    assert place_safety_hold(pilot, "Stop rule on “Handover length”: a test trip.") is False
    db.session.commit()
    assert len(hold_events(pilot)) == 1


def test_clearing_refusals_leave_the_hold(pilot, people, create_user):
    trip_stop_rule(pilot, people["submitter"])
    for who in ("submitter", "mentor", "admin", "stranger"):
        with pytest.raises(Forbidden, match="is for a committee member only"):
            clear_safety_hold(pilot, people[who], REASON)
    both = create_user(Role.COMMITTEE, Role.MENTOR)
    pilot.mentor_id = both.id  # the committee member is now the idea's mentor: conflicted
    with pytest.raises(Forbidden, match="reviewed it as its mentor"):
        clear_safety_hold(pilot, both, REASON)
    db.session.rollback()
    with pytest.raises(Invalid) as raised:
        clear_safety_hold(pilot, people["committee"], "")
    assert raised.value.field == "reason"
    db.session.rollback()
    assert pilot.safety_hold and len(hold_events(pilot)) == 1


def test_clearing_when_there_is_no_hold_is_a_conflict(pilot, people):
    with pytest.raises(Conflict, match="not on safety hold"):
        clear_safety_hold(pilot, people["committee"], REASON)


def test_a_recused_member_does_not_clear_at_the_pilot_stage(pilot, people, members):
    trip_stop_rule(pilot, people["submitter"])
    recuse(pilot, members[1], "I manage the unit this idea comes from.")
    db.session.commit()
    with pytest.raises(Forbidden, match="declared a conflict"):
        clear_safety_hold(pilot, members[1], REASON)


def test_a_hold_survives_a_return_for_re_approval(pilot, people):
    trip_stop_rule(pilot, people["submitter"])
    apply_action(pilot, None, "reapprove", pilot.version, difference="Pilot plan · aim: changed")
    db.session.commit()
    assert pilot.stage == Stage.COMMITTEE_REVIEW and pilot.safety_hold
    clear_safety_hold(pilot, people["committee"], REASON)
    db.session.commit()
    assert not pilot.safety_hold
