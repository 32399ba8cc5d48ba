"""Reading the audit trail in tests, and tampering with it in a test's own database."""
import json

from sqlalchemy import select, text

from ideas.audit import history, record
from ideas.audit.models import AuditEvent
from ideas.extensions import db

AUDIT_TABLES = ("audit_events", "audit_values")


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
    """Raw SQL on the audit tables with the append-only triggers out of the way, then put back.

    Only ever in a test's own fresh database: this is what an attacker with database
    access could do, covering their tracks, and what verify must catch.
    """
    db.session.remove()
    with db.engine.begin() as connection:
        postgresql = connection.dialect.name == "postgresql"
        triggers = [] if postgresql else connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_events', "
            "'audit_values')")).all()
        for table in AUDIT_TABLES if postgresql else ():
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for name, _ in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, {})
            connection.execute(text(sql), params)
        for table in AUDIT_TABLES if postgresql else ():
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for _, sql in triggers:
            connection.exec_driver_sql(sql)


def write_events(count: int, per_commit: int = 1) -> None:
    """Events written through the app's writer, `per_commit` to a transaction."""
    for n in range(count):
        record("test.event", reason=f"written {n + 1} of {count}")
        if (n + 1) % per_commit == 0 or n + 1 == count:
            db.session.commit()


def history_entries(app) -> list[dict]:
    """The checkpoint's history as stored, one dict per line."""
    path = history.path_for(app.config["AUDIT_CHECKPOINT_PATH"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def verify_fails(runner, sequence: int | None, kind: str) -> str:
    """`audit verify` exits 1 and names this problem; its whole output."""
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    where = f" at sequence {sequence}" if sequence is not None else ""
    assert f"FAILED{where}: {kind} — " in result.output, result.output
    return result.output
