"""`notify due` (for cron; safe to run twice): reminders of what is due or overdue, and the daily digests.

Each reminder names its occasion (`once_key`), so a second run tells nobody twice; a later occasion (a new
gap in a pilot's data, a condition's new due date) is a new reminder. A source is registered with
`@due_source`.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from ideas.accounts.models import Role, User
from ideas.accounts.queries import active_users_with
from ideas.clock import local_today, start_of_local_day, utcnow
from ideas.committee.models import Condition
from ideas.database import db
from ideas.notifications.events import mentor_of, team
from ideas.notifications.messages import email_for
from ideas.notifications.models import Notification, OutboxMessage
from ideas.notifications.operations import idea_label, notify
from ideas.pilots.models import Observation
from ideas.pipeline.facts import queues
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.settings import get_setting
from ideas.spread.models import SustainmentCheck, TargetUnit


@dataclass(frozen=True)
class Due:
    """One reminder: its kind, the idea, who should hear, what it says, and the occasion it is for."""

    kind: str
    idea: Idea
    recipients: list[User | None]
    text: str
    once_key: str
    anchor: dict = field(default_factory=dict)  # what the kind's anchor names (a check's id)


DueSource = Callable[[date], Iterable[Due]]
SOURCES: list[DueSource] = []


def due_source(source: DueSource) -> DueSource:
    """Register a source of reminders; `notify due` asks each with the hospital's today."""
    SOURCES.append(source)
    return source


@due_source
def conditions(today: date) -> Iterable[Due]:
    """Open conditions of approval due within the notice period (to their owner), and those overdue."""
    soon = today + timedelta(days=get_setting("condition_due_soon_days"))
    for condition in db.session.scalars(select(Condition).where(Condition.done_at.is_(None), Condition.due_on <= soon)
                                        .options(selectinload(Condition.idea), selectinload(Condition.owner))):
        label = idea_label(condition.idea)
        if condition.due_on < today:
            yield Due("condition_overdue", condition.idea, [condition.owner],
                      f"A condition of approval of {label} was due on {condition.due_on:%d %b %Y}",
                      f"condition_overdue:{condition.id}:{condition.due_on}")
        else:
            yield Due("condition_due", condition.idea, [condition.owner],
                      f"A condition of approval of {label} is due on {condition.due_on:%d %b %Y}",
                      f"condition_due:{condition.id}:{condition.due_on}")


@due_source
def pilot_data(today: date) -> Iterable[Due]:
    """Running pilots with no observation recorded for `pilot_data_overdue_days` (to the team and mentor)."""
    days = get_setting("pilot_data_overdue_days")
    cutoff = start_of_local_day(today, get_setting("time_zone"), -days)
    latest = (select(func.max(Observation.created_at)).where(Observation.idea_id == Idea.id)
              .correlate(Idea).scalar_subquery())
    since = func.coalesce(latest, Idea.stage_changed_at)
    for idea, last in db.session.execute(select(Idea, since).where(Idea.stage == Stage.PILOT, since < cutoff)):
        yield Due("pilot_data_overdue", idea, [*team(idea), mentor_of(idea)],
                  f"The pilot of {idea_label(idea)} has had no new observation for {days} days or more",
                  f"pilot_data:{idea.id}:{last:%Y%m%d%H%M%S}")


@due_source
def sustainment_checks(today: date) -> Iterable[Due]:
    """Sustainment checks not answered by their due day (to the unit's sustainment owner, once each)."""
    for check in db.session.scalars(
            select(SustainmentCheck).where(SustainmentCheck.answered_at.is_(None), SustainmentCheck.due_on < today)
            .options(selectinload(SustainmentCheck.idea),
                     selectinload(SustainmentCheck.target_unit).selectinload(TargetUnit.sustainment_owner),
                     selectinload(SustainmentCheck.target_unit).selectinload(TargetUnit.unit))):
        unit = check.target_unit
        yield Due("sustainment_overdue", check.idea, [unit.sustainment_owner],
                  f"The day-{check.day} sustainment check of {idea_label(check.idea)} on {unit.unit.name} was due "
                  f"on {check.due_on:%d %b %Y}", f"sustainment:{check.id}", {"check_id": check.id})


@due_source
def open_queue(today: date) -> Iterable[Due]:
    """Submitted ideas whose paired-only wait is over: now every mentor may claim them."""
    waiting = list(db.session.scalars(select(Idea).where(Idea.stage == Stage.SUBMITTED,
                                                          Idea.submitted_at.is_not(None))))
    queue, mentors = queues(waiting), active_users_with(Role.MENTOR)
    for idea in waiting:
        paired = queue.paired.get(idea.submitter_id, frozenset())
        if paired and queue.in_open_queue(idea):
            yield Due("submitted", idea, [m for m in mentors if m.id not in paired],
                      f"{idea_label(idea)} waits in the open queue: any mentor may claim it",
                      f"open_queue:{idea.id}:{idea.submitted_at:%Y%m%d%H%M%S}")


def raise_due() -> int:
    """Every registered source's reminders, each told once; returns how many people were told."""
    today = local_today(get_setting("time_zone"))
    return sum(len(notify(due.kind, due.recipients, due.text, idea=due.idea, once_key=due.once_key, **due.anchor))
               for source in SOURCES for due in list(source(today)))


def queue_digests() -> int:
    """One e-mail a day for each active person with notifications waiting for their digest; returns how many."""
    today = local_today(get_setting("time_zone"))
    pending: dict[int, list[Notification]] = {}
    for notification in db.session.scalars(select(Notification).join(User, User.id == Notification.user_id)
                                           .where(Notification.digest_pending, User.active)
                                           .order_by(Notification.id)):
        pending.setdefault(notification.user_id, []).append(notification)
    queued = 0
    for user_id, notifications in pending.items():
        key = f"digest:{user_id}:{today}"
        if db.session.scalar(select(exists().where(OutboxMessage.once_key == key))):
            continue  # today's digest went already: these wait for tomorrow's
        user = notifications[0].user
        db.session.add(OutboxMessage(user_id=user_id, recipient=user.email, once_key=key, created_at=utcnow(),
                                     **email_for(user, notifications)))
        for notification in notifications:
            notification.digest_pending = False
        queued += 1
    db.session.flush()
    return queued
