"""Benchmark `flask --app ideas audit verify` on 100,000 real chained events in a temporary SQLite file.

    /work/venv/bin/python bench/audit_verify.py [--events 100000]

Setup seals every event exactly as `record()` does (a quarter of them with two changed
values) but inserts them in bulk, and advances the checkpoint as if each `--events-per-commit`
events were a commit (so its history has an entry per commit; the checkpoint sits on tmpfs
to keep setup quick); then the real command verifies the chain, checkpoint, history and triggers.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ideas import create_app  # noqa: E402
from ideas.audit import checkpoint  # noqa: E402
from ideas.audit.chain import FORMAT_VERSION, GENESIS, key_id  # noqa: E402
from ideas.audit.models import AuditEvent, AuditValue, Outcome  # noqa: E402
from ideas.audit.writer import seal_event  # noqa: E402
from ideas.clock import utcnow  # noqa: E402
from ideas.extensions import db  # noqa: E402

KEY = "benchmark-audit-key"
BATCH = 5000


def columns(instance, table) -> dict:
    return {column.key: getattr(instance, column.key) for column in table.columns if column.key != "id"}


def build(settings: dict, count: int, per_commit: int) -> None:
    app = create_app(overrides=settings)
    with app.app_context():
        upgrade()
        prev_hash, start, kid = GENESIS, utcnow() - timedelta(days=365), key_id(KEY)
        events, values, sealed = [], [], {}
        for n in range(1, count + 1):
            event = AuditEvent(
                sequence=n, occurred_at=start + timedelta(seconds=n), format_version=FORMAT_VERSION, key_id=kid,
                actor_name="Bench Writer", actor_roles="committee,mentor", action="idea.edited",
                outcome=Outcome.SUCCESS, entity_type="ideas", entity_id=str(n % 5000 + 1), entity_version=n % 7,
                idea_id=n % 5000 + 1, reason=f"benchmark event {n}", request_id=f"{n:032x}",
                client_address="10.0.0.1", method="POST", path=f"/ideas/{n % 5000 + 1}", user_agent="bench",
                prev_hash=prev_hash)
            seal_event(KEY, event, {"title": (f"Title {n - 1}", f"Title {n}")} if n % 4 == 0 else {})
            prev_hash = sealed[n] = event.hash
            if n % per_commit == 0 or n == count:
                checkpoint.advance(settings["AUDIT_CHECKPOINT_PATH"], KEY, n, prev_hash, hash_at=sealed.get)
            events.append(columns(event, AuditEvent.__table__))
            values += [{**columns(value, AuditValue.__table__), "event_sequence": n} for value in event.values]
            if len(events) == BATCH or n == count:
                db.session.execute(insert(AuditEvent.__table__), events)
                if values:
                    db.session.execute(insert(AuditValue.__table__), values)
                db.session.commit()
                events, values = [], []
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--events-per-commit", type=int, default=1, help="1: a history entry per event")
    arguments = parser.parse_args()
    count, per_commit = arguments.events, arguments.events_per_commit
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=shm) as outside:
        settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "AUDIT_KEY": KEY,
                    "AUDIT_CHECKPOINT_PATH": f"{outside}/checkpoint.json", "SECRET_KEY": "bench"}
        began = time.perf_counter()
        build(settings, count, per_commit)
        print(f"setup: {count} sealed events, a checkpoint every {per_commit}, "
              f"in {time.perf_counter() - began:.1f} s")
        env = {**os.environ, "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"], "AUDIT_KEY": KEY,
               "AUDIT_CHECKPOINT_PATH": settings["AUDIT_CHECKPOINT_PATH"], "SECRET_KEY": "bench",
               "IDEAS_INSTANCE_PATH": tmp}
        began = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "ideas", "audit", "verify"], cwd=ROOT,
                                env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - began
        print(result.stdout.strip() or result.stderr.strip())
        print(f"flask --app ideas audit verify: {seconds:.2f} s for {count} events "
              f"= {count / seconds:,.0f} events/second (exit {result.returncode}, process start included)")
        sys.exit(result.returncode)


if __name__ == "__main__":
    main()
