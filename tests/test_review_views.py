"""The mentor's pages: who may use them, bad input, stale saves, the queue, the audit trail."""
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from ideas.accounts.models import Role
from ideas.accounts.pairings import pair_mentee
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.models import Hazard, Measure, PilotPlan, Review
from ideas.review.queries import review_of
from tests.conftest import page_token, sign_in
from tests.support.ideas import a_unit, idea_events, make_idea
from tests.support.reviews import FEASIBILITY, HIGH_HAZARD, MEASURES, TRIAGE_QI, complete_review

pytestmark = pytest.mark.usefixtures("no_second_factor")

HTMX = {"HX-Request": "true"}


@pytest.fixture
def idea(people):
    return make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"],
                     co_authors=(people["co_author"],))


def post(client, path: str, data: dict, page: str | None = None, **kwargs):
    return client.post(path, data={**data, "csrf_token": page_token(client, page or path)}, **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Who may use each route --------------------------------------------------------------------------

READERS = {"submitter": 200, "co_author": 200, "stranger": 404, "mentor": 200, "other_mentor": 404,
           "committee": 200, "admin": 200}
REVIEW_POST = {"submitter": 403, "co_author": 403, "stranger": 404, "mentor": 302, "other_mentor": 404,
               "committee": 403, "admin": 403}
PLAN_POST = {**REVIEW_POST, "submitter": 302, "co_author": 302}
PAGES = ["feasibility", "safety", "triage", "plan"]
POSTS = [("feasibility", FEASIBILITY, REVIEW_POST), ("triage", TRIAGE_QI, REVIEW_POST),
         ("safety/statement", {"no_hazards": "y", "version": "0"}, REVIEW_POST),
         ("hazards", HIGH_HAZARD, REVIEW_POST), ("plan", {"aim": "Fewer falls by March."}, PLAN_POST),
         ("measures", MEASURES[0], PLAN_POST)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", READERS)
def test_who_reads_the_review_pages(client, people, idea, page, kind):
    sign_in(client, people[kind])
    assert client.get(f"/review/{idea.id}/{page}").status_code == READERS[kind]


@pytest.mark.parametrize(("path", "data", "expected"), POSTS, ids=[p for p, _, _ in POSTS])
@pytest.mark.parametrize("kind", READERS)
def test_who_changes_the_review_and_the_plan(client, people, idea, path, data, expected, kind):
    sign_in(client, people[kind])
    page = f"/review/{idea.id}/feasibility" if READERS[kind] == 200 else "/"
    response = post(client, f"/review/{idea.id}/{path}", {"version": "0", **data}, page=page)
    assert response.status_code == expected[kind], response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(("kind", "status"), [("mentor", 200), ("other_mentor", 200), ("submitter", 403),
                                              ("committee", 403), ("admin", 403)])
def test_who_sees_a_review_queue(client, people, kind, status):
    sign_in(client, people[kind])
    assert client.get("/review/queue").status_code == status


@pytest.mark.parametrize("path", ["/review/queue", "/review/{id}/feasibility", "/review/{id}/safety",
                                  "/review/{id}/triage", "/review/{id}/plan", "/review/risk?severity=3&likelihood=4"])
def test_signed_out_goes_to_sign_in(client, idea, path):
    response = client.get(path.format(id=idea.id))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


def test_a_missing_idea_is_404(client, people):
    sign_in(client, people["admin"])
    assert client.get("/review/999999/feasibility").status_code == 404


def test_no_review_after_the_review_stage(client, people):
    declined = make_idea(people["submitter"], Stage.DECLINED, mentor=people["mentor"])
    sign_in(client, people["mentor"])
    response = post(client, f"/review/{declined.id}/feasibility", {**FEASIBILITY, "version": "0"})
    assert response.status_code == 422
    assert "review and plan change only in mentor review" in response.get_data(as_text=True)
    assert count(Review) == 0


# The queue ----------------------------------------------------------------------------------------

def test_the_queue_puts_mentees_first_then_the_open_queue_with_waiting_days(client, people, create_user):
    mentor, submitter = people["mentor"], people["submitter"]
    pair_mentee(submitter, mentor)
    db.session.commit()
    mine = make_idea(submitter, Stage.SUBMITTED, title="From my mentee")
    unpaired = make_idea(people["stranger"], Stage.SUBMITTED, title="An unpaired mentee's idea".replace("'", ""))
    unpaired.submitted_at = utcnow() - timedelta(days=9)  # over the 7-day limit
    someone_elses = make_idea(create_user(Role.MENTEE), Stage.SUBMITTED, title="Paired elsewhere, fresh")
    pair_mentee(someone_elses.submitter, people["other_mentor"])
    db.session.commit()
    sign_in(client, mentor)
    html = client.get("/review/queue").get_data(as_text=True)
    assert html.index(mine.title) < html.index("Open queue") < html.index(unpaired.title)
    assert "waiting 9 days (over the limit)" in html
    assert someone_elses.title not in html


def test_claiming_from_the_queue_starts_the_review(client, people):
    submitted = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in(client, people["mentor"])
    response = post(client, f"/review/{submitted.id}/claim", {"version": submitted.version}, page="/review/queue")
    assert response.headers["Location"] == f"/review/{submitted.id}/feasibility"
    db.session.expire_all()
    assert submitted.stage == Stage.MENTOR_REVIEW and submitted.mentor_id == people["mentor"].id
    assert "My reviews in progress" in client.get("/").get_data(as_text=True)


def test_the_queue_runs_the_same_queries_for_few_ideas_or_many(client, people, create_user):
    mentor = people["mentor"]
    pair_mentee(people["submitter"], mentor)
    db.session.commit()
    sign_in(client, mentor)
    statements = []

    def counted(*args):
        statements.append(args[2])

    def queries() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            assert client.get("/review/queue").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return len(statements)

    make_idea(people["submitter"], Stage.SUBMITTED)
    make_idea(people["stranger"], Stage.SUBMITTED)
    make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=mentor)
    few = queries()
    for _ in range(3):
        make_idea(people["submitter"], Stage.SUBMITTED)
        make_idea(create_user(Role.MENTEE), Stage.SUBMITTED)
        make_idea(people["stranger"], Stage.REVISION, mentor=mentor)
    assert queries() == few


# Bad input: a clear message naming the field, the input kept, 422, nothing saved -----------------

BAD = [  # (where, what is sent, the message, a text of the user's that must come back)
    ("feasibility", {**FEASIBILITY, "score_evidence": "9"}, "Evidence base score: choose a score from 1 to 5.",
     "A good small test of change."),
    ("feasibility", {**FEASIBILITY, "note_resources": "Call 07700 900123 about it"}, "Resources and cost note",
     "Call 07700 900123 about it"),
    ("feasibility", {**FEASIBILITY, "overall": "maybe"}, "Overall recommendation: choose one from the list.",
     "A good small test of change."),
    ("hazards", {**HIGH_HAZARD, "description": " "}, "Hazard: describe what could go wrong.", "Ward manager"),
    ("hazards", {**HIGH_HAZARD, "severity": "6"}, "Severity: choose a score from 1 to 5.", "Ward manager"),
    ("hazards", {**HIGH_HAZARD, "likelihood": ""}, "Likelihood: choose a score from 1 to 5.", "Ward manager"),
    ("hazards", {**HIGH_HAZARD, "mitigation": "See MRN 1234567"}, "Mitigation", "See MRN 1234567"),
    ("triage", {**TRIAGE_QI, "triage_randomises": "perhaps", "ethics_reference": "REC 27/01",
                "ethics_referred_on": "2027-01-05"}, "randomise patients to different care?: answer yes or no.",
     "REC 27/01"),
    ("triage", {**TRIAGE_QI, "ethics_referred_on": "2027-01-05"}, "Ethics-board referral reference: give",
     "2027-01-05"),
    ("triage", {**TRIAGE_QI, "ethics_reference": "REC 27/01", "ethics_referred_on": "5th Jan"},
     "Date of the ethics-board referral: give a date as YYYY-MM-DD.", "5th Jan"),
    ("plan", {"aim": "Fewer falls", "planned_start": "2027-03-01", "planned_end": "2027-01-01"},
     "Planned end: the pilot must end after it starts.", "Fewer falls"),
    ("plan", {"aim": "Fewer falls", "units": "999999"}, "Pilot units: choose units from the list.", "Fewer falls"),
    ("plan", {"aim": "Ask Mr Jones, born 12/03/1954"}, "Aim statement", "Ask Mr Jones, born 12/03/1954"),
    ("measures", {**MEASURES[0], "kind": ""}, "Measure type: choose outcome, process or balancing.",
     "Night-time falls"),
    ("measures", {**MEASURES[0], "target": "lots"}, "Target: give a number", "lots"),
    ("measures", {**MEASURES[0], "stop_threshold": "3", "stop_direction": "above"},
     "Stop rule threshold: stop rules are for balancing measures only.", "Night-time falls"),
]


@pytest.mark.parametrize(("path", "data", "message", "kept"), BAD, ids=[f"{p}-{m[:25]}" for p, _, m, _ in BAD])
def test_bad_input_is_refused_with_the_field_named_and_kept(client, people, idea, path, data, message, kept):
    sign_in(client, people["mentor"])
    tables = {model: count(model) for model in (Review, Hazard, PilotPlan, Measure)}
    events = len(idea_events(idea))
    page = {"hazards": "safety", "measures": "plan"}.get(path, path)
    response = post(client, f"/review/{idea.id}/{path}", {"version": "0", **data}, page=f"/review/{idea.id}/{page}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:300]
    assert message in html.replace("&#34;", '"').replace("&#39;", "'")
    assert kept in html
    assert {model: count(model) for model in tables} == tables
    assert len(idea_events(idea)) == events


def test_stale_feasibility_save_answers_409_and_keeps_the_input(client, people, idea):
    from ideas.review.operations import save_feasibility
    sign_in(client, people["mentor"])
    path = f"/review/{idea.id}/feasibility"
    token = page_token(client, path)
    save_feasibility(idea, people["mentor"], {"score_evidence": "2"}, 0)  # someone else, meanwhile
    db.session.commit()
    response = client.post(path, data={**FEASIBILITY, "note_evidence": "My careful note", "version": "0",
                                       "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved the review" in html and "My careful note" in html
    assert review_of(idea.id).note_evidence == ""


def test_stale_plan_save_answers_409_and_keeps_the_input(client, people, idea):
    from ideas.review.operations import save_plan
    sign_in(client, people["submitter"])
    path = f"/review/{idea.id}/plan"
    token = page_token(client, path)
    save_plan(idea, people["mentor"], {"aim": "Theirs"}, 0)
    db.session.commit()
    response = client.post(path, data={"aim": "Mine, typed with care", "version": "0", "csrf_token": token})
    assert response.status_code == 409 and "Mine, typed with care" in response.get_data(as_text=True)


# Saving, hazards in place, the audit trail -------------------------------------------------------

def test_feasibility_saves_as_a_draft_and_is_audited_field_by_field(client, people, idea):
    sign_in(client, people["mentor"])
    path = f"/review/{idea.id}/feasibility"
    assert post(client, path, {"score_evidence": "3", "version": "0"}).status_code == 302
    assert post(client, path, {"score_evidence": "4", "note_evidence": "NICE guideline", "version": "1"}).status_code == 302
    saved = [e for e in idea_events(idea) if e.action == "review.saved"]
    assert saved[0].changes == {"score_evidence": (None, 3)}
    assert saved[1].changes == {"score_evidence": (3, 4), "note_evidence": ("", "NICE guideline")}
    assert "in progress" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_hazards_are_added_and_removed_in_place_with_their_band(client, people, idea):
    sign_in(client, people["mentor"])
    page = f"/review/{idea.id}/safety"
    added = post(client, f"/review/{idea.id}/hazards", HIGH_HAZARD, page=page, headers=HTMX)
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and 'id="safety-body"' in html and "<html" not in html
    assert "band-high" in html and "Checklist delays the evening drug round." in html
    hazard = db.session.scalar(select(Hazard))
    removed = post(client, f"/review/{idea.id}/hazards/{hazard.id}/remove", {}, page=page, headers=HTMX)
    assert removed.status_code == 200 and "No hazards listed yet" in removed.get_data(as_text=True)
    events = {e.action: e.changes for e in idea_events(idea)}
    assert events["hazard.added"]["severity"] == (None, 3)
    assert events["hazard.removed"]["description"] == ("Checklist delays the evening drug round.", None)


def test_the_risk_preview_shows_score_and_band(client, people):
    sign_in(client, people["mentor"])
    html = client.get("/review/risk?severity=5&likelihood=3", headers=HTMX).get_data(as_text=True)
    assert "Risk 15" in html and "extreme" in html
    assert "Choose severity" in client.get("/review/risk?severity=9&likelihood=x").get_data(as_text=True)


def test_no_hazards_is_an_explicit_statement(client, people, idea):
    sign_in(client, people["mentor"])
    page = f"/review/{idea.id}/safety"
    assert "state that no hazards were identified" in client.get(page).get_data(as_text=True)
    response = post(client, f"/review/{idea.id}/safety/statement", {"no_hazards": "y", "version": "0"})
    assert response.status_code == 302
    assert "no hazards identified" in client.get(page).get_data(as_text=True)
    assert review_of(idea.id).no_hazards


# Recommend ----------------------------------------------------------------------------------------

def test_unmet_preconditions_are_listed_with_links_and_recommend_works_when_met(client, people, idea):
    sign_in(client, people["mentor"])
    html = client.get(f"/review/{idea.id}/plan").get_data(as_text=True)
    for section in ("feasibility", "safety", "triage", "plan"):
        assert f'href="/review/{idea.id}/{section}"' in html
    assert "Pilot plan: add an aim" in html and "disabled" in html
    complete_review(idea, people["mentor"], a_unit().id)
    db.session.commit()
    html = client.get(f"/review/{idea.id}/plan").get_data(as_text=True)
    assert "Everything recommend needs is in place." in html
    response = post(client, f"/ideas/{idea.id}/actions/recommend", {"version": idea.version},
                    page=f"/review/{idea.id}/plan")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).stage == Stage.COMMITTEE_REVIEW
    committee_view = client.get(f"/review/{idea.id}/safety").get_data(as_text=True)
    assert "Add a hazard" not in committee_view and "band-high" in committee_view
