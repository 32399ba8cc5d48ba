"""Recommend takes an optional note to the committee: kept as the transition's reason, refused
(422, field named, text kept, nothing changed) when it holds a patient identifier."""
from ideas.database import db
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events, make_idea
from tests.support.reviews import complete_review


def ready_to_recommend(people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    complete_review(idea, people["mentor"])
    db.session.commit()
    return idea


def recommend(client, idea, **fields):
    token = page_token(client, f"/review/{idea.id}/feasibility")
    return client.post(f"/ideas/{idea.id}/actions/recommend",
                       data={"version": idea.version, "csrf_token": token, **fields})


def test_the_panel_offers_a_note_and_recommend_keeps_it(client, people):
    idea = ready_to_recommend(people)
    sign_in(client, people["mentor"])
    assert "Note to the committee" in client.get(f"/review/{idea.id}/feasibility").get_data(as_text=True)
    response = recommend(client, idea, note="Start on 4B only: the night team asked for it.")
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.stage == Stage.COMMITTEE_REVIEW
    transition = [e for e in idea_events(idea) if e.action == "idea.transition"][-1]
    assert transition.reason == "Start on 4B only: the night team asked for it."


def test_recommend_without_a_note_still_works(client, people):
    idea = ready_to_recommend(people)
    sign_in(client, people["mentor"])
    assert recommend(client, idea).status_code == 302
    db.session.refresh(idea)
    assert idea.stage == Stage.COMMITTEE_REVIEW


def test_a_note_with_a_patient_identifier_is_refused_and_kept(client, people):
    idea = ready_to_recommend(people)
    sign_in(client, people["mentor"])
    response = recommend(client, idea, note="Patient MRN 1234567 fell twice")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Note to the committee" in html and 'aria-invalid="true"' in html
    assert "Patient MRN 1234567 fell twice" in html
    db.session.refresh(idea)
    assert idea.stage == Stage.MENTOR_REVIEW
