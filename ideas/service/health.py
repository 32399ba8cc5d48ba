"""`/healthz` (the process answers) and `/readyz` (it can serve: database, migrations, Redis).

For the proxy and the orchestrator: no sign-in, no rate limit, and the answer names no cause
(a stranger may call them); the cause goes to the log for the operator.
"""
import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from ideas.extensions import db, limiter

bp = Blueprint("service", __name__)
log = logging.getLogger(__name__)


def _plain(text: str, status: int):
    return text, status, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return _plain("ok\n", 200)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    problem = not_ready()
    if problem:
        log.warning("not ready: %s", problem)
        return _plain("not ready\n", 503)
    return _plain("ready\n", 200)


def not_ready() -> str | None:
    """Why this process cannot serve requests now, or None when it can."""
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        return f"database unreachable ({type(error).__name__})"
    expected = set(_migration_heads())
    if current != expected:
        return f"database at migration {sorted(current) or 'none'}, the code expects {sorted(expected)}"
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "rediss")) and not limiter.storage.check():
        return "Redis unreachable"
    return None


def _migration_heads() -> tuple[str, ...]:
    if "migration_heads" not in current_app.extensions:
        config = current_app.extensions["migrate"].migrate.get_config()
        current_app.extensions["migration_heads"] = tuple(ScriptDirectory.from_config(config).get_heads())
    return current_app.extensions["migration_heads"]
