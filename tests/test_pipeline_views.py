"""The mentee's pages: who may use each route, the idea form's bad input, autosave, actions."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update

from ideas.accounts.models import Role, UserSession
from ideas.accounts.pairings import pair_mentee
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in, sign_in_fully
from tests.support.ideas import COMPLETE, a_unit, idea_events, make_idea

pytestmark = pytest.mark.usefixtures("no_second_factor")
HTMX = {"HX-Request": "true"}
HOSTILE = '<div hx-get=/x hx-trigger=load>boo</div><script>alert(1)</script>'


def count_ideas() -> int:
    return db.session.scalar(select(func.count(Idea.id)))


def form_data(client, path: str, **fields) -> dict:
    return {**COMPLETE, "unit": str(a_unit().id), "csrf_token": page_token(client, path), **fields}


# Who may use each route --------------------------------------------------------------------------

ROUTES = [
    # (method, path template, {kind: expected status}); "{id}" is a draft by the submitter with a co-author.
    ("GET", "/ideas/mine", {"submitter": 200, "stranger": 200, "mentor": 403, "committee": 403, "admin": 403}),
    ("GET", "/ideas/new", {"submitter": 200, "stranger": 200, "mentor": 403, "committee": 403, "admin": 403}),
    ("GET", "/ideas/people?q=sam", {"submitter": 200, "mentor": 403, "committee": 403, "admin": 403}),
    ("GET", "/ideas/{id}", {"submitter": 200, "co_author": 200, "stranger": 404, "mentor": 404,
                            "committee": 200, "admin": 200}),
    ("GET", "/ideas/{id}/edit", {"submitter": 200, "co_author": 200, "stranger": 404, "mentor": 404,
                                 "committee": 403, "admin": 403}),
    ("GET", "/ideas/{id}/actions/withdraw", {"submitter": 200, "co_author": 403, "stranger": 404, "mentor": 404,
                                             "committee": 403, "admin": 403}),
    ("GET", "/ideas/{id}/actions/reopen", {"submitter": 422, "admin": 422, "stranger": 404}),
    ("GET", "/ideas/{id}/actions/fly", {"submitter": 404, "stranger": 404}),
    ("GET", "/ideas/{id}/mentor", {"submitter": 403, "co_author": 403, "stranger": 404, "mentor": 404,
                                   "committee": 403, "admin": 200}),
    ("GET", "/ideas/999999", {"submitter": 404, "admin": 404}),
]
CASES = [(method, path, kind, status) for method, path, expected in ROUTES for kind, status in expected.items()]


@pytest.mark.parametrize(("method", "path", "kind", "status"), CASES)
def test_route_access_by_role(client, people, method, path, kind, status):
    idea = make_idea(people["submitter"], co_authors=(people["co_author"],))
    sign_in(client, people[kind])
    response = client.open(path.format(id=idea.id), method=method)
    assert response.status_code == status, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize(("method", "path"), sorted({(m, p) for m, p, _ in ROUTES} | {
    ("POST", "/ideas/new"), ("POST", "/ideas/{id}/edit"), ("POST", "/ideas/{id}/actions/withdraw")}))
def test_signed_out_goes_to_sign_in(client, people, method, path):
    idea = make_idea(people["submitter"])
    response = client.open(path.format(id=idea.id), method=method)
    assert response.status_code in (302, 400)  # a POST without a CSRF token never gets further
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("stage", [Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.DECLINED])
def test_mentors_see_their_queue_and_their_ideas_only(client, people, create_user, stage):
    idea = make_idea(people["submitter"], stage, mentor=people["mentor"])
    other = create_user(Role.MENTOR)
    sign_in(client, other)
    expected = 200 if stage == Stage.SUBMITTED else 404
    assert client.get(f"/ideas/{idea.id}").status_code == expected
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    sign_in(client, people["mentor"])
    assert client.get(f"/ideas/{idea.id}").status_code == 200


def test_autosave_signed_out_answers_401_and_leads_back_to_the_page(client, people):
    idea = make_idea(people["submitter"])
    sign_in(client, people["submitter"])
    token = page_token(client, f"/ideas/{idea.id}/edit")
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    page = f"http://localhost/ideas/{idea.id}/edit"
    response = client.post("/ideas/autosave", headers={**HTMX, "HX-Current-URL": page},
                           data={"idea_id": idea.id, "version": 1, "title": "typed", "csrf_token": token})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/sign-in?next=/ideas/{idea.id}/edit"
    sign_in_page = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert "Your session ended" in sign_in_page


# The idea form ----------------------------------------------------------------------------------

def test_write_and_submit_a_new_idea(client, people):
    sign_in(client, people["submitter"])
    response = client.post("/ideas/new", data=form_data(client, "/ideas/new", intent="submit",
                                                        co_authors=people["co_author"].email))
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert response.headers["Location"] == f"/ideas/{idea.id}"
    assert idea.stage == Stage.SUBMITTED and idea.co_authors == [] and [u.name for u in idea.invited] == ["Sam Rivera"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sent to the mentors" in page and "Submitted" in page


def test_save_a_draft_then_find_it_in_my_ideas_and_on_home(client, people):
    sign_in(client, people["submitter"])
    response = client.post("/ideas/new", data=form_data(client, "/ideas/new", intent="save", title="Quiet nights"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    for path in ("/ideas/mine", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "Quiet nights" in page and "Waiting for you" in page and "finish and submit" in page


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"title": "", "problem": "", "proposed_change": "", "expected_benefit": "", "unit": ""}, "title",
     "Fill in “Title”"),
    ({"expected_benefit": "   "}, "expected_benefit", "Fill in “Expected benefit”"),
    ({"unit": ""}, "unit", "Fill in “Origin unit”"),
    ({"title": "T" * 201}, "title", "keep it to 200 characters"),
    ({"problem": "P" * 5001}, "problem", "keep it to 5000 characters"),
    ({"unit": "ward four"}, "unit", "choose a unit from the list"),
    ({"category": "nonsense"}, "category", "choose one from the list"),
    ({"benefits": "teleportation"}, "benefits", "choose from the listed benefits"),
    ({"co_authors": "ghost@nowhere.example"}, "co_authors", "nobody active here"),
    ({"problem": "Mr J. Smith DOB 12/03/1954 fell twice"}, "problem", "a date of birth"),
    ({"evidence": "ask maya.okafor@nhs.example.uk"}, "evidence", "an e-mail address"),
    ({"resources": "NHS 943 476 5919"}, "resources", "an NHS number"),
])
def test_bad_input_names_the_field_keeps_the_text_and_saves_nothing(client, people, fields, field, message):
    sign_in(client, people["submitter"])
    data = form_data(client, "/ideas/new", intent="submit", **fields)
    response = client.post("/ideas/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'id="{field}-error"' in html or (field == "benefits" and 'id="benefits-error"' in html)
    for name, value in fields.items():
        if value.strip() and name not in ("unit", "category", "benefits"):
            assert value.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")[:60] in html
    assert count_ideas() == 0


def test_a_failed_submit_on_an_existing_draft_leaves_the_draft_as_it_was(client, people):
    idea = make_idea(people["submitter"])
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/edit"
    response = client.post(path, data=form_data(client, path, intent="submit", idea_id=idea.id, version=1,
                                                title="New title", problem="MRN 1234567 fell"))
    assert response.status_code == 422 and "medical record number" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (idea.title, idea.stage, idea.version) == (COMPLETE["title"], Stage.DRAFT, 1)


def test_hostile_markup_is_stored_as_text_and_shown_escaped(client, people):
    sign_in(client, people["submitter"])
    response = client.post("/ideas/new", data=form_data(client, "/ideas/new", intent="save", title=HOSTILE[:200],
                                                        problem=HOSTILE))
    idea_id = db.session.scalar(select(Idea.id))
    for path in (f"/ideas/{idea_id}", f"/ideas/{idea_id}/edit", "/ideas/mine", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "<div hx-get=/x" not in html and "<script>alert" not in html
        assert "&lt;div hx-get=/x hx-trigger=load&gt;" in html
    assert response.status_code == 302


def test_stale_edit_is_a_conflict_that_keeps_the_text(client, people):
    idea = make_idea(people["submitter"], co_authors=(people["co_author"],))
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/edit"
    data = form_data(client, path, intent="save", idea_id=idea.id, version=1, problem="My careful rewrite")
    from ideas.pipeline.operations import save_draft

    save_draft(idea, people["co_author"], {"title": "The co-author's title"}, 1)
    db.session.commit()
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this idea" in html and "My careful rewrite" in html
    assert 'name="version" type="hidden" value="2"' in html


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(title=st.text(max_size=250), problem=st.text(max_size=300), unit=st.text(max_size=5),
       benefits=st.lists(st.text(max_size=12), max_size=3))
def test_any_input_gets_an_answer_never_a_500(client, people, title, problem, unit, benefits):
    if not client.get("/ideas/new").status_code == 200:
        sign_in(client, people["submitter"])
    data = form_data(client, "/ideas/new", intent="submit", title=title, problem=problem, unit=unit)
    data["benefits"] = benefits
    response = client.post("/ideas/new", data=data)
    assert response.status_code in (302, 422)


# Autosave ---------------------------------------------------------------------------------------

def test_first_autosave_creates_the_draft_then_saves_it(client, people):
    sign_in(client, people["submitter"])
    token = page_token(client, "/ideas/new")
    first = client.post("/ideas/autosave", headers=HTMX, data={"title": "Quiet nights", "csrf_token": token})
    html = first.get_data(as_text=True)
    idea = db.session.scalar(select(Idea))
    assert first.status_code == 200 and "Saved" in html
    assert f'id="idea_id" name="idea_id" value="{idea.id}" hx-swap-oob="true"' in html
    assert 'id="version" name="version" value="1" hx-swap-oob="true"' in html
    assert first.headers["HX-Replace-Url"] == f"/ideas/{idea.id}/edit"
    assert first.headers["HX-Trigger-After-Swap"] == "draftSaved"  # once the new version is in the form
    assert "HX-Request" in first.headers["Vary"]

    second = client.post("/ideas/autosave", headers=HTMX, data={
        "idea_id": idea.id, "version": 1, "title": "Quiet nights on 4B", "csrf_token": token})
    assert 'value="2" hx-swap-oob="true"' in second.get_data(as_text=True)
    assert "HX-Replace-Url" not in second.headers
    db.session.expire_all()
    assert idea.title == "Quiet nights on 4B"
    assert [e.action for e in idea_events(idea)] == ["idea.created", "idea.edited"]


def test_autosave_of_an_empty_new_form_creates_nothing(client, people):
    sign_in(client, people["submitter"])
    response = client.post("/ideas/autosave", headers=HTMX, data={"csrf_token": page_token(client, "/ideas/new")})
    assert "Nothing to save yet" in response.get_data(as_text=True)
    assert count_ideas() == 0


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"problem": "Patient MRN 1234567"}, 422, "a medical record number in Problem at the bedside"),
    ({"version": 0}, 409, "Someone else changed this idea"),
    ({"title": "T" * 300}, 422, "keep it to 200 characters"),
])
def test_autosave_refusal_is_shown_and_saves_nothing(client, people, fields, status, message):
    idea = make_idea(people["submitter"])
    sign_in(client, people["submitter"])
    data = {"idea_id": idea.id, "version": 1, "csrf_token": page_token(client, f"/ideas/{idea.id}/edit"), **fields}
    response = client.post("/ideas/autosave", headers=HTMX, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == status and "Not saved." in html and message in html
    assert "hx-swap-oob" not in html and "HX-Trigger-After-Swap" not in response.headers
    db.session.expire_all()
    assert idea.version == 1


def test_autosave_by_a_stranger_is_404(client, people):
    idea = make_idea(people["submitter"])
    sign_in(client, people["stranger"])
    response = client.post("/ideas/autosave", headers=HTMX, data={
        "idea_id": idea.id, "version": 1, "title": "Hijack", "csrf_token": page_token(client, "/ideas/new")})
    assert response.status_code == 404


def test_autosave_on_a_submitted_idea_says_it_is_no_longer_editable(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["submitter"])
    response = client.post("/ideas/autosave", headers=HTMX, data={
        "idea_id": idea.id, "version": idea.version, "title": "Late", "csrf_token": page_token(client, "/ideas/new")})
    assert "can no longer be edited" in response.get_data(as_text=True)


def test_people_search_finds_active_colleagues(client, people, create_user):
    sign_in(client, people["submitter"])
    html = client.get("/ideas/people?q=SAM").get_data(as_text=True)
    assert 'data-add-co-author="' + people["co_author"].email + '"' in html
    assert people["submitter"].email not in client.get("/ideas/people?q=maya").get_data(as_text=True)
    assert "No mentee matches" in client.get("/ideas/people?q=%25%25").get_data(as_text=True)
    mentor_html = client.get("/ideas/people?q=" + people["mentor"].name[:5]).get_data(as_text=True)
    assert people["mentor"].email not in mentor_html  # only mentees can be co-authors


# Actions ----------------------------------------------------------------------------------------

def test_withdraw_with_a_reason(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/actions/withdraw"
    response = client.post(path, data={"version": idea.version, "reason": "Not needed now",
                                       "csrf_token": page_token(client, path)})
    assert response.status_code == 302
    db.session.expire_all()
    assert idea.stage == Stage.WITHDRAWN
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Not needed now" in page and "Withdrawn" in page


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Say why you are withdrawing"),
    ("R" * 4001, "keep it under 4000 characters"),
    ("call 07700 900123", "a phone number in Reason"),
    (HOSTILE, None),
])
def test_action_form_bad_input(client, people, reason, message):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/actions/withdraw"
    response = client.post(path, data={"version": idea.version, "reason": reason,
                                       "csrf_token": page_token(client, path)})
    if message is None:  # hostile markup is a valid reason, shown escaped
        assert response.status_code == 302
        html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert "<div hx-get=/x" not in html and "&lt;div hx-get=/x hx-trigger=load&gt;" in html
        return
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and 'id="reason-error"' in html
    assert reason[:50] in html
    db.session.expire_all()
    assert idea.stage == Stage.SUBMITTED


def test_two_tabs_withdrawing_one_gets_a_conflict_with_its_reason_kept(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/actions/withdraw"
    token = page_token(client, path)
    assert client.post(path, data={"version": 2, "reason": "First tab", "csrf_token": token}).status_code == 302
    second = client.post(path, data={"version": 2, "reason": "Second tab's words", "csrf_token": token})
    html = second.get_data(as_text=True)
    assert second.status_code == 409 and "Someone else changed this idea" in html and "Second tab&#39;s words" in html


def test_revise_and_resubmit_from_the_edit_page(client, people):
    idea = make_idea(people["submitter"], Stage.REVISION, mentor=people["mentor"])
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert "Say how you will measure it." in page and "Resubmit to the mentor" in page
    data = form_data(client, path, intent="resubmit", idea_id=idea.id, version=idea.version,
                     problem="Falls at night, 12 last quarter.", response="")
    refused = client.post(path, data=data)
    assert "Answer the mentor" in refused.get_data(as_text=True)
    data["response"] = "Added last quarter's count."
    assert client.post(path, data=data).status_code == 302
    db.session.expire_all()
    assert idea.stage == Stage.MENTOR_REVIEW and idea.problem == "Falls at night, 12 last quarter."


def test_idea_page_shows_only_the_actions_available_now(client, people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    sign_in(client, people["mentor"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Request changes" in html and "Decline" in html and "Recommend to committee" in html
    assert "Withdraw" not in html


def test_a_mentor_claims_a_submitted_idea(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["mentor"])
    path = f"/ideas/{idea.id}/actions/start_review"
    response = client.post(path, data={"version": idea.version, "csrf_token": page_token(client, f"/ideas/{idea.id}")})
    assert response.status_code == 302
    db.session.expire_all()
    assert (idea.stage, idea.mentor_id) == (Stage.MENTOR_REVIEW, people["mentor"].id)


def test_a_decision_before_quorum_says_why(client, people):
    committee = people["committee"]
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    sign_in_fully(client, committee)
    response = client.get(f"/ideas/{idea.id}/actions/approve_pilot")
    assert response.status_code == 422
    assert "The round has 0 of the 3 votes it needs for quorum." in response.get_data(as_text=True)
    assert len([e for e in idea_events(idea) if e.action == "idea.transition"]) == 3


def test_recommend_with_an_unfinished_review_says_what_is_missing(client, people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    sign_in(client, people["mentor"])
    response = client.post(f"/ideas/{idea.id}/actions/recommend",
                           data={"version": idea.version, "csrf_token": page_token(client, f"/ideas/{idea.id}")})
    assert response.status_code == 422
    assert "Feasibility review: score all six criteria" in response.get_data(as_text=True)
    assert len([e for e in idea_events(idea) if e.action == "idea.transition"]) == 2


def test_my_ideas_page_runs_the_same_queries_for_two_ideas_or_eight(client, people):
    pair_mentee(people["submitter"], people["mentor"])
    sign_in(client, people["submitter"])
    statements = []

    def count(*args):
        statements.append(args[2])

    def queries_for_my_ideas() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/ideas/mine").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_idea(people["submitter"], Stage.SUBMITTED, co_authors=(people["co_author"],))
    make_idea(people["submitter"], Stage.REVISION, mentor=people["mentor"])
    few = queries_for_my_ideas()
    for stage in (Stage.DRAFT, Stage.SUBMITTED, Stage.REVISION) * 2:
        make_idea(people["submitter"], stage, mentor=people["mentor"])
    assert queries_for_my_ideas() == few


def test_only_mentees_start_ideas_even_by_autosave(client, people):
    sign_in(client, people["committee"])
    response = client.post("/ideas/autosave", headers=HTMX, data={
        "title": "Committee idea", "csrf_token": page_token(client, "/")})
    assert response.status_code == 403 and count_ideas() == 0


@pytest.mark.parametrize(("mentor", "message"), [("", "Choose the mentor"), ("abc", "Choose the mentor"),
                                                 ("999999", "Choose an active mentor")])
def test_admin_assigning_a_mentor_bad_input(client, people, mentor, message):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["admin"])
    path = f"/ideas/{idea.id}/actions/start_review"
    page = client.get(path).get_data(as_text=True)
    assert people["mentor"].name in page  # the mentors to choose from
    response = client.post(path, data={"version": idea.version, "mentor": mentor,
                                       "csrf_token": page_token(client, path)})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert 'id="mentor-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert idea.stage == Stage.SUBMITTED


def test_admin_assigns_a_mentor(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["admin"])
    path = f"/ideas/{idea.id}/actions/start_review"
    response = client.post(path, data={"version": idea.version, "mentor": str(people["mentor"].id),
                                       "csrf_token": page_token(client, path)})
    assert response.status_code == 302
    db.session.expire_all()
    assert (idea.stage, idea.mentor_id) == (Stage.MENTOR_REVIEW, people["mentor"].id)
