"""Conditions of approval: on the idea page, marked done, flagged when overdue, on the owner's home page,
handed over when the owner leaves."""
from datetime import timedelta

import pytest
import time_machine

from ideas.accounts.handover import open_work
from ideas.accounts.models import Role
from ideas.clock import local_today, utcnow
from ideas.committee.models import Condition
from ideas.committee.operations import complete_condition, reassign_condition
from ideas.committee.queries import conditions_of
from ideas.database import db
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.workflow import Stage
from ideas.review import operations as review_ops
from ideas.settings import get_setting
from tests.conftest import page_token, sign_in
from tests.support.audit import changes, events
from tests.support.committee import approve_pilot
from tests.support.ideas import idea_events, make_idea
from tests.support.reviews import HIGH_HAZARD

pytestmark = pytest.mark.usefixtures("no_second_factor")

HTMX = {"HX-Request": "true"}
AUDIT_TEXT = "Audit the checklist on four night shifts and report to the committee."
TRAINING_TEXT = "Train every night nurse on 4B before the pilot starts."


@pytest.fixture
def members(people, create_user):
    return [people["committee"], create_user(Role.COMMITTEE, name="Ravi Patel"),
            create_user(Role.COMMITTEE, name="Lena Novak")]


@pytest.fixture
def owner(create_user):
    """The ward manager who owns the conditions: not on the idea's team."""
    return create_user(Role.MENTEE, name="Nora Ward")


def today():
    return local_today(get_setting("time_zone"))


@pytest.fixture
def idea(people, members, owner):
    """A pilot approved with two conditions owned by Nora: training due in 3 days, the audit in 10."""
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"], title="Falls checklist")
    approve_pilot(idea, members, conditions=[
        {"text": AUDIT_TEXT, "owner": owner.id, "due_on": today() + timedelta(days=10)},
        {"text": TRAINING_TEXT, "owner": owner.id, "due_on": today() + timedelta(days=3)},
    ])
    return idea


@pytest.fixture
def training(idea) -> Condition:
    return next(c for c in conditions_of(idea.id) if c.text == TRAINING_TEXT)


def post(client, path: str, data: dict, page: str = "/", **kwargs):
    return client.post(path, data={**data, "csrf_token": page_token(client, page)}, **kwargs)


def note(condition: Condition, text: str) -> dict:
    return {f"condition-{condition.id}-note": text}


def kind_of(people, owner, kind):
    return owner if kind == "owner" else people[kind]


# On the idea page ------------------------------------------------------------------------------------

def test_the_idea_page_lists_its_conditions(client, idea, owner):
    sign_in(client, owner)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    section = html.split('<section id="conditions"')[1].split("</section>")[0]
    assert section.index(TRAINING_TEXT) < section.index(AUDIT_TEXT)  # soonest due first
    assert "Owner <strong>Nora Ward</strong>" in section
    assert f"due {(today() + timedelta(days=3)).strftime('%d %b %Y')}" in section
    assert "Overdue" not in section and section.count("Mark done</summary>") == 2


@pytest.mark.parametrize(("kind", "forms"), [("owner", 2), ("committee", 2), ("submitter", 0), ("mentor", 0),
                                             ("admin", 0), ("stranger", 0)])
def test_who_is_offered_to_mark_a_condition_done(client, people, owner, idea, kind, forms):
    sign_in(client, kind_of(people, owner, kind))
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert TRAINING_TEXT in html and html.count("Mark done</summary>") == forms


def test_an_idea_without_conditions_shows_none(client, people, members):
    idea = make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=tuple(members))
    sign_in(client, people["submitter"])
    assert 'id="conditions"' not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


# Who may mark a condition done ---------------------------------------------------------------------------

DONE = {"owner": 302, "committee": 302, "submitter": 403, "co_author": 403, "mentor": 403, "admin": 403,
        "stranger": 403}


@pytest.mark.parametrize("kind", DONE)
def test_who_marks_a_condition_done(client, people, owner, training, kind):
    sign_in(client, kind_of(people, owner, kind))
    response = post(client, f"/conditions/{training.id}/done", note(training, "All 24 night nurses trained."))
    assert response.status_code == DONE[kind]
    db.session.refresh(training)
    assert (training.done_at is not None) == (DONE[kind] == 302)


def test_signed_out_goes_to_sign_in(client, training):
    response = post(client, f"/conditions/{training.id}/done", note(training, "Done."), page="/sign-in")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize(("kind", "status"), [("owner", 404), ("stranger", 404), ("other_mentor", 404),
                                              ("submitter", 403), ("committee", 302)])
def test_a_condition_on_an_idea_the_user_cannot_see_is_not_found(client, people, owner, idea, training, kind,
                                                                  status):
    review_ops.add_hazard(idea, people["mentor"], {**HIGH_HAZARD, "description": "Night lights glare."})
    db.session.commit()  # a material change: back to the committee, out of the showcase
    assert idea.stage == Stage.COMMITTEE_REVIEW
    sign_in(client, kind_of(people, owner, kind))
    response = post(client, f"/conditions/{training.id}/done", note(training, "Trained."))
    assert response.status_code == status


def test_an_unknown_condition_is_not_found(client, owner, training):
    sign_in(client, owner)
    assert post(client, f"/conditions/{training.id + 99}/done", {}).status_code == 404


# Marking done ------------------------------------------------------------------------------------------

def test_the_owner_marks_a_condition_done(client, idea, owner, training):
    sign_in(client, owner)
    response = post(client, f"/conditions/{training.id}/done", note(training, "All 24 night nurses trained.\nList "
                                                                              "kept by the ward manager."),
                    page=f"/ideas/{idea.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{idea.id}#conditions"
    db.session.refresh(training)
    assert training.done_by_id == owner.id and training.done_at is not None
    assert training.done_note == "All 24 night nurses trained.\nList kept by the ward manager."
    [event] = [e for e in idea_events(idea) if e.action == "condition.done"]
    assert event.actor_id == owner.id and event.reason == training.done_note
    assert event.changes == {"done": (False, True), "done_note": (None, training.done_note)}

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Condition marked done." in html and "Done by Nora Ward" in html
    assert "All 24 night nurses trained.\nList kept by the ward manager." in html
    assert html.count("Mark done</summary>") == 1  # only the audit is still open


def test_htmx_answers_the_conditions_fragment(client, idea, owner, training):
    sign_in(client, owner)
    response = post(client, f"/conditions/{training.id}/done", note(training, "Trained."), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="conditions"')
    assert "<html" not in html and "Done by Nora Ward" in html and "HX-Request" in response.headers["Vary"]


def test_a_committee_member_marks_a_condition_done(client, people, idea, training):
    sign_in(client, people["committee"])
    assert post(client, f"/conditions/{training.id}/done", note(training, "Confirmed at the meeting.")
                ).status_code == 302
    db.session.refresh(training)
    assert training.done_by_id == people["committee"].id


@pytest.mark.parametrize(("text", "message"), [
    ("", "Note: say how the condition was met."),
    ("   \n ", "Note: say how the condition was met."),
    ("Checked with the patient on 07700 900123.", "Note"),
])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_bad_note_is_refused_and_kept(client, idea, owner, training, text, message, headers):
    sign_in(client, owner)
    response = post(client, f"/conditions/{training.id}/done", note(training, text), headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and 'class="field-error"' in html
    assert ("<html" in html) == (not headers)
    assert '<details class="condition-done-form" open>' in html
    if text.strip():
        assert f"{text}</textarea>" in html
    db.session.refresh(training)
    assert training.done_at is None
    assert [e for e in idea_events(idea) if e.action == "condition.done"] == []


def test_done_twice_is_a_conflict(client, people, idea, owner, training):
    complete_condition(training, people["committee"], "Confirmed.")
    db.session.commit()
    sign_in(client, owner)
    response = post(client, f"/conditions/{training.id}/done", note(training, "Trained."), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "already marked done" in html
    db.session.refresh(training)
    assert training.done_note == "Confirmed." and training.done_by_id == people["committee"].id


# Overdue -----------------------------------------------------------------------------------------------

def test_a_condition_past_its_due_date_is_flagged(client, idea, owner, training):
    sign_in(client, owner)
    assert "Overdue" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(days=5)):
        sign_in(client, owner)  # the session ended while the days passed
        html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        section = html.split('<section id="conditions"')[1].split("</section>")[0]
        overdue = section.split("condition-overdue")
        assert len(overdue) == 2 and TRAINING_TEXT in overdue[1].split("</li>")[0]  # training only
        assert '<span class="badge badge-overdue">Overdue</span>' in section
        complete_condition(training, owner, "Trained late.")
        db.session.commit()
        assert "Overdue" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)  # done is never overdue


# The home page -----------------------------------------------------------------------------------------

def test_the_owners_home_page_lists_their_open_conditions(client, idea, owner, training):
    sign_in(client, owner)
    html = client.get("/").get_data(as_text=True)
    card = html.split('id="my-conditions"')[1].split("</article>")[0]
    assert "Conditions I own" in html and card.index(TRAINING_TEXT) < card.index(AUDIT_TEXT)
    assert f'href="/ideas/{idea.id}#conditions"' in card and "Overdue" not in card

    with time_machine.travel(utcnow() + timedelta(days=5)):
        sign_in(client, owner)
        card = client.get("/").get_data(as_text=True).split('id="my-conditions"')[1].split("</article>")[0]
        first = card.split("<li>")[1]
        assert TRAINING_TEXT in first and "badge-overdue" in first
        assert "badge-overdue" not in card.split("<li>")[2]


@pytest.mark.parametrize("kind", ["submitter", "mentor", "committee", "admin"])
def test_the_card_is_only_for_owners(client, people, idea, kind):
    sign_in(client, people[kind])
    assert "Conditions I own" not in client.get("/").get_data(as_text=True)


def test_the_card_goes_when_every_condition_is_done(client, idea, owner):
    for condition in conditions_of(idea.id):
        complete_condition(condition, owner, "Done.")
    db.session.commit()
    sign_in(client, owner)
    assert "Conditions I own" not in client.get("/").get_data(as_text=True)


def test_the_card_shows_the_five_soonest(client, people, members, owner):
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    approve_pilot(idea, members, conditions=[{"text": f"Condition number {n}", "owner": owner.id,
                                              "due_on": today() + timedelta(days=n)} for n in range(1, 8)])
    sign_in(client, owner)
    card = client.get("/").get_data(as_text=True).split('id="my-conditions"')[1].split("</article>")[0]
    assert card.count("<li>") == 5 and "Condition number 5" in card and "Condition number 6" not in card
    assert "these are the soonest due" in card


# Hand-over when the owner leaves ---------------------------------------------------------------------

def test_open_conditions_are_the_owners_open_work(idea, owner, training):
    items = open_work(owner)
    assert [item.kind for item in items] == ["conditions_owned", "conditions_owned"]
    assert items[0].ref == training.id and items[0].successor_role == Role.COMMITTEE
    assert items[0].summary.startswith("Condition on “Falls checklist”: Train every night nurse")
    assert "stays with its leaving owner until reassigned" in items[0].released
    complete_condition(training, owner, "Trained.")
    assert [item.ref for item in open_work(owner)] == [items[1].ref]  # done: no longer open work


def test_deactivation_hands_a_condition_to_a_successor(client, people, members, idea, owner, training):
    items = {item.ref: item.key for item in open_work(owner)}
    audit = next(c for c in conditions_of(idea.id) if c.text == AUDIT_TEXT)
    sign_in(client, people["admin"])
    page = client.get(f"/admin/users/{owner.id}/deactivate").get_data(as_text=True)
    assert "Condition on “Falls checklist”" in page and members[1].name in page
    response = post(client, f"/admin/users/{owner.id}/deactivate", {
        items[training.id]: str(members[1].id), items[audit.id]: "", "reason": "Left the trust"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ravi Patel now owns the condition on “Falls checklist”." in html
    assert "stays with its leaving owner until reassigned" in html

    db.session.expire_all()
    assert not owner.active
    assert training.owner_id == members[1].id and audit.owner_id == owner.id
    [event] = events("condition.reassigned")
    assert event.actor_id == people["admin"].id and event.reason == "Left the trust"
    assert event.idea_id == idea.id and changes(event) == {"owner_id": (owner.id, members[1].id)}


def test_reassigning_a_condition_checks_who_what_and_to_whom(people, members, owner, training):
    with pytest.raises(Forbidden):
        reassign_condition(training, people["mentor"], members[1], "Moving on.")
    with pytest.raises(Invalid) as refused:
        reassign_condition(training, people["admin"], members[1], "  ")
    assert refused.value.field == "reason"
    members[2].active = False
    with pytest.raises(Invalid) as refused:
        reassign_condition(training, people["admin"], members[2], "Moving on.")
    assert refused.value.field == "owner"
    reassign_condition(training, people["admin"], owner, "Stays.")  # the same owner: nothing to do
    assert events("condition.reassigned") == []
    complete_condition(training, owner, "Trained.")
    with pytest.raises(Conflict):
        reassign_condition(training, people["admin"], members[1], "Moving on.")
    db.session.rollback()
