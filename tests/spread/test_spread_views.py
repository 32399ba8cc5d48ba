"""The scale-up page: who edits, spread progress, bad input on every form (field named, text kept,
nothing saved), stale versions, mark_adopted signed, read-only afterwards, and the home page's checks."""
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from ideas.audit.models import AuditEvent
from ideas.database import db
from ideas.pilots.operations import hospital_today
from ideas.review.models import Measure
from ideas.spread.models import SustainmentCheck
from ideas.spread.operations import flag_missed, update_unit
from tests.conftest import page_token, sign_in
from tests.support.committee import PASSWORD

pytestmark = pytest.mark.usefixtures("no_second_factor")


def post(client, path: str, data: dict, idea_id: int):
    return client.post(path, data={**data, "csrf_token": page_token(client, f"/ideas/{idea_id}/scale-up")})


def signed_in_as(app, user):
    """A fresh client (own cookies) signed in as `user`."""
    client = app.test_client()
    sign_in(client, user)
    return client


def events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.sequence)).where(AuditEvent.outcome == "success"))


def unit_data(unit, **fields) -> dict:
    values = {"version": unit.version, "status": "planned", "lead": "", "planned_start": "", "started_on": "",
              "adopted_on": "", "sustainment_owner": "", "notes": "", "adaptations": "", **fields}
    return {f"u{unit.id}-{name}": value for name, value in values.items()}


def adopted(idea, unit, people, on=None) -> None:
    update_unit(idea, people["submitter"], unit.id, {"status": "adopted", "sustainment_owner": people["co_author"].id,
                                                     "adopted_on": on or hospital_today()}, unit.version)
    db.session.commit()


@pytest.mark.parametrize(("kind", "edits"), [("submitter", True), ("co_author", True), ("mentor", True),
                                             ("committee", True), ("admin", False), ("stranger", False),
                                             ("other_mentor", False)])
def test_the_team_and_the_committee_edit_units_others_read(client, spread, people, kind, edits):
    idea, units = spread
    sign_in(client, people[kind])
    html = client.get(f"/ideas/{idea.id}/scale-up").get_data(as_text=True)
    assert "0 of 3 units adopted, 0 sites" in html
    assert ("Save Ward 5A" in html) == edits
    # No unit has adopted yet: the committee reads why it cannot mark the idea adopted, and no button.
    assert ("Not possible yet: No target unit has adopted the change yet" in html) == (kind == "committee")
    assert 'id="mark-adopted"' in html if kind == "committee" else 'id="mark-adopted"' not in html
    assert "Sign and mark adopted" not in html


@pytest.mark.parametrize("kind", ["submitter", "co_author", "mentor", "committee", "admin", "stranger",
                                  "other_mentor"])
def test_once_a_unit_adopted_with_its_owner_the_committee_alone_is_offered_the_signed_form(client, spread, people,
                                                                                           kind):
    idea, units = spread
    adopted(idea, units[0], people)
    sign_in(client, people[kind])
    html = client.get(f"/ideas/{idea.id}/scale-up").get_data(as_text=True)
    assert ("Sign and mark adopted" in html) == (kind == "committee")
    assert 'id="password"' in html if kind == "committee" else 'id="mark-adopted"' not in html
    assert "Not possible yet" not in html


def test_an_adopted_unit_without_its_sustainment_owner_is_said_instead_of_the_button(client, spread, people):
    idea, units = spread
    adopted(idea, units[0], people)
    adopted(idea, units[1], people)
    for unit in units[:2]:  # owners lost outside the form (the form refuses an adopted unit without one)
        unit.sustainment_owner_id = None
    db.session.commit()
    sign_in(client, people["committee"])
    html = client.get(f"/ideas/{idea.id}/scale-up").get_data(as_text=True)
    assert "Not possible yet: 2 adopted units have no sustainment owner: name who checks that the change holds." \
        in html
    assert "Sign and mark adopted" not in html and 'id="password"' not in html


def test_a_unit_adopted_shows_in_the_progress_and_its_checks(client, spread, people):
    idea, units = spread
    sign_in(client, people["co_author"])
    response = post(client, f"/ideas/{idea.id}/scale-up/units/{units[2].id}",
                    unit_data(units[2], status="adopted", sustainment_owner=people["co_author"].id,
                              adopted_on=hospital_today().isoformat(), adaptations="Card at the nurses' station."),
                    idea.id)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 of 3 units adopted, 1 site" in html and "Card at the nurses&#39; station." in html
    assert html.count("Answer the day-") == 0  # the day-30 check opens 14 days before it is due
    assert "Day 30" in html and "Day 180" in html


@pytest.mark.parametrize(("fields", "field", "message", "kept"), [
    ({"status": "in_progress", "started_on": "31/02/2027", "notes": "Nights first."}, "started_on",
     "Started on: “31/02/2027” is not a date", "31/02/2027"),
    ({"status": "adopted", "adopted_on": "2026-01-01", "notes": "Keep this note."}, "sustainment_owner",
     "Sustainment owner: name who checks", "Keep this note."),
    ({"status": "somewhere", "notes": "Kept."}, "status", "Status: choose planned", "Kept."),
    ({"status": "planned", "lead": "99999", "adaptations": "Laminated card."}, "lead", "Unit lead: choose an active",
     "Laminated card."),
    ({"status": "planned", "notes": "Call 07700 900123 about bed 4."}, "notes", "Notes", "07700 900123"),
])
def test_bad_unit_input_names_the_field_keeps_the_text_and_saves_nothing(client, spread, people, fields, field,
                                                                         message, kept):
    idea, units = spread
    sign_in(client, people["submitter"])
    before = events()
    response = post(client, f"/ideas/{idea.id}/scale-up/units/{units[0].id}", unit_data(units[0], **fields), idea.id)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="u{units[0].id}-{field}-error"' in html and message in html
    assert kept in html
    db.session.refresh(units[0])
    assert units[0].version == 1 and events() == before


def test_a_stale_unit_form_is_a_conflict_that_keeps_the_text(client, spread, people):
    idea, units = spread
    update_unit(idea, people["co_author"], units[0].id, {"status": "planned", "notes": "Theirs."}, 1)
    db.session.commit()
    sign_in(client, people["submitter"])
    response = post(client, f"/ideas/{idea.id}/scale-up/units/{units[0].id}",
                    unit_data(units[0], version=1, notes="Mine, typed at length."), idea.id)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved the target unit" in html and "Mine, typed at length." in html
    assert f'name="u{units[0].id}-version" type="hidden" value="2"' in html


def test_bad_check_input_names_the_field_and_keeps_the_text(client, spread, people):
    idea, units = spread
    with time_machine.travel(datetime(2027, 1, 1, 12, tzinfo=UTC), tick=False):
        adopted(idea, units[0], people, "2027-01-01")
    check = db.session.scalar(select(SustainmentCheck).where(SustainmentCheck.day == 30))
    measure_id = db.session.scalar(select(Measure.id).where(Measure.idea_id == idea.id).limit(1))
    prefix = f"c{check.id}-"
    with time_machine.travel(datetime(2027, 1, 30, 12, tzinfo=UTC), tick=False):
        sign_in(client, people["co_author"])
        before = events()
        for data, field, message, kept in (
                ({"answer": "no", "note": ""}, "note", "Note: say what slipped", None),
                ({"answer": "", "note": "It held on days."}, "answer", "Choose yes, partly or no", "It held on days."),
                ({"answer": "yes", "note": "Steady.", "measure": str(measure_id), "value": "four"}, "value",
                 "is not a number", "four")):
            response = post(client, f"/ideas/{idea.id}/sustainment/{check.id}",
                            {prefix + "version": check.version, **{prefix + k: v for k, v in data.items()}}, idea.id)
            html = response.get_data(as_text=True)
            assert response.status_code == 422, field
            assert f'id="{prefix}{field}-error"' in html and message in html
            assert kept is None or kept in html
        assert events() == before
        response = post(client, f"/ideas/{idea.id}/sustainment/{check.id}",
                        {prefix + "version": check.version, prefix + "answer": "yes", prefix + "note": "Held."},
                        idea.id)
        assert response.status_code == 302
    db.session.refresh(check)
    assert check.answer == "yes" and check.answered_by_id == people["co_author"].id


def test_mark_adopted_is_signed_on_the_scale_up_page(app, client, spread, people):
    idea, units = spread
    sign_in(client, people["committee"])
    path = f"/ideas/{idea.id}/scale-up/adopt"
    response = post(client, path, {"version": idea.version, "password": PASSWORD}, idea.id)
    assert response.status_code == 422
    assert "No target unit has adopted the change yet" in response.get_data(as_text=True)
    adopted(idea, units[0], people)
    response = post(client, path, {"version": idea.version, "password": "wrong password"}, idea.id)
    assert response.status_code == 422 and 'id="password-error"' in response.get_data(as_text=True)
    response = post(client, path, {"version": idea.version - 1, "password": PASSWORD}, idea.id)
    assert response.status_code == 409
    response = post(client, path, {"version": idea.version, "password": PASSWORD}, idea.id)
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.stage == "adopted"
    html = signed_in_as(app, people["submitter"]).get(f"/ideas/{idea.id}/scale-up").get_data(as_text=True)
    assert "read-only" in html and "Save Ward" not in html


def test_the_home_pages_list_missed_and_due_soon_checks(app, spread, people):
    idea, units = spread
    with time_machine.travel(datetime(2027, 1, 1, 12, tzinfo=UTC), tick=False):
        adopted(idea, units[0], people, "2027-01-01")
    with time_machine.travel(datetime(2027, 1, 20, 12, tzinfo=UTC), tick=False):
        card = signed_in_as(app, people["co_author"]).get("/").get_data(as_text=True).split('id="sustainment-checks"')[1].split("</article>")[0]
        assert "Due soon" in card and "day 30" in card and "Missed" not in card
    with time_machine.travel(datetime(2027, 2, 5, 12, tzinfo=UTC), tick=False):
        assert flag_missed(hospital_today()) == 1
        db.session.commit()
        for kind in ("co_author", "committee"):
            card = signed_in_as(app, people[kind]).get("/").get_data(as_text=True).split('id="sustainment-checks"')[1].split("</article>")[0]
            assert "Missed" in card and idea.title in card
        assert 'id="sustainment-checks"' not in signed_in_as(app, people["submitter"]).get("/").get_data(as_text=True)


def test_the_idea_page_and_its_action_link_send_mark_adopted_to_the_scale_up_page(client, spread, people):
    idea, units = spread
    adopted(idea, units[0], people)
    sign_in(client, people["committee"])
    assert f'/ideas/{idea.id}/scale-up#mark-adopted' in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    response = client.get(f"/ideas/{idea.id}/actions/mark_adopted")
    assert response.status_code == 302 and response.location.endswith(f"/ideas/{idea.id}/scale-up#mark-adopted")
