"""Recovery codes: shown once, stored hashed, each works once at the code step, new ones replace the old."""
import hashlib

import pytest
import time_machine
from sqlalchemy import select

from ideas.accounts.models import RecoveryCode, Role
from ideas.clock import utcnow
from ideas.extensions import db
from tests.conftest import PASSWORD, csrf_token, page_token, sign_in
from tests.support.audit import changes, events
from tests.support.two_factor import enrol, recovery_codes

NEW_CODES = "/account/two-factor/recovery-codes"


@pytest.fixture
def enrolled(client, create_user):
    """A committee member who has just enrolled (and is signed in); their recovery codes."""
    with time_machine.travel(utcnow(), tick=False):
        user = create_user(Role.COMMITTEE, enrolled=False)
        _, codes = enrol(client, user)
    return user, codes


def code_step(client, user, code: str):
    """Sign out (if signed in), sign in with the password, then answer the code step with `code`."""
    if (home := client.get("/")).status_code == 200:
        client.post("/sign-out", data={"csrf_token": csrf_token(home.get_data(as_text=True))})
    assert sign_in(client, user).headers["Location"] == "/sign-in/code"
    return client.post("/sign-in/code", data={"code": code, "csrf_token": page_token(client, "/sign-in/code")})


def new_codes(client, password: str = PASSWORD):
    return client.post(NEW_CODES, data={"current_password": password,
                                        "csrf_token": page_token(client, "/account/two-factor")})


def test_ten_codes_shown_once_and_stored_hashed(client, enrolled):
    user, codes = enrolled
    assert len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert sorted(stored) == sorted(hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes)
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)
    for page in ("/account/two-factor", "/account/password", "/"):
        html = client.get(page).get_data(as_text=True)
        assert not any(code in html or code.replace("-", "") in html for code in codes), page
    issued = events("user.recovery_codes_issued")
    assert len(issued) == 1 and changes(issued[0]) == {"codes_left": (None, 10)}


def test_a_code_signs_in_once_and_not_twice(client, enrolled):
    user, codes = enrolled
    typed = " " + codes[0].upper().replace("-", " ") + " "  # as read aloud from paper
    response = code_step(client, user, typed)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Recovery codes left: 9." in client.get("/").get_data(as_text=True)
    used = events("user.recovery_code_used")
    assert len(used) == 1 and used[0].actor_id == user.id and changes(used[0]) == {"codes_left": (10, 9)}
    assert "Recovery codes left: <strong>9</strong>" in client.get("/account/password").get_data(as_text=True)

    again = code_step(client, user, codes[0])
    assert again.status_code == 422 and b'id="code-error"' in again.data
    assert len(events("user.recovery_code_used")) == 1
    assert code_step(client, user, codes[1]).status_code == 302


def test_another_users_code_does_not_work(client, create_user, enrolled):
    _, codes = enrolled
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    other = create_user(Role.ADMIN)
    sign_in(client, other)
    response = client.post("/sign-in/code", data={"code": codes[0], "csrf_token": page_token(client, "/sign-in/code")})
    assert response.status_code == 422
    assert events("user.recovery_code_used") == []


def test_new_codes_replace_the_old_set(client, enrolled):
    user, old = enrolled
    response = new_codes(client)
    assert response.status_code == 200 and b"only time" in response.data
    fresh = recovery_codes(response.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(old)
    assert len(events("user.recovery_codes_issued")) == 2
    assert len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)).all()) == 10
    assert code_step(client, user, old[0]).status_code == 422
    assert code_step(client, user, fresh[0]).status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("", "Enter your password."), ("not my password", "That is not your current password.")])
def test_new_codes_need_the_password(client, enrolled, password, message):
    user, old = enrolled
    response = new_codes(client, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="current_password-error"' in html and message in html
    assert recovery_codes(html) == []
    assert len(events("user.recovery_codes_issued")) == 1
    assert code_step(client, user, old[0]).status_code == 302  # the old set still works


def test_wrong_password_for_new_codes_is_audited(client, enrolled):
    new_codes(client, "not my password")
    refusal = events("user.reauthentication_failed")[-1]
    assert refusal.outcome.value == "denied" and refusal.reason == "new recovery codes"


def test_no_codes_without_two_step_sign_in(client, signed_in):
    signed_in(Role.MENTOR)
    response = new_codes(client)
    assert response.status_code == 422 and b"set that up first" in response.data
    assert db.session.scalar(select(RecoveryCode.id)) is None


@pytest.mark.parametrize("typed", ["²" * 12, "\x00" * 12, "abcd-efgh-jkm\u00e9", "x" * 21, "a" * 12])
def test_odd_input_at_the_code_step_is_a_clear_refusal(client, enrolled, typed):
    user, _ = enrolled
    response = code_step(client, user, typed)
    assert response.status_code == 422 and b'id="code-error"' in response.data


def test_the_account_page_links_to_two_step_sign_in(client, enrolled):
    html = client.get("/account/password").get_data(as_text=True)
    assert 'href="/account/two-factor"' in html and "Recovery codes left: <strong>10</strong>" in html
    status = client.get("/account/two-factor").get_data(as_text=True)
    assert 'href="/account/two-factor/replace"' in status and "<strong>10</strong>" in status


def test_the_account_page_offers_set_up_without_a_factor(client, signed_in):
    signed_in(Role.MENTEE)
    html = client.get("/account/password").get_data(as_text=True)
    assert "Set up two-step sign-in" in html and 'href="/account/two-factor"' in html
