"""Two-step sign-in in tests: the candidate secret kept on the server, enrolling, the cookie's contents."""
import re

import pyotp
from flask import current_app
from sqlalchemy import select

from ideas.accounts.models import UserSession
from ideas.extensions import db
from tests.conftest import page_token, sign_in

CODE = re.compile(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")


def candidate(user) -> str:
    """The secret being set up in the user's live session (read from the database, not the cookie)."""
    return db.session.scalar(select(UserSession.totp_candidate).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.totp_candidate.is_not(None)))


def cookie_session(client) -> dict:
    """What Flask's signed cookie holds, decoded with the app's own session interface."""
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    return serializer.loads(client.get_cookie("session").value)


def recovery_codes(html: str) -> list[str]:
    return CODE.findall(html)


def enrol(client, user) -> tuple[str, list[str]]:
    """Sign in, get sent to enrolment, confirm a code; returns the secret and the recovery codes shown."""
    response = sign_in(client, user)
    assert response.headers["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = candidate(user)
    assert secret and secret in page
    response = client.post("/account/two-factor", data={
        "code": pyotp.TOTP(secret).now(), "csrf_token": page_token(client, "/account/two-factor")})
    assert response.status_code == 200, response.get_data(as_text=True)
    return secret, recovery_codes(response.get_data(as_text=True))
