"""The inbox, each person's delivery choice per kind, and the e-mail outbox.

Not audited rows: each is written because of an audited event, in its transaction.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import User, string_enum
from ideas.clock import utcnow
from ideas.database import UTCDateTime, db
from ideas.notifications.kinds import Delivery
from ideas.pipeline.models import Idea


class Notification(db.Model):
    """One thing a person is told, in their inbox until they read it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"), index=True)
    text: Mapped[str] = mapped_column(String(400))  # what happened: no free text beyond the idea's title
    anchor: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_pending: Mapped[bool] = mapped_column(default=False)  # waits for the person's daily digest
    # A due or overdue reminder names its occasion once, so `notify due` run twice tells nobody twice.
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    user: Mapped[User] = relationship()
    idea: Mapped[Idea | None] = relationship()


class NotificationPreference(db.Model):
    """How a person wants one kind delivered (no row: the kind's default)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(string_enum(Delivery))


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent by `notify send`, written in the transaction of what caused it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)  # a daily digest: one a day
