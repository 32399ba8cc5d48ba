"""The only code that writes notifications: tell people, mark read, choose how each kind arrives.

`notify` tells only active people who may see the idea (the visibility rule, `can_see`), never the
person who acted; each row is written in the transaction of the event that caused it, and so is its
e-mail in the outbox. The caller commits.
"""
from collections.abc import Iterable, Mapping

from sqlalchemy import exists, select, update

from ideas.accounts.models import User
from ideas.clock import utcnow
from ideas.database import db
from ideas.errors import Invalid
from ideas.notifications.kinds import KINDS, Delivery
from ideas.notifications.messages import email_for
from ideas.notifications.models import Notification, NotificationPreference, OutboxMessage
from ideas.pipeline.facts import actor_facts, idea_facts, queues
from ideas.pipeline.models import Idea
from ideas.pipeline.numbers import idea_number
from ideas.pipeline.workflow import can_see

TITLE_SHOWN = 120


def idea_label(idea: Idea) -> str:
    """How a notification names an idea: its number and title (which passed the identifier guard)."""
    title = idea.title or "untitled"
    return f"{idea_number(idea.id)} “{title[:TITLE_SHOWN]}{'…' if len(title) > TITLE_SHOWN else ''}”"


def notify(kind: str, recipients: Iterable[User | None], text: str, *, idea: Idea | None = None,
           actor: User | None = None, once_key: str | None = None, **anchor_values: object) -> list[Notification]:
    """Tell each recipient who is active, did not act themselves and may see the idea; returns the rows written.

    With `once_key`, a person already told of that occasion is not told again.
    """
    facts = idea_facts(idea, queues([idea])) if idea is not None else None  # visibility needs no feature facts
    people = {user.id: user for user in recipients if user is not None and user.active
              and (actor is None or user.id != actor.id)
              and (facts is None or can_see(facts, actor_facts(user)))}
    choices = deliveries(list(people), kind)
    written = []
    for user in people.values():
        key = f"{once_key}:{user.id}" if once_key else None
        if key and db.session.scalar(select(exists().where(Notification.once_key == key))):
            continue
        notification = Notification(user=user, kind=kind, idea=idea, text=text[:400], once_key=key,
                                    anchor=KINDS[kind].anchor.format(**anchor_values),
                                    digest_pending=choices[user.id] == Delivery.DIGEST)
        db.session.add(notification)
        db.session.flush()
        if choices[user.id] == Delivery.EMAIL:
            db.session.add(OutboxMessage(user_id=user.id, recipient=user.email, **email_for(user, [notification])))
        written.append(notification)
    db.session.flush()
    return written


def deliveries(user_ids: list[int], kind: str) -> dict[int, Delivery]:
    """How each person wants this kind delivered: their choice, else the kind's default (one query)."""
    chosen = dict(db.session.execute(select(NotificationPreference.user_id, NotificationPreference.delivery).where(
        NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind)).all()) if user_ids else {}
    return {user_id: Delivery(chosen.get(user_id, KINDS[kind].default)) for user_id in user_ids}


def preferences_of(user: User) -> dict[str, Delivery]:
    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {name: Delivery(stored.get(name, kind.default)) for name, kind in KINDS.items()}


def save_preferences(user: User, chosen: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    """Store the person's choice for every kind (all checked before any is set); returns what changed."""
    current, new = preferences_of(user), {}
    for name in KINDS:
        value = chosen.get(name)
        if value not in Delivery._value2member_map_:
            raise Invalid(f"{KINDS[name].label}: choose how you want to hear about it.", field=name)
        new[name] = Delivery(value)
    changed = {name: (str(current[name]), str(new[name])) for name in KINDS if current[name] != new[name]}
    for name in changed:
        db.session.merge(NotificationPreference(user_id=user.id, kind=name, delivery=new[name]))
    db.session.flush()
    return changed


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    """Everything in the person's inbox is read; returns how many were unread."""
    result = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None)).values(read_at=utcnow()),
                                execution_options={"synchronize_session": False})
    return result.rowcount
