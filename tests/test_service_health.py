"""`/healthz` and `/readyz`: no sign-in, no detail, and not ready when the app cannot serve."""
import pytest
from flask_migrate import stamp

from ideas.extensions import db
from tests.conftest import make_app

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/ideas.sqlite",
    "postgresql": "postgresql+psycopg://ideas@127.0.0.1:1/ideas?connect_timeout=2",
}


def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ready\n"


def test_health_checks_are_never_rate_limited(client):
    assert {client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(60)} == {200}


@pytest.mark.parametrize("dialect", sorted(UNREACHABLE))
def test_readyz_fails_without_naming_the_cause_when_the_database_is_unreachable(dialect, tmp_path, caplog):
    app = make_app(UNREACHABLE[dialect], tmp_path)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_data(as_text=True) == "not ready\n"
    assert any("database unreachable" in r.getMessage() for r in caplog.records)


def test_readyz_fails_while_a_migration_is_pending(app, client):
    stamp(revision="0009")  # the database one migration behind the code
    db.session.remove()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_data(as_text=True) == "not ready\n"


def test_readyz_fails_when_redis_is_configured_and_unreachable(databases, tmp_path):
    app = make_app(databases.fresh(), tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    assert app.test_client().get("/readyz").status_code == 503
