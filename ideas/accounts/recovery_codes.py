"""Recovery codes: single-use stand-ins for the authenticator app at sign-in.

Only a SHA-256 of each code is kept. A slow hash (argon2) protects guessable passwords; these
codes are random (12 characters of 31, about 59 bits), so a fast hash is as safe, and it lets
sign-in find a code with one indexed query instead of one argon2 check per stored code.
"""
import secrets

from sqlalchemy import delete, func, select, update

from ideas.accounts.models import RecoveryCode, User
from ideas.accounts.sessions import token_digest
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db

COUNT = 10
LENGTH = 12
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to copy from paper


def normalised(text: str) -> str:
    """The code as stored: lower case, without the spaces and hyphens people type."""
    return "".join(ch for ch in (text or "").lower() if ch.isascii() and ch.isalnum())


def looks_like_one(text: str) -> bool:
    """Whether the text has the shape of a recovery code (a 6-digit code does not)."""
    return len(normalised(text)) == LENGTH


def codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def discard(user: User) -> None:
    """Remove all of the user's codes, used or not (the caller records why)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def issue(user: User) -> list[str]:
    """A new set of codes, replacing any old set; shown once, so only their hashes are kept."""
    discard(user)
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=token_digest(code)) for code in codes)
    record("user.recovery_codes_issued", entity=user, changes={"codes_left": (None, COUNT)})
    return ["-".join(code[i:i + 4] for i in range(0, LENGTH, 4)) for code in codes]


def use(user: User, text: str) -> bool:
    """True, once, for one of the user's unused codes; the use is audited with the count left."""
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                   RecoveryCode.code_hash == token_digest(normalised(text)))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        return False
    left = codes_left(user)
    record("user.recovery_code_used", entity=user, actor=user, changes={"codes_left": (left + 1, left)})
    return True
