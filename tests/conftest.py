"""Fixtures: the app on a fresh database per test, factories for users, signed-in clients."""
import contextvars
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pyotp
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import settings

from ideas import create_app
from ideas.accounts import two_factor
from ideas.remembered import forget_all
from ideas.accounts.models import Role
from ideas.accounts.operations import create_user as create_user_op
from ideas.config import TestConfig
from ideas.extensions import db, limiter
from tests.support.databases import (
    PostgresDatabases,
    SQLiteDatabases,
    in_ci,
    is_postgres,
    postgres_reachable,
)
from tests.support.compiled_once import TEMPLATES, compile_once

PASSWORD = "correct horse battery staple"

compile_once()
settings.register_profile("ci", derandomize=True, max_examples=30, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if in_ci() else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def need(reason: str | None) -> None:
    """Skip on a developer's machine without the tool; fail in CI, where it must run."""
    if reason:
        if in_ci():
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def fast_folder(tmp_path_factory):
    """A folder in memory (/dev/shm) where the machine has one, else a temporary folder: each test's SQLite file
    and audit checkpoint live there, so their fsync on every commit costs nothing (three a commit, ~1 ms each on a
    disk). Like cheap password hashing, a saving for tests only: the app syncs as before."""
    if not Path("/dev/shm").is_dir():
        yield tmp_path_factory.mktemp("fast")
        return
    folder = Path(tempfile.mkdtemp(prefix="ideas-tests-", dir="/dev/shm"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fast_tmp_path(fast_folder, tmp_path):
    """This test's own folder in `fast_folder`."""
    return Path(tempfile.mkdtemp(prefix=f"{tmp_path.name}-", dir=fast_folder))


@pytest.fixture(scope="session")
def databases(tmp_path_factory, fast_folder):
    tmp = fast_folder / "db"
    tmp.mkdir()
    url = os.environ.get("DATABASE_URL")
    if is_postgres(url):
        need(postgres_reachable(url))
        factory = PostgresDatabases(url, tmp)
    else:
        factory = SQLiteDatabases(tmp)
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def pg_databases(tmp_path_factory, databases):
    """PostgreSQL whatever DATABASE_URL says: for tests only PostgreSQL can answer."""
    if isinstance(databases, PostgresDatabases):
        yield databases
        return
    need(postgres_reachable())
    factory = PostgresDatabases(os.environ.get("PG_TEST_URL", "postgresql://127.0.0.1:5432/test"),
                                tmp_path_factory.mktemp("pg"))
    yield factory
    factory.close()


class IsolatedClient(FlaskClient):
    """Runs each request in an empty context, as a server would.

    The test holds an app context for its own queries; without this, requests would share
    its `g` (Flask-Login's cached user, the CSRF token) and its database session.
    """

    def open(self, *args, **kwargs):
        if has_app_context():  # not when following a redirect, already inside the request's context
            db.session.commit()  # end the test's own transaction: on SQLite it holds the write lock
        kwargs.setdefault("buffered", True)  # a streamed body is read inside the request's context
        return contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)


def make_app(url: str, tmp_path: Path, **overrides):
    app = create_app(TestConfig, {
        "SQLALCHEMY_DATABASE_URI": url,
        "AUDIT_CHECKPOINT_PATH": str(tmp_path / "audit-checkpoint.json"),
        **overrides,
    })
    app.jinja_env.bytecode_cache = TEMPLATES  # compiled by the first test that renders each (compiled_once.py)
    return app


@pytest.fixture
def app(databases, fast_tmp_path):
    url = databases.fresh()
    app = make_app(url, fast_tmp_path)
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()
        forget_all()  # each test starts as a fresh process would: no board remembered from another database
        yield app
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_user(app):
    """Factory: `create_user(Role.MENTOR, email=…)`; committed, password `PASSWORD`; admin and
    committee members come enrolled in two-step sign-in."""
    counter = iter(range(1, 10_000))

    def factory(*roles: Role, email: str | None = None, name: str | None = None, password: str = PASSWORD,
                enrolled: bool = True):
        n = next(counter)
        user = create_user_op(
            email or f"user{n}@hospital.example",
            name or f"Test User {n}",
            set(roles) or {Role.MENTEE},
            password,
        )
        if enrolled and two_factor.required_for(user):  # enrolled already, as they would be in practice
            user.totp_secret = pyotp.random_base32()
        db.session.commit()
        return user

    return factory


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no CSRF meta tag"
    return match.group(1)


def page_token(client, path: str = "/sign-in") -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def sign_in(client, user_or_email, password: str = PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    token = page_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def people(create_user):
    """One user of each kind around an idea by Maya; `people[kind]`."""
    return {
        "submitter": create_user(Role.MENTEE, name="Maya Okafor"),
        "co_author": create_user(Role.MENTEE, name="Sam Rivera"),
        "stranger": create_user(Role.MENTEE, name="Uma Stranger"),
        "mentor": create_user(Role.MENTOR, name="Priya Shah"),
        "other_mentor": create_user(Role.MENTOR, name="Omar Haddad"),
        "committee": create_user(Role.COMMITTEE, name="Grace Kim"),
        "admin": create_user(Role.ADMIN, name="Quality Office"),
    }


@pytest.fixture
def no_second_factor(app):
    """Sign-in without the code step, for tests about something else."""
    app.config["TOTP_REQUIRED_ROLES"] = ""


def current_code(user) -> str:
    """A code the app will accept: the current time step, or the next when that one was used."""
    db.session.refresh(user)
    totp = pyotp.TOTP(user.totp_secret)
    counter = int(time.time()) // totp.interval
    return totp.generate_otp(max(counter, (user.totp_last_step or -1) + 1))


def sign_in_fully(client, user):
    """Sign in, through the code step where the user has enrolled a code generator."""
    response = sign_in(client, user)
    if response.headers.get("Location") == "/sign-in/code":
        response = client.post("/sign-in/code", data={
            "code": current_code(user), "csrf_token": page_token(client, "/sign-in/code")})
    assert response.status_code == 302 and "/sign-in" not in response.headers["Location"], response.get_data(as_text=True)
    return response


@pytest.fixture
def signed_in(client, create_user):
    """Factory: a client signed in as a new user with these roles (admin and committee enrolled
    in two-step sign-in)."""

    def factory(*roles: Role):
        user = create_user(*roles)
        sign_in_fully(client, user)
        return user

    return factory
