"""One-time links that let a user set their password (an invitation, or an admin's reset).

Only the token's hash is stored; the link is shown to the admin once.
"""
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ideas.accounts.actor import acting_user
from ideas.accounts.models import Invite, User
from ideas.accounts.passwords import set_password
from ideas.accounts.sessions import end_all_sessions, token_digest
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db
from ideas.errors import Invalid


def revoke_invites(user: User) -> None:
    """Cancel the user's unused links."""
    now = utcnow()
    for invite in db.session.scalars(select(Invite).where(
            Invite.user_id == user.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))):
        invite.revoked_at = now


def issue_invite(user: User) -> str:
    """A new link token for the user, cancelling any earlier one (flushes)."""
    if not user.active:
        raise Invalid(f"{user.name} is deactivated; reactivate them before sending a link.")
    revoke_invites(user)
    token = secrets.token_urlsafe(32)
    invite = Invite(token_hash=token_digest(token), user=user, created_by=acting_user(),
                    expires_at=utcnow() + timedelta(hours=current_app.config["INVITE_HOURS"]))
    db.session.add(invite)
    db.session.flush()
    action = "user.password_reset_issued" if user.password_hash else "user.invited"
    record(action, entity=user, changes={"invite_expires_at": (None, invite.expires_at)})
    return token


def find_invite(token: str) -> Invite | None:
    """The live invite for this token, or None when it is unknown, used, cancelled or expired."""
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == token_digest(token)))
    return invite if invite is not None and invite.usable(utcnow()) else None


def accept_invite(invite: Invite, password: str) -> None:
    """Set the password once; every session of the user ends (flushes)."""
    user = invite.user
    old = user.password_changed_at
    invite.used_at = utcnow()
    set_password(user, password)
    end_all_sessions(user, "password_set")
    db.session.flush()
    record("user.password_changed", entity=user, actor=user, reason="set with a one-time link",
           changes={"password_changed_at": (old, user.password_changed_at)})
