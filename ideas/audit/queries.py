"""Reading the audit trail: filters, the admin page's keyset pages, and streaming for verify and export."""
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from ideas.accounts.models import User
from ideas.accounts.queries import name_or_email_contains
from ideas.audit.chain import StoredEvent, StoredValue, plain, utc_text
from ideas.audit.models import EVENT_FIELDS, AuditEvent, AuditValue, sealed_fields
from ideas.clock import start_of_local_day
from ideas.database import db

PAGE_SIZE = 50
BATCH = 1000


def trail_head() -> tuple[int, str]:
    """The newest event's sequence number and hash ((0, "") for an empty trail): one step down the primary key.

    Every change to the data writes an event in its own transaction, so this pair is the data's version; the hash
    tells apart two trails of the same length (a database restored from a backup, then changed again).
    """
    newest = db.session.execute(select(AuditEvent.sequence, AuditEvent.hash)
                                .order_by(AuditEvent.sequence.desc()).limit(1)).first()
    return (newest.sequence, newest.hash) if newest else (0, "")


@dataclass(frozen=True)
class AuditFilter:
    """Which events to show or export; every part optional."""

    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    idea_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def describe(self) -> dict:
        """The filter as JSON values (for an export's header and its audit event)."""
        return {name: value.isoformat() if isinstance(value, date) else value
                for name, value in asdict(self).items() if value not in (None, "")}

    def conditions(self, zone: str) -> list:
        event, found = AuditEvent, []
        if self.actor:
            users = select(User.id).where(name_or_email_contains(self.actor))
            found.append(or_(event.actor_name.icontains(self.actor, autoescape=True), event.actor_id.in_(users)))
        if self.action:
            found.append(event.action == self.action)
        if self.entity_type:
            found.append(event.entity_type == self.entity_type)
        if self.date_from:
            found.append(event.occurred_at >= start_of_local_day(self.date_from, zone))
        if self.date_to:
            found.append(event.occurred_at < start_of_local_day(self.date_to, zone, days_later=1))
        if self.idea_id is not None:
            found.append(event.idea_id == self.idea_id)
        return found


@dataclass
class Page:
    events: list[AuditEvent]
    older: int | None  # `before` for the next page back, when there is one
    newer: int | None  # `after` for the page forward, when there is one


def page_of_events(conditions: list, before: int | None = None, after: int | None = None) -> Page:
    """Fifty events, newest first, by sequence number (keyset paging: flat at any depth)."""
    query = select(AuditEvent).where(*conditions).options(selectinload(AuditEvent.values))
    if after is not None:
        rows = db.session.scalars(query.where(AuditEvent.sequence > after)
                                  .order_by(AuditEvent.sequence).limit(PAGE_SIZE)).all()[::-1]
    else:
        if before is not None:
            query = query.where(AuditEvent.sequence < before)
        rows = db.session.scalars(query.order_by(AuditEvent.sequence.desc()).limit(PAGE_SIZE)).all()
    if not rows:
        return Page([], None, None)

    def any_where(condition) -> bool:
        return db.session.scalar(select(exists().where(*conditions, condition)))

    low, high = rows[-1].sequence, rows[0].sequence
    return Page(rows, low if any_where(AuditEvent.sequence < low) else None,
                high if any_where(AuditEvent.sequence > high) else None)


def distinct_values(column) -> list[str]:
    """The column's distinct values in order, by hopping along its index (one lookup per value, not a scan of
    every event): a recursive query, each step the least value greater than the last."""
    found = select(func.min(column).label("value")).cte("found", recursive=True)
    following = select(func.min(column)).where(column > found.c.value).scalar_subquery()
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    return list(db.session.scalars(select(found.c.value).where(found.c.value.is_not(None)).order_by(found.c.value)))


def stream_events(conditions: list = (), through: int | None = None) -> Iterator[StoredEvent]:
    """Events (with their values) in sequence order, read in batches."""
    events, values = AuditEvent.__table__, AuditValue.__table__
    columns = [events.c[name] for name in EVENT_FIELDS] + [events.c.prev_hash, events.c.hash, events.c.canonical]
    bound = [events.c.sequence <= through] if through is not None else []
    after = 0
    while True:
        rows = db.session.execute(select(*columns).where(events.c.sequence > after, *conditions, *bound)
                                  .order_by(events.c.sequence).limit(BATCH)).all()
        if not rows:
            return
        by_event = defaultdict(list)
        numbers = [row.sequence for row in rows]
        for value in db.session.execute(select(values).where(values.c.event_sequence.in_(numbers))
                                        .order_by(values.c.id)):
            by_event[value.event_sequence].append(_stored_value(value))
        for row in rows:
            yield StoredEvent(sequence=row.sequence, prev_hash=row.prev_hash, hash=row.hash,
                              canonical=bytes(row.canonical), fields=sealed_fields(row[:len(EVENT_FIELDS)]),
                              values=tuple(by_event[row.sequence]))
        after = numbers[-1]


def _stored_value(value) -> StoredValue:
    return StoredValue(
        field=value.field, side=plain(value.side), value=value.value, salt=value.salt, digest=value.digest,
        redacted_at=value.redacted_at and utc_text(value.redacted_at),
        redacted_by=value.redacted_by_id, redacted_in=value.redacted_in,
    )


def hash_at(sequence: int) -> str | None:
    """The chain's hash of one event now, on a connection of its own (the session may have just committed)."""
    with db.engine.connect() as connection:
        return connection.scalar(select(AuditEvent.hash).where(AuditEvent.sequence == sequence))
