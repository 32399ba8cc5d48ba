"""The database refuses changes to the trail; verify catches what someone does with the triggers off."""
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ideas.accounts.models import Role
from ideas.audit import checkpoint, record
from ideas.audit.models import AuditEvent
from ideas.audit.queries import hash_at
from ideas.audit.verify import verify_trail
from ideas.extensions import db
from tests.support.audit import raw_sql, tamper, verify_fails

CHANGED = 3  # the event of the chain below that has stored values


@pytest.fixture
def chain(create_user):
    """Seven events: 1 the admin's creation, 2–7 test events; event 3 changed a name."""
    admin = create_user(Role.ADMIN)
    for n in range(2, 8):
        record("test.event", reason=f"event {n}",
               changes={"name": ("Old name", "New name")} if n == CHANGED else None)
        db.session.commit()
    return admin


def test_an_intact_chain_verifies(chain, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == verify_trail().summary()
    assert "verified: 7 events (1–7)" in result.output and "checkpoint at 7" in result.output


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET reason = 'rewritten' WHERE sequence = 2",
    "DELETE FROM audit_events WHERE sequence = 7",
])
def test_the_database_refuses_update_and_delete_of_events(chain, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        raw_sql(statement)
    assert verify_trail().ok


def test_emptying_the_tables_is_refused(chain):
    """TRUNCATE on PostgreSQL; SQLite has none, but an unqualified DELETE is its fast path to it."""
    empty = "TRUNCATE {} CASCADE" if db.engine.dialect.name == "postgresql" else "DELETE FROM {}"
    for table in ("audit_values", "audit_events"):
        with pytest.raises(DBAPIError, match="append-only|only a redaction"):
            raw_sql(empty.format(table))
    assert verify_trail().ok


@pytest.mark.parametrize("statement", [
    "UPDATE audit_values SET value = '\"Someone else\"' WHERE side = 'new'",
    "UPDATE audit_values SET value = NULL, salt = NULL WHERE side = 'new'",  # a removal without its record
    "DELETE FROM audit_values WHERE side = 'new'",
])
def test_the_database_allows_values_only_a_redaction(chain, statement):
    with pytest.raises(DBAPIError, match="only a redaction"):
        raw_sql(statement)


def test_the_database_allows_a_redaction_shaped_update(chain):
    raw_sql("UPDATE audit_values SET value = NULL, salt = NULL, redacted_at = :at, redacted_by_id = :admin, "
            "redacted_in = 7 WHERE event_sequence = :event", {"at": "2026-01-01 00:00:00", "admin": chain.id,
                                                               "event": CHANGED})
    # allowed by the database, but no audit.redacted event backs it: verify says so
    assert verify_trail().problem.sequence == CHANGED


def canonical_of(sequence: int) -> bytes:
    return db.session.scalar(select(AuditEvent.canonical).where(AuditEvent.sequence == sequence))


def swap(first: int, second: int) -> list[str]:
    return [f"UPDATE audit_events SET sequence = -1 WHERE sequence = {first}",
            f"UPDATE audit_events SET sequence = {first} WHERE sequence = {second}",
            f"UPDATE audit_events SET sequence = {second} WHERE sequence = -1"]


TAMPERING = {
    "a column edited": (["UPDATE audit_events SET reason = 'nothing happened' WHERE sequence = 4"], 4, "edited"),
    "the actor changed": (["UPDATE audit_events SET actor_name = 'Someone Else' WHERE sequence = 5"], 5, "edited"),
    "a stored value edited": ([f"UPDATE audit_values SET value = '\"Other\"' WHERE event_sequence = {CHANGED} "
                               "AND side = 'new'"], CHANGED, "edited"),
    "a stored value removed": ([f"DELETE FROM audit_values WHERE event_sequence = {CHANGED} AND side = 'old'"],
                               CHANGED, "edited"),
    "a forged redaction": ([f"UPDATE audit_values SET value = NULL, salt = NULL, redacted_at = '2026-01-01', "
                            f"redacted_by_id = 1, redacted_in = 6 WHERE event_sequence = {CHANGED}"],
                           CHANGED, "edited"),
    "a salt made nonsense": ([f"UPDATE audit_values SET salt = 'zz' WHERE event_sequence = {CHANGED}"],
                             CHANGED, "edited"),
    "a previous hash edited": ([f"UPDATE audit_events SET prev_hash = '{'0' * 64}' WHERE sequence = 6"], 6, "edited"),
    "an event deleted": (["DELETE FROM audit_events WHERE sequence = 4"], 4, "missing"),
    "the first event deleted": (["DELETE FROM audit_values WHERE event_sequence = 1",
                                 "DELETE FROM audit_events WHERE sequence = 1"], 1, "missing"),
    "two events reordered": (swap(4, 5), 4, "reordered"),
    "the last events deleted": (["DELETE FROM audit_events WHERE sequence > 5"], 6, "truncated"),
}


@pytest.mark.parametrize("case", TAMPERING.values(), ids=TAMPERING.keys())
def test_verify_names_the_first_bad_event(chain, runner, case):
    statements, sequence, kind = case
    tamper(*statements)
    verify_fails(runner, sequence, kind)
    [problem] = verify_trail().problems  # the triggers are back in place: only the tampering shows
    assert (problem.sequence, problem.kind) == (sequence, kind)


def test_rewritten_canonical_bytes_are_caught(chain, runner):
    forged = canonical_of(4).replace(b"event 4", b"event X")
    tamper(("UPDATE audit_events SET canonical = :forged WHERE sequence = 4", {"forged": forged}))
    assert "its hash does not match its contents" in verify_fails(runner, 4, "edited")


def test_a_wrong_key_is_named(app, chain, runner):
    app.config["AUDIT_KEY"] = "not the key the chain was sealed with"
    verify_fails(runner, 1, "bad key")


def test_an_altered_checkpoint_is_caught(app, chain, runner):
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    checkpoint = json.loads(path.read_text())
    path.write_text(json.dumps({**checkpoint, "sequence": 5}))
    assert "was altered" in verify_fails(runner, None, "checkpoint")


def test_a_missing_checkpoint_is_caught(app, chain, runner):
    Path(app.config["AUDIT_CHECKPOINT_PATH"]).unlink()
    assert "no checkpoint" in verify_fails(runner, None, "checkpoint")


def test_the_checkpoint_only_moves_forward_and_after_commit(app, chain):
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    assert json.loads(path.read_text())["sequence"] == 7
    record("test.event", reason="not yet committed")
    assert json.loads(path.read_text())["sequence"] == 7
    db.session.commit()
    assert json.loads(path.read_text())["sequence"] == 8
    assert not checkpoint.advance(path, app.config["AUDIT_KEY"], 3, "0" * 64, hash_at=hash_at)
    assert json.loads(path.read_text())["sequence"] == 8
