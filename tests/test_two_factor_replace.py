"""Replacing the code generator needs the password and a current code; the new secret never rides in the cookie."""
import pyotp
import pytest
import time_machine
from sqlalchemy import select

from ideas.accounts.models import Role, User, UserSession
from ideas.clock import utcnow
from ideas.extensions import db
from tests.conftest import PASSWORD, current_code, page_token, sign_in, sign_in_fully
from tests.support.audit import events
from tests.support.two_factor import candidate, cookie_session, enrol

REPLACE = "/account/two-factor/replace"


@pytest.fixture
def frozen():
    """A clock that stands still, so each test knows which time steps its codes use."""
    with time_machine.travel(utcnow(), tick=False) as clock:
        yield clock


@pytest.fixture
def admin(client, create_user, frozen):
    user = create_user(Role.ADMIN)
    sign_in_fully(client, user)
    return user


def secret_of(user) -> str:
    return db.session.scalar(select(User.totp_secret).where(User.id == user.id))


def replace(client, **fields):
    token = page_token(client, REPLACE)
    return client.post(REPLACE, data={"csrf_token": token, **fields})


def good_fields(client, user) -> dict:
    """The password, a current code from the app in use, and a code from the new app the page showed."""
    client.get(REPLACE)
    client_secret = candidate(user)
    return {"current_password": PASSWORD, "current_code": current_code(user),
            "new_code": pyotp.TOTP(client_secret).now()}


def test_the_new_secret_is_shown_but_kept_on_the_server(client, admin):
    page = client.get(REPLACE)
    secret = candidate(admin)
    assert page.status_code == 200 and secret in page.get_data(as_text=True)
    assert secret not in client.get_cookie("session").value
    assert secret not in str(cookie_session(client))
    assert client.get(REPLACE) and candidate(admin) == secret  # the same one until it is used


def test_first_enrolment_keeps_the_candidate_out_of_the_cookie(client, create_user, frozen):
    user = create_user(Role.COMMITTEE, enrolled=False)
    sign_in(client, user)
    client.get("/account/two-factor")
    secret = candidate(user)
    assert secret not in str(cookie_session(client)) and secret not in client.get_cookie("session").value
    response = client.post("/account/two-factor", data={
        "code": pyotp.TOTP(secret).now(), "csrf_token": page_token(client, "/account/two-factor")})
    assert response.status_code == 200 and secret_of(user) == secret
    assert secret not in str(cookie_session(client))


def test_replacement_moves_sign_in_to_the_new_app(app, client, admin, frozen):
    other = app.test_client()
    sign_in_fully(other, admin)
    frozen.shift(60)  # past the time steps both sign-ins used
    old = secret_of(admin)
    fields = good_fields(client, admin)
    new = candidate(admin)
    response = replace(client, **fields)
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    assert secret_of(admin) == new != old
    assert candidate(admin) is None
    assert [e.outcome.value for e in events("user.two_factor_replaced")] == ["success"]
    assert other.get("/").status_code == 302  # the other computer is signed out
    assert client.get("/").status_code == 200  # this one is not

    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    sign_in(client, admin)
    code_step = page_token(client, "/sign-in/code")
    old_code = pyotp.TOTP(old).at(utcnow())
    assert client.post("/sign-in/code", data={"code": old_code, "csrf_token": code_step}).status_code == 422
    assert client.post("/sign-in/code", data={"code": current_code(admin), "csrf_token": code_step}).status_code == 302


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"current_password": ""}, "current_password", "Enter your password."),
    ({"current_password": "not my password"}, "current_password", "That is not your current password."),
    ({"current_code": ""}, "current_code", "Enter the current code from the app you use now."),
    ({"current_code": "000000"}, "current_code", "That is not the current code of the app you use now."),
    ({"new_code": ""}, "new_code", "Enter the code the new app shows."),
    ({"new_code": "000000"}, "new_code", "That code is not right."),
    ({"new_code": "1" * 40}, "new_code", "The code has 6 digits."),
])
def test_replacement_refused(client, admin, change, field, message):
    old = secret_of(admin)
    response = replace(client, **{**good_fields(client, admin), **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert PASSWORD not in html
    assert secret_of(admin) == old and candidate(admin) is not None
    assert events("user.two_factor_replaced") == []


def test_replacement_refused_with_the_code_already_used_to_sign_in(client, admin):
    old = secret_of(admin)
    used = pyotp.TOTP(old).now()  # sign_in_fully used this time step's code
    response = replace(client, **{**good_fields(client, admin), "current_code": used})
    assert response.status_code == 422 and b'id="current_code-error"' in response.data
    assert secret_of(admin) == old


def test_wrong_password_or_code_is_audited_and_limited(client, admin):
    for fields in [{"current_password": "wrong"}] * 3 + [{"current_code": "000000"}] * 2:
        assert replace(client, **{**good_fields(client, admin), **fields}).status_code == 422
    refusals = events("user.reauthentication_failed")
    assert len(refusals) == 5 and {e.outcome.value for e in refusals} == {"denied"}
    response = replace(client, **good_fields(client, admin))
    assert response.status_code == 422 and b"paused" in response.data
    assert events("user.two_factor_replaced") == []


def test_an_enrolled_user_cannot_replace_through_the_enrolment_form(client, admin):
    old = secret_of(admin)
    assert client.get("/account/two-factor").status_code == 200  # the status page, no candidate
    client.get(REPLACE)
    response = client.post("/account/two-factor", data={
        "code": pyotp.TOTP(candidate(admin)).now(), "csrf_token": page_token(client, "/account/two-factor")})
    assert response.status_code == 422 and b"on already" in response.data
    assert secret_of(admin) == old


def test_enrolment_clears_the_candidate(client, create_user, frozen):
    user = create_user(Role.ADMIN, enrolled=False)
    secret, codes = enrol(client, user)
    assert secret_of(user) == secret and candidate(user) is None and len(codes) == 10


def test_signing_out_discards_the_candidate(client, admin):
    client.get(REPLACE)
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    assert db.session.scalars(select(UserSession.totp_candidate)).all() == [None]


def test_without_a_factor_replace_leads_to_set_up(client, signed_in):
    signed_in(Role.MENTOR)
    assert client.get(REPLACE).headers["Location"] == "/account/two-factor"
