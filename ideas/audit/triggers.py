"""Are the append-only triggers (migration 0002) still there, enabled, and refusing what they should?

Read from the catalogue: SQLite's sqlite_master, PostgreSQL's pg_trigger. A trigger that was
dropped, disabled, or replaced by one that no longer refuses is named, with what it let through.
"""
from sqlalchemy import Connection, text

from ideas.audit.chain import TRIGGERS, Problem

# name: (table, the operations it must refuse, the function it runs on PostgreSQL)
POSTGRESQL = {
    "audit_events_append_only": ("audit_events", ("UPDATE", "DELETE"), "audit_refuse"),
    "audit_events_no_truncate": ("audit_events", ("TRUNCATE",), "audit_refuse"),
    "audit_values_redaction_only": ("audit_values", ("UPDATE", "DELETE"), "audit_values_redaction_only"),
    "audit_values_no_truncate": ("audit_values", ("TRUNCATE",), "audit_refuse"),
}
SQLITE = {
    "audit_events_no_update": ("audit_events", ("UPDATE",), None),
    "audit_events_no_delete": ("audit_events", ("DELETE",), None),
    "audit_values_redaction_only": ("audit_values", ("UPDATE",), None),
    "audit_values_no_delete": ("audit_values", ("DELETE",), None),
}
# pg_trigger.tgtype bits (PostgreSQL's include/catalog/pg_trigger.h)
BEFORE, FIRES_ON = 1 << 1, {"DELETE": 1 << 3, "UPDATE": 1 << 4, "TRUNCATE": 1 << 5}
ENABLED = ("O", "A")  # fires in ordinary sessions; D is disabled, R only on a replica

PG_TRIGGERS = text("""
    SELECT t.tgname, c.relname, t.tgtype, t.tgenabled, p.proname
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE t.tgrelid IN (to_regclass('audit_events'), to_regclass('audit_values')) AND NOT t.tgisinternal
""")
SQLITE_TRIGGERS = text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")


def _postgresql_fault(row, table: str, operations: tuple[str, ...], function: str | None) -> str | None:
    _, relname, tgtype, enabled, proname = row
    if enabled not in ENABLED:
        return "is disabled"
    if relname != table or proname != function or not tgtype & BEFORE or any(
            not tgtype & FIRES_ON[operation] for operation in operations):
        return "was changed"
    return None


def _sqlite_fault(row, table: str, operations: tuple[str, ...], _function: None) -> str | None:
    _, tbl_name, sql = row
    words = " ".join(sql.upper().split())
    if tbl_name != table or "RAISE(ABORT" not in words or any(
            f"BEFORE {operation} ON {table.upper()}" not in words for operation in operations):
        return "was changed"
    return None


def trigger_problems(connection: Connection) -> list[Problem]:
    """One problem for each append-only trigger that is missing, disabled or changed."""
    postgresql = connection.dialect.name == "postgresql"
    expected, fault = (POSTGRESQL, _postgresql_fault) if postgresql else (SQLITE, _sqlite_fault)
    found = {row[0]: tuple(row) for row in connection.execute(PG_TRIGGERS if postgresql else SQLITE_TRIGGERS)}
    problems = []
    for name, (table, operations, function) in expected.items():
        wrong = "is missing" if name not in found else fault(found[name], table, operations, function)
        if wrong:
            problems.append(Problem(None, TRIGGERS, f"trigger {name} {wrong}: the database no longer refuses "
                                                    f"{' or '.join(operations)} on {table}"))
    return problems
