"""Reading a person's inbox."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ideas.database import db
from ideas.notifications.models import Notification

PAGE_SIZE = 30


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


def inbox(user_id: int, page: int) -> tuple[list[Notification], bool]:
    """One page of the person's notifications, newest first, and whether an older page follows."""
    rows = list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                   .options(selectinload(Notification.idea))
                                   .order_by(Notification.id.desc()).offset((page - 1) * PAGE_SIZE)
                                   .limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def own_notification(notification_id: int, user_id: int) -> Notification | None:
    """The person's own notification (someone else's does not exist for them)."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                        Notification.user_id == user_id))
