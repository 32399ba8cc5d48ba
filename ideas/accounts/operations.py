"""The only code that creates users and changes their roles."""
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ideas.accounts.models import Role, User
from ideas.accounts.passwords import set_password
from ideas.audit import record
from ideas.database import db
from ideas.errors import Invalid


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid(str(error), field="email") from error


def create_user(email: str, name: str, roles: set[Role], password: str | None = None) -> User:
    """Add a user (flushes, does not commit)."""
    email = normalise_email(email)
    if not name.strip():
        raise Invalid("Enter the person's name.", field="name")
    if not roles:
        raise Invalid("Give the user at least one role.", field="roles")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Invalid("A user with this e-mail address already exists.", field="email")
    user = User(email=email, name=name.strip())
    user.set_roles(roles)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    record("user.created", entity=user, changes={
        "email": (None, user.email), "name": (None, user.name), "roles": (None, sorted(roles))})
    return user
