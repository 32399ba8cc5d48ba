"""Sessions: no fixation, sign-out and timeouts end them on the server, cookie flags."""
from datetime import timedelta

import time_machine
from sqlalchemy import select, text

from ideas.accounts.models import UserSession
from ideas.clock import utcnow
from ideas.extensions import db
from tests.conftest import PASSWORD, page_token, sign_in


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_sign_in_starts_a_new_session(client, create_user):
    user = create_user()
    with client.session_transaction() as planted:
        planted["sid"] = "attacker-chosen"
        planted["marker"] = "from before sign-in"
    sign_in(client, user)
    with client.session_transaction() as session:
        assert session["sid"] != "attacker-chosen"
        assert "marker" not in session


def test_replayed_cookie_after_sign_out_is_refused(client, create_user):
    sign_in(client, create_user())
    stolen = session_cookie(client)
    response = client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    assert response.status_code == 302
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 302
    row = db.session.scalar(select(UserSession))
    assert row.ended_reason == "signed_out"


def test_idle_timeout_ends_the_session(client, create_user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, create_user())
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert db.session.scalar(select(UserSession.ended_reason)) == "idle_timeout"


def test_absolute_timeout_ends_even_a_busy_session(client, create_user):
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, create_user())
        for _ in range(11 * 3):  # active every 20 minutes for 11 hours
            clock.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(hours=1, minutes=1))
        assert client.get("/").status_code == 302
    assert db.session.scalar(select(UserSession.ended_reason)) == "absolute_timeout"


def test_password_change_ends_other_sessions(app, create_user):
    user = create_user()
    ward, office = app.test_client(), app.test_client()
    sign_in(ward, user)
    sign_in(office, user)
    response = office.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a new long passphrase",
        "confirm_password": "a new long passphrase", "csrf_token": page_token(office, "/account/password"),
    })
    assert response.status_code == 302
    assert ward.get("/").status_code == 302
    assert office.get("/").status_code == 200
    office.post("/sign-out", data={"csrf_token": page_token(office, "/")})
    assert sign_in(office, user).status_code == 422  # old password no longer works
    assert sign_in(office, user, "a new long passphrase").status_code == 302


def test_deactivated_user_is_signed_out(client, create_user):
    user = create_user()
    sign_in(client, user)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_cookie_flags_in_production(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True  # the production default
    response = client.get("/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # a browser-session cookie, no remember-me
    assert not any("remember" in c for c in response.headers.getlist("Set-Cookie"))


def test_session_token_is_stored_hashed(client, create_user):
    sign_in(client, create_user())
    with client.session_transaction() as session:
        token = session["sid"]
    stored = db.session.execute(text("SELECT token_hash FROM user_sessions")).scalar_one()
    assert token not in stored and len(stored) == 64
