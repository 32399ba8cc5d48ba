"""SQLite under load: reads never take the write lock, writers queue, and a writer that waits too long
gets a 503 page, never a 500."""
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, update

import ideas.database
from ideas.accounts.models import Role, UserSession
from ideas.audit.verify import verify_trail
from ideas.clock import utcnow
from ideas.extensions import db
from ideas.pipeline.workflow import Stage
from tests.conftest import PASSWORD, csrf_token, make_app
from tests.support.hostile import create_user
from tests.support.ideas import make_idea
from tests.support.server import serving

READERS, READS, WRITERS, WRITES = 16, 8, 4, 5


@pytest.fixture
def sqlite_app(tmp_path):
    """The app on its own SQLite file (whatever DATABASE_URL says), migrated."""
    app = make_app(f"sqlite:///{tmp_path / 'load.sqlite'}", tmp_path, TOTP_REQUIRED_ROLES="")
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def server(sqlite_app):
    """The app behind a real threaded HTTP server on 127.0.0.1; yields its base URL."""
    with serving(sqlite_app) as url:
        yield url


class Browser:
    """One person's cookies, signed in over HTTP."""

    def __init__(self, base: str, email: str):
        self.base, self.opener = base, build_opener(HTTPCookieProcessor(CookieJar()))
        status, page = self.post("/sign-in", {"email": email, "password": PASSWORD}, token_from="/sign-in")
        assert status == 200 and "Sign out" in page, page

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict, token_from: str) -> tuple[int, str]:
        token = csrf_token(self.get(token_from)[1])
        try:
            with self.opener.open(self.base + path, urlencode({**data, "csrf_token": token}).encode(),
                                  timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()


def test_many_readers_and_some_writers_at_once_never_see_a_500(sqlite_app, server):
    mentor, submitter = create_user(Role.MENTOR), create_user(Role.MENTEE)
    idea_ids = [make_idea(submitter, Stage.SUBMITTED).id for _ in range(3)]
    emails = mentor.email, submitter.email
    db.session.commit()  # this thread holds no lock while the server works
    reader, writer = Browser(server, emails[0]), Browser(server, emails[1])
    start = threading.Barrier(READERS + WRITERS)

    def read(_) -> list[int]:
        start.wait()
        return [reader.get("/review/queue")[0] for _ in range(READS)]

    def write(number: int) -> list[int]:
        start.wait()
        idea_id = idea_ids[number % len(idea_ids)]
        return [writer.post(f"/ideas/{idea_id}/comments", {"body": f"Comment {number}.{n}"},
                            token_from=f"/ideas/{idea_id}")[0] for n in range(WRITES)]

    with ThreadPoolExecutor(READERS + WRITERS) as pool:
        reads = [pool.submit(read, n) for n in range(READERS)]
        writes = [pool.submit(write, n) for n in range(WRITERS)]
        read_statuses = [status for future in reads for status in future.result()]
        write_statuses = [status for future in writes for status in future.result()]
    assert read_statuses == [200] * READERS * READS
    assert write_statuses == [200] * WRITERS * WRITES  # each comment saved, then the idea page shown
    report = verify_trail()
    assert report.ok, report.summary()
    assert db.session.scalar(db.text("SELECT count(*) FROM comments")) == WRITERS * WRITES


def test_readers_do_not_wait_for_a_writer_and_a_writer_kept_waiting_gets_a_503(sqlite_app, server, monkeypatch):
    mentor, submitter = create_user(Role.MENTOR), create_user(Role.MENTEE)
    page, emails = f"/ideas/{make_idea(submitter, Stage.SUBMITTED).id}", (mentor.email, submitter.email)
    db.session.commit()  # this thread holds no lock while the server works
    reader, writer = Browser(server, emails[0]), Browser(server, emails[1])
    monkeypatch.setattr(ideas.database, "SQLITE_BUSY_MS", 200)  # new connections give up after 0.2 s
    db.engine.dispose()
    holder = sqlite3.connect(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
                             isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long write elsewhere holds the write lock throughout
    try:
        with ThreadPoolExecutor(READERS) as pool:
            statuses = list(pool.map(lambda _: reader.get("/review/queue")[0], range(READERS * 2)))
        status, answer = writer.post(f"{page}/comments", {"body": "Lost?"}, token_from=page)
    finally:
        holder.rollback()
        holder.close()
    assert statuses == [200] * READERS * 2
    assert status == 503 and "Nothing you sent was saved" in answer
    assert re.search(r"<title>Busy, try again", answer)
    assert db.session.scalar(db.text("SELECT count(*) FROM comments")) == 0


def test_a_page_that_touches_the_session_waits_for_a_writer_instead_of_failing(sqlite_app, server):
    email = create_user(Role.MENTEE).email
    db.session.commit()
    browser = Browser(server, email)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()  # the next page records that the session is still in use
    holder = sqlite3.connect(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
                             isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: (holder.rollback(), holder.close()))
    release.start()
    assert browser.get("/ideas/mine")[0] == 200
    release.join()
    assert utcnow() - db.session.scalar(select(UserSession.last_seen_at)) < timedelta(minutes=1)


def test_a_page_whose_session_touch_waits_too_long_gets_the_503_page(sqlite_app, server, monkeypatch):
    email = create_user(Role.MENTEE).email
    db.session.commit()
    browser = Browser(server, email)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    monkeypatch.setattr(ideas.database, "SQLITE_BUSY_MS", 200)
    db.engine.dispose()
    holder = sqlite3.connect(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
                             isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, answer = browser.get("/ideas/mine")
    finally:
        holder.rollback()
        holder.close()
    assert status == 503 and "Busy, try again" in answer
