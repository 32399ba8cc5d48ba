"""Editing a measure and a hazard in place: who may, each field, bad input, stale saves, the audit
trail, a running pilot sent back for re-approval, and buttons that say what a save does."""
import re

import pytest
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.database import db
from ideas.errors import Invalid
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review import operations as ops
from ideas.review.models import Hazard, Measure
from ideas.review.queries import hazards_of, measures_of, plan_of, review_of
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events, make_idea
from tests.support.reviews import HIGH_HAZARD, MEASURES, complete_review, version

pytestmark = pytest.mark.usefixtures("no_second_factor")

HTMX = {"HX-Request": "true"}
SENDS_BACK = "Save and send back to the committee"


@pytest.fixture
def idea(people):
    """An idea in mentor review with a complete review: hazards and measures to edit."""
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"],
                     co_authors=(people["co_author"],))
    complete_review(idea, people["mentor"])
    db.session.commit()
    return idea


@pytest.fixture
def running(people, create_user):
    """An idea whose pilot runs on the plan the committee approved."""
    committee = tuple(create_user(Role.COMMITTEE) for _ in range(3))
    return make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=committee)


def measure_of(idea, name: str = "Night-time falls") -> Measure:
    return next(m for m in measures_of(idea.id) if m.name == name)


def hazard_of(idea) -> Hazard:
    return hazards_of(idea.id)[0]


def measure_path(idea, name: str = "Night-time falls") -> str:
    return f"/review/{idea.id}/measures/{measure_of(idea, name).id}/edit"


def hazard_path(idea) -> str:
    return f"/review/{idea.id}/hazards/{hazard_of(idea).id}/edit"


def save(client, path: str, data: dict, expected_version: int, page: str | None = None, **kwargs):
    token = page_token(client, page or path)
    return client.post(path, data={**data, "version": str(expected_version), "csrf_token": token}, **kwargs)


def stored(row, names) -> dict:
    db.session.refresh(row)
    return {name: getattr(row, name) for name in names}


def unescaped(response) -> str:
    return response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")


# Who may use the routes ----------------------------------------------------------------------------

REVIEW_EDIT = {"submitter": 403, "co_author": 403, "stranger": 404, "mentor": 200, "other_mentor": 404,
               "committee": 403, "admin": 403}
PLAN_EDIT = {**REVIEW_EDIT, "submitter": 200, "co_author": 200}
ROUTES = [("hazard", hazard_path, HIGH_HAZARD, REVIEW_EDIT), ("measure", measure_path, MEASURES[0], PLAN_EDIT)]


@pytest.mark.parametrize(("what", "path_of", "data", "expected"), ROUTES, ids=[r[0] for r in ROUTES])
@pytest.mark.parametrize("kind", REVIEW_EDIT)
def test_who_opens_and_saves_an_edit(client, people, idea, what, path_of, data, expected, kind):
    sign_in(client, people[kind])
    path = path_of(idea)
    assert client.get(path).status_code == expected[kind]
    assert client.get(path, headers=HTMX).status_code == expected[kind]
    page = f"/review/{idea.id}/plan" if expected[kind] != 404 else "/"
    response = save(client, path, {**data, "mitigation": "Changed by this user."}, version(plan_of(idea.id))
                    if what == "measure" else version(review_of(idea.id)), page=page)
    assert response.status_code == {200: 302}.get(expected[kind], expected[kind])


@pytest.mark.parametrize("path_of", [hazard_path, measure_path])
def test_signed_out_goes_to_sign_in(client, idea, path_of):
    response = client.get(path_of(idea))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


def test_a_hazard_or_measure_of_another_idea_is_404(client, people, idea):
    other = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    sign_in(client, people["mentor"])
    assert client.get(f"/review/{other.id}/hazards/{hazard_of(idea).id}/edit").status_code == 404
    assert client.get(f"/review/{other.id}/measures/{measure_of(idea).id}/edit").status_code == 404
    assert client.get(f"/review/{idea.id}/measures/999999/edit").status_code == 404


def test_no_edit_once_the_review_is_over(client, people, idea):
    from ideas.pipeline.operations import apply_action
    apply_action(idea, people["mentor"], "recommend", idea.version)
    db.session.commit()
    sign_in(client, people["mentor"])
    assert client.get(measure_path(idea)).status_code == 403
    assert "Edit" not in client.get(f"/review/{idea.id}/plan").get_data(as_text=True).split('id="measures"')[1]


# Each field, with the old and new values audited ---------------------------------------------------

MEASURE_EDITS = [  # (field, value sent, (old, new) in the audit event: numbers as decimal text)
    ("kind", "process", ("outcome", "process")), ("name", "Falls at night", ("Night-time falls", "Falls at night")),
    ("definition", "Falls from 21:00 to 07:00.", (MEASURES[0]["definition"], "Falls from 21:00 to 07:00.")),
    ("unit_of_measure", "per 100 patients", ("per 1,000 bed days", "per 100 patients")),
    ("direction", "increase", ("decrease", "increase")), ("baseline", "8", ("6.5", "8.0")),
    ("target", "2.5", ("4.0", "2.5")), ("proportion", "y", (False, True))]


@pytest.mark.parametrize(("name", "value", "audited"), MEASURE_EDITS, ids=[e[0] for e in MEASURE_EDITS])
def test_each_field_of_a_measure_is_edited_and_audited(client, people, idea, name, value, audited):
    measure = measure_of(idea)
    before = stored(measure, ops.MEASURE_FIELDS)
    plan_version = version(plan_of(idea.id))
    data = {**MEASURES[0], name: value}
    if name == "direction":
        data["target"] = "8"  # higher is better now: the target above the baseline
    sign_in(client, people["submitter"])
    response = save(client, measure_path(idea), data, plan_version)
    assert response.status_code == 302 and response.headers["Location"].endswith("#measures")
    after = stored(measure, ops.MEASURE_FIELDS)
    changed = {n for n in after if after[n] != before[n]}
    assert changed == ({"direction", "target"} if name == "direction" else {name})
    event = [e for e in idea_events(idea) if e.action == "measure.updated"][-1]
    assert set(event.changes) == changed and event.actor_id == people["submitter"].id
    assert event.changes[name] == audited
    assert version(plan_of(idea.id)) == plan_version + 1


def test_a_stop_rule_on_a_balancing_measure_is_edited(client, people, idea):
    measure = measure_of(idea, "Handover length")
    sign_in(client, people["mentor"])
    data = {**MEASURES[2], "stop_threshold": "50", "stop_direction": "above", "stop_on_signal": "y"}
    assert save(client, measure_path(idea, "Handover length"), data, version(plan_of(idea.id))).status_code == 302
    assert stored(measure, ("stop_threshold", "stop_on_signal")) == {"stop_threshold": 50.0, "stop_on_signal": True}
    event = [e for e in idea_events(idea) if e.action == "measure.updated"][-1]
    assert event.changes == {"stop_threshold": ("45.0", "50.0"), "stop_on_signal": (False, True)}
    html = client.get(f"/review/{idea.id}/plan").get_data(as_text=True)
    assert "Stop if it rises above 50; stop on a special-cause signal" in html


HAZARD_EDITS = [("description", "Checklist delays the night drug round."), ("severity", "5"), ("likelihood", "1"),
                ("mitigation", "Do the checklist after the round."), ("owner", "Charge nurse")]


@pytest.mark.parametrize(("name", "value"), HAZARD_EDITS, ids=[e[0] for e in HAZARD_EDITS])
def test_each_field_of_a_hazard_is_edited_and_audited(client, people, idea, name, value):
    hazard = hazard_of(idea)
    old = getattr(hazard, name)
    review_version = version(review_of(idea.id))
    sign_in(client, people["mentor"])
    assert save(client, hazard_path(idea), {**HIGH_HAZARD, name: value}, review_version).status_code == 302
    new = int(value) if name in ("severity", "likelihood") else value
    assert stored(hazard, (name,)) == {name: new}
    event = [e for e in idea_events(idea) if e.action == "hazard.updated"][-1]
    assert event.changes == {name: (old, new)} and event.actor_id == people["mentor"].id
    assert version(review_of(idea.id)) == review_version + 1


def test_saving_unchanged_changes_nothing(client, people, idea):
    events, plan_version = len(idea_events(idea)), version(plan_of(idea.id))
    sign_in(client, people["mentor"])
    assert save(client, measure_path(idea), MEASURES[0], plan_version).status_code == 302
    assert len(idea_events(idea)) == events and version(plan_of(idea.id)) == plan_version


# In place with htmx ---------------------------------------------------------------------------------

def test_htmx_swaps_a_measure_row_for_its_form_and_back(client, people, idea):
    measure = measure_of(idea)
    plan_version = version(plan_of(idea.id))
    sign_in(client, people["mentor"])
    page = client.get(f"/review/{idea.id}/plan").get_data(as_text=True)
    edit = f"/review/{idea.id}/measures/{measure.id}/edit?version={plan_version}"
    assert f'hx-get="{edit}"' in page and f'hx-target="#measure-{measure.id}"' in page
    row = client.get(edit, headers=HTMX).get_data(as_text=True)
    assert f'<tr id="measure-{measure.id}" class="editing">' in row
    assert "<html" not in row and 'value="6.5"' in row and f'id="measure-{measure.id}-target"' in row
    assert 'hx-target="#measures-body"' in row and ">Save</button>" in row and SENDS_BACK not in row
    response = save(client, f"/review/{idea.id}/measures/{measure.id}/edit", {**MEASURES[0], "target": "3"},
                    plan_version, page=f"/review/{idea.id}/plan", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<div id=\"measures-body\"")
    assert f'<tr id="measure-{measure.id}">' in html and "6.5 → 3" in html
    # The plan form's version steps along, so saving the aim next is not a false conflict.
    assert f'<input hx-swap-oob="true" id="version" name="version" type="hidden" value="{plan_version + 1}">' in html
    assert 'id="recommend-panel"' in html and 'hx-swap-oob="true"' in html


def test_htmx_swaps_a_hazard_row_for_its_form_and_back(client, people, idea):
    hazard = hazard_of(idea)
    sign_in(client, people["mentor"])
    row = client.get(hazard_path(idea), headers=HTMX).get_data(as_text=True)
    assert f'<tr id="hazard-{hazard.id}" class="editing">' in row and "<html" not in row
    assert f'id="hazard-{hazard.id}-severity"' in row and "Risk 9" in row and "autofocus" in row
    response = save(client, hazard_path(idea), {**HIGH_HAZARD, "severity": "5"}, version(review_of(idea.id)),
                    page=f"/review/{idea.id}/safety", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="safety-body"' in html and "<html" not in html
    assert f'<tr id="hazard-{hazard.id}">' in html and "band-extreme" in html


def test_without_javascript_the_edit_is_a_plain_page(client, people, idea):
    measure = measure_of(idea)
    sign_in(client, people["co_author"])
    html = client.get(measure_path(idea)).get_data(as_text=True)
    assert "<html" in html and f'<tr id="measure-{measure.id}" class="editing">' in html
    assert f'action="/review/{idea.id}/measures/{measure.id}/edit"' in html and "Add a measure" in html


# Bad input: 422, the field named, the input kept, nothing saved -------------------------------------

BAD_MEASURES = [
    ("kind", {"kind": ""}, "Measure type: choose outcome, process or balancing."),
    ("kind", {"kind": "opinion"}, "Measure type: choose one from the list."),
    ("name", {"name": "  "}, "Measure name: say what is measured."),
    ("definition", {"definition": ""}, "Operational definition: say exactly how it is counted."),
    ("definition", {"definition": "As Mr Jones, born 12/03/1954, showed"}, "Operational definition"),
    ("unit_of_measure", {"unit_of_measure": ""}, "Unit of measure: e.g. falls per 1,000 bed days"),
    ("direction", {"direction": "sideways"}, "Direction of improvement: choose one from the list."),
    ("baseline", {"baseline": "about six"}, "Baseline: give a number"),
    ("target", {"target": ""}, "Target: give the value you aim for."),
    ("target", {"target": "9"}, "Target: lower is better, but 9 is above the baseline of 6.5."),
    ("target", {"direction": "increase", "target": "2"},
     "Target: higher is better, but 2 is below the baseline of 6.5."),
    ("stop_threshold", {"stop_threshold": "9"}, "Stop rule threshold: give both the threshold and its direction"),
    ("stop_threshold", {"stop_threshold": "9", "stop_direction": "above"},
     "Stop rule threshold: stop rules are for balancing measures only."),
    ("stop_on_signal", {"stop_on_signal": "y"},
     "Stop the pilot on a special-cause signal: stop rules are for balancing measures only."),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("field", "change", "message"), BAD_MEASURES, ids=[m[:30] for _, _, m in BAD_MEASURES])
def test_a_bad_measure_edit_is_refused_naming_the_field(client, people, idea, field, change, message, htmx):
    measure = measure_of(idea)
    before, events = stored(measure, ops.MEASURE_FIELDS), len(idea_events(idea))
    plan_version = version(plan_of(idea.id))
    sign_in(client, people["mentor"])
    data = {**MEASURES[0], "definition": "Kept: falls between 22:00 and 06:00.", **change}
    response = save(client, measure_path(idea), data, plan_version, headers=HTMX if htmx else {})
    html = unescaped(response)
    assert response.status_code == 422, html[:300]
    assert message in html and f'id="measure-{measure.id}-{field}-error"' in html
    assert data["definition"] in html and data["name"] in html
    assert ("<html" in html) != htmx
    assert stored(measure, ops.MEASURE_FIELDS) == before and version(plan_of(idea.id)) == plan_version
    assert len(idea_events(idea)) == events


BAD_HAZARDS = [
    ("description", {"description": " "}, "Hazard: describe what could go wrong."),
    ("severity", {"severity": "6"}, "Severity: choose a score from 1 to 5."),
    ("likelihood", {"likelihood": ""}, "Likelihood: choose a score from 1 to 5."),
    ("mitigation", {"mitigation": "See MRN 1234567"}, "Mitigation"),
    ("owner", {"owner": "x" * 121}, "Owner of the mitigation"),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD_HAZARDS, ids=[b[0] for b in BAD_HAZARDS])
def test_a_bad_hazard_edit_is_refused_naming_the_field(client, people, idea, field, change, message):
    hazard = hazard_of(idea)
    names = ("description", "severity", "likelihood", "mitigation", "owner")
    before, events, review_version = stored(hazard, names), len(idea_events(idea)), version(review_of(idea.id))
    sign_in(client, people["mentor"])
    data = {**HIGH_HAZARD, "owner": "Kept: ward manager", **change}
    response = save(client, hazard_path(idea), data, review_version, headers=HTMX)
    html = unescaped(response)
    assert response.status_code == 422, html[:300]
    assert message in html and f'id="hazard-{hazard.id}-{field}-error"' in html
    assert data["description"].strip() in html and data["owner"] in html
    assert stored(hazard, names) == before and version(review_of(idea.id)) == review_version
    assert len(idea_events(idea)) == events


def test_a_tick_box_from_elsewhere_must_be_a_tick(people, idea):
    with pytest.raises(Invalid) as refused:
        ops.update_measure(idea, people["mentor"], measure_of(idea).id, {**MEASURES[0], "proportion": "maybe"},
                           version(plan_of(idea.id)))
    assert refused.value.field == "proportion"


def test_adding_a_measure_takes_the_new_fields_and_the_same_checks(client, people, idea):
    sign_in(client, people["mentor"])
    path, page = f"/review/{idea.id}/measures", f"/review/{idea.id}/plan"
    data = {**MEASURES[2], "name": "Staff overtime", "proportion": "y", "stop_on_signal": "y"}
    assert save(client, path, data, 0, page=page).status_code == 302
    added = measure_of(idea, "Staff overtime")
    assert added.proportion and added.stop_on_signal
    assert [e for e in idea_events(idea) if e.action == "measure.added"][-1].changes["stop_on_signal"] == (None, True)
    count = len(measures_of(idea.id))
    for change, field in [({"kind": "process", "stop_threshold": "", "stop_direction": ""}, "stop_on_signal"),
                          ({"target": "40"}, "target")]:
        response = save(client, path, {**data, "name": "Refused", **change}, 0, page=page)
        assert response.status_code == 422 and 'id="' + field + '-error"' in response.get_data(as_text=True)
    assert len(measures_of(idea.id)) == count


# Stale saves -----------------------------------------------------------------------------------------

def test_a_stale_measure_edit_answers_409_and_keeps_the_text(client, people, idea):
    measure = measure_of(idea)
    plan_version = version(plan_of(idea.id))
    sign_in(client, people["submitter"])
    token = page_token(client, measure_path(idea))
    ops.update_measure(idea, people["mentor"], measure.id, {**MEASURES[0], "target": "3"}, plan_version)
    db.session.commit()  # someone else, meanwhile
    response = client.post(measure_path(idea), headers=HTMX, data={
        **MEASURES[0], "definition": "My careful definition.", "version": plan_version, "csrf_token": token})
    html = unescaped(response)
    assert response.status_code == 409
    assert "Someone else saved the pilot plan" in html and "My careful definition." in html
    assert f'value="{plan_version + 1}"' in html  # warned: saving again overwrites
    assert stored(measure, ("definition", "target")) == {"definition": MEASURES[0]["definition"], "target": 3.0}


def test_a_stale_hazard_edit_answers_409_and_keeps_the_text(client, people, idea):
    hazard = hazard_of(idea)
    review_version = version(review_of(idea.id))
    sign_in(client, people["mentor"])
    token = page_token(client, hazard_path(idea))
    ops.update_hazard(idea, people["mentor"], hazard.id, {**HIGH_HAZARD, "owner": "Matron"}, review_version)
    db.session.commit()  # the same mentor, in another tab
    response = client.post(hazard_path(idea), data={**HIGH_HAZARD, "mitigation": "My careful mitigation.",
                                                    "version": review_version, "csrf_token": token})
    assert response.status_code == 409 and "My careful mitigation." in unescaped(response)
    assert stored(hazard, ("owner", "mitigation")) == {"owner": "Matron", "mitigation": HIGH_HAZARD["mitigation"]}


def test_editing_a_removed_measure_is_a_conflict(client, people, idea):
    measure = measure_of(idea)
    path = measure_path(idea)
    sign_in(client, people["mentor"])
    token = page_token(client, path)
    ops.remove_measure(idea, people["co_author"], measure.id)
    db.session.commit()
    response = client.post(path, headers=HTMX, data={**MEASURES[0], "version": version(plan_of(idea.id)),
                                                     "csrf_token": token})
    assert response.status_code == 409
    assert "That measure is no longer there: someone else removed it." in unescaped(response)
    assert client.get(path).status_code == 404


# A running pilot -------------------------------------------------------------------------------------

def test_editing_a_measure_on_a_running_pilot_sends_it_back_with_the_difference(client, people, running):
    sign_in(client, people["submitter"])
    response = save(client, measure_path(running), {**MEASURES[0], "target": "3"}, version(plan_of(running.id)),
                    headers=HTMX)
    assert response.headers["HX-Redirect"] == f"/ideas/{running.id}"
    db.session.refresh(running)
    assert running.stage == Stage.COMMITTEE_REVIEW
    back = [e for e in idea_events(running) if e.action == "idea.transition"][-1]
    assert back.changes["stage"] == ("pilot", "committee_review")
    assert "Measure “Night-time falls” · target: “4.0” → “3.0”" in back.reason
    assert "went back to the committee for re-approval" in client.get(f"/ideas/{running.id}").get_data(as_text=True)


def test_editing_a_hazard_on_a_running_pilot_sends_it_back_with_the_difference(client, people, running):
    sign_in(client, people["mentor"])
    response = save(client, hazard_path(running), {**HIGH_HAZARD, "owner": "Matron"}, version(review_of(running.id)))
    assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{running.id}"
    db.session.refresh(running)
    assert running.stage == Stage.COMMITTEE_REVIEW
    back = [e for e in idea_events(running) if e.action == "idea.transition"][-1]
    assert "· owner: “Ward manager” → “Matron”" in back.reason


@pytest.mark.parametrize("section", ["plan", "safety", "feasibility", "triage"])
def test_a_running_pilot_says_saving_sends_it_back_and_asks_first(client, people, running, section):
    sign_in(client, people["mentor"])
    html = unescaped(client.get(f"/review/{running.id}/{section}"))
    buttons = re.findall(r"<button type=\"submit\"[^>]*>[^<]*", html)
    saves = [b for b in buttons if "Save" in b or "Add" in b]
    assert saves and all("send back to the committee" in b and "data-confirm=" in b for b in saves)
    assert "sends it back to the committee for re-approval" in html


def test_a_running_pilots_edit_form_says_so_too(client, people, running):
    sign_in(client, people["mentor"])
    for path in (measure_path(running), hazard_path(running)):
        row = unescaped(client.get(path, headers=HTMX))
        assert f">{SENDS_BACK}</button>" in row and "data-confirm=\"This idea runs on the plan" in row


@pytest.mark.parametrize("section", ["plan", "safety", "feasibility", "triage"])
def test_in_review_saving_is_plain_and_removing_asks_first(client, people, idea, section):
    sign_in(client, people["mentor"])
    html = unescaped(client.get(f"/review/{idea.id}/{section}"))
    assert "send back to the committee" not in html and "re-approval" not in html
    confirms = re.findall(r'data-confirm="([^"]*)"', html)
    if section == "plan":
        assert "Remove the measure “Night-time falls”?" in confirms and len(confirms) == len(MEASURES)
    elif section == "safety":
        assert confirms == [f"Remove this hazard ({HIGH_HAZARD['description']})?"]
    else:
        assert confirms == []


def test_edits_show_on_the_timeline(client, people, idea):
    sign_in(client, people["mentor"])
    assert save(client, hazard_path(idea), {**HIGH_HAZARD, "owner": "Matron"},
                version(review_of(idea.id))).status_code == 302
    assert "changed a hazard" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert db.session.scalar(select(Hazard.owner)) == "Matron"


def test_a_control_character_is_refused_on_its_field_with_the_rest_kept(client, people, idea):
    measure = measure_of(idea)
    before, plan_version = stored(measure, ops.MEASURE_FIELDS), version(plan_of(idea.id))
    sign_in(client, people["mentor"])
    data = {**MEASURES[0], "unit_of_measure": "per bed\x00day", "definition": "Kept: my new definition."}
    response = save(client, measure_path(idea), data, plan_version, headers=HTMX)
    html = unescaped(response)
    assert response.status_code == 422
    assert "Unit of measure: remove the invisible control character" in html
    assert f'id="measure-{measure.id}-unit_of_measure-error"' in html and "Kept: my new definition." in html
    assert stored(measure, ops.MEASURE_FIELDS) == before and version(plan_of(idea.id)) == plan_version


def test_the_ideas_risk_band_follows_its_worst_hazard_without_stepping_its_version(people, idea):
    """`Idea.risk_band` (what the board filters by) is kept by adding, editing and removing hazards; the idea's
    version, which the mentor's open forms carry, does not step."""
    mentor, before = people["mentor"], idea.version
    assert idea.risk_band == "high"  # HIGH_HAZARD: severity 3 × likelihood 3
    fields = {"description": "Alarm fatigue.", "severity": "5", "likelihood": "5", "mitigation": "", "owner": ""}
    ops.add_hazard(idea, mentor, fields)
    db.session.commit()
    assert db.session.scalar(select(Idea.risk_band).where(Idea.id == idea.id)) == "extreme"
    worst = hazards_of(idea.id)[-1]
    ops.update_hazard(idea, mentor, worst.id, {**fields, "severity": "1", "likelihood": "2"},
                      version(review_of(idea.id)))
    db.session.commit()
    assert db.session.scalar(select(Idea.risk_band).where(Idea.id == idea.id)) == "high"
    for hazard in hazards_of(idea.id):
        ops.remove_hazard(idea, mentor, hazard.id)
    db.session.commit()
    assert db.session.scalar(select(Idea.risk_band).where(Idea.id == idea.id)) is None
    db.session.refresh(idea)
    assert idea.version == before
