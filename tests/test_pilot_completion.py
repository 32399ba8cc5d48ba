"""Completing a pilot: the operation (rules, the result row and its audit event, nothing half-saved) and the
form on the pilot page (who sees it, bad input with the field named and the text kept)."""
import pytest
from sqlalchemy import func, select

from ideas.committee.queries import open_round
from ideas.database import db
from ideas.errors import Forbidden, Invalid
from ideas.pilots.completion import complete_pilot
from ideas.pilots.models import PilotResult
from ideas.pipeline.workflow import Stage
from ideas.review.queries import plan_of
from tests.conftest import page_token, sign_in_fully
from tests.support.holds import observe, trip_stop_rule
from tests.support.ideas import idea_events
from tests.support.pilots import RESULTS, measure_named, observe_every_measure
from tests.test_pipeline_safety_hold import members, pilot  # noqa: F401  (fixtures: three members, Maya's pilot)


def results_count() -> int:
    return db.session.scalar(select(func.count(PilotResult.id)))


@pytest.fixture
def observed(pilot, people):
    """Maya's pilot with an observation of every measure: ready to complete."""
    observe_every_measure(pilot, people["submitter"])
    return pilot


@pytest.mark.parametrize("kind", ["submitter", "co_author", "mentor"])
def test_the_pilot_team_completes_the_pilot_with_its_result_and_audit_event(observed, people, kind):
    result = complete_pilot(observed, people[kind], {**RESULTS, "summary": "  " + RESULTS["summary"] + "\n"},
                            observed.version)
    db.session.commit()
    assert observed.stage == Stage.PILOT_REVIEW and open_round(observed.id).gate == Stage.PILOT_REVIEW
    assert (result.summary, result.recommendation, result.impact_realised, result.completed_by_id) == (
        RESULTS["summary"], "adopt", RESULTS["impact"], people[kind].id)
    events = {e.action: e for e in idea_events(observed)}
    assert events["idea.transition"].reason == RESULTS["summary"]
    assert events["pilot.completed"].changes["recommendation"] == (None, "adopt")
    assert events["pilot.completed"].actor_id == people[kind].id


@pytest.mark.parametrize(("change", "field"), [
    ({"summary": " "}, "summary"), ({"impact": ""}, "impact"), ({"recommendation": "adopt it"}, "recommendation"),
    ({"recommendation": None}, "recommendation"), ({"impact": "Mrs Jones, MRN 1234567, did not fall"}, "impact"),
    ({"summary": "x" * 4001}, "summary"), ({"summary": ["a list"]}, "summary"),
])
def test_bad_fields_are_refused_by_name_and_nothing_is_saved(observed, people, change, field):
    with pytest.raises(Invalid) as refused:
        complete_pilot(observed, people["submitter"], {**RESULTS, **change}, observed.version)
    db.session.rollback()
    assert refused.value.field == field
    assert observed.stage == Stage.PILOT and results_count() == 0


def test_a_measure_without_data_is_named(pilot, people):
    for name in ("Night-time falls", "Checklist done"):
        observe(measure_named(pilot, name), people["submitter"], [3.0])
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        complete_pilot(pilot, people["submitter"], RESULTS, pilot.version)
    db.session.rollback()
    assert refused.value.field == "measures" and "Handover length has none yet" in refused.value.message
    assert pilot.stage == Stage.PILOT and results_count() == 0


def test_a_safety_hold_refuses_completion(observed, people):
    trip_stop_rule(observed, people["submitter"])
    with pytest.raises(Invalid) as refused:
        complete_pilot(observed, people["submitter"], RESULTS, observed.version)
    db.session.rollback()
    assert refused.value.field == "safety_hold" and results_count() == 0


@pytest.mark.parametrize("kind", ["stranger", "other_mentor", "committee", "admin"])
def test_only_the_pilot_team_completes(observed, people, kind):
    with pytest.raises(Forbidden):
        complete_pilot(observed, people[kind], RESULTS, observed.version)
    db.session.rollback()
    assert observed.stage == Stage.PILOT and results_count() == 0


# --- the form on the pilot page ---------------------------------------------------------------------

def post_completion(client, idea, **fields):
    token = page_token(client, f"/ideas/{idea.id}/pilot")
    data = {"csrf_token": token, "version": idea.version, **RESULTS, **fields}
    return client.post(f"/ideas/{idea.id}/pilot/complete", data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize(("kind", "shown"), [("submitter", True), ("co_author", True), ("mentor", True),
                                            ("committee", False), ("stranger", False)])
def test_the_form_is_shown_to_the_pilot_team_only(client, observed, people, kind, shown):
    sign_in_fully(client, people[kind])
    page = client.get(f"/ideas/{observed.id}/pilot").get_data(as_text=True)
    assert ("Complete the pilot" in page) is shown
    assert (f"/ideas/{observed.id}/pilot/complete" in page) is shown


def test_the_form_shows_the_estimate_and_the_charts_with_their_signals(client, observed, people):
    plan = plan_of(observed.id)
    plan.estimated_impact = "Two fewer falls a month."
    db.session.commit()
    sign_in_fully(client, people["submitter"])
    page = client.get(f"/ideas/{observed.id}/pilot").get_data(as_text=True)
    assert "Impact estimated in the pilot plan" in page and "Two fewer falls a month." in page
    assert page.count('class="result-chart"') == 3 and "spc-chart" in page
    assert "No signal: the variation is what this process usually shows" in page


def test_completing_on_the_page_goes_to_the_idea_with_the_results(client, observed, people):
    sign_in_fully(client, people["co_author"])
    response = post_completion(client, observed)
    assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{observed.id}"
    db.session.expire_all()
    assert observed.stage == Stage.PILOT_REVIEW
    page = client.get(f"/ideas/{observed.id}/pilot").get_data(as_text=True)
    assert RESULTS["impact"] in page and "Adopt it as it is" in page and "Complete the pilot" not in page


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"summary": ""}, "summary", "Results summary: say what the pilot found."),
    ({"recommendation": None}, "recommendation", "Recommendation: choose adopt, adapt or abandon."),
    ({"recommendation": "maybe"}, "recommendation", "Recommendation: choose adopt, adapt or abandon."),
    ({"impact": "Bed 4, NHS 943 476 5919, improved"}, "impact", "Impact realised"),
    ({"summary": "Falls\x00 fell"}, "summary", "control character"),
])
def test_bad_input_comes_back_with_the_field_named_and_the_text_kept(client, observed, people, fields, field, message):
    sign_in_fully(client, people["submitter"])
    response = post_completion(client, observed, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    kept = {**RESULTS, **fields}
    for name in ("summary", "impact"):
        if "\x00" not in kept[name]:
            assert kept[name].replace(",", "&#44;") in page or kept[name] in page
    db.session.expire_all()
    assert observed.stage == Stage.PILOT and results_count() == 0


def test_missing_data_and_a_stale_version_come_back_above_the_form(client, pilot, people):
    sign_in_fully(client, people["submitter"])
    page = client.get(f"/ideas/{pilot.id}/pilot").get_data(as_text=True)
    assert "Not possible yet: Record data for every measure" in page
    response = post_completion(client, pilot)
    assert response.status_code == 422 and "Night-time falls, Checklist done, Handover length have none yet" in \
        response.get_data(as_text=True)
    response = post_completion(client, pilot, version=pilot.version - 1)
    assert response.status_code == 409 and RESULTS["summary"] in response.get_data(as_text=True)
    assert results_count() == 0
