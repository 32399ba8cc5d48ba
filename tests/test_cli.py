"""The command line of SPEC's contract: users create, seed-demo, demo, audit verify after seeding."""
import pytest
from sqlalchemy import func, select

from ideas.accounts.models import Role, User
from ideas.demo import DEMO_PASSWORD, DEMO_USERS
from ideas.extensions import db, talisman
from tests.conftest import sign_in


def test_users_create_with_several_roles(runner):
    result = runner.invoke(args=["users", "create", "nurse@hospital.example", "--name", "Ana Nurse",
                                 "--role", "mentee", "--role", "mentor", "--password", "long enough password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nurse@hospital.example"))
    assert user.roles == {Role.MENTEE, Role.MENTOR}


def test_users_create_prompts_for_the_password(runner, client):
    result = runner.invoke(args=["users", "create", "p@hospital.example", "--name", "P", "--role", "mentee"],
                           input="typed long password\ntyped long password\n")
    assert result.exit_code == 0, result.output
    assert sign_in(client, "p@hospital.example", "typed long password").status_code == 302


def test_users_create_refuses_bad_input(runner, create_user):
    taken = create_user()
    cases = [
        (["users", "create", taken.email, "--name", "X", "--role", "mentee", "--password", "long enough password"],
         "already exists"),
        (["users", "create", "not-an-email", "--name", "X", "--role", "mentee", "--password", "long enough password"],
         "email address"),
        (["users", "create", "x@hospital.example", "--name", "X", "--role", "boss", "--password", "long enough pw"],
         "Invalid value for '--role'"),
        (["users", "create", "x@hospital.example", "--name", "X", "--role", "mentee", "--password", "short"],
         "at least 12"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)


def test_seed_demo_is_idempotent_and_prints_how_to_sign_in(runner, client):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert DEMO_PASSWORD in first.output and "mentee@demo.example" in first.output
    assert db.session.scalar(select(func.count(User.id))) == len(DEMO_USERS)
    roles = set().union(*(u.roles for u in db.session.scalars(select(User))))
    assert roles == set(Role)
    assert sign_in(client, "mentee@demo.example", DEMO_PASSWORD).status_code == 302
    verified = runner.invoke(args=["audit", "verify"])  # every seeded change went through the operations
    assert verified.exit_code == 0, verified.output


@pytest.mark.parametrize("runs", [1, 2])
def test_demo_serves_without_holding_a_transaction(runner, monkeypatch, runs):
    """The server must not start inside the seeding transaction (on SQLite it holds the write lock)."""
    served = []
    monkeypatch.setattr("ideas.cli.run_simple", lambda *args, **kwargs: served.append(db.session().in_transaction()))
    for _ in range(runs):  # the second run finds the demo already seeded
        assert runner.invoke(args=["demo"]).exit_code == 0
    assert served == [False] * runs


def test_the_local_demo_cookie_works_over_plain_http(app, runner, monkeypatch):
    monkeypatch.setattr(talisman, "session_cookie_secure", True)  # as configured outside tests
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    cookies = []
    monkeypatch.setattr("ideas.cli.run_simple", lambda host, port, app, **kwargs: cookies.append(
        app.test_client().get("/sign-in").headers["Set-Cookie"]))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert "HttpOnly" in cookies[0] and "Secure" not in cookies[0]


def test_chart_analyse_is_registered(runner, tmp_path):
    path = tmp_path / "measure.csv"
    path.write_text("date,value\n2024-03-01,3\n2024-03-02,4\n", encoding="utf-8")
    result = runner.invoke(args=["chart", "analyse", str(path)])
    assert result.exit_code == 0 and '"kind": "run"' in result.output, result.output
