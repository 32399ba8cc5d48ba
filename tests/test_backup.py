"""Backup and restore: the same rows in a new database, a `restored` event, verify clean;
a damaged file, another database's backup or another key change nothing."""
import gzip
import io
import tarfile
import threading
import time
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import select
from sqlalchemy.engine import make_url

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.backup.databases import conninfo
from ideas.extensions import db
from ideas.pipeline.workflow import Stage
from tests.conftest import make_app
from tests.support.audit import changes, events
from tests.support.ideas import make_idea


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every table of the app, in primary-key order."""
    with db.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables}


@pytest.fixture
def backup(app, runner, people, tmp_path) -> Path:
    """A backup of a database holding people, ideas at several stages and their audit events."""
    make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    make_idea(people["submitter"], Stage.REVISION, mentor=people["mentor"], co_authors=(people["co_author"],))
    make_idea(people["stranger"])
    path = tmp_path / "ideas.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    return path


@pytest.fixture
def other_database(databases, tmp_path):
    """Factory: an app on a new, migrated, empty database with its own checkpoint folder."""
    made = []

    def factory(**overrides):
        url = databases.fresh()
        other = make_app(url, tmp_path / f"other-{len(made)}", **overrides)
        made.append((other, url))
        return other

    yield factory
    for other, url in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.drop(url)


def run(app, *args: str):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_a_restore_into_a_new_database_gives_the_same_rows_and_a_clean_verify(app, backup, other_database):
    before = table_rows()
    target = other_database()
    result = run(target, "restore", str(backup))
    assert result.exit_code == 0, result.output
    with target.app_context():
        after = table_rows()
        [restored] = events("restored")
        through = len(before["audit_events"])
        assert changes(restored)["restored_through_event"] == (None, through)
        assert restored.sequence == through + 1 and restored.actor_name == "system"
    assert {name: rows for name, rows in after.items() if not name.startswith("audit_")} == \
           {name: rows for name, rows in before.items() if not name.startswith("audit_")}
    for name in ("audit_events", "audit_values"):
        assert after[name][:len(before[name])] == before[name]
    verified = run(target, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert (Path(target.config["AUDIT_CHECKPOINT_PATH"]).parent / "audit-checkpoint.history.jsonl").exists()


def test_a_database_that_holds_data_is_replaced_only_with_force(app, runner, backup, create_user):
    create_user(Role.MENTEE, email="after.backup@hospital.example")
    before = table_rows()
    refused = runner.invoke(args=["restore", str(backup)])
    assert refused.exit_code == 1 and "already holds data" in refused.output and "--force" in refused.output
    assert table_rows() == before
    forced = runner.invoke(args=["restore", "--force", str(backup)])
    assert forced.exit_code == 0, forced.output
    assert "after.backup@hospital.example" not in str(table_rows()["users"])
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def damaged(backup: Path, how: str) -> Path:
    data = backup.read_bytes()
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "corrupt":
        middle = len(data) // 2
        data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
    else:  # a member altered, packed again with the original manifest: a valid gzipped tar
        source, out = tarfile.open(backup, "r:gz"), io.BytesIO()
        with tarfile.open(fileobj=out, mode="w") as tar:
            for info in source:
                content = source.extractfile(info).read()
                if info.name.startswith("audit-checkpoint.history"):
                    content = content.replace(b'"sequence": 1,', b'"sequence": 2,', 1)
                tar.addfile(info, io.BytesIO(content))
        data = gzip.compress(out.getvalue())
    path = backup.with_name(f"{how}.backup")
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("how", ["truncated", "corrupt", "altered"])
def test_a_damaged_backup_is_refused_with_a_clear_message_and_changes_nothing(app, backup, other_database, how):
    target = other_database()
    with target.app_context():
        before = table_rows()
    result = run(target, "restore", str(damaged(backup, how)))
    assert result.exit_code == 1
    assert "was not restored" in result.output and "Nothing was changed" in result.output
    assert "Traceback" not in result.output
    with target.app_context():
        assert table_rows() == before
    assert not Path(target.config["AUDIT_CHECKPOINT_PATH"]).exists()


def test_a_file_that_is_no_backup_is_refused(app, other_database, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    result = run(other_database(), "restore", str(path))
    assert result.exit_code == 1 and "was not restored" in result.output


def test_a_backup_sealed_with_another_audit_key_is_refused(app, backup, other_database):
    result = run(other_database(AUDIT_KEY="another-audit-key"), "restore", str(backup))
    assert result.exit_code == 1 and "not the configured AUDIT_KEY" in result.output


def test_a_backup_taken_while_the_app_writes_restores_to_a_clean_chain(app, runner, other_database, tmp_path):
    writer_app = make_app(db.engine.url.render_as_string(hide_password=False), tmp_path)  # same checkpoint
    writing, written = threading.Event(), []

    def keep_writing():
        with writer_app.app_context():
            while not writing.is_set():
                written.append(create_user(f"busy{len(written)}@hospital.example", "Busy Writer", {Role.MENTEE},
                                           "a long enough password").id)
                db.session.commit()
            db.engine.dispose()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:
            time.sleep(0.05)
        path = tmp_path / "while-writing.backup"
        result = runner.invoke(args=["backup", str(path)])
        assert result.exit_code == 0, result.output
    finally:
        writing.set()
        writer.join(timeout=30)
    target = other_database()
    assert run(target, "restore", str(path)).exit_code == 0
    verified = run(target, "audit", "verify")
    assert verified.exit_code == 0, verified.output


def test_a_urls_connection_options_reach_pg_dump_whole():
    """`options=-c statement_timeout=0` in DATABASE_URL: pg_dump got "-c+statement_timeout=0" from the URL form."""
    url = make_url("postgresql+psycopg://ward:secret@db.example:5433/ideas?options=-c%20statement_timeout%3D0"
                   "&sslmode=require")
    assert conninfo_to_dict(conninfo(url)) == {"host": "db.example", "port": "5433", "dbname": "ideas",
                                               "user": "ward", "options": "-c statement_timeout=0",
                                               "sslmode": "require"}  # and no password
