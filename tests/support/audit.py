"""Reading the audit trail in tests, and tampering with it in a test's own database."""
import json

from sqlalchemy import select, text

from ideas.audit.models import AuditEvent
from ideas.extensions import db

SQLITE_TRIGGERS = ("audit_events_no_update", "audit_events_no_delete", "audit_values_redaction_only",
                   "audit_values_no_delete")


def events(action: str | None = None) -> list[AuditEvent]:
    """Audit events in sequence order, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.sequence)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def changes(event: AuditEvent) -> dict:
    """field -> (old, new) as stored (None for a redacted value)."""
    found: dict = {}
    for value in event.values:
        old, new = found.get(value.field, (None, None))
        stored = None if value.redacted else json.loads(value.value)
        found[value.field] = (stored, new) if value.side == "old" else (old, stored)
    return found


def raw_sql(statement: str, params: dict | None = None) -> None:
    """One statement on its own connection and transaction (the app's session is closed first)."""
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text(statement), params or {})


def tamper(*statements: str | tuple[str, dict]) -> None:
    """Raw SQL on the audit tables with the append-only triggers out of the way.

    Only ever in a test's own fresh database: this is what an attacker with database
    access could do, and what verify must catch.
    """
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
            connection.exec_driver_sql("ALTER TABLE audit_values DISABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, {})
            connection.execute(text(sql), params)
