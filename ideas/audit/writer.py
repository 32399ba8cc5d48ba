"""Writing audit events: `record()` in the caller's transaction, `record_refusal()` in its own.

Every event goes through `append()`: under the chain lock (PostgreSQL advisory lock; on
SQLite the write lock every transaction takes at BEGIN IMMEDIATE) it reads the head, seals
the event as head + 1 and flushes. It never commits.
"""
import re
import secrets
import uuid
from dataclasses import dataclass, field

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ideas.audit.chain import FORMAT_VERSION, GENESIS, canonical, key_id, plain, seal, value_digest, value_text
from ideas.audit.models import AuditEvent, AuditValue, Outcome, Side, event_fields
from ideas.clock import utcnow
from ideas.database import Audited, db, row_id

CHAIN_LOCK = 0x1DEA_A0D1  # the PostgreSQL advisory lock that guards the chain head
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
STATE = "audit"


@dataclass(frozen=True)
class SystemActor:
    """The application acting on its own (a re-approval a material edit triggers), not the signed-in user."""

    id: None = None
    name: str = "system"
    roles: tuple = ()


SYSTEM = SystemActor()


@dataclass
class Unrecorded:
    """A change to an audited row that the backstop saw at flush, waiting for commit."""

    owner: tuple[str, str | None]
    idea_id: int | None
    changes: dict = field(default_factory=dict)


@dataclass
class TransactionAudit:
    """What this transaction has written to and still owes the audit trail."""

    covered: set = field(default_factory=set)
    unrecorded: dict[tuple[str, str | None], Unrecorded] = field(default_factory=dict)
    head: tuple[int, str] | None = None


def transaction_audit(session: Session) -> TransactionAudit:
    return session.info.setdefault(STATE, TransactionAudit())


def record(action: str, *, entity=None, idea_id: int | None = None, changes: dict | None = None,
           reason: str | None = None, meaning: str | None = None, outcome: str = "success",
           actor=None) -> AuditEvent:
    """Append one audit event in the current transaction (flushes, never commits).

    `entity` is a model instance; `changes` maps a field to (old, new); `actor` defaults to
    the signed-in user, else "anonymous" in a request and "system" outside one.
    """
    who = actor_details(actor)
    session = db.session()
    session.flush()  # the entity gets its id; pending changes reach the backstop first
    entity_type = entity_id = version = None
    owner = None
    if entity is not None:
        entity_type, entity_id = entity.__tablename__, row_id(entity)
        version = getattr(entity, "version", None)
        owner = entity.audit_owner() if isinstance(entity, Audited) else (entity_type, entity_id)
        if idea_id is None and isinstance(entity, Audited):
            idea_id = entity.audit_idea_id()
    return append(session, action, who=who, entity=(entity_type, entity_id, version), owner=owner,
                  idea_id=idea_id, changes=changes, reason=reason, meaning=meaning, outcome=outcome)


def record_refusal(action: str, *, entity=None, idea_id: int | None = None, changes: dict | None = None,
                   reason: str | None = None, meaning: str | None = None, outcome: str = "denied",
                   actor=None) -> AuditEvent:
    """Record a refusal that matters (failed sign-in or re-authentication, a denied gate action).

    Whatever the current transaction holds is rolled back first, as the refused change
    must leave nothing; then the refusal alone is written and committed.
    """
    db.session.rollback()
    event = record(action, entity=entity, idea_id=idea_id, changes=changes, reason=reason, meaning=meaning,
                   outcome=outcome, actor=actor)
    db.session.commit()
    return event


def append(session: Session, action: str, *, who: tuple[int | None, str, str],
           entity: tuple[str | None, str | None, int | None], owner, idea_id: int | None,
           changes: dict | None, reason: str | None, meaning: str | None, outcome: str) -> AuditEvent:
    """Seal and add the next event of the chain under the chain lock; flushes."""
    key = current_app.config["AUDIT_KEY"]
    sequence, prev_hash = _lock_head(session)
    entity_type, entity_id, version = entity
    event = AuditEvent(
        sequence=sequence + 1, occurred_at=utcnow(), format_version=FORMAT_VERSION, key_id=key_id(key),
        actor_id=who[0], actor_name=who[1], actor_roles=who[2], action=action, outcome=Outcome(outcome),
        entity_type=entity_type, entity_id=entity_id,
        entity_version=version if isinstance(version, int) and not isinstance(version, bool) else None,
        idea_id=idea_id, reason=reason or None, meaning=meaning or None, prev_hash=prev_hash,
        **_request_details(),
    )
    seal_event(key, event, changes or {})
    session.add(event)
    session.flush()
    audit = transaction_audit(session)
    if owner is not None:
        audit.covered.add(owner)
    audit.head = (event.sequence, event.hash)
    return event


def seal_event(key: str, event: AuditEvent, changes: dict) -> None:
    """Put the changed values beside the event and seal its canonical bytes onto its prev_hash."""
    values, digests = _values(key, changes)
    event.canonical = canonical({**event_fields(event), "changes": digests})
    event.hash = seal(key, event.prev_hash, event.canonical)
    event.values = values


def request_id() -> str:
    """This request's id: the proxy's X-Request-ID when it looks sane, else a new one."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def _lock_head(session: Session) -> tuple[int, str]:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    head = session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    return (head.sequence, head.hash) if head else (0, GENESIS)


def actor_details(actor) -> tuple[int | None, str, str]:
    """(id, name, roles) of the actor, the signed-in user, or anonymous / system."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if actor is None:
        return None, "anonymous" if has_request_context() else "system", ""
    return actor.id, actor.name, ",".join(sorted(plain(role) for role in actor.roles))


def _request_details() -> dict:
    if not has_request_context():
        return {}
    return {
        "request_id": request_id(),
        "client_address": request.remote_addr,
        "method": request.method,
        "path": request.path[:500],
        "user_agent": (request.user_agent.string or "")[:255] or None,
    }


def _values(key: str, changes: dict) -> tuple[list[AuditValue], dict]:
    rows, digests = [], {}
    for name, (old, new) in sorted(((str(name)[:100], pair) for name, pair in changes.items()),
                                   key=lambda item: item[0]):
        for side, value in ((Side.OLD, old), (Side.NEW, new)):
            stored, salt = value_text(name, value), secrets.token_hex(16)
            digest = value_digest(key, salt, stored)
            rows.append(AuditValue(field=name, side=side, value=stored, salt=salt, digest=digest))
            digests.setdefault(name, {})[side.value] = digest
    return rows, digests
