"""Pairing mentees with mentors: one open mentor per mentee; the page and the command."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ideas.accounts.models import MentorPairing, Role
from ideas.accounts.pairings import mentor_of, pair_mentee
from ideas.errors import Invalid
from ideas.extensions import db
from tests.admin.conftest import post


@pytest.fixture
def people(create_user):
    return {
        "maya": create_user(Role.MENTEE, name="Maya Okafor", email="maya@hospital.example"),
        "priya": create_user(Role.MENTOR, name="Priya Shah", email="priya@hospital.example"),
        "tom": create_user(Role.MENTOR, Role.MENTEE, name="Tom Berg", email="tom@hospital.example"),
        "grace": create_user(Role.COMMITTEE, name="Grace Kim", email="grace@hospital.example"),
    }


def test_admin_pairs_a_mentee_with_a_mentor(client, admin, people):
    maya, priya = people["maya"], people["priya"]
    page = client.get("/admin/pairings").get_data(as_text=True)
    assert "Maya Okafor" in page.split("Mentees without a mentor")[1]
    response = post(client, "/admin/pairings", {"mentee": maya.id, "mentor": priya.id})
    assert response.status_code == 302
    page = client.get("/admin/pairings").get_data(as_text=True)
    assert "Priya Shah is now Maya Okafor&#39;s mentor." in page
    pairing = db.session.scalar(select(MentorPairing))
    assert (pairing.mentee_id, pairing.mentor_id, pairing.created_by_id) == (maya.id, priya.id, admin.id)
    assert pairing.ended_at is None


def test_pairing_again_hands_the_mentee_to_the_new_mentor(client, admin, people):
    maya, priya, tom = people["maya"], people["priya"], people["tom"]
    post(client, "/admin/pairings", {"mentee": maya.id, "mentor": priya.id})
    post(client, "/admin/pairings", {"mentee": maya.id, "mentor": tom.id})
    pairings = db.session.scalars(select(MentorPairing).order_by(MentorPairing.id)).all()
    assert [(p.mentor_id, p.ended_at is None) for p in pairings] == [(priya.id, False), (tom.id, True)]
    assert mentor_of(maya).id == tom.id


@pytest.mark.parametrize(("mentee", "mentor", "field", "message"), [
    ("tom", "tom", "mentor", "Tom Berg cannot be their own mentor"),
    ("maya", "grace", "mentor", "Grace Kim is not an active mentor"),
    ("grace", "priya", "mentee", "Grace Kim is not an active mentee"),
    ("maya", None, "mentor", "Choose a mentor."),
    (None, "priya", "mentee", "Choose a mentee."),
])
def test_bad_pairings_are_refused_with_a_reason(client, admin, people, mentee, mentor, field, message):
    data = {"mentee": people[mentee].id if mentee else "", "mentor": people[mentor].id if mentor else ""}
    response = post(client, "/admin/pairings", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'id="{field}-error"' in html
    if mentee == "maya":  # a person who is no mentee is not offered, so cannot stay selected
        assert f'<option selected value="{people[mentee].id}">' in html
    assert db.session.scalar(select(MentorPairing.id)) is None


def test_pairing_with_the_same_mentor_twice_is_refused(client, admin, people):
    maya, priya = people["maya"], people["priya"]
    post(client, "/admin/pairings", {"mentee": maya.id, "mentor": priya.id})
    response = post(client, "/admin/pairings", {"mentee": maya.id, "mentor": priya.id})
    assert response.status_code == 422 and "already Maya Okafor&#39;s mentor" in response.get_data(as_text=True)


def test_unknown_people_are_refused(client, admin):
    response = post(client, "/admin/pairings", {"mentee": "9999", "mentor": "9998"})
    assert response.status_code == 422 and "no longer exists" in response.get_data(as_text=True)


def test_a_deactivated_mentor_cannot_be_paired(app, people):
    people["priya"].active = False
    with pytest.raises(Invalid, match="not an active mentor"):
        pair_mentee(people["maya"], people["priya"])


def test_admin_ends_a_pairing(client, admin, people):
    post(client, "/admin/pairings", {"mentee": people["maya"].id, "mentor": people["priya"].id})
    pairing = db.session.scalar(select(MentorPairing))
    assert post(client, f"/admin/pairings/{pairing.id}/end").status_code == 302
    db.session.expire_all()
    assert pairing.ended_at is not None and mentor_of(people["maya"]) is None
    again = post(client, f"/admin/pairings/{pairing.id}/end")
    assert "already ended" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_the_database_allows_one_open_pairing_per_mentee(app, people):
    db.session.add_all([MentorPairing(mentee=people["maya"], mentor=people["priya"]),
                        MentorPairing(mentee=people["maya"], mentor=people["tom"])])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_a_self_pairing(app, people):
    db.session.add(MentorPairing(mentee=people["tom"], mentor=people["tom"]))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_removing_a_role_that_a_pairing_needs_is_refused(client, admin, people):
    maya, priya = people["maya"], people["priya"]
    post(client, "/admin/pairings", {"mentee": maya.id, "mentor": priya.id})
    for user, roles, message in [(priya, ["committee"], "is the mentor of Maya Okafor"),
                                 (maya, ["committee"], "is paired with Priya Shah")]:
        response = post(client, f"/admin/users/{user.id}",
                        {"name": user.name, "email": user.email, "roles": roles, "home_unit": ""})
        assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_users_pair_command(runner, people):
    result = runner.invoke(args=["users", "pair", "MAYA@hospital.example", "priya@hospital.example"])
    assert result.exit_code == 0, result.output
    assert "Priya Shah (priya@hospital.example) is now the mentor of Maya Okafor" in result.output
    assert mentor_of(people["maya"]).id == people["priya"].id
    pairing = db.session.scalar(select(MentorPairing))
    assert pairing.created_by_id is None  # the command line acts as the system


@pytest.mark.parametrize(("args", "message"), [
    (["maya@hospital.example", "nobody@hospital.example"], "No user has the e-mail address nobody@hospital.example"),
    (["tom@hospital.example", "tom@hospital.example"], "cannot be their own mentor"),
    (["maya@hospital.example", "grace@hospital.example"], "is not an active mentor"),
])
def test_users_pair_command_refusals(runner, people, args, message):
    result = runner.invoke(args=["users", "pair", *args])
    assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(MentorPairing.id)) is None
