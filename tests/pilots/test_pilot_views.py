"""The pilot page: who reads and records, the inline add row over htmx, bad input, stale saves, query counts."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ideas.database import db
from ideas.pilots.models import Observation, PdsaCycle
from ideas.pilots.operations import hospital_today
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events, make_idea
from tests.support.pilots import add_observations, measure_named, running_pilot
from tests.support.statements import statements_of

pytestmark = pytest.mark.usefixtures("no_second_factor")

HTMX = {"HX-Request": "true"}
KINDS = ["submitter", "co_author", "mentor", "other_mentor", "committee", "admin", "stranger"]
TEAM = {"submitter", "co_author", "mentor"}


def post(client, path: str, data: dict, page: str, **kwargs):
    return client.post(path, data={**data, "csrf_token": page_token(client, page)}, **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def today() -> str:
    return hospital_today().isoformat()


def adding(falls, value: str = "4", **extra) -> dict:
    return {f"m{falls.id}-observed_on": today(), f"m{falls.id}-value": value, **extra}


# --- who may use each route --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_everyone_who_sees_a_pilot_reads_its_records_and_only_the_team_gets_the_forms(client, people, idea, falls,
                                                                                       kind):
    add_observations(falls, [3.0], start=hospital_today(), actor=people["submitter"])
    sign_in(client, people[kind])
    response = client.get(f"/ideas/{idea.id}/pilot")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Night-time falls" in html and f'href="/ideas/{idea.id}/measures/{falls.id}/chart"' in html
    assert ("Record a PDSA cycle" in html) == (kind in TEAM)
    assert (f'name="m{falls.id}-value"' in html) == (kind in TEAM)
    assert ("Correct or remove" in html) == (kind in TEAM)


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_team_adds_observations_and_cycles(client, people, idea, falls, kind):
    sign_in(client, people[kind])
    page = f"/ideas/{idea.id}/pilot"
    added = post(client, f"/ideas/{idea.id}/measures/{falls.id}/observations", adding(falls), page)
    cycle = post(client, f"/ideas/{idea.id}/pilot/cycles/new",
                 {"change_tested": "Checklist at handover", "started_on": today()}, page)
    expected = 302 if kind in TEAM else 403
    assert (added.status_code, cycle.status_code) == (expected, expected)
    assert count(Observation) == count(PdsaCycle) == (1 if kind in TEAM else 0)


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_team_corrects_and_removes(client, people, idea, falls, kind):
    [row] = add_observations(falls, [3.0], start=hospital_today(), actor=people["submitter"])
    sign_in(client, people[kind])
    page = f"/ideas/{idea.id}/pilot"
    assert client.get(f"/ideas/{idea.id}/observations/{row.id}").status_code == 200
    corrected = post(client, f"/ideas/{idea.id}/observations/{row.id}/correct",
                     {"observed_on": today(), "value": "5", "reason": "Typo", "version": row.version}, page)
    assert corrected.status_code == (302 if kind in TEAM else 403)
    db.session.refresh(row)
    removed = post(client, f"/ideas/{idea.id}/observations/{row.id}/remove",
                   {"remove-reason": "Wrong ward", "remove-version": row.version}, page)
    assert removed.status_code == (302 if kind in TEAM else 403)
    assert count(Observation) == (0 if kind in TEAM else 1)


def test_hidden_ideas_answer_404_and_missing_rows_404_or_409(app, client, people, members, idea, falls):
    draft = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    stranger = app.test_client()
    sign_in(stranger, people["stranger"])
    assert stranger.get(f"/ideas/{draft.id}/pilot").status_code == 404  # may not see it
    assert stranger.get("/ideas/99999/pilot").status_code == 404
    sign_in(client, people["submitter"])
    before = client.get(f"/ideas/{draft.id}/pilot")  # sees it; its pilot has not started
    assert before.status_code == 200 and "The pilot has not started" in before.get_data(as_text=True)
    assert post(client, f"/ideas/{draft.id}/pilot/cycles/new", {"change_tested": "x", "started_on": today()},
                f"/ideas/{draft.id}/pilot").status_code == 422
    other = running_pilot(people, members, title="Another pilot")
    page = f"/ideas/{idea.id}/pilot"
    # A row of another idea, or one not there: nothing to read (404), a conflict to change (409).
    assert post(client, f"/ideas/{other.id}/measures/{falls.id}/observations", adding(falls), page).status_code == 409
    assert client.get(f"/ideas/{other.id}/observations/1").status_code == 404
    assert post(client, f"/ideas/{idea.id}/observations/999/remove", {"remove-reason": "x"}, page).status_code == 409
    assert client.get(f"/ideas/{idea.id}/pilot/cycles/999").status_code == 404
    assert post(client, f"/ideas/{idea.id}/pilot/cycles/999", {"change_tested": "x"}, page).status_code == 409


def test_signed_out_goes_to_sign_in(client, idea):
    response = client.get(f"/ideas/{idea.id}/pilot")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_idea_page_links_to_the_pilot_records_from_pilot_on(client, people, idea):
    draft = make_idea(people["submitter"])
    sign_in(client, people["submitter"])
    assert f'href="/ideas/{idea.id}/pilot"' in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "/pilot" not in client.get(f"/ideas/{draft.id}").get_data(as_text=True)


def test_records_kept_from_a_pilot_sent_back_for_reapproval_are_read_only(client, people, idea, falls):
    add_observations(falls, [3.0], start=hospital_today(), actor=people["submitter"])
    idea.stage = Stage.COMMITTEE_REVIEW  # what a material edit's re-approval does (tested in the operations)
    db.session.commit()
    sign_in(client, people["submitter"])
    html = client.get(f"/ideas/{idea.id}/pilot").get_data(as_text=True)
    assert "read-only" in html and f'name="m{falls.id}-value"' not in html
    response = post(client, f"/ideas/{idea.id}/measures/{falls.id}/observations", adding(falls),
                    f"/ideas/{idea.id}/pilot")
    assert response.status_code == 422 and "only while its pilot runs" in response.get_data(as_text=True)


# --- the inline add row over htmx -----------------------------------------------------------------------

def test_an_added_row_answers_the_measure_with_a_fresh_focused_row(client, people, idea, falls):
    sign_in(client, people["co_author"])
    page = f"/ideas/{idea.id}/pilot"
    response = post(client, f"/ideas/{idea.id}/measures/{falls.id}/observations",
                    adding(falls, "6.5", **{f"m{falls.id}-note": "Agency night"}), page, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith(f'<article id="measure-{falls.id}"') and "<html" not in html
    assert "6.5" in html and "Agency night" in html and "1 observation<" in html
    assert re.search(rf'id="m{falls.id}-observed_on"[^>]*autofocus', html) or \
        re.search(rf'autofocus[^>]*id="m{falls.id}-observed_on"', html)
    assert f'name="m{falls.id}-value" type="text" value=""' in html  # a fresh row
    assert idea_events(idea)[-1].action == "observation.added"


@pytest.mark.parametrize("value, message", [
    ("nan", "not a number"), ("inf", "not a number"), ("1e308", "beyond ±1,000,000,000"), ("4\x00", "Value: "),
    ("9" * 400, "not a number"), ("", "give the number observed"),
])
def test_a_bad_value_answers_422_naming_the_field_and_keeping_the_row(client, people, idea, falls, value, message):
    sign_in(client, people["submitter"])
    response = post(client, f"/ideas/{idea.id}/measures/{falls.id}/observations",
                    adding(falls, value, **{f"m{falls.id}-note": "kept note"}), f"/ideas/{idea.id}/pilot",
                    headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'id="m{falls.id}-value-error"' in html and "kept note" in html
    assert re.search(rf'autofocus[^>]*id="m{falls.id}-value"|id="m{falls.id}-value"[^>]*autofocus', html)
    assert count(Observation) == 0 and "observation.added" not in [e.action for e in idea_events(idea)]


def test_a_future_day_is_refused_without_htmx_on_the_whole_page(client, people, idea, falls):
    sign_in(client, people["submitter"])
    tomorrow = (hospital_today() + timedelta(days=1)).isoformat()
    response = post(client, f"/ideas/{idea.id}/measures/{falls.id}/observations",
                    {**adding(falls), f"m{falls.id}-observed_on": tomorrow}, f"/ideas/{idea.id}/pilot")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "in the future" in html and "<html" in html
    assert f'value="{tomorrow}"' in html and count(Observation) == 0


def test_a_proportion_row_has_numerator_and_denominator(client, people, idea):
    checklist = measure_named(idea, "Checklist done")
    checklist.proportion = True
    db.session.commit()
    sign_in(client, people["submitter"])
    path, page = f"/ideas/{idea.id}/measures/{checklist.id}/observations", f"/ideas/{idea.id}/pilot"
    p = f"m{checklist.id}-"
    refused = post(client, path, {f"{p}observed_on": today(), f"{p}numerator": "9", f"{p}denominator": "8"}, page,
                   headers=HTMX)
    assert refused.status_code == 422 and "above the denominator" in refused.get_data(as_text=True)
    added = post(client, path, {f"{p}observed_on": today(), f"{p}numerator": "18", f"{p}denominator": "20"}, page,
                 headers=HTMX)
    assert added.status_code == 200 and "90.0" in added.get_data(as_text=True)


def test_the_latest_20_are_shown_then_all(client, people, idea, falls):
    add_observations(falls, [float(n) for n in range(25)], start=hospital_today() - timedelta(days=30),
                     actor=people["submitter"])
    sign_in(client, people["committee"])
    html = client.get(f"/ideas/{idea.id}/pilot").get_data(as_text=True)
    assert "Showing the latest 20 of 25" in html and html.count("<td class=\"number\" data-label=\"Value\">") == 20
    html = client.get(f"/ideas/{idea.id}/pilot?all={falls.id}").get_data(as_text=True)
    assert html.count("<td class=\"number\" data-label=\"Value\">") == 25 and "Show the latest 20 only" in html
    for odd in ("9" * 30, "-1", "x", "\u0663"):
        response = client.get(f"/ideas/{idea.id}/pilot", query_string={"all": odd})
        assert response.status_code == 200 and response.get_data(as_text=True).count("<td class=\"number\" data-label=\"Value\">") == 20


def test_the_page_runs_the_same_queries_for_2_or_40_observations(client, people, idea, falls):
    sign_in(client, people["submitter"])
    checklist = measure_named(idea, "Checklist done")
    add_observations(falls, [1.0, 2.0], start=hospital_today() - timedelta(days=50), actor=people["submitter"])
    add_observations(checklist, [3.0], start=hospital_today() - timedelta(days=50), actor=people["co_author"])
    few = len(statements_of(lambda: client.get(f"/ideas/{idea.id}/pilot")))
    add_observations(falls, [float(n) for n in range(38)], start=hospital_today() - timedelta(days=40),
                     actor=people["mentor"])
    add_observations(checklist, [4.0] * 5, start=hospital_today() - timedelta(days=5), actor=people["mentor"])
    many = len(statements_of(lambda: client.get(f"/ideas/{idea.id}/pilot")))
    assert few == many


# --- PDSA cycles over the web ---------------------------------------------------------------------------

CYCLE = {"change_tested": "Checklist at the 21:00 handover", "plan": "Try it on 4B for a week.", "do": "",
         "study": "", "act": "", "started_on": "2026-11-02", "ended_on": ""}


def test_a_cycle_is_recorded_and_listed_newest_first(client, people, idea):
    sign_in(client, people["mentor"])
    new = f"/ideas/{idea.id}/pilot/cycles/new"
    assert post(client, new, CYCLE, new).status_code == 302
    assert post(client, new, {**CYCLE, "change_tested": "Second cycle", "started_on": "2026-11-20"}, new
                ).status_code == 302
    html = client.get(f"/ideas/{idea.id}/pilot").get_data(as_text=True)
    assert html.index("Second cycle") < html.index("Checklist at the 21:00 handover")


@pytest.mark.parametrize("fields, message", [
    ({"change_tested": ""}, "say what change"), ({"ended_on": "2026-11-01"}, "cannot end before"),
    ({"started_on": "2026-13-01"}, "not a date"), ({"plan": "Call 07700 900123 to book."}, "Plan"),
    ({"plan": "x" * 3001}, "3000 characters"), ({"plan": "Tea\x00 at nine"}, None),
])
def test_a_bad_cycle_answers_422_with_the_input_kept(client, people, idea, fields, message):
    sign_in(client, people["submitter"])
    new = f"/ideas/{idea.id}/pilot/cycles/new"
    response = post(client, new, {**CYCLE, **fields}, new)
    html = response.get_data(as_text=True)
    if message is None:  # a NUL byte: dropped from the text saved, or the field refused; never stored, never a 500
        assert response.status_code == 302 and db.session.scalar(select(PdsaCycle.plan)) == "Tea at nine" or \
            response.status_code == 422 and 'id="plan-error"' in html and count(PdsaCycle) == 0
        return
    assert response.status_code == 422 and message in html and 'class="field-error"' in html
    assert "Try it on 4B" in html or "plan" in fields
    assert count(PdsaCycle) == 0


def test_a_stale_cycle_save_answers_409_keeping_the_text(client, people, idea):
    sign_in(client, people["submitter"])
    new = f"/ideas/{idea.id}/pilot/cycles/new"
    post(client, new, CYCLE, new)
    cycle = db.session.scalar(select(PdsaCycle))
    edit = f"/ideas/{idea.id}/pilot/cycles/{cycle.id}"
    assert post(client, edit, {**CYCLE, "study": "First study.", "version": "1"}, edit).status_code == 302
    response = post(client, edit, {**CYCLE, "study": "My careful study.", "version": "1"}, edit)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "My careful study." in html and "Someone else saved" in html
    assert 'name="version" type="hidden" value="2"' in html
    db.session.expire_all()
    assert db.session.get(PdsaCycle, cycle.id).study == "First study."


def test_correcting_twice_from_one_page_is_a_conflict(client, people, idea, falls):
    [row] = add_observations(falls, [3.0], start=hospital_today(), actor=people["submitter"])
    sign_in(client, people["submitter"])
    page, path = f"/ideas/{idea.id}/observations/{row.id}", f"/ideas/{idea.id}/observations/{row.id}/correct"
    data = {"observed_on": today(), "value": "5", "reason": "Typo", "version": "1"}
    assert post(client, path, data, page).status_code == 302
    response = post(client, path, {**data, "value": "6", "reason": "Another typo"}, page)
    assert response.status_code == 409 and "Another typo" in response.get_data(as_text=True)
    bad = post(client, path, {**data, "value": "inf", "version": "2"}, page)
    assert bad.status_code == 422 and 'id="value-error"' in bad.get_data(as_text=True)
    removal = post(client, f"/ideas/{idea.id}/observations/{row.id}/remove", {"remove-version": "2"}, page)
    assert removal.status_code == 422 and "say why" in removal.get_data(as_text=True)
