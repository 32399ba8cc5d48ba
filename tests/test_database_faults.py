"""The database ends the app's connection mid-request (restart, failover, pg_terminate_backend):
that request answers 503 with Retry-After, never a 500, and the next one is served on a new connection."""
import pytest
from sqlalchemy import text

from ideas.extensions import db
from tests.conftest import make_app

pytestmark = pytest.mark.postgres


def test_a_connection_ended_by_the_database_answers_503_and_the_next_request_reconnects(pg_databases, tmp_path):
    url = pg_databases.fresh()
    app = make_app(url, tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error pages answer

    @app.post("/end-my-connection")
    def end_my_connection():
        db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "never reached"

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    try:
        response = client.post("/end-my-connection")
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert "Look whether it was saved" in response.get_data(as_text=True)
        assert client.get("/readyz").status_code == 200
        assert client.get("/sign-in").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
        pg_databases.drop(url)
