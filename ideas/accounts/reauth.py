"""Re-authentication for signed actions (SPEC "Signed decisions"): the member's password, again."""
from datetime import timedelta

from sqlalchemy import func, select

from ideas.accounts.models import User
from ideas.accounts.passwords import check_password
from ideas.audit import record_refusal
from ideas.audit.models import AuditEvent
from ideas.clock import utcnow
from ideas.database import db
from ideas.errors import Invalid

SIGNED_BY = "re-authenticated"  # the password was entered again to sign (the column holds 40)
# Wrong passwords at a signature are counted from the audit trail, so every app server sees them.
FAILURES_ALLOWED, FAILURE_WINDOW = 5, timedelta(minutes=15)


def recent_failures(user: User, action: str = "signature.failed") -> int:
    """This user's failed signatures (or other refusals of `action`) within the window."""
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == action,
        AuditEvent.occurred_at > utcnow() - FAILURE_WINDOW))


def reauthenticate(user: User, password: object, meaning: str, entity=None) -> str:
    """The audit meaning of the signature, or Invalid on the password field; a wrong one is audited."""
    if not isinstance(password, str) or not password:
        raise Invalid("Your password: enter it again to sign.", field="password")
    if recent_failures(user) >= FAILURES_ALLOWED:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise Invalid(f"Your password: after {FAILURES_ALLOWED} wrong passwords, signing is paused for "
                      f"{minutes} minutes. Nothing was signed or saved.", field="password")
    if not check_password(user, password):
        record_refusal("signature.failed", entity=entity, meaning=meaning, actor=user,
                       reason="The password given to sign did not match.")
        raise Invalid("Your password: that is not your password, so nothing was signed or saved.", field="password")
    return f"{meaning}; {SIGNED_BY}"
