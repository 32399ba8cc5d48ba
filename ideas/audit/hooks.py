"""The audit trail's hooks into requests and the database session.

- The backstop: every insert, update or delete of an `Audited` row is noted at flush; at
  commit, a change that no `record()` in the same transaction covered (its row or the row
  that owns it) is written as `<table>.changed_unrecorded` with its old and new values.
- The checkpoint moves forward after each commit that added events, never past an event the
  chain no longer holds (then it says so in the log, and verify fails).
- Rate-limit refusals are audited; every response carries its X-Request-ID.
"""
from flask import Flask, current_app, request
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import object_session

from ideas.audit import checkpoint
from ideas.audit.queries import hash_at
from ideas.audit.writer import STATE, Unrecorded, actor_details, append, record_refusal, request_id, \
    transaction_audit
from ideas.database import Audited, db, row_id


def init_app(app: Flask) -> None:
    app.after_request(_send_request_id)
    app.config.setdefault("RATELIMIT_ON_BREACH_CALLBACK", record_rate_limited)


def record_rate_limited(limit) -> None:
    """Flask-Limiter's breach callback: the refused request is audited."""
    if request.endpoint == "accounts.sign_in":
        record_refusal("user.sign_in_rate_limited", changes={"email": (None, request.form.get("email", ""))},
                       reason=f"more than {limit.limit} failed sign-ins")
    else:
        record_refusal("request.rate_limited", reason=f"more than {limit.limit}")


def _send_request_id(response):
    response.headers.setdefault("X-Request-ID", request_id())
    return response


def _note(target: Audited, changes: dict) -> None:
    if not changes:
        return
    audit = transaction_audit(object_session(target))
    key = (target.__tablename__, row_id(target))
    noted = audit.unrecorded.setdefault(key, Unrecorded(target.audit_owner(), target.audit_idea_id()))
    for name, (old, new) in changes.items():
        noted.changes[name] = (noted.changes[name][0], new) if name in noted.changes else (old, new)


def _stored(mapper, connection, state, attributes: list) -> dict:
    """What the row holds in the database for attributes the session never loaded."""
    if not attributes or not state.identity:
        return {}
    row = connection.execute(select(*(attribute.columns[0] for attribute in attributes)).where(
        *(column == value for column, value in zip(mapper.primary_key, state.identity)))).first()
    return {} if row is None else {attribute.key: value for attribute, value in zip(attributes, row)}


@event.listens_for(Audited, "after_insert", propagate=True)
def _inserted(mapper, connection, target):
    loaded = inspect(target).dict
    _note(target, {attribute.key: (None, loaded[attribute.key]) for attribute in mapper.column_attrs
                   if loaded.get(attribute.key) is not None})


@event.listens_for(Audited, "before_update", propagate=True)
def _updating(mapper, connection, target):
    state = inspect(target)
    changes, unloaded = {}, []
    for attribute in mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if history.has_changes():
            changes[attribute.key] = (history.deleted[0] if history.deleted else None,
                                      history.added[0] if history.added else None)
            if not history.deleted:  # set without being loaded first
                unloaded.append(attribute)
    for key, old in _stored(mapper, connection, state, unloaded).items():
        changes[key] = (old, changes[key][1])
    _note(target, changes)


@event.listens_for(Audited, "before_delete", propagate=True)
def _deleting(mapper, connection, target):
    state = inspect(target)
    old = {attribute.key: state.dict[attribute.key] for attribute in mapper.column_attrs
           if attribute.key in state.dict}
    old.update(_stored(mapper, connection, state, [a for a in mapper.column_attrs if a.key not in old]))
    _note(target, {key: (value, None) for key, value in old.items() if value is not None})


@event.listens_for(db.session, "before_commit")
def _backstop(session):
    if session.in_nested_transaction():
        return
    session.flush()  # commit flushes after this hook; the backstop must see those changes
    audit = session.info.get(STATE)
    if audit is None or not audit.unrecorded:
        return
    unrecorded, audit.unrecorded = audit.unrecorded, {}
    uncovered = [(key, noted) for key, noted in unrecorded.items() if noted.owner not in audit.covered]
    who = actor_details(None) if uncovered else None
    for (table, entity_id), noted in uncovered:
        append(session, f"{table}.changed_unrecorded", who=who, entity=(table, entity_id, None),
               owner=noted.owner, idea_id=noted.idea_id, changes=noted.changes, reason=None,
               meaning=None, outcome="success")


@event.listens_for(db.session, "after_commit")
def _advance_checkpoint(session):
    audit = session.info.get(STATE)
    if session.in_nested_transaction() or audit is None or audit.head is None:
        return
    try:
        checkpoint.advance(current_app.config["AUDIT_CHECKPOINT_PATH"], current_app.config["AUDIT_KEY"],
                           *audit.head, hash_at=hash_at)
    except checkpoint.Refused as refusal:  # the events are committed; the checkpoint stays put, so verify fails
        current_app.logger.critical("AUDIT TRAIL TAMPERED WITH: the checkpoint refused to move to event %s: %s",
                                    audit.head[0], refusal)
    except (OSError, SQLAlchemyError):  # the events are committed; a lagging checkpoint only weakens truncation checks
        current_app.logger.exception("audit checkpoint not written")


@event.listens_for(db.session, "after_soft_rollback")
def _forget_rolled_back_head(session, previous_transaction):
    audit = session.info.get(STATE)
    if audit is not None:
        audit.head = None  # a savepoint's events are gone: never checkpoint them


@event.listens_for(db.session, "after_transaction_end")
def _clear(session, transaction):
    if transaction.parent is None:
        session.info.pop(STATE, None)
