"""Reading people and places for forms: active users with a role, sites with their units."""
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from ideas.accounts.models import Role, Site, User, UserRole
from ideas.database import db


def active_users_with(role: Role) -> list[User]:
    return list(db.session.scalars(select(User).where(User.active, User.role_rows.any(UserRole.role == role))
                                   .order_by(func.lower(User.name), User.id)))


def names_with(role: Role) -> list[tuple[int, str]]:
    """(id, name) of the active users with the role, by name: for a filter's choices, no user objects loaded."""
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
        .where(User.active, UserRole.role == role).order_by(func.lower(User.name), User.id))]


def all_sites() -> list[Site]:
    return list(db.session.scalars(select(Site).options(selectinload(Site.units)).order_by(Site.name)))


# No name or e-mail is longer; SQLite also refuses a LIKE pattern over 50,000 bytes.
LONGEST_NAME_OR_EMAIL = 254


def name_or_email_contains(text: str):
    """Users whose name or e-mail contains the text, in any case; a text longer than any matches nobody."""
    if len(text) > LONGEST_NAME_OR_EMAIL:
        return false()
    return or_(User.name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True))


def find_colleagues(text: str, leave_out: User, limit: int = 8, role: Role | None = None) -> list[User]:
    """Active users (with the role, when one is given) whose name or e-mail contains the text."""
    with_role = User.role_rows.any(UserRole.role == role) if role else User.active
    return list(db.session.scalars(
        select(User).where(User.active, with_role, User.id != leave_out.id, name_or_email_contains(text))
        .order_by(func.lower(User.name), User.id).limit(limit)))
