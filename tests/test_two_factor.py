"""Two-step sign-in (TOTP) for admin and committee accounts that use a password."""
import pyotp
import time_machine
from sqlalchemy import select

from ideas.accounts.models import Role, User
from ideas.clock import utcnow
from ideas.extensions import db
from tests.conftest import page_token, sign_in
from tests.support.audit import events
from tests.support.two_factor import enrol


def test_committee_member_must_enrol_before_anything_else(client, create_user):
    user = create_user(Role.COMMITTEE, enrolled=False)
    sign_in(client, user)
    assert client.get("/").headers["Location"] == "/account/two-factor"
    assert client.get("/account/password").headers["Location"] == "/account/two-factor"


def test_enrolled_admin_needs_the_code(client, create_user):
    user = create_user(Role.ADMIN, enrolled=False)
    with time_machine.travel(utcnow(), tick=False) as clock:
        secret, _ = enrol(client, user)
        client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
        clock.shift(60)

        response = sign_in(client, user)
        assert response.headers["Location"] == "/sign-in/code"
        assert client.get("/").status_code == 302  # not signed in yet

        wrong = client.post("/sign-in/code", data={"code": "000000", "csrf_token": page_token(client, "/sign-in/code")})
        assert wrong.status_code == 422 and b"not right" in wrong.data
        [failed] = events("user.sign_in_code_failed")
        assert failed.entity_id == str(user.id) and failed.outcome == "denied" and b"000000" not in failed.canonical

        code = pyotp.TOTP(secret).now()
        right = client.post("/sign-in/code", data={"code": code, "csrf_token": page_token(client, "/sign-in/code")})
        assert right.status_code == 302 and right.headers["Location"] == "/"
        assert client.get("/").status_code == 200

        client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
        sign_in(client, user)
        replay = client.post("/sign-in/code", data={"code": code, "csrf_token": page_token(client, "/sign-in/code")})
        assert replay.status_code == 422  # the same code is not accepted twice


def test_code_step_times_out(client, create_user):
    user = create_user(Role.ADMIN, enrolled=False)
    with time_machine.travel(utcnow(), tick=False) as clock:
        enrol(client, user)
        client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
        clock.shift(60)
        sign_in(client, user)
        clock.shift(301)
        response = client.get("/sign-in/code")
        assert response.headers["Location"] == "/sign-in"


def test_mentor_is_not_asked_for_a_code(client, create_user):
    user = create_user(Role.MENTOR)
    assert sign_in(client, user).headers["Location"] == "/"
    assert db.session.scalar(select(User.totp_secret).where(User.id == user.id)) is None


def test_wrong_enrolment_code_keeps_the_page(client, create_user):
    sign_in(client, create_user(Role.ADMIN, enrolled=False))
    response = client.post("/account/two-factor", data={
        "code": "123", "csrf_token": page_token(client, "/account/two-factor")})
    assert response.status_code == 422 and b"not right" in response.data
