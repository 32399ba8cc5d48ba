"""The committee at pilot review: approve_scale_up naming target units (any site), extend_pilot and stop
through `committee.operations.decide`, and stop or extend from the running pilot or the scale-up."""
import json

import pytest
from sqlalchemy import func, select

from ideas.accounts.units import create_site, create_unit
from ideas.committee.models import ApprovedPlan
from ideas.committee.operations import decide
from ideas.committee.queries import open_round, rounds_of
from ideas.committee.snapshot import changes_since_approval
from ideas.database import db
from ideas.errors import Forbidden, Invalid
from ideas.pipeline.workflow import Stage
from ideas.review.queries import plan_of
from ideas.spread.models import TargetUnit
from tests.conftest import page_token, sign_in_fully
from tests.support.committee import PASSWORD, vote
from tests.support.holds import trip_stop_rule
from tests.support.ideas import idea_events, make_idea
from tests.support.pilots import RESULTS, completed_pilot, running_pilot
from tests.support.reviews import complete_review
from tests.test_pipeline_safety_hold import members  # noqa: F401  (fixture: three committee members)

EXTEND = "Test the checklist on the weekend night shifts too."
STOP = "Falls did not change and the checklist slowed the drug round: a lesson for other wards."


@pytest.fixture
def reviewed(people, members):
    """Maya's pilot, completed with data for every measure: in pilot review, its round open."""
    return completed_pilot(people, members)


@pytest.fixture
def units():
    """Two units at another site, beside the idea's own Ward 4B."""
    site = create_site("Hillside Community Hospital")
    made = [create_unit(site, "Ward 2"), create_unit(site, "Ward 5")]
    db.session.commit()
    return made


def targets(idea) -> list[tuple[int, str]]:
    return [(t.unit_id, str(t.status)) for t in db.session.scalars(
        select(TargetUnit).where(TargetUnit.idea_id == idea.id).order_by(TargetUnit.id))]


def test_approve_scale_up_names_target_units_from_any_site_and_refreezes_the_plan(reviewed, members, units):
    plan = plan_of(reviewed.id)
    plan.estimated_impact = "Two fewer falls a month."
    db.session.commit()
    vote(reviewed, members)
    gate = open_round(reviewed.id)
    unit_ids = [reviewed.unit_id, units[0].id, units[1].id]
    decide(reviewed, members[1], "approve_scale_up", reviewed.version, password=PASSWORD,
           target_units=[str(i) for i in unit_ids] + [str(units[0].id)])  # a unit chosen twice counts once
    db.session.commit()
    assert reviewed.stage == Stage.SCALE_UP and open_round(reviewed.id) is None
    assert targets(reviewed) == [(i, "planned") for i in unit_ids]
    added = [e for e in idea_events(reviewed) if e.action == "target_unit.added"]
    assert [e.changes["unit_id"] for e in added] == [(None, i) for i in unit_ids]
    frozen = list(db.session.scalars(select(ApprovedPlan).where(ApprovedPlan.idea_id == reviewed.id)
                                     .order_by(ApprovedPlan.id)))
    assert [p.round_id for p in frozen] == [r.id for r in reversed(rounds_of(reviewed.id))
                                            if r.outcome in ("approve_pilot", "approve_scale_up")]
    assert frozen[-1].round_id == gate.id
    assert json.loads(frozen[-1].content)["plan"]["estimated impact"] == "Two fewer falls a month."
    assert "estimated impact" not in json.loads(frozen[0].content)["plan"]  # frozen before the estimate


@pytest.mark.parametrize(("target_units", "message"), [
    (None, "Target units: name at least one unit the change spreads to."),
    ([], "Target units: name at least one unit the change spreads to."),
    (["999999"], "Target units: a unit you chose no longer exists"),
    (["ward 4"], "Target units: choose units from the list."),
])
def test_approve_scale_up_refuses_bad_target_units_and_saves_nothing(reviewed, members, target_units, message):
    vote(reviewed, members)
    with pytest.raises(Invalid) as refused:
        decide(reviewed, members[0], "approve_scale_up", reviewed.version, password=PASSWORD,
               target_units=target_units)
    db.session.rollback()
    assert refused.value.field == "target_units" and message in refused.value.message
    assert reviewed.stage == Stage.PILOT_REVIEW and targets(reviewed) == []


def test_approve_scale_up_needs_quorum_a_majority_and_no_hold(reviewed, people, members):
    vote(reviewed, members[:2])
    with pytest.raises(Invalid, match="2 of the 3 votes"):
        decide(reviewed, members[0], "approve_scale_up", reviewed.version, password=PASSWORD,
               target_units=[reviewed.unit_id])
    db.session.rollback()
    vote(reviewed, members[2:])
    trip_stop_rule(reviewed, people["submitter"])  # the stop rule still watches the data in pilot review
    with pytest.raises(Invalid) as refused:
        decide(reviewed, members[0], "approve_scale_up", reviewed.version, password=PASSWORD,
               target_units=[reviewed.unit_id])
    db.session.rollback()
    assert refused.value.field == "safety_hold" and reviewed.stage == Stage.PILOT_REVIEW and targets(reviewed) == []


def test_extend_pilot_sends_it_back_to_pilot_with_what_the_next_cycle_tests(reviewed, members):
    with pytest.raises(Invalid) as refused:
        decide(reviewed, members[0], "extend_pilot", reviewed.version, password=PASSWORD, reason=" ")
    db.session.rollback()
    assert refused.value.field == "reason"
    with pytest.raises(Invalid) as refused:
        decide(reviewed, members[0], "extend_pilot", reviewed.version, password="not mine", reason=EXTEND)
    db.session.rollback()
    assert refused.value.field == "password" and reviewed.stage == Stage.PILOT_REVIEW
    decide(reviewed, members[0], "extend_pilot", reviewed.version, password=PASSWORD, reason=EXTEND)
    db.session.commit()
    last = [e for e in idea_events(reviewed) if e.action == "idea.transition"][-1]
    assert reviewed.stage == Stage.PILOT and last.reason == EXTEND
    assert rounds_of(reviewed.id)[0].outcome == "extend_pilot" and open_round(reviewed.id) is None


def test_the_team_and_target_units_cannot_reach_the_other_decisions(reviewed, people, members):
    with pytest.raises(Forbidden):
        decide(reviewed, people["submitter"], "stop", reviewed.version, password=PASSWORD, reason=STOP)
    db.session.rollback()
    with pytest.raises(Invalid) as refused:
        decide(reviewed, members[0], "stop", reviewed.version, password=PASSWORD, reason=STOP,
               target_units=[reviewed.unit_id])
    db.session.rollback()
    assert refused.value.field == "target_units" and reviewed.stage == Stage.PILOT_REVIEW


@pytest.mark.parametrize("stage", [Stage.PILOT, Stage.PILOT_REVIEW, Stage.SCALE_UP])
def test_stop_from_every_running_stage_with_its_lesson(people, members, stage):
    idea = running_pilot(people, members) if stage == Stage.PILOT else completed_pilot(people, members)
    if stage == Stage.SCALE_UP:
        vote(idea, members)
        decide(idea, members[0], "approve_scale_up", idea.version, password=PASSWORD, target_units=[idea.unit_id])
        db.session.commit()
    assert idea.stage == stage
    with pytest.raises(Invalid) as refused:
        decide(idea, members[2], "stop", idea.version, password=PASSWORD, reason="")
    db.session.rollback()
    assert refused.value.field == "reason"
    decide(idea, members[2], "stop", idea.version, password=PASSWORD, reason=STOP)
    db.session.commit()
    assert idea.stage == Stage.STOPPED and open_round(idea.id) is None
    last = [e for e in idea_events(idea) if e.action == "idea.transition"][-1]
    assert (last.reason, last.actor_id) == (STOP, members[2].id)


def test_the_completion_s_summary_is_the_transition_s_reason(reviewed):
    completion = [e for e in idea_events(reviewed) if e.action == "idea.transition"][-1]
    assert completion.changes["stage"] == ("pilot", "pilot_review") and completion.reason == RESULTS["summary"]
    assert db.session.scalar(select(func.count(TargetUnit.id))) == 0


# --- the pages: the review pack and the idea page ----------------------------------------------------

def post_decision(client, idea, action: str, **fields):
    data = {f"{action}-version": idea.version, f"{action}-password": PASSWORD, "csrf_token": page_token(client, "/")}
    for name, value in fields.items():
        data[f"{action}-{name}"] = value
    return client.post(f"/committee/ideas/{idea.id}/decisions/{action}", data=data)


def test_the_pack_shows_results_estimate_charts_and_the_scale_up_form(client, reviewed, members, units):
    plan = plan_of(reviewed.id)
    plan.estimated_impact = "Two fewer falls a month."
    db.session.commit()
    vote(reviewed, members)
    sign_in_fully(client, members[1])
    page = client.get(f"/committee/ideas/{reviewed.id}").get_data(as_text=True)
    assert "The pilot&#39;s results" in page or "The pilot's results" in page
    assert RESULTS["impact"] in page and "Two fewer falls a month." in page and "Adopt it as it is" in page
    assert page.count('class="result-chart"') == 3 and "No signal" in page
    for label in ("Approve scale-up", "Extend pilot", "Stop", "Return to mentor"):
        assert f"<summary>{label}</summary>" in page
    assert '<optgroup label="Hillside Community Hospital">' in page and ">Ward 5</option>" in page
    assert "the approved plan is frozen again" in page


def test_approving_scale_up_on_the_pack(client, reviewed, members, units):
    vote(reviewed, members)
    sign_in_fully(client, members[0])
    response = post_decision(client, reviewed, "approve_scale_up", target_units=[str(units[0].id), str(units[1].id)])
    assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{reviewed.id}"
    db.session.expire_all()
    assert reviewed.stage == Stage.SCALE_UP and targets(reviewed) == [(units[0].id, "planned"),
                                                                       (units[1].id, "planned")]


@pytest.mark.parametrize(("action", "fields", "field", "message"), [
    ("approve_scale_up", {}, "target_units", "Target units: name at least one unit"),
    ("approve_scale_up", {"target_units": "999999"}, "target_units", "a unit you chose no longer exists"),
    ("approve_scale_up", {"target_units": "x", "password": "not mine"}, "target_units", "choose units from the list"),
    ("extend_pilot", {"reason": ""}, "reason", "Say what the next PDSA cycle should test."),
    ("extend_pilot", {"reason": EXTEND, "password": "not mine"}, "password", "not your password"),
    ("stop", {"reason": "Bed 3, MRN 1234567, fell"}, "reason", "Reason"),
])
def test_bad_decisions_come_back_on_the_pack_with_the_field_named_and_the_text_kept(client, reviewed, members,
                                                                                    action, fields, field, message):
    vote(reviewed, members)
    sign_in_fully(client, members[0])
    response = post_decision(client, reviewed, action, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{action}-{field}-error"' in page and message in page
    if fields.get("reason"):
        assert fields["reason"].replace(",", "&#44;") in page or fields["reason"] in page
    db.session.expire_all()
    assert reviewed.stage == Stage.PILOT_REVIEW and targets(reviewed) == []


def test_a_member_stops_a_running_pilot_from_the_idea_page_and_everyone_reads_the_lesson(client, people, members):
    pilot = running_pilot(people, members)
    sign_in_fully(client, members[0])
    page = client.get(f"/ideas/{pilot.id}").get_data(as_text=True)
    assert f"/committee/ideas/{pilot.id}?decide=stop#decide-stop" in page
    assert f"/committee/ideas/{pilot.id}?decide=extend_pilot" not in page  # extending is for pilot review
    pack_page = client.get(f"/committee/ideas/{pilot.id}?decide=stop").get_data(as_text=True)
    assert '<details id="decide-stop" class="decision" open>' in pack_page
    assert "it stays in the showcase as a lesson" in pack_page
    assert client.get(f"/ideas/{pilot.id}/actions/stop").headers["Location"].endswith("#decide-stop")
    response = post_decision(client, pilot, "stop", reason=STOP)
    assert response.status_code == 302
    db.session.expire_all()
    assert pilot.stage == Stage.STOPPED
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    sign_in_fully(client, people["stranger"])
    page = client.get(f"/ideas/{pilot.id}").get_data(as_text=True)
    assert "Stopped" in page and STOP in page


# --- the estimate on the mentor's pilot plan ---------------------------------------------------------

def test_the_estimate_is_saved_on_the_plan_form_and_bad_input_is_named_and_kept(client, people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    complete_review(idea, people["mentor"])
    db.session.commit()
    sign_in_fully(client, people["mentor"])
    path = f"/review/{idea.id}/plan"
    page = client.get(path).get_data(as_text=True)
    assert 'name="estimated_impact"' in page
    plan = plan_of(idea.id)
    fields = {"aim": plan.aim, "units": str(plan.units[0].id), "planned_start": plan.planned_start.isoformat(),
              "planned_end": plan.planned_end.isoformat(), "data_collection": plan.data_collection,
              "version": plan.version, "csrf_token": page_token(client, path)}
    bad = "Mr Patel, NHS 943 476 5919, would not have fallen"
    response = client.post(path, data={**fields, "estimated_impact": bad})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="estimated_impact-error"' in html and "Estimated impact" in html
    assert "Mr Patel" in html
    db.session.expire_all()
    assert plan_of(idea.id).estimated_impact == ""
    response = client.post(path, data={**fields, "estimated_impact": "Two fewer falls a month."})
    assert response.status_code == 302
    db.session.expire_all()
    assert plan_of(idea.id).estimated_impact == "Two fewer falls a month."


def test_a_plan_frozen_without_an_estimate_does_not_differ_from_itself(people, members):
    idea = running_pilot(people, members)
    assert changes_since_approval(idea) == []
    frozen = db.session.scalar(select(ApprovedPlan).where(ApprovedPlan.idea_id == idea.id))
    assert "estimated impact" not in json.loads(frozen.content)["plan"]
