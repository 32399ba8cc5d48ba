"""Copying the database out and back: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore.

Both copies are consistent while the app runs: SQLite copies one snapshot under a read lock,
pg_dump reads in one repeatable-read transaction.
"""
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy import Engine, exists, inspect, select
from sqlalchemy.engine import URL, make_url

from ideas.database import db

MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class ToolFailed(Exception):
    """pg_dump or pg_restore refused; its message says why."""


def dialect(engine: Engine) -> str:
    return engine.dialect.name


def has_rows(engine: Engine) -> bool:
    """Whether any of the app's tables holds a row (a blank or freshly migrated database holds none)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return any(connection.scalar(select(exists().select_from(table)))
                   for table in db.metadata.sorted_tables if table.name in present)


def dump(engine: Engine, target: Path) -> None:
    """Copy the whole database to the file `target`."""
    if dialect(engine) == "sqlite":
        with closing(sqlite3.connect(_sqlite_path(engine))) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
        return
    _run("pg_dump", "--format=custom", f"--file={target}", engine=engine)


def load(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the copy in `source`, in one transaction."""
    engine.dispose()  # no pooled connection may hold on to what is replaced
    if dialect(engine) == "sqlite":
        with closing(sqlite3.connect(source)) as copy, closing(sqlite3.connect(_sqlite_path(engine))) as database:
            copy.backup(database)
        return
    # Objects end up owned by whoever restores (the owner role, README "Deployment"); --clean drops
    # the tables a fresh `db upgrade` made; one transaction, so a failure leaves everything as it was.
    _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
         "--exit-on-error", str(source), engine=engine)


def _sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise ToolFailed("an in-memory SQLite database cannot be backed up or restored")
    return path


def conninfo(url: URL) -> str:
    """The database URL as libpq keywords, its query options (`options=-c …`, `sslmode`) included whole: as a URL,
    libpq read a space in `options` back as "+" and pg_dump failed. No password: that goes in the environment."""
    given = {"host": url.host, "port": url.port, "dbname": url.database, "user": url.username, **url.query}
    return make_conninfo(**{key: value for key, value in given.items() if value is not None})


def _run(tool: str, *arguments: str, engine: Engine) -> None:
    if shutil.which(tool) is None:
        raise ToolFailed(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    url = make_url(engine.url)
    # The password travels in the environment, never on a command line others can read.
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    finished = subprocess.run([tool, f"--dbname={conninfo(url)}", *arguments], env=env, capture_output=True,
                              text=True)
    if finished.returncode != 0:
        raise ToolFailed(f"{tool} failed: {finished.stderr.strip()[-2000:]}")
