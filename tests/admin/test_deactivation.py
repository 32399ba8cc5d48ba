"""Deactivation: open work listed and handed over, sessions ended, the last admin kept."""
from sqlalchemy import select

from ideas.accounts.handover import open_work
from ideas.accounts.models import MentorPairing, Role, UserSession
from ideas.accounts.pairings import mentor_of, pair_mentee
from ideas.extensions import db
from tests.admin.conftest import post
from tests.conftest import sign_in


def paired(create_user):
    mentor = create_user(Role.MENTOR, name="Dr Priya Shah")
    mentees = [create_user(Role.MENTEE, name=name) for name in ("Maya Okafor", "Sam Rivera")]
    for mentee in mentees:
        pair_mentee(mentee, mentor)
    db.session.commit()
    return mentor, mentees


def test_open_work_lists_a_mentors_mentees(app, create_user):
    mentor, mentees = paired(create_user)
    assert [item.summary for item in open_work(mentor)] == ["Mentor to Maya Okafor", "Mentor to Sam Rivera"]
    assert open_work(mentees[0]) == []


def test_the_deactivation_page_lists_open_work(client, admin, create_user):
    mentor, _ = paired(create_user)
    html = client.get(f"/admin/users/{mentor.id}/deactivate").get_data(as_text=True)
    assert "Open work to hand over" in html
    assert "Mentor to Maya Okafor" in html and "Mentor to Sam Rivera" in html


def test_deactivation_hands_mentees_to_successors_or_releases_them(client, admin, create_user):
    mentor, (maya, sam) = paired(create_user)
    successor = create_user(Role.MENTOR, name="Tom Berg")
    items = {item.summary: item.key for item in open_work(mentor)}
    response = post(client, f"/admin/users/{mentor.id}/deactivate", {
        items["Mentor to Maya Okafor"]: str(successor.id), items["Mentor to Sam Rivera"]: "",
        "reason": "Left the trust"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is deactivated and signed out everywhere" in page
    assert "Maya Okafor&#39;s mentor is now Tom Berg." in page
    assert "Sam Rivera has no mentor until paired again" in page

    db.session.expire_all()
    assert not mentor.active
    assert mentor_of(maya).id == successor.id and mentor_of(sam) is None
    assert open_work(mentor) == []
    assert "Sam Rivera" in client.get("/admin/pairings").get_data(as_text=True).split("Mentees without a mentor")[1]


def test_a_successor_must_be_an_offered_choice(client, admin, create_user):
    mentor, (maya, _) = paired(create_user)
    key = open_work(mentor)[0].key
    response = post(client, f"/admin/users/{mentor.id}/deactivate", {key: str(maya.id)})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert mentor.active


def test_work_that_appeared_after_the_page_was_shown_is_not_released_unseen(client, admin, create_user):
    mentor, _ = paired(create_user)
    response = post(client, f"/admin/users/{mentor.id}/deactivate", {"reason": ""})
    assert response.status_code == 422
    assert "More open work appeared" in response.get_data(as_text=True)
    db.session.expire_all()
    assert mentor.active


def test_deactivation_ends_every_session_of_the_user(app, client, admin, create_user):
    user = create_user(Role.MENTEE)
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert elsewhere.get("/").status_code == 200
    assert post(client, f"/admin/users/{user.id}/deactivate", {}).status_code == 302
    assert elsewhere.get("/").status_code == 302
    reasons = db.session.scalars(select(UserSession.ended_reason).where(UserSession.user_id == user.id)).all()
    assert reasons == ["deactivated"]
    assert sign_in(app.test_client(), user).status_code == 422  # refused


def test_a_deactivated_mentees_pairing_ends(client, admin, create_user):
    _, (maya, _) = paired(create_user)
    post(client, f"/admin/users/{maya.id}/deactivate", {})
    pairing = db.session.scalar(select(MentorPairing).where(MentorPairing.mentee_id == maya.id))
    assert pairing.ended_at is not None


def test_the_last_admin_cannot_be_deactivated(client, admin):
    response = post(client, f"/admin/users/{admin.id}/deactivate", {"reason": "testing"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "last active administrator" in html and "testing</textarea>" in html
    db.session.expire_all()
    assert admin.active


def test_an_admin_cannot_deactivate_themselves(client, admin, create_user):
    create_user(Role.ADMIN)
    response = post(client, f"/admin/users/{admin.id}/deactivate", {})
    assert response.status_code == 422 and "your own account" in response.get_data(as_text=True)


def test_another_admin_can_be_deactivated(client, admin, create_user):
    other = create_user(Role.ADMIN)
    assert post(client, f"/admin/users/{other.id}/deactivate", {}).status_code == 302
    db.session.expire_all()
    assert not other.active


def test_reactivation(client, admin, create_user):
    user = create_user(Role.MENTEE)
    post(client, f"/admin/users/{user.id}/deactivate", {})
    response = post(client, f"/admin/users/{user.id}/reactivate")
    assert response.status_code == 302
    assert "is active again" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert user.active
    again = post(client, f"/admin/users/{user.id}/reactivate")
    assert "already active" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_no_link_for_a_deactivated_user(client, admin, create_user):
    user = create_user(Role.MENTEE)
    post(client, f"/admin/users/{user.id}/deactivate", {})
    response = post(client, f"/admin/users/{user.id}/invite")
    assert response.status_code == 302
    assert "reactivate them" in client.get(response.headers["Location"]).get_data(as_text=True)
