"""End to end: an observation recorded through the pilot's operations trips the plan's stop rule, the idea
goes on safety hold in the same transaction, and completing is refused until the committee clears it."""
from datetime import timedelta

from ideas.database import db
from ideas.pilots.operations import hospital_today
from ideas.pipeline.operations import clear_safety_hold
from tests.support.audit import events
from tests.support.pilots import add_observations, measure_named


def test_an_observation_over_the_threshold_holds_the_idea_until_cleared(people, idea, members):
    handover = measure_named(idea, "Handover length")  # balancing: stop if it rises above 45 minutes
    add_observations(handover, [31, 33, 30], start=hospital_today() - timedelta(days=5), actor=people["submitter"])
    assert not idea.safety_hold and not events("idea.safety_hold_placed")

    add_observations(handover, [52], start=hospital_today(), actor=people["co_author"])
    db.session.refresh(idea)
    assert idea.safety_hold
    [placed] = events("idea.safety_hold_placed")
    assert "Handover length" in placed.reason and "52" in placed.reason
    assert [e.action for e in events()][-2:] == ["observation.added", "idea.safety_hold_placed"]

    clear_safety_hold(idea, members[1], "Handover ran long for a fire drill; the checklist was not the cause.")
    db.session.commit()
    assert not idea.safety_hold and len(events("idea.safety_hold_cleared")) == 1
