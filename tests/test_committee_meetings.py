"""Committee meetings: who may use them, the record (attendance, minutes), the agenda, bad input, audit."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ideas.accounts.models import Role
from ideas.committee.models import Meeting
from ideas.committee.operations import create_meeting, schedule, update_meeting
from ideas.committee.queries import open_round
from ideas.database import db
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in
from tests.support.audit import changes, events
from tests.support.committee import approve_pilot
from tests.support.ideas import make_idea

pytestmark = pytest.mark.usefixtures("no_second_factor")

KINDS = ("submitter", "mentor", "committee", "admin")
READ = {"submitter": 403, "mentor": 403, "committee": 200, "admin": 200}
WRITE = {"submitter": 403, "mentor": 403, "committee": 302, "admin": 403}


@pytest.fixture
def members(people, create_user):
    return [people["committee"], create_user(Role.COMMITTEE, name="Ravi Patel"),
            create_user(Role.COMMITTEE, name="Lena Novak")]


@pytest.fixture
def meeting(people):
    held = create_meeting(people["committee"], {"title": "Quality committee, March", "held_on": date(2031, 3, 12)})
    db.session.commit()
    return held


@pytest.fixture
def idea(people):
    """An idea waiting for the committee: its open round is an agenda item."""
    return make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"], title="Falls checklist")


def post(client, path: str, data: dict, page: str = "/", **kwargs):
    return client.post(path, data={**data, "csrf_token": page_token(client, page)}, **kwargs)


def record_of(meeting: Meeting, **overrides) -> dict:
    return {"title": meeting.title, "held_on": meeting.held_on.isoformat(), "minutes": meeting.minutes,
            "version": str(meeting.version), **overrides}


def count_meetings() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting))


# Who may use each route --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_who_reads_the_meetings(client, people, meeting, kind):
    sign_in(client, people[kind])
    assert client.get("/committee/meetings").status_code == READ[kind]
    assert client.get(f"/committee/meetings/{meeting.id}").status_code == READ[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_who_arranges_a_meeting(client, people, kind):
    sign_in(client, people[kind])
    response = post(client, "/committee/meetings", {"title": "Extra meeting", "held_on": "2031-04-02"})
    assert response.status_code == WRITE[kind]
    assert count_meetings() == (1 if kind == "committee" else 0)


@pytest.mark.parametrize("kind", KINDS)
def test_who_keeps_the_minutes(client, people, meeting, kind):
    sign_in(client, people[kind])
    response = post(client, f"/committee/meetings/{meeting.id}", record_of(meeting, minutes="Quorate."))
    assert response.status_code == WRITE[kind]
    db.session.refresh(meeting)
    assert meeting.minutes == ("Quorate." if kind == "committee" else "")


@pytest.mark.parametrize("kind", KINDS)
def test_who_sets_the_agenda(client, people, meeting, idea, kind):
    item = open_round(idea.id)
    sign_in(client, people[kind])
    added = post(client, f"/committee/meetings/{meeting.id}/agenda", {"round": str(item.id)})
    assert added.status_code == WRITE[kind]
    if kind != "committee":  # put it there for the removal
        schedule(item, meeting, people["committee"])
        db.session.commit()
    removed = post(client, f"/committee/meetings/{meeting.id}/agenda/remove", {"round": str(item.id)})
    assert removed.status_code == WRITE[kind]
    db.session.refresh(item)
    assert item.meeting_id == (None if kind == "committee" else meeting.id)


@pytest.mark.parametrize("path", ["", "/{id}", "/{id}/agenda", "/{id}/agenda/remove"])
def test_signed_out_goes_to_sign_in(client, meeting, path):
    url = "/committee/meetings" + path.format(id=meeting.id)
    answers = [client.get(url)] if "agenda" not in path else []
    answers.append(post(client, url, {}, page="/sign-in"))
    for response in answers:
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("path", ["/{id}", "/{id}/agenda", "/{id}/agenda/remove"])
def test_an_unknown_meeting_is_not_found(client, people, meeting, path):
    sign_in(client, people["committee"])
    url = "/committee/meetings" + path.format(id=meeting.id + 99)
    if path == "/{id}":
        assert client.get(url).status_code == 404
    assert post(client, url, {"round": "1", "title": "x", "held_on": "2031-01-01"}).status_code == 404


def test_an_administrator_reads_without_forms(client, people, meeting, idea):
    schedule(open_round(idea.id), meeting, people["committee"])
    db.session.commit()
    sign_in(client, people["admin"])
    html = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert "Falls checklist" in html and "No minutes yet." in html
    assert "<form method=\"post\" action=\"/committee/meetings" not in html
    assert "Arrange a meeting" not in client.get("/committee/meetings").get_data(as_text=True)


# Arranging a meeting -----------------------------------------------------------------------------

def test_a_committee_member_arranges_a_meeting(client, people):
    sign_in(client, people["committee"])
    response = post(client, "/committee/meetings", {"title": "  Quality committee, April ", "held_on": "2031-04-09"})
    meeting = db.session.scalar(select(Meeting))
    assert response.status_code == 302 and response.headers["Location"] == f"/committee/meetings/{meeting.id}"
    assert (meeting.title, meeting.held_on) == ("Quality committee, April", date(2031, 4, 9))
    [event] = events("meeting.created")
    assert event.actor_id == people["committee"].id and event.entity_id == str(meeting.id)
    assert changes(event) == {"title": (None, "Quality committee, April"), "held_on": (None, "2031-04-09")}
    assert "Meeting added" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "", "held_on": "2031-04-09"}, "Title: name the meeting."),
    ({"title": "   ", "held_on": "2031-04-09"}, "Title: name the meeting."),
    ({"title": "April", "held_on": ""}, "Date: give a date."),
    ({"title": "April"}, "Date: give a date."),
    ({"title": "April", "held_on": "9 April"}, "Date: give a date as YYYY-MM-DD."),
    ({"title": "April", "held_on": "2031-02-30"}, "Date: give a date as YYYY-MM-DD."),
    ({"title": "x" * 201, "held_on": "2031-04-09"}, "Title: keep it to 200 characters"),
])
def test_a_new_meeting_with_bad_input_is_refused_and_kept(client, people, data, message):
    sign_in(client, people["committee"])
    response = post(client, "/committee/meetings", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    if data.get("held_on"):
        assert f'value="{data["held_on"]}"' in html
    assert count_meetings() == 0 and events("meeting.created") == []


def test_meetings_list_upcoming_first_then_past(client, people):
    today = date.today()
    for title, days in [("Last month", -30), ("Next month", 30), ("Next week", 7), ("Last year", -365)]:
        create_meeting(people["committee"], {"title": title, "held_on": today + timedelta(days=days)})
    db.session.commit()
    sign_in(client, people["committee"])
    html = client.get("/committee/meetings").get_data(as_text=True)
    order = [html.index(title) for title in ("Next week", "Next month", "Last month", "Last year")]
    assert order == sorted(order)
    assert html.index("Upcoming") < html.index("Next week") < html.index("Past") < html.index("Last month")


def test_meetings_are_paginated(client, people):
    for n in range(23):  # all past: latest first
        create_meeting(people["committee"], {"title": f"Meeting number {n:02d}", "held_on": date(2020, 1, 1 + n)})
    db.session.commit()
    sign_in(client, people["committee"])
    first = client.get("/committee/meetings").get_data(as_text=True)
    second = client.get("/committee/meetings?page=2").get_data(as_text=True)
    assert "Meeting number 22" in first and "Meeting number 02" not in first and "?page=2" in first
    assert "Meeting number 02" in second and "Meeting number 22" not in second
    assert client.get("/committee/meetings?page=99").status_code == 200


# The record: attendance and minutes --------------------------------------------------------------

def test_attendance_and_minutes_are_saved_together(app, client, people, members, meeting):
    sign_in(client, people["committee"])
    page = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert all(member.name in page for member in members) and people["mentor"].name not in page
    response = post(client, f"/committee/meetings/{meeting.id}", {
        **record_of(meeting, minutes="Quorate.\nFalls checklist approved.", title="March meeting"),
        "attendees": [str(members[0].id), str(members[2].id)]})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.title == "March meeting" and meeting.minutes == "Quorate.\nFalls checklist approved."
    assert [u.name for u in meeting.attendees] == ["Grace Kim", "Lena Novak"]
    [event] = events("meeting.updated")
    assert event.actor_id == people["committee"].id
    assert changes(event)["attendees"] == ([], sorted([members[0].id, members[2].id]))
    assert changes(event)["title"] == ("Quality committee, March", "March meeting")

    admin = app.test_client()
    sign_in(admin, people["admin"])
    html = admin.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert '<dd class="prewrap">Quorate.\nFalls checklist approved.</dd>' in html
    assert "<dd>Grace Kim, Lena Novak</dd>" in html


def test_saving_without_a_change_records_nothing(client, people, meeting):
    sign_in(client, people["committee"])
    response = post(client, f"/committee/meetings/{meeting.id}", record_of(meeting))
    assert response.status_code == 302
    assert "Nothing was changed." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert events("meeting.updated") == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", "Title: name the meeting."),
    ("held_on", "", "Date: give a date."),
    ("held_on", "12/03/2031", "Date: give a date as YYYY-MM-DD."),
    ("minutes", "Seen by phone 07700 900123.", "Minutes"),
])
def test_a_bad_record_is_refused_and_kept(client, people, members, meeting, field, value, message):
    sign_in(client, people["committee"])
    data = {**record_of(meeting, minutes="Long minutes we must not lose."), field: value,
            "attendees": [str(members[1].id)]}
    response = post(client, f"/committee/meetings/{meeting.id}", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert (data["minutes"] if field != "minutes" else value) in html
    assert re.search(rf'<input checked id="attendees-\d+" name="attendees" type="checkbox" value="{members[1].id}">',
                     html)
    db.session.refresh(meeting)
    assert meeting.minutes == "" and meeting.attendees == [] and events("meeting.updated") == []


@pytest.mark.parametrize("attendee", ["mentor", "admin", "999999", "someone"])
def test_attendance_takes_committee_members_only(client, people, members, meeting, attendee):
    sign_in(client, people["committee"])
    value = str(people[attendee].id) if attendee in people else attendee
    response = post(client, f"/committee/meetings/{meeting.id}", {
        **record_of(meeting, minutes="Kept."), "attendees": [str(members[0].id), value]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Attendance: choose committee members from the list." in html and "Kept.</textarea>" in html
    db.session.refresh(meeting)
    assert meeting.attendees == [] and meeting.minutes == ""


def test_a_stale_record_is_refused_with_the_input_kept(client, people, members, meeting):
    form_version = meeting.version
    other = {"title": meeting.title, "held_on": meeting.held_on, "minutes": "Theirs.", "attendees": []}
    update_meeting(meeting, members[1], other, meeting.version)
    db.session.commit()
    sign_in(client, people["committee"])
    response = post(client, f"/committee/meetings/{meeting.id}",
                    record_of(meeting, minutes="Mine, typed for an hour.", version=str(form_version)))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this meeting" in html and "Mine, typed for an hour.</textarea>" in html
    db.session.refresh(meeting)
    assert meeting.minutes == "Theirs."
    assert f'name="version" type="hidden" value="{meeting.version}"' in html  # saving again overwrites


def test_a_missing_version_is_refused(client, people, meeting):
    sign_in(client, people["committee"])
    data = record_of(meeting, minutes="Mine.")
    del data["version"]
    response = post(client, f"/committee/meetings/{meeting.id}", data)
    assert response.status_code == 422 and "reload the page" in response.get_data(as_text=True)


def test_a_former_attendee_stays_ticked(client, people, members, meeting):
    update_meeting(meeting, members[0], {**record_of(meeting), "attendees": [members[2].id]}, meeting.version)
    members[2].set_roles({Role.MENTOR})
    db.session.commit()
    sign_in(client, people["committee"])
    html = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert members[2].name in html


# The agenda ----------------------------------------------------------------------------------------

def test_an_open_round_is_put_on_the_agenda_and_taken_off(client, people, meeting, idea):
    item = open_round(idea.id)
    sign_in(client, people["committee"])
    page = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<option value="{item.id}">Falls checklist · Committee review</option>' in page

    response = post(client, f"/committee/meetings/{meeting.id}/agenda", {"round": str(item.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#agenda")
    db.session.refresh(item)
    assert item.meeting_id == meeting.id
    page = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/ideas/{idea.id}"' in page and "Take off the agenda" in page
    assert f'<option value="{item.id}"' not in page  # on a meeting's agenda: no longer offered

    response = post(client, f"/committee/meetings/{meeting.id}/agenda/remove", {"round": str(item.id)})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.meeting_id is None
    scheduled = events("agenda.scheduled")
    assert [changes(e)["meeting_id"] for e in scheduled] == [(None, meeting.id), (meeting.id, None)]
    assert all(e.idea_id == idea.id and e.actor_id == people["committee"].id for e in scheduled)


def test_a_decided_item_stays_on_its_meeting_with_its_outcome(client, people, members, meeting, idea):
    schedule(open_round(idea.id), meeting, members[0])
    db.session.commit()
    approve_pilot(idea, members)
    sign_in(client, people["committee"])
    page = client.get(f"/committee/meetings/{meeting.id}").get_data(as_text=True)
    decided = page.split("<h3>Decided</h3>")[1]
    assert "Falls checklist" in decided and "Pilot approved" in decided
    assert "No open items on this agenda." in page and "Take off the agenda" not in page


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_adding_an_unknown_item_is_refused(client, people, meeting, idea, value):
    sign_in(client, people["committee"])
    response = post(client, f"/committee/meetings/{meeting.id}/agenda", {"round": value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Agenda item:" in html and 'class="field-error"' in html
    assert events("agenda.scheduled") == []


def test_an_item_on_another_meeting_or_decided_is_not_added(client, people, members, meeting, idea):
    other = create_meeting(members[1], {"title": "April", "held_on": date(2031, 4, 9)})
    item = open_round(idea.id)
    schedule(item, other, members[1])
    db.session.commit()
    sign_in(client, people["committee"])
    response = post(client, f"/committee/meetings/{meeting.id}/agenda", {"round": str(item.id)})
    assert response.status_code == 422 and "already on a meeting" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.meeting_id == other.id


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_taking_off_an_unknown_item_is_refused(client, people, meeting, idea, value):
    sign_in(client, people["committee"])
    response = post(client, f"/committee/meetings/{meeting.id}/agenda/remove", {"round": value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Agenda item: that idea is not on this meeting&#39;s agenda." in html


def test_a_decided_item_is_not_taken_off(client, people, members, meeting, idea):
    item = open_round(idea.id)
    schedule(item, meeting, members[0])
    db.session.commit()
    approve_pilot(idea, members)
    sign_in(client, people["committee"])
    response = post(client, f"/committee/meetings/{meeting.id}/agenda/remove", {"round": str(item.id)})
    assert response.status_code == 422 and "already decided" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.meeting_id == meeting.id
