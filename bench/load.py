"""Load and faults: gunicorn on PostgreSQL, simulated people for a bounded time, then every
acknowledged write checked present and `audit verify` run. Not a CI test (bench/README.md).

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 3] [--fault none|worker|database|redis]

A fresh database `ideas_load_<random>` is made on the server of --postgres (and dropped after);
Redis is reached through a relay the `redis` fault cuts for 20 s; the `database` fault
terminates this database's connections (pg_terminate_backend on it alone); the `worker` fault
kills one gunicorn worker (SIGKILL). Faults strike 20 s into the run.
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.load_people import Ledger, Member, Mentee, Mentor, Reader  # noqa: E402
from ideas import create_app  # noqa: E402
from ideas.accounts.models import Role, User  # noqa: E402
from ideas.accounts.operations import create_user  # noqa: E402
from ideas.audit.models import AuditEvent  # noqa: E402
from ideas.audit.verify import verify_trail  # noqa: E402
from ideas.committee.models import CommitteeVote  # noqa: E402
from ideas.config import TestConfig  # noqa: E402
from ideas.discussion.models import Comment  # noqa: E402
from ideas.extensions import db  # noqa: E402
from ideas.pipeline.models import Idea  # noqa: E402
from ideas.pipeline.workflow import Stage  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.support import gunicorn  # noqa: E402
from tests.support.ideas import a_unit, make_idea  # noqa: E402
from tests.support.relay import Relay  # noqa: E402

SHARE = {Mentee: 0.3, Mentor: 0.2, Member: 0.2, Reader: 0.3}
ROLE = {Mentee: Role.MENTEE, Mentor: Role.MENTOR, Member: Role.COMMITTEE, Reader: Role.COMMITTEE}
FAULT_AT = 20


def seed(users: int) -> tuple[dict, list[tuple[type, str]]]:
    """People of each kind and ideas waiting for the committee's votes; committed."""
    people = []
    for kind, share in SHARE.items():
        for n in range(max(1, round(users * share))):
            email = f"{kind.__name__.lower()}{n}@hospital.example"
            create_user(email, f"{kind.__name__} {n}", {ROLE[kind]}, PASSWORD)
            people.append((kind, email))
    db.session.commit()
    mentee, mentor = (db.session.scalar(select(User).where(User.email == e))
                      for e in ("mentee0@hospital.example", "mentor0@hospital.example"))
    committee_ideas = [make_idea(mentee, Stage.COMMITTEE_REVIEW, mentor=mentor).id for _ in range(12)]
    return {"unit": str(a_unit().id), "committee_ideas": committee_ideas}, people[:users]


def strike(fault: str, server, relay: Relay, database: str, admin_url: str, log: list) -> None:
    time.sleep(FAULT_AT)
    if fault == "worker":
        workers = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == server.pid]
        os.kill(workers[0], signal.SIGKILL)
        log.append(f"killed gunicorn worker {workers[0]} at {FAULT_AT} s")
    elif fault == "database":
        with psycopg.connect(admin_url, autocommit=True) as connection:
            ended = connection.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()[0]
        log.append(f"terminated {ended} connections to {database} at {FAULT_AT} s")
    elif fault == "redis":
        relay.down()
        log.append(f"Redis unreachable from {FAULT_AT} s")
        time.sleep(20)
        relay.up()
        log.append(f"Redis back at {FAULT_AT + 20} s")


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def missing_writes(ledger: Ledger) -> list[tuple]:
    """Every acknowledged write that the database does not hold."""
    emails = {user.email: user.id for user in db.session.scalars(select(User))}
    titles = set(db.session.scalars(select(Idea.title)))
    bodies = set(db.session.scalars(select(Comment.body)))
    votes = {(v.member_id, v.idea_id, str(v.vote.value)) for v in db.session.scalars(select(CommitteeVote))}
    moves = set(tuple(row) for row in db.session.execute(select(AuditEvent.actor_id, AuditEvent.idea_id).where(
        AuditEvent.action == "idea.transition")).all())
    found = {
        "idea": lambda token: f"Load idea {token}" in titles,
        "comment": lambda token: f"Looked at it: {token}" in bodies,
        "start_review": lambda email, idea_id: (emails[email], idea_id) in moves,
        "vote": lambda email, idea_id, vote: (emails[email], idea_id, vote) in votes,
    }
    return [write for write in ledger.acknowledged if not found[write[0]](*write[1:])]


def server_seconds(log: Path) -> list[float]:
    """Each request's time inside the app, from the JSON request log (without the wait for a free worker)."""
    times = []
    for line in log.read_text().splitlines():
        if '"logger": "ideas.requests"' in line:
            times.append(json.loads(line)["duration_ms"] / 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 1) if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--fault", choices=["none", "worker", "database", "redis"], default="none")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()

    name, folder = f"ideas_load_{uuid.uuid4().hex[:8]}", Path(tempfile.mkdtemp(prefix="ideas-load-"))
    admin_url = args.postgres
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    checkpoint = folder / "audit-checkpoint.json"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "AUDIT_CHECKPOINT_PATH": str(checkpoint)})
    relay = Relay(("127.0.0.1", 6379))
    relay.up()
    server = None
    try:
        with app.app_context():
            upgrade()
            shared, people = seed(args.users)
        port = gunicorn.free_port()
        environment = gunicorn.app_environment(url, checkpoint, f"redis://127.0.0.1:{relay.port}/0",
                                               f"load-{name}", SIGNIN_LIMIT_ADDRESS="100000 per 15 minutes")
        server = gunicorn.start(environment, port, workers=args.workers, log=folder / "gunicorn.log")
        ledger, faults = Ledger(), []
        deadline = time.monotonic() + args.seconds
        crowd = [kind(f"http://127.0.0.1:{port}", email, ledger, deadline, shared) for kind, email in people]
        ledger.started = time.monotonic()
        for person in crowd:
            person.start()
        if args.fault != "none":
            threading.Thread(target=strike, args=(args.fault, server, relay, name, admin_url, faults),
                             daemon=True).start()
        for person in crowd:
            person.join()
        elapsed = time.monotonic() - ledger.started
        gunicorn.stop(server)
        server = None
        with app.app_context():
            db.session.remove()
            lost = missing_writes(ledger)
            report = verify_trail()
            db.engine.dispose()
        print(json.dumps({
            "fault": args.fault, "events": faults, "users": len(crowd), "seconds": round(elapsed, 1),
            "workers": args.workers, "requests": sum(ledger.statuses.values()),
            "throughput_per_s": round(sum(ledger.statuses.values()) / elapsed, 1),
            "p50_ms": percentile(ledger.latencies, 0.5), "p95_ms": percentile(ledger.latencies, 0.95),
            "write_p95_ms": percentile(ledger.write_latencies, 0.95),
            "server_p95_ms": percentile(server_seconds(folder / "gunicorn.log"), 0.95),
            "statuses": dict(sorted(ledger.statuses.items())),
            "acknowledged_writes": len(ledger.acknowledged), "lost_acknowledged_writes": lost,
            "refused_writes": {f"{kind} {status}": n for (kind, status), n in sorted(ledger.refused.items())},
            "server_errors": ledger.server_errors, "no_answer": ledger.dropped,
            "audit_verify": report.summary(), "audit_ok": report.ok, "log": str(folder / "gunicorn.log"),
        }, indent=2))
    finally:
        if server is not None:
            gunicorn.stop(server)
        relay.down()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
