"""The tail of the trail: deleted-and-regrown events, replayed checkpoints, a cut history, and the triggers."""
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.audit import checkpoint, history
from ideas.audit.triggers import POSTGRESQL, SQLITE
from ideas.audit.verify import verify_trail
from ideas.extensions import db
from tests.conftest import sign_in
from tests.support.audit import history_entries, raw_sql, tamper, verify_fails, write_events
from tests.test_pipeline_concurrency import pg_app  # noqa: F401  (a fixture: PostgreSQL whatever DATABASE_URL says)


@pytest.fixture
def trail(create_user):
    """Seven events, each committed on its own: 1 the admin's creation, 2–7 test events."""
    create_user(Role.ADMIN)
    write_events(6)


def files(app) -> tuple[bytes, bytes]:
    """The checkpoint and its history, byte for byte."""
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    return path.read_bytes(), history.path_for(path).read_bytes()


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL and "TAMPERED" in r.getMessage()]


def test_ordinary_use_verifies_and_the_history_grows_with_each_commit(app, client, create_user, runner, caplog):
    mentee = create_user(Role.MENTEE)
    sign_in(client, mentee, "wrong")  # a refusal, audited in its own transaction
    sign_in(client, mentee)
    write_events(4, per_commit=2)
    entries = history_entries(app)
    sequences = [entry["sequence"] for entry in entries]
    assert sequences == [1, 2, 3, 5, 7]  # one entry per commit that wrote events, never back
    assert [entry["prev"] for entry in entries[1:]] == [entry["mac"] for entry in entries[:-1]]
    assert json.loads(Path(app.config["AUDIT_CHECKPOINT_PATH"]).read_text())["sequence"] == sequences[-1]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "verified: 7 events (1–7)" in result.output and "checkpoint at 7" in result.output
    assert refusals(caplog) == []


def test_a_tail_deleted_and_regrown_is_caught(app, trail, runner, caplog):
    tamper("DELETE FROM audit_events WHERE sequence > 5")
    write_events(3)  # events 6, 7 and 8 again: a valid chain, longer than the checkpoint
    assert json.loads(Path(app.config["AUDIT_CHECKPOINT_PATH"]).read_text())["sequence"] == 7
    assert "the events up to it were deleted and the chain grew again" in verify_fails(runner, 6, "regrown")
    assert len(refusals(caplog)) == 2 and "event 7 in the chain is no longer the event" in refusals(caplog)[0]


@pytest.mark.parametrize("regrown", [2, 3], ids=["back to the checkpoint", "past the checkpoint"])
def test_the_checkpoint_refuses_to_advance_when_its_event_is_gone(app, trail, caplog, regrown):
    before = files(app)
    tamper("DELETE FROM audit_events WHERE sequence > 5")
    write_events(regrown, per_commit=regrown)  # one transaction from 6 to 7 or 8
    assert files(app) == before
    assert len(refusals(caplog)) == 1 and f"move to event {5 + regrown}" in refusals(caplog)[0]
    with pytest.raises(checkpoint.Refused, match="no longer the event the checkpoint recorded"):
        checkpoint.advance(app.config["AUDIT_CHECKPOINT_PATH"], app.config["AUDIT_KEY"], 9, "a" * 64,
                           hash_at=lambda sequence: None)


def test_an_older_checkpoint_put_back_is_caught_and_not_papered_over(app, trail, runner, caplog):
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    old = path.read_bytes()
    write_events(2)
    path.write_bytes(old)
    assert "is not the last entry of its history (event 9)" in verify_fails(runner, None, "checkpoint")
    write_events(1)  # the next commit must not make the replay vanish
    assert path.read_bytes() == old and refusals(caplog)
    verify_fails(runner, None, "checkpoint")


def cut(lines: list[str], how: str) -> list[str]:
    if how == "swapped":
        return [lines[0], lines[2], lines[1], *lines[3:]]
    if how == "edited":
        return [lines[0], lines[1].replace('"sequence": 2', '"sequence": 3'), *lines[2:]]
    return {"first dropped": lines[1:], "middle dropped": lines[:3] + lines[4:], "last dropped": lines[:-1]}[how]


@pytest.mark.parametrize("how, kind, says", [
    ("first dropped", "checkpoint history", "entry 1 of"),
    ("middle dropped", "checkpoint history", "entry 4 of"),
    ("swapped", "checkpoint history", "entry 2 of"),
    ("edited", "checkpoint history", "was altered"),
    ("last dropped", "checkpoint", "not the last entry of its history (event 6)"),
])
def test_a_history_cut_or_reordered_is_caught(app, trail, runner, how, kind, says):
    log = history.path_for(app.config["AUDIT_CHECKPOINT_PATH"])
    log.write_text("".join(line + "\n" for line in cut(log.read_text().splitlines(), how)))
    assert says in verify_fails(runner, None, kind)


def test_a_deleted_history_is_caught(app, trail, runner, caplog):
    history.path_for(app.config["AUDIT_CHECKPOINT_PATH"]).unlink()
    assert "has no history at" in verify_fails(runner, None, "checkpoint history")
    write_events(1)
    assert refusals(caplog) and not history.path_for(app.config["AUDIT_CHECKPOINT_PATH"]).exists()


def test_everything_deleted_with_a_checkpoint_is_caught(trail, runner):
    tamper("DELETE FROM audit_values", "DELETE FROM audit_events")
    assert "the trail is empty, but the checkpoint records events 1–7" in verify_fails(runner, 1, "truncated")


def expected_triggers() -> dict:
    return POSTGRESQL if db.engine.dialect.name == "postgresql" else SQLITE


def test_each_dropped_trigger_is_named(trail, runner):
    dropped = []
    for name, (table, operations, _) in expected_triggers().items():
        raw_sql(f"DROP TRIGGER {name} ON {table}" if db.engine.dialect.name == "postgresql" else
                f"DROP TRIGGER {name}")
        dropped.append(name)
        output = verify_fails(runner, None, "triggers")
        assert f"trigger {name} is missing: the database no longer refuses {' or '.join(operations)}" in output
        assert output.count("FAILED") == len(dropped)


@pytest.mark.postgres
@pytest.mark.parametrize("how", ["DISABLE TRIGGER", "ENABLE REPLICA TRIGGER"])  # a replica trigger sleeps
def test_disabled_triggers_are_named_on_postgresql(pg_app, how):  # noqa: F811
    """SQLite triggers cannot be disabled, only dropped: this runs on PostgreSQL whatever DATABASE_URL says."""
    with pg_app.app_context():
        create_user("ada@hospital.example", "Ada Admin", {Role.ADMIN}, "a long passphrase here")
        write_events(6)
        for name in ("audit_events_append_only", "audit_events_no_truncate"):
            raw_sql(f"ALTER TABLE audit_events {how} {name}")
        output = verify_fails(pg_app.test_cli_runner(), None, "triggers")
    assert "trigger audit_events_append_only is disabled: the database no longer refuses UPDATE or DELETE" in output
    assert "trigger audit_events_no_truncate is disabled" in output and "audit_values" not in output


def test_a_trigger_replaced_by_one_that_refuses_nothing_is_named(trail, runner):
    postgresql = db.engine.dialect.name == "postgresql"
    db.session.remove()
    with db.engine.begin() as connection:
        if postgresql:
            connection.exec_driver_sql("DROP TRIGGER audit_events_append_only ON audit_events")
            connection.exec_driver_sql("CREATE TRIGGER audit_events_append_only BEFORE INSERT ON audit_events "
                                       "FOR EACH ROW EXECUTE FUNCTION audit_refuse()")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
            connection.exec_driver_sql("CREATE TRIGGER audit_events_no_delete AFTER INSERT ON audit_events "
                                       "BEGIN SELECT 1; END")
    assert " was changed: the database no longer refuses" in verify_fails(runner, None, "triggers")


def test_verify_names_every_problem_at_once(app, trail, runner):
    tamper("DELETE FROM audit_events WHERE sequence > 5")
    write_events(3)
    raw_sql("DROP TRIGGER audit_events_no_truncate ON audit_events" if db.engine.dialect.name == "postgresql"
            else "DROP TRIGGER audit_events_no_update")
    report = verify_trail()
    assert [problem.kind for problem in report.problems] == ["regrown", "triggers"]
    assert verify_fails(runner, 6, "regrown").count("FAILED") == 2



def test_a_database_error_while_advancing_leaves_the_commit_alone(app, trail, monkeypatch, caplog):
    def unreachable(sequence):
        raise OperationalError("SELECT hash", {}, Exception("server closed the connection"))

    monkeypatch.setattr("ideas.audit.hooks.hash_at", unreachable)
    write_events(1)  # committed; the checkpoint lags behind, and says why in the log
    assert verify_trail().head == 8
    assert json.loads(Path(app.config["AUDIT_CHECKPOINT_PATH"]).read_text())["sequence"] == 7
    assert "audit checkpoint not written" in caplog.text and refusals(caplog) == []
