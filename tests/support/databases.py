"""Fresh databases for tests: a migrated template made once, copied for every test.

The audit trail's triggers refuse DELETE, so tests never clean up rows; each gets its own
database instead (SECURITY.md, "Testing these without flakiness").
"""
import itertools
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
import shutil
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from ideas import create_app
from ideas.config import TestConfig

PG_ADMIN_URL = os.environ.get("PG_TEST_URL", "postgresql://127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith(("postgres://", "postgresql"))


def migrate(url: str, tmp: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url,
                                  "AUDIT_CHECKPOINT_PATH": str(tmp / "tmpl-checkpoint")})
    with app.app_context():
        upgrade()
        from ideas.extensions import db

        db.engine.dispose()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_db(url: str, name: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


class SQLiteDatabases:
    """A migrated SQLite file, copied for each test."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.template = tmp / "template.sqlite"
        self.counter = itertools.count()
        migrate(f"sqlite:///{self.template}", tmp)

    def fresh(self) -> str:
        path = self.tmp / f"test-{next(self.counter)}.sqlite"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    """A migrated PostgreSQL template database; `CREATE DATABASE … TEMPLATE` per test.

    A CREATE DATABASE takes a fraction of a second (it copies and flushes the template), so the
    next few are created in the background while tests run. Each DROP DATABASE waits for a
    checkpoint (about a second); dropped in the background, several drops share one checkpoint
    and the tests do not wait for it.
    """

    AHEAD = 3  # databases created ahead of the tests that will use them

    def __init__(self, server_url: str, tmp: Path):
        self.dropper = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dropdb")
        self.creator = ThreadPoolExecutor(max_workers=2, thread_name_prefix="createdb")
        self.ready: deque[Future[str]] = deque()
        self.dropping = []
        self.server = _libpq(server_url)
        self.prefix = f"ideas_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_tmpl"
        self.counter = itertools.count()
        self._execute(f'CREATE DATABASE "{self.template}"')
        migrate(_with_db(server_url, self.template), tmp)
        self.server_url = server_url

    def _execute(self, sql: str) -> None:
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(sql)

    def _create(self) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return _with_db(self.server_url, name)

    def fresh(self) -> str:
        while len(self.ready) <= self.AHEAD:
            self.ready.append(self.creator.submit(self._create))
        return self.ready.popleft().result()

    def drop(self, url: str) -> None:
        sql = f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
        self.dropping.append(self.dropper.submit(self._execute, sql))

    def close(self) -> None:
        while self.ready:
            self.drop(self.ready.popleft().result())
        self.creator.shutdown()
        for future in self.dropping:
            future.result()
        self.dropper.shutdown()
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


def postgres_reachable(url: str = PG_ADMIN_URL) -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {url}: {error}".strip()
