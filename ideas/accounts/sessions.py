"""Server-side sessions: sign-in starts one, sign-out and timeouts end it for good.

Flask keeps its session in a signed cookie that would outlive sign-out; the cookie here
only carries a random token whose hash must match a live `UserSession` row.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ideas.accounts.models import User, UserSession
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db, write_alone

TOUCH_EVERY = timedelta(seconds=60)
TIMEOUTS = ("idle_timeout", "absolute_timeout")


def token_digest(token: str) -> str:
    """What is stored of a random token: its SHA-256, in hex (the token has the entropy)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _ending(reason: str) -> dict:
    """What an ended session row holds: when, why, and no half-set-up code generator."""
    return {"ended_at": utcnow(), "ended_reason": reason, "totp_candidate": None}


def _end(row: UserSession, reason: str) -> None:
    for name, value in _ending(reason).items():
        setattr(row, name, value)


def start_session(user: User) -> UserSession:
    """Sign the user in on a fresh session: nothing from before sign-in survives."""
    session.clear()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=token_digest(token),
        user=user,
        client_address=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:255],
    )
    db.session.add(row)
    session["sid"] = token
    login_user(user)
    g.user_session = row
    record("user.signed_in", entity=user, actor=user)
    return row


def end_session(reason: str) -> None:
    """End the current session on the server and clear the cookie."""
    row = g.get("user_session")
    if row is not None and row.ended_at is None:
        _end(row, reason)
    logout_user()
    session.clear()


def end_other_sessions(user: User, reason: str) -> None:
    """End every live session of the user except the current one."""
    current = g.get("user_session")
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if current is not None and current.user_id == user.id:
        stmt = stmt.where(UserSession.id != current.id)
    db.session.execute(stmt.values(**_ending(reason)))


def end_all_sessions(user: User, reason: str) -> None:
    """End every live session of the user (deactivation)."""
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(**_ending(reason)))


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user of a live, unexpired session, or nobody."""
    token = session.get("sid")
    if not token:
        return None
    row = db.session.scalar(select(UserSession).options(joinedload(UserSession.user))  # every request: one read
                            .where(UserSession.token_hash == token_digest(token)))
    if row is None or row.ended_at is not None or str(row.user_id) != user_id or not row.user.active:
        session.clear()
        if row is not None and row.ended_reason in TIMEOUTS:  # a request racing the one that ended it
            g.session_expired = row.ended_reason
        return None
    now, cfg = utcnow(), current_app.config
    if now - row.created_at > timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]):
        return _expire(row, "absolute_timeout")
    if now - row.last_seen_at > timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        return _expire(row, "idle_timeout")
    if now - row.last_seen_at > TOUCH_EVERY:
        write_alone(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
    g.user_session = row
    return row.user


def _expire(row: UserSession, reason: str) -> None:
    _end(row, reason)
    record("user.session_expired", entity=row.user, actor=row.user, reason=reason)
    db.session.commit()
    session.clear()
    g.session_expired = reason
    return None
