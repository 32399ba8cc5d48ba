"""The SQLAlchemy base: naming convention, UTC timestamps, the `db` object."""
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Engine, MetaData, event, inspect
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


SQLITE_BUSY_MS = 15_000


def serialise_sqlite_writes(engine: Engine) -> None:
    """SQLite: every transaction takes the write lock when it begins (`BEGIN IMMEDIATE`).

    pysqlite's deferred transactions let two writers read the same audit chain head and
    then fail on the write lock; SQLAlchemy's documented recipe hands BEGIN to us instead.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def no_driver_begin(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")  # writers queue

    @event.listens_for(engine, "begin")
    def begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
