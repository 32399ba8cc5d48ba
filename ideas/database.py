"""The SQLAlchemy base: naming convention, UTC timestamps, the `db` object."""
from datetime import UTC, datetime

from flask import g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Engine, MetaData, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every database; hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def row_id(instance) -> str | None:
    """A row's primary key as text ("7", or "7/admin" for a composite key); None before insert."""
    state = inspect(instance)
    key = state.identity or state.mapper.primary_key_from_instance(instance)  # mid-flush: no identity yet
    return None if None in key else "/".join(str(part) for part in key)


class Audited:
    """A model whose every change must reach the audit trail.

    The audit backstop (ideas.audit.hooks) writes `<table>.changed_unrecorded` for a change
    to such a row that no explicit `record()` covered in the same transaction.
    """

    def audit_owner(self) -> tuple[str, str | None]:
        """The entity whose audit event accounts for a change to this row: itself by default."""
        return self.__tablename__, row_id(self)

    def audit_idea_id(self) -> int | None:
        """The idea this row belongs to, for the idea's timeline."""
        return getattr(self, "idea_id", None)


INTEGER_MAX = 2**31 - 1  # PostgreSQL's integer: every id and version column
BIGINT_MAX = 2**63 - 1  # PostgreSQL's bigint: audit sequence numbers


def parse_int(value: object, minimum: int = 1, maximum: int = INTEGER_MAX) -> int | None:
    """A whole number in ASCII digits (or an int) within [minimum, maximum]; anything else None.

    `int()` alone accepts " 7", "٣" and numbers no column can hold; those must never reach a query.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


SQLITE_BUSY_MS = 15_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_from_now_on() -> None:
    """The rest of this request only reads (an error page): its transactions need no write lock."""
    g.reads_only = True


def _reads_only() -> bool:
    """A transaction inside a GET (or HEAD, OPTIONS) request, or after `reads_from_now_on`, only reads."""
    return has_request_context() and (request.method in SAFE_METHODS or g.get("reads_only", False))


def serialise_sqlite_writes(engine: Engine) -> None:
    """SQLite: write-ahead log; reads begin DEFERRED, writers take the write lock up front.

    In WAL mode readers never wait for the writer nor it for them. A transaction in a POST (or
    outside any request: the CLI, workers) begins IMMEDIATE, so two writers never both read the
    audit chain head: the second queues for up to SQLITE_BUSY_MS. A GET that writes after reading
    cannot fork the chain either: SQLite refuses its upgrade ("database is locked", answered 503)
    when another writer committed since it read.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def no_driver_begin(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event below says BEGIN
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")  # writers queue
        dbapi_connection.execute("PRAGMA journal_mode = WAL")  # readers never block or wait for the writer

    @event.listens_for(engine, "begin")
    def begin(connection):
        connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


def write_alone(statement) -> None:
    """Commit what is open, then run one UPDATE or DELETE as a transaction of its own.

    A GET's transaction has read, so on SQLite it cannot wait for the write lock; one that
    begins with the write does wait its turn (a session's last-seen time, say).
    """
    db.session.commit()
    db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.commit()


def is_locked(error: BaseException) -> bool:
    """SQLite's answer when the write lock stayed taken for longer than the busy timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)
