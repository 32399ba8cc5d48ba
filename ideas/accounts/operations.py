"""The only code that creates users and changes their details, roles and status."""
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ideas.accounts.actor import acting_user
from ideas.accounts.handover import hand_over, open_work
from ideas.accounts.invites import revoke_invites
from ideas.accounts.models import Role, Unit, User, UserRole
from ideas.accounts.pairings import end_pairing, open_pairing, open_pairings_as_mentor
from ideas.accounts.passwords import set_password
from ideas.accounts.sessions import end_all_sessions
from ideas.audit import record
from ideas.database import db
from ideas.errors import Invalid

NAME_MAX = 120


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid(str(error), field="email") from error


def role_names(roles: set[Role]) -> list[str]:
    return [role.value for role in sorted(roles)]


def _checked(email: str, name: str, roles: set[Role], user: User | None = None) -> tuple[str, str]:
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise Invalid("Enter the person's name.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Keep the name to {NAME_MAX} characters.", field="name")
    if not roles:
        raise Invalid("Give the user at least one role.", field="roles")
    taken = select(User.id).where(func.lower(User.email) == email)
    if user is not None:
        taken = taken.where(User.id != user.id)
    if db.session.scalar(taken) is not None:
        raise Invalid("A user with this e-mail address already exists.", field="email")
    return email, name


def create_user(email: str, name: str, roles: set[Role], password: str | None = None,
                home_unit: Unit | None = None) -> User:
    """Add a user (flushes, does not commit)."""
    email, name = _checked(email, name, roles)
    user = User(email=email, name=name, home_unit=home_unit)
    user.set_roles(roles)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    changes = {"email": (None, email), "name": (None, name), "roles": (None, role_names(roles))}
    if home_unit is not None:
        changes["home_unit_id"] = (None, home_unit.id)
    record("user.created", entity=user, changes=changes)
    return user


def update_user(user: User, *, email: str, name: str, roles: set[Role], home_unit: Unit | None) -> bool:
    """Change a user's details and roles; True when anything changed (flushes)."""
    email, name = _checked(email, name, roles, user)
    _check_role_change(user, roles)
    new = {"email": email, "name": name, "home_unit_id": home_unit.id if home_unit else None}
    changes = {key: (getattr(user, key), value) for key, value in new.items() if getattr(user, key) != value}
    old_roles = user.roles
    user.email, user.name, user.home_unit = email, name, home_unit
    user.set_roles(roles)
    db.session.flush()
    if changes:
        record("user.updated", entity=user, changes=changes)
    if roles != old_roles:
        record("user.roles_changed", entity=user, changes={"roles": (role_names(old_roles), role_names(roles))})
    return bool(changes) or roles != old_roles


def _check_role_change(user: User, roles: set[Role]) -> None:
    if Role.ADMIN in user.roles and Role.ADMIN not in roles:
        _keep_an_admin(user, f"{user.name} is the last active administrator; make someone else an "
                             "administrator before removing this role.", field="roles")
    if Role.MENTOR in user.roles and Role.MENTOR not in roles and (mentees := open_pairings_as_mentor(user)):
        names = ", ".join(p.mentee.name for p in mentees)
        raise Invalid(f"{user.name} is the mentor of {names}; pair them with another mentor "
                      "before removing the mentor role.", field="roles")
    if Role.MENTEE in user.roles and Role.MENTEE not in roles and (pairing := open_pairing(user)):
        raise Invalid(f"{user.name} is paired with {pairing.mentor.name}; end that pairing "
                      "before removing the mentee role.", field="roles")


def _keep_an_admin(user: User, message: str, field: str | None = None) -> None:
    """Refuse when `user` is the last active administrator."""
    if not (user.active and user.has_role(Role.ADMIN)):
        return
    # Lock the other administrators' rows, so two admins cannot demote each other at once.
    others = db.session.scalars(
        select(User.id).join(UserRole).where(UserRole.role == Role.ADMIN, User.active, User.id != user.id)
        .with_for_update(of=User)).all()
    if not others:
        raise Invalid(message, field=field)


def deactivate_user(user: User, successors: dict[str, User | None], reason: str | None = None) -> list[str]:
    """Hand over the user's open work, end their sessions and deactivate them; says what was done."""
    if not user.active:
        raise Invalid(f"{user.name} is already deactivated.")
    _keep_an_admin(user, f"{user.name} is the last active administrator; make someone else an "
                         "administrator before deactivating this account.")
    if acting_user() is not None and acting_user().id == user.id:
        raise Invalid("You cannot deactivate your own account; ask another administrator.")
    done = [hand_over(item, successors.get(item.key), reason) for item in open_work(user)]
    if (pairing := open_pairing(user)) is not None:
        end_pairing(pairing, f"{user.name} was deactivated.")
    revoke_invites(user)
    user.active = False
    end_all_sessions(user, "deactivated")
    db.session.flush()
    record("user.deactivated", entity=user, changes={"active": (True, False)}, reason=reason)
    return done


def reactivate_user(user: User) -> None:
    if user.active:
        raise Invalid(f"{user.name} is already active.")
    user.active = True
    db.session.flush()
    record("user.reactivated", entity=user, changes={"active": (False, True)})
