"""Audit events (append-only; the database refuses UPDATE and DELETE) and their values."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import User, string_enum
from ideas.audit.chain import plain, utc_text
from ideas.database import UTCDateTime, db


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"


class Side(StrEnum):
    OLD = "old"
    NEW = "new"


class AuditEvent(db.Model):
    """One sealed event of the audit trail; `canonical` holds its bytes exactly as sealed."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    format_version: Mapped[int]
    key_id: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_roles: Mapped[str] = mapped_column(String(120))  # comma-separated, as at that moment
    action: Mapped[str] = mapped_column(String(80), index=True)
    outcome: Mapped[Outcome] = mapped_column(string_enum(Outcome))
    entity_type: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    entity_version: Mapped[int | None]
    idea_id: Mapped[int | None] = mapped_column(index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    meaning: Mapped[str | None] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(45))
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(500))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    values: Mapped[list["AuditValue"]] = relationship(
        back_populates="event", foreign_keys="AuditValue.event_sequence",
        order_by="AuditValue.id",
    )

    @property
    def roles(self) -> list[str]:
        return self.actor_roles.split(",") if self.actor_roles else []


class AuditValue(db.Model):
    """The old or new value of one changed field, kept beside its event so it can be redacted.

    The database allows exactly one change to a row: its redaction (value and salt removed,
    who, when and the `audit.redacted` event recorded). Nothing else, and no DELETE.
    """

    __tablename__ = "audit_values"
    __table_args__ = (UniqueConstraint("event_sequence", "field", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_sequence: Mapped[int] = mapped_column(BigInteger, ForeignKey("audit_events.sequence"))
    field: Mapped[str] = mapped_column(String(100))
    side: Mapped[Side] = mapped_column(string_enum(Side))
    value: Mapped[str | None] = mapped_column(Text)  # canonical JSON text; NULL once redacted
    salt: Mapped[str | None] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    redacted_in: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("audit_events.sequence"))
    event: Mapped[AuditEvent] = relationship(back_populates="values", foreign_keys=[event_sequence])
    redacted_by: Mapped[User | None] = relationship(viewonly=True)

    @property
    def redacted(self) -> bool:
        return self.value is None


EVENT_FIELDS = (
    "sequence", "occurred_at", "format_version", "key_id", "actor_id", "actor_name", "actor_roles", "action",
    "outcome", "entity_type", "entity_id", "entity_version", "idea_id", "reason", "meaning", "request_id",
    "client_address", "method", "path", "user_agent",
)


def event_fields(event: AuditEvent) -> dict:
    """The sealed fields of an event, as JSON values."""
    return sealed_fields([getattr(event, name) for name in EVENT_FIELDS])


def sealed_fields(column_values) -> dict:
    """The EVENT_FIELDS columns' values, in that order, as the JSON values the chain seals."""
    fields = dict(zip(EVENT_FIELDS, column_values, strict=True))
    fields["occurred_at"] = utc_text(fields["occurred_at"])
    fields["actor_roles"] = fields["actor_roles"].split(",") if fields["actor_roles"] else []
    fields["outcome"] = plain(fields["outcome"])
    return fields
