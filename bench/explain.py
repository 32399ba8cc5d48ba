"""The plan of every statement one page sends: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.

    .venv/bin/python bench/explain.py DATABASE_URL ROLE PATH [--slowest N]

Run against a database bench/pages.py seeded (kept under instance/bench/, or bench_pages_SIZE on
PostgreSQL); ROLE is mentee, mentor, committee or admin (the first bench user with it signs in).
Statements are timed as the page sends them; the slowest are explained.
"""
import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import SETTINGS, email_of  # noqa: E402
from bench.seed import PASSWORD, people  # noqa: E402
from ideas import create_app  # noqa: E402
from ideas.remembered import forget_all  # noqa: E402
from ideas.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("role")
    parser.add_argument("path")
    parser.add_argument("--slowest", type=int, default=3)
    arguments = parser.parse_args()
    app = create_app(overrides={**SETTINGS, "SQLALCHEMY_DATABASE_URI": arguments.url, "SESSION_COOKIE_SECURE": False,
                                "AUDIT_CHECKPOINT_PATH": f"{tempfile.mkdtemp()}/checkpoint.json"})
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)
    client.post("/sign-in", data={"email": email_of(people(), arguments.role), "password": PASSWORD,
                                  "csrf_token": token})
    client.get(arguments.path)  # warm caches
    forget_all()  # but not the remembered board: its SQL is what this is for
    sent = []

    def before(connection, cursor, statement, parameters, context, many):
        connection.info["began"] = time.perf_counter()

    def after(connection, cursor, statement, parameters, context, many):
        sent.append((time.perf_counter() - connection.info["began"], statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    status = client.get(arguments.path).status_code
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"{arguments.path}: {status}, {len(sent)} statements, {sum(s[0] for s in sent) * 1000:.1f} ms in SQL")
    for seconds, statement, _ in sent:
        print(f"  {seconds * 1000:7.2f} ms  {' '.join(statement.split())[:110]}")
    explain = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        for seconds, statement, parameters in sorted(sent, key=lambda s: -s[0])[:arguments.slowest]:
            print(f"\n--- {seconds * 1000:.2f} ms\n{statement}\n{parameters}")
            cursor = connection.connection.driver_connection.cursor()
            cursor.execute(explain + statement, parameters)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(column) for column in row))


if __name__ == "__main__":
    main()
