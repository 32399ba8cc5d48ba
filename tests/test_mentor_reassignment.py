"""An administrator reassigns an idea's mentor, with a reason; a leaving mentor's ideas are handed over."""
import pytest

from ideas.accounts.handover import hand_over, open_work
from ideas.accounts.models import Role
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.extensions import db
from ideas.pipeline.operations import reassign_mentor
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in_fully
from tests.support.ideas import idea_events, make_idea


@pytest.fixture
def cast(create_user):
    return {
        "mentee": create_user(Role.MENTEE, name="Maya Okafor"),
        "co_author": create_user(Role.MENTEE, Role.MENTOR, name="Tom Berg"),
        "mentor": create_user(Role.MENTOR, name="Priya Shah"),
        "successor": create_user(Role.MENTOR, name="Ravi Patel"),
        "admin": create_user(Role.ADMIN, name="Quality Office"),
    }


@pytest.fixture
def idea(cast):
    return make_idea(cast["mentee"], Stage.MENTOR_REVIEW, mentor=cast["mentor"], co_authors=(cast["co_author"],))


def test_admin_reassigns_and_the_audit_trail_says_who_why_and_from_whom(cast, idea):
    reassign_mentor(idea, cast["admin"], cast["successor"].id, "Priya is on long leave.", idea.version)
    db.session.commit()
    assert idea.mentor_id == cast["successor"].id
    event = idea_events(idea)[-1]
    assert event.action == "idea.mentor_reassigned" and event.actor_id == cast["admin"].id
    assert event.changes == {"mentor_id": (cast["mentor"].id, cast["successor"].id)}
    assert event.reason == "Priya is on long leave."


@pytest.mark.parametrize(("who", "mentor", "reason", "refusal", "words"), [
    ("mentor", "successor", "Swap", Forbidden, "Only an administrator"),
    ("admin", None, "Swap", Invalid, "Choose the new mentor"),
    ("admin", "mentor", "Swap", Invalid, "already has this idea"),
    ("admin", "co_author", "Swap", Invalid, "submitted or co-wrote"),
    ("admin", "mentee", "Swap", Invalid, "submitted or co-wrote"),
    ("admin", "successor", "  ", Invalid, "Say why"),
    ("admin", "successor", "Patient MRN 1234567 complained", Invalid, "record number"),
    ("admin", "admin", "Swap", Invalid, "Choose an active mentor"),
])
def test_refusals(cast, idea, who, mentor, reason, refusal, words):
    chosen = cast[mentor].id if mentor else None
    with pytest.raises(refusal, match=words):
        reassign_mentor(idea, cast[who], chosen, reason, idea.version)
    db.session.rollback()
    assert idea.mentor_id == cast["mentor"].id


def test_no_mentor_to_replace_before_review(cast):
    draft = make_idea(cast["mentee"], Stage.SUBMITTED)
    with pytest.raises(Invalid, match="no mentor to replace"):
        reassign_mentor(draft, cast["admin"], cast["successor"].id, "Swap", draft.version)


def test_a_stale_version_is_a_conflict(cast, idea):
    with pytest.raises(Conflict):
        reassign_mentor(idea, cast["admin"], cast["successor"].id, "Swap", idea.version - 1)


def test_the_page_reassigns_and_keeps_input_on_refusal(client, cast, idea):
    sign_in_fully(client, cast["admin"])
    path = f"/ideas/{idea.id}/mentor"
    refused = client.post(path, data={"csrf_token": page_token(client, path), "version": idea.version,
                                      "mentor": str(cast["successor"].id), "reason": ""})
    assert refused.status_code == 422 and b"Say why the mentor changes." in refused.data
    assert f'<option selected value="{cast["successor"].id}">'.encode() in refused.data
    done = client.post(path, data={"csrf_token": page_token(client, path), "version": idea.version,
                                   "mentor": str(cast["successor"].id), "reason": "Long leave"})
    assert done.status_code == 302
    db.session.refresh(idea)
    assert idea.mentor_id == cast["successor"].id
    assert b"Reassign mentor" in client.get(f"/ideas/{idea.id}").data


def test_a_leaving_mentors_ideas_are_open_work_handed_to_a_successor(app, cast, idea):
    items = [item for item in open_work(cast["mentor"]) if item.kind == "mentored_ideas"]
    assert [item.ref for item in items] == [idea.id]
    assert cast["mentee"].id in items[0].not_to and cast["co_author"].id in items[0].not_to
    with app.test_request_context():
        from flask_login import login_user

        login_user(cast["admin"])
        message = hand_over(items[0], cast["successor"], "Priya left the trust.")
        db.session.commit()
    assert "Ravi Patel" in message
    db.session.refresh(idea)
    assert idea.mentor_id == cast["successor"].id
    assert open_work(cast["mentor"]) == []
