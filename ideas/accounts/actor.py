"""Who is making a change: the signed-in user, or nobody (the command line, the system)."""
from flask_login import current_user

from ideas.accounts.models import User


def acting_user() -> User | None:
    return current_user._get_current_object() if current_user and current_user.is_authenticated else None
