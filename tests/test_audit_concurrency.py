"""Concurrent writers queue at the chain head: one gap-free chain that verifies, never a fork."""
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from ideas.accounts.models import Site
from ideas.audit import record
from ideas.audit.models import AuditEvent
from ideas.audit.verify import verify_trail
from ideas.extensions import db
from tests.conftest import make_app

THREADS, EACH = 8, 10


def write_at_once(app) -> None:
    """Eight threads, each with its own session, each committing ten transactions of events."""
    start, errors = threading.Barrier(THREADS), []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for n in range(EACH):
                    site = None
                    if n % 2:  # a change and its event in one transaction; else the event alone
                        site = Site(name=f"Site {number}-{n}")
                        db.session.add(site)
                    record("site.created" if site else "test.event", entity=site,
                           reason=f"writer {number}, transaction {n}")
                    db.session.commit()
        except Exception as error:  # noqa: BLE001  (reported below, with every other writer's)
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def assert_one_chain(app) -> None:
    with app.app_context():
        report = verify_trail()
        assert report.ok, report.summary()
        assert (report.events, report.head, report.checkpoint) == (THREADS * EACH,) * 3
        sequences = db.session.scalars(select(AuditEvent.sequence).order_by(AuditEvent.sequence)).all()
        assert sequences == list(range(1, THREADS * EACH + 1))
        db.engine.dispose()


@pytest.mark.postgres
def test_postgresql_writers_never_fork_the_chain(pg_databases, tmp_path):
    url = pg_databases.fresh()
    try:
        app = make_app(url, tmp_path)
        write_at_once(app)
        assert_one_chain(app)
    finally:
        pg_databases.drop(url)


def test_sqlite_file_writers_never_fork_the_chain(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'threads.sqlite'}", tmp_path)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    write_at_once(app)
    assert_one_chain(app)
