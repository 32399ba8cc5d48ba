"""Creating, editing and listing users; the invitation link shown once."""
import re

import pytest
from sqlalchemy import select

from ideas.accounts.models import Invite, Role, Site, Unit, User
from ideas.extensions import db
from tests.admin.conftest import count_queries, post


def user_form(**overrides) -> dict:
    return {"name": "Ana Silva", "email": "ana.silva@hospital.example", "roles": ["mentee"], "home_unit": "",
            **overrides}


@pytest.fixture
def ward(app) -> Unit:
    site = Site(name="Riverside General")
    unit = Unit(site=site, name="Ward 4B")
    db.session.add_all([site, unit])
    db.session.commit()
    return unit


def test_admin_adds_a_user_and_sees_the_link_once(client, admin, ward):
    response = post(client, "/admin/users/new", user_form(roles=["mentee", "mentor"], home_unit=str(ward.id)))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    link = re.search(r'value="(http://localhost/set-password\?token=[^"]+)"', html).group(1)
    assert "This is the only time the link is shown" in html

    user = db.session.scalar(select(User).where(User.email == "ana.silva@hospital.example"))
    assert user.roles == {Role.MENTEE, Role.MENTOR}
    assert user.home_unit_id == ward.id and user.password_hash is None
    invite = db.session.scalar(select(Invite).where(Invite.user_id == user.id))
    token = link.rsplit("=", 1)[1]
    assert token not in invite.token_hash and len(invite.token_hash) == 64

    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert token not in page and "Make a new invitation link" in page


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"email": "quality@hospital.example"}, "email", "already exists"),
    ({"email": "QUALITY@Hospital.example"}, "email", "already exists"),
    ({"email": "not an address"}, "email", "must have an @-sign"),
    ({"email": ""}, "email", "Enter an e-mail address."),
    ({"roles": []}, "roles", "Give the user at least one role."),
    ({"roles": ["superuser"]}, "roles", "valid choice"),
    ({"name": "   "}, "name", "Enter the person&#39;s name."),
    ({"name": "x" * 121}, "name", "Keep the name to 120 characters."),
    ({"home_unit": "999"}, "home_unit", "Not a valid choice"),
    ({"home_unit": "ward"}, "home_unit", "Invalid Choice"),
])
def test_bad_user_input_is_explained_and_kept(client, admin, overrides, field, message):
    data = user_form(**overrides)
    response = post(client, "/admin/users/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if field != "roles":
        assert f'id="{field}-error"' in html
    assert 'value="Ana Silva"' in html or field == "name"
    assert db.session.scalar(select(User).where(User.name == "Ana Silva")) is None
    assert db.session.scalar(select(Invite.id)) is None


def test_admin_edits_details_roles_and_home_unit(client, admin, create_user, ward):
    user = create_user(Role.MENTEE, name="Sam Rivera", email="sam@hospital.example")
    response = post(client, f"/admin/users/{user.id}", user_form(
        name="Sam Rivera-Lee", email="sam.lee@hospital.example", roles=["mentee", "committee"], home_unit=str(ward.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert (user.name, user.email, user.home_unit_id) == ("Sam Rivera-Lee", "sam.lee@hospital.example", ward.id)
    assert user.roles == {Role.MENTEE, Role.COMMITTEE}
    assert "Saved Sam Rivera-Lee." in client.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_editing_to_a_taken_email_is_refused_and_kept(client, admin, create_user):
    user = create_user(Role.MENTEE)
    response = post(client, f"/admin/users/{user.id}", user_form(email=admin.email))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "already exists" in html and f'value="{admin.email}"' in html
    db.session.expire_all()
    assert user.email != admin.email


def test_the_last_admin_cannot_lose_the_admin_role(client, admin):
    response = post(client, f"/admin/users/{admin.id}", user_form(name=admin.name, email=admin.email, roles=["mentor"]))
    assert response.status_code == 422
    assert "last active administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.roles == {Role.ADMIN}


def test_an_admin_may_step_down_when_another_remains(client, admin, create_user):
    create_user(Role.ADMIN)
    response = post(client, f"/admin/users/{admin.id}", user_form(name=admin.name, email=admin.email, roles=["mentor"]))
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 403


def test_a_new_link_replaces_the_old_one(client, admin, create_user):
    user = create_user(Role.MENTOR)
    first = post(client, f"/admin/users/{user.id}/invite").get_data(as_text=True)
    assert "Reset password" in first or "New sign-in link" in first
    second = post(client, f"/admin/users/{user.id}/invite")
    assert second.status_code == 200
    invites = db.session.scalars(select(Invite).where(Invite.user_id == user.id).order_by(Invite.id)).all()
    assert [i.revoked_at is not None for i in invites] == [True, False]


def test_users_list_searches_filters_and_pages(client, admin, create_user):
    for n in range(55):
        create_user(Role.MENTEE, name=f"Nurse {n:02d}", email=f"nurse{n:02d}@hospital.example")
    create_user(Role.MENTOR, name="Dr 100% O_Brien", email="obrien@hospital.example")

    first = client.get("/admin/users").get_data(as_text=True)
    assert "57 users, page 1 of 2" in first and first.count("/admin/users/") >= 50
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "page 2 of 2" in second
    assert "Nurse 54" in client.get("/admin/users?q=nurse54@").get_data(as_text=True)
    only_mentors = client.get("/admin/users?role=mentor").get_data(as_text=True)
    assert "1 user" in only_mentors and "Dr 100% O_Brien" in only_mentors
    assert "1 user" in client.get("/admin/users?q=100%").get_data(as_text=True)
    assert "1 user" in client.get("/admin/users?q=o_b").get_data(as_text=True)
    assert "No users match" in client.get("/admin/users?q=zzz").get_data(as_text=True)
    too_long = client.get("/admin/users?q=" + "x" * 100_000)  # SQLite refuses LIKE patterns this long
    assert too_long.status_code == 200 and "No users match" in too_long.get_data(as_text=True)
    assert client.get("/admin/users?page=99").status_code == 200
    assert client.get("/admin/users?page=abc&role=nonsense&status=nonsense").status_code == 200


def test_users_list_filters_by_status(client, admin, create_user):
    gone = create_user(Role.MENTEE, name="Left Last Year")
    gone.active = False
    db.session.commit()
    assert "Left Last Year" not in client.get("/admin/users").get_data(as_text=True)
    assert "Left Last Year" in client.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Left Last Year" in client.get("/admin/users?status=all").get_data(as_text=True)


def test_users_list_htmx_request_gets_the_fragment(client, admin):
    response = client.get("/admin/users?q=quality", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Quality Office" in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_users_list_query_count_does_not_grow_with_rows(client, admin, create_user, ward):
    def queries() -> int:
        with count_queries() as count:
            assert client.get("/admin/users").status_code == 200
        return count()

    create_user(Role.MENTEE)
    few = queries()
    for n in range(30):
        user = create_user(Role.MENTEE, Role.MENTOR)
        user.home_unit = ward
    db.session.commit()
    assert queries() == few
