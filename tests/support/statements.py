"""Counting the SQL statements something sends (to prove a page or query stays flat as data grows)."""
from collections.abc import Callable

from sqlalchemy import event

from ideas.database import db


def statements_of(action: Callable[[], object]) -> list[str]:
    """The statements `action` sent to the database, in order."""
    statements = []

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statements
