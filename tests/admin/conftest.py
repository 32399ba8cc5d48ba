"""Fixtures for the administration tests: a signed-in admin, posting with CSRF, query counting."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from ideas.accounts.models import Role
from ideas.extensions import db
from tests.conftest import page_token, sign_in_fully


@pytest.fixture
def admin(client, create_user):
    """The test client signed in as an administrator (two-step sign-in done)."""
    user = create_user(Role.ADMIN, name="Quality Office", email="quality@hospital.example")
    sign_in_fully(client, user)
    return user


def post(client, path: str, data: dict | None = None, **kwargs):
    """POST with the session's CSRF token, as the browser would."""
    return client.post(path, data={**(data or {}), "csrf_token": page_token(client, "/")}, **kwargs)


@contextmanager
def count_queries():
    """Counts the SQL statements run inside the block: `with count_queries() as n: …; n()`."""
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
