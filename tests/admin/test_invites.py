"""The one-time link: sets a password once, expires, is replaced by a newer one."""
from datetime import timedelta

import time_machine
from sqlalchemy import select

from ideas.accounts.invites import issue_invite
from ideas.accounts.models import Role, UserSession
from ideas.clock import utcnow
from ideas.extensions import db
from tests.conftest import PASSWORD, page_token, sign_in

NEW_PASSWORD = "a long and new passphrase"


def make_link(user) -> str:
    token = issue_invite(user)
    db.session.commit()
    return f"/set-password?token={token}"


def set_password(client, link: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(link, data={"new_password": password, "confirm_password": again or password,
                                   "csrf_token": page_token(client, link)})


def test_the_link_sets_the_password_once(client, create_user):
    user = create_user(Role.MENTEE, password=None)
    link = make_link(user)
    assert f"Choose a password for <strong>{user.email}</strong>" in client.get(link).get_data(as_text=True)

    response = set_password(client, link)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Your password is set" in client.get("/sign-in").get_data(as_text=True)
    assert sign_in(client, user, NEW_PASSWORD).status_code == 302

    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    again = client.get(link)
    assert again.status_code == 404 and "This link cannot be used" in again.get_data(as_text=True)
    assert set_password(client, link, "another long passphrase").status_code == 404


def test_the_link_expires(app, client, create_user):
    user = create_user(Role.MENTEE)
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        link = make_link(user)
        clock.shift(timedelta(hours=app.config["INVITE_HOURS"]) - timedelta(minutes=1))
        assert client.get(link).status_code == 200
        clock.shift(timedelta(minutes=2))
        assert client.get(link).status_code == 404
        assert set_password(client, link).status_code == 404
    assert sign_in(client, user, PASSWORD).status_code == 302  # the old password still works


def test_a_newer_link_replaces_the_older(client, create_user):
    user = create_user(Role.MENTEE)
    old, new = make_link(user), make_link(user)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_deactivated_users_link_does_not_work(client, create_user):
    user = create_user(Role.MENTEE)
    link = make_link(user)
    user.active = False
    db.session.commit()
    assert client.get(link).status_code == 404


def test_unknown_tokens_are_refused(client):
    assert client.get("/set-password?token=not-a-token").status_code == 404
    assert client.get("/set-password").status_code == 404


def test_weak_or_mismatched_passwords_are_explained_and_the_link_still_works(client, create_user):
    user = create_user(Role.MENTEE, password=None)
    link = make_link(user)
    short = set_password(client, link, "short")
    assert short.status_code == 422
    assert "Use at least 12 characters" in short.get_data(as_text=True)
    assert 'value="short"' not in short.get_data(as_text=True)
    mismatch = set_password(client, link, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422 and "are not the same" in mismatch.get_data(as_text=True)
    db.session.expire_all()
    assert user.password_hash is None
    assert set_password(client, link).status_code == 302


def test_using_a_reset_link_ends_the_users_sessions(app, client, create_user):
    user = create_user(Role.MENTEE)
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert elsewhere.get("/").status_code == 200
    set_password(client, make_link(user))
    assert elsewhere.get("/").status_code == 302
    assert db.session.scalar(select(UserSession.ended_reason).where(UserSession.user_id == user.id)) == "password_set"


def test_someone_signed_in_as_another_user_is_told_to_sign_out(client, create_user):
    other = create_user(Role.MENTEE)
    sign_in(client, other)
    user = create_user(Role.MENTEE, password=None)
    html = client.get(make_link(user)).get_data(as_text=True)
    assert f"You are signed in as {other.name}" in html and 'name="new_password"' not in html
