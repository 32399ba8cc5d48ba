"""Mentor pairings: one open mentor per mentee; the only code that pairs and unpairs."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ideas.accounts.actor import acting_user
from ideas.accounts.handover import WorkItem, WorkProvider, register_work_provider
from ideas.accounts.models import MentorPairing, Role, User
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db
from ideas.errors import Invalid


def open_pairing(mentee: User) -> MentorPairing | None:
    return db.session.scalar(select(MentorPairing).where(
        MentorPairing.mentee_id == mentee.id, MentorPairing.ended_at.is_(None)))


def mentor_of(mentee: User) -> User | None:
    """The mentee's current mentor, if they have one."""
    pairing = open_pairing(mentee)
    return pairing.mentor if pairing else None


def open_pairings_as_mentor(mentor: User) -> list[MentorPairing]:
    return list(db.session.scalars(
        select(MentorPairing).options(joinedload(MentorPairing.mentee))
        .where(MentorPairing.mentor_id == mentor.id, MentorPairing.ended_at.is_(None))
        .order_by(MentorPairing.created_at)))


def pair_mentee(mentee: User, mentor: User) -> MentorPairing:
    """Make `mentor` the mentee's mentor, ending any pairing they had (flushes)."""
    if mentee.id == mentor.id:
        raise Invalid(f"{mentee.name} cannot be their own mentor; choose someone else.", field="mentor")
    if not mentor.active or not mentor.has_role(Role.MENTOR):
        raise Invalid(f"{mentor.name} is not an active mentor; give them the mentor role first.", field="mentor")
    if not mentee.active or not mentee.has_role(Role.MENTEE):
        raise Invalid(f"{mentee.name} is not an active mentee; give them the mentee role first.", field="mentee")
    # One writer at a time per mentee, so two admins cannot both give them a mentor.
    db.session.execute(select(User.id).where(User.id == mentee.id).with_for_update())
    current = open_pairing(mentee)
    if current is not None and current.mentor_id == mentor.id:
        raise Invalid(f"{mentor.name} is already {mentee.name}'s mentor.", field="mentor")
    if current is not None:
        end_pairing(current, f"{mentee.name}'s mentor is now {mentor.name}.")
    pairing = MentorPairing(mentee=mentee, mentor=mentor, created_by=acting_user())
    db.session.add(pairing)
    db.session.flush()
    record("pairing.created", entity=pairing,
           changes={"mentee_id": (None, mentee.id), "mentor_id": (None, mentor.id)})
    return pairing


def end_pairing(pairing: MentorPairing, reason: str | None = None) -> None:
    if pairing.ended_at is not None:
        raise Invalid("This pairing has already ended.")
    pairing.ended_at = utcnow()
    db.session.flush()
    record("pairing.ended", entity=pairing, changes={"ended_at": (None, pairing.ended_at)},
           reason=reason)


def _mentees_waiting_on(mentor: User) -> list[WorkItem]:
    return [WorkItem(kind="mentees", ref=p.id, summary=f"Mentor to {p.mentee.name}",
                     successor_role=Role.MENTOR, not_to=frozenset({p.mentee_id}),
                     released=f"{p.mentee.name} has no mentor until paired again; their ideas go to the open queue.")
            for p in open_pairings_as_mentor(mentor)]


def _hand_over_mentee(item: WorkItem, successor: User | None, reason: str | None) -> str:
    pairing = db.session.get(MentorPairing, item.ref)
    if successor is None:
        end_pairing(pairing, reason or f"{pairing.mentor.name} handed over their mentees.")
        return item.released
    pair_mentee(pairing.mentee, successor)
    return f"{pairing.mentee.name}'s mentor is now {successor.name}."


register_work_provider(WorkProvider("mentees", _mentees_waiting_on, _hand_over_mentee))
