"""Page speed at 1,000 and 100,000 ideas: requests/s, p50, p95 and SQL statements per request.

    .venv/bin/python bench/pages.py [--sizes 1000 100000] [--backends sqlite postgresql] [--seconds 6]

For each database and size: a database seeded in bulk (kept for the next run, see --keep) (bench/seed.py, ~20 chained audit
events per idea), the app under gunicorn (2 sync workers) on 127.0.0.1, every size served at once, and for each page
in PAGES a load generator (threads in this process, a new connection per request as sync workers close them) that
loads each size in turn a second at a time, `--seconds` per size in all. Statements per request are counted in-process with the test client
on the same database. Prints one Markdown table; add a page by adding a row to PAGES.
"""
import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import PASSWORD, people, seed  # noqa: E402
from ideas import create_app  # noqa: E402
from ideas.remembered import forget_all  # noqa: E402
from ideas.extensions import db  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://127.0.0.1:5432/test")
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "bench_pages")  # a copy of the kept ones: BENCH_DATABASE=name
# (label, role signed in, path): {idea} is a seeded idea at pilot (everyone may see it),
# {deep} an idea id deep in the board's largest column.
PAGES = [
    ("board", "committee", "/board"),
    ("board, filtered", "committee", "/board?site=1&category=falls&q=night"),
    ("board, deep page", "committee", "/board/more?stage=declined&after={deep}"),
    ("board as a mentee", "mentee", "/board"),
    ("board, list view", "committee", "/board?view=list&unit=3"),
    ("board by risk band", "committee", "/board?risk=extreme"),
    ("board by unit and category", "committee", "/board?unit=3&category=falls"),
    ("board by site", "committee", "/board?site=2"),
    ("home, mentee", "mentee", "/"),
    ("home, mentor", "mentor", "/"),
    ("home, committee", "committee", "/"),
    ("home, admin", "admin", "/"),
    ("idea page", "committee", "/ideas/{idea}"),
    ("mentor queue", "mentor", "/review/queue"),
    ("similar ideas", "mentee", "/ideas/similar?title=night+falls+checklist&problem=patients+fall+at+night"),
    ("admin audit", "admin", "/admin/audit"),
    ("admin audit, one idea", "admin", "/admin/audit?idea=FI-{idea}"),
    ("dashboard", "committee", "/dashboard"),
]
SETTINGS = {"SESSION_COOKIE_SECURE": "false", "SECRET_KEY": "bench", "AUDIT_KEY": "bench-audit-key", "TOTP_REQUIRED_ROLES": ""}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database(backend: str, size: int, directory: str) -> tuple[str, bool]:
    """The URL of this size's benchmark database, and whether it is already seeded (kept from a run before).

    A database being seeded has a name of its own until `seeded()` renames it, so a run cut short
    never leaves a half-seeded database to be reused.
    """
    if backend == "sqlite":
        path = Path(directory) / f"bench-{size}.sqlite"
        return (f"sqlite:///{path}", True) if path.exists() else (f"sqlite:///{path}.seeding", False)
    name = f"{BENCH_DATABASE}_{size}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return _pg_url(name), True
        connection.execute(f"DROP DATABASE IF EXISTS {name}_seeding WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}_seeding")
    return _pg_url(f"{name}_seeding"), False


def seeded(url: str) -> str:
    """Give a freshly seeded database its kept name; returns its URL under that name."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                Path(f"{path}{suffix}").rename(f"{str(path).removesuffix('.seeding')}{suffix}")
        return url.removesuffix(".seeding")
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE {name} RENAME TO {name.removesuffix('_seeding')}")
    return _pg_url(name.removesuffix("_seeding"))


def _pg_url(name: str) -> str:
    parts = urllib.parse.urlsplit(PG_SERVER)
    return urllib.parse.urlunsplit(("postgresql+psycopg", parts.netloc, f"/{name}", "", ""))


def sign_in(port: int, email: str) -> str:
    """A signed-in session's Cookie header, through the real sign-in form."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    body = response.read().decode()
    cookie = "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    connection.request("POST", "/sign-in", form, {"Cookie": cookie,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, f"sign-in as {email} answered {response.status}"
    return "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie"))


def load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[list[float], float, set]:
    """GET path for `seconds` from `concurrency` threads: each request's seconds, the time taken, the statuses."""
    times, statuses, stop = [], set(), time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < stop:
            began = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            connection.close()
            times.append(time.perf_counter() - began)
            statuses.add(response.status)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - began, statuses


def in_process(app, who: dict, pages: list) -> tuple[dict[str, int | None], dict]:
    """Per page: the SQL statements one request sends in this process (test client, the same database), None for a
    page that does not answer 200; and a signed-in test client per role, for `cpu_ms`.

    Requests run outside any app context of ours, so each has its own `g` (and signed-in user). The board is
    built afresh for each (its remembered copy forgotten first); the load under gunicorn then measures what
    people reloading it get, the remembered board while nothing changes.
    """
    with app.app_context():
        engine = db.engine
    found, clients = {}, {}
    for label, role, path in pages:
        if role not in clients:
            clients[role] = app.test_client()
            page = clients[role].get("/sign-in").get_data(as_text=True)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            clients[role].post("/sign-in", data={"email": email_of(who, role), "password": PASSWORD,
                                                  "csrf_token": token})
        sent = []

        def count(*args):
            sent[-1] += 1

        event.listen(engine, "before_cursor_execute", count)
        for _ in range(2):  # the fewer of two: the session's periodic last-seen update is not the page's
            sent.append(0)
            forget_all()  # statements and CPU of a board built afresh, not one remembered (ideas/remembered.py)
            status = clients[role].get(path).status_code
        event.remove(engine, "before_cursor_execute", count)
        found[label] = min(sent) if status == 200 else None
    engine.dispose()
    return found, clients


def cpu_ms(servers: list, index: int, role: str, turns: int = 5, repeat: int = 4) -> dict[int, float]:
    """Per size, the CPU time one request of the page takes in this process, built afresh (not remembered): the sizes
    in turn, `repeat` requests at a time, as the load is taken."""
    spent = dict.fromkeys((served.size for served in servers), 0.0)
    for turn in range(turns):
        for served in servers[::-1] if turn % 2 else servers:
            began = time.process_time()
            for _ in range(repeat):
                forget_all()
                served.clients[role].get(served.pages[index][2])
            spent[served.size] += time.process_time() - began
    return {size: seconds / (turns * repeat) * 1000 for size, seconds in spent.items()}


def email_of(who: dict, role: str) -> str:
    return f"{role}{who[role][0]}@bench.example"


@dataclass
class Served:
    """One size's database served by gunicorn, its pages, and what each page costs in-process."""

    size: int
    port: int
    server: subprocess.Popen
    pages: list
    counted: dict
    clients: dict
    cookies: dict = field(default_factory=dict)


def serve(backend: str, size: int, keep: str, tmp: str) -> Served:
    """Seed (or keep) this size's database, count each page's statements in-process, start gunicorn, sign in."""
    Path(tmp).mkdir()
    url, kept = database(backend, size, keep)
    began = time.perf_counter()
    if not kept:
        seed(create_app(overrides={**SETTINGS, "SQLALCHEMY_DATABASE_URI": url,
                                   "AUDIT_CHECKPOINT_PATH": f"{tmp}/checkpoint.json"}), size)
        url = seeded(url)
    settings = {**SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "AUDIT_CHECKPOINT_PATH": f"{tmp}/checkpoint.json"}
    app = create_app(overrides={**settings, "SESSION_COOKIE_SECURE": False})
    who = people()
    with app.app_context():
        upgrade()  # a kept database gets this branch's newer migrations (indexes)
        db.engine.dispose()
    print(f"# {backend}, {size} ideas: {'kept' if kept else 'seeded'} in {time.perf_counter() - began:.0f} s",
          file=sys.stderr)
    deep, idea = size // 20, _an_idea_at_pilot(app)
    pages = [(label, role, path.format(deep=deep, idea=idea)) for label, role, path in PAGES]
    counted, clients = in_process(app, who, pages)
    port = free_port()
    env = {**os.environ, **{k: v for k, v in settings.items() if k != "SQLALCHEMY_DATABASE_URI"},
           "DATABASE_URL": url, "IDEAS_INSTANCE_PATH": tmp}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    served = Served(size, port, server, [page for page in pages if counted[page[0]] is not None], counted, clients)
    _wait_for(port)
    served.cookies = {role: sign_in(port, email_of(who, role)) for role in {page[1] for page in served.pages}}
    return served


def run(backend: str, sizes: list[int], seconds: float, concurrency: int, keep: str) -> list[dict]:
    """Every size served at once, and each page loaded on each size in turn, a second at a time (`seconds` in all
    per size, the order alternating): whatever else slows the machine for a moment slows every size alike, so the
    change from one size to the next is measured fairly on a machine shared with others."""
    with tempfile.TemporaryDirectory() as tmp:
        servers = []
        try:
            for size in sizes:
                servers.append(serve(backend, size, keep, f"{tmp}/{size}"))
            rows = []
            for index, (label, role, path) in enumerate(servers[0].pages):
                found = {served.size: ([], 0.0, set()) for served in servers}
                for served in servers:
                    load(served.port, served.pages[index][2], served.cookies[role], 1, concurrency)  # warm caches
                for turn in range(max(round(seconds), 1)):
                    for served in servers[::-1] if turn % 2 else servers:
                        times, elapsed, statuses = load(served.port, served.pages[index][2], served.cookies[role],
                                                        1, concurrency)
                        found[served.size][0].extend(times)
                        found[served.size] = (found[served.size][0], found[served.size][1] + elapsed,
                                              found[served.size][2] | statuses)
                cpu = cpu_ms(servers, index, role)
                for served in servers:
                    times, elapsed, statuses = found[served.size]
                    statements = served.counted[label]
                    rate, p50 = len(times) / elapsed, statistics.median(times) * 1000
                    p95 = statistics.quantiles(times, n=20)[18] * 1000
                    rows.append({"backend": backend, "size": served.size, "page": label, "rate": rate, "p50": p50,
                                 "p95": p95, "statements": statements, "cpu": cpu[served.size], "status": max(statuses)})
                    print(f"{backend:10} {served.size:>7} {label:26} {rate:7.1f}/s p50 {p50:6.1f} ms p95 {p95:6.1f} "
                          f"ms {statements:3} statements, {cpu[served.size]:5.1f} ms CPU ({max(statuses)})", file=sys.stderr)
            return rows
        finally:
            for served in servers:
                served.server.send_signal(signal.SIGTERM)
                served.server.wait()


def _an_idea_at_pilot(app) -> int:
    from sqlalchemy import select

    from ideas.pipeline.models import Idea
    from ideas.pipeline.workflow import Stage

    with app.app_context():
        found = db.session.scalar(select(Idea.id).where(Idea.stage == Stage.PILOT).order_by(Idea.id).limit(1))
        db.session.remove()
        return found


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def table(rows: list[dict], sizes: list[int]) -> str:
    """One line per backend and page: each size's rate, p50, p95, statements, and the change."""
    head = (["database", "page"] + [f"{size:,} ideas: req/s · p50 · p95 ms · SQL · CPU ms" for size in sizes]
            + ["req/s change", "CPU change"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    keyed = {(r["backend"], r["page"], r["size"]): r for r in rows}
    for backend, page in dict.fromkeys((r["backend"], r["page"]) for r in rows):
        found = [keyed.get((backend, page, size)) for size in sizes]
        cells = [f"{r['rate']:.0f} · {r['p50']:.0f} · {r['p95']:.0f} · {r['statements']} · {r['cpu']:.1f}" if r
                 else "–" for r in found]
        both = all(found) and len(found) > 1
        rate = f"{found[-1]['rate'] / found[0]['rate'] - 1:+.0%}" if both else "–"
        cpu = f"{found[-1]['cpu'] / found[0]['cpu'] - 1:+.0%}" if both else "–"
        lines.append(f"| {backend} | {page} | " + " | ".join(cells) + f" | {rate} | {cpu} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", default=str(ROOT / "instance" / "bench"),
                        help="where seeded SQLite files stay between runs (PostgreSQL: databases bench_pages_SIZE); "
                             "delete them to seed afresh")
    parser.add_argument("--only", nargs="*", help="page labels to run (default: all)")
    arguments = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop gunicorn too (the `finally` in run)
    if arguments.only:
        PAGES[:] = [page for page in PAGES if page[0] in arguments.only]
    Path(arguments.keep).mkdir(parents=True, exist_ok=True)
    rows = [row for backend in arguments.backends
            for row in run(backend, arguments.sizes, arguments.seconds, arguments.concurrency, arguments.keep)]
    print(table(rows, arguments.sizes))


if __name__ == "__main__":
    main()
