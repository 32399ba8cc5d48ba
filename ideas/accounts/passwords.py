"""argon2id password hashing, with parameters from the settings and rehash on sign-in."""
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ideas.accounts.models import User
from ideas.clock import utcnow


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["PASSWORD_TIME_COST"],
        memory_cost=cfg["PASSWORD_MEMORY_KIB"],
        parallelism=cfg["PASSWORD_PARALLELISM"],
        type=Type.ID,
    )


def set_password(user: User, password: str) -> None:
    user.password_hash = _hasher().hash(password)
    user.password_changed_at = utcnow()


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; upgrades an outdated hash in place.

    An unknown user still pays for one hash, so timing does not tell who exists.
    """
    hasher = _hasher()
    if user is None or not user.password_hash:
        hasher.hash(password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True
