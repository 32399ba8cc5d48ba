"""One JSON log line per request: request id, user id, status, duration; never a secret."""
import json
import logging

from ideas.accounts.models import Role
from ideas.service.request_log import JsonFormatter
from tests.conftest import PASSWORD, sign_in_fully


def request_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "ideas.requests"]


def test_each_request_logs_one_json_line_with_its_id_user_status_and_duration(client, create_user, caplog):
    caplog.set_level(logging.INFO, logger="ideas.requests")
    user = create_user(Role.MENTEE)
    sign_in_fully(client, user)
    caplog.clear()
    response = client.get("/ideas/mine", headers={"X-Request-ID": "req-7.log"})
    [line] = request_lines(caplog)
    assert response.headers["X-Request-ID"] == "req-7.log"
    assert line["request_id"] == "req-7.log" and line["user_id"] == str(user.id)
    assert line["status"] == response.status_code and line["method"] == "GET" and line["path"] == "/ideas/mine"
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("Z") and line["level"] == "INFO"


def test_request_lines_hold_no_password_token_cookie_or_query_string(client, create_user, caplog):
    caplog.set_level(logging.INFO, logger="ideas.requests")
    user = create_user(Role.MENTEE)
    sign_in_fully(client, user)
    client.get("/set-password?token=secret-invite-token")
    text = "\n".join(json.dumps(line) for line in request_lines(caplog))
    assert "/sign-in" in text and '"user_id": null' in text
    for secret in (PASSWORD, "secret-invite-token", "csrf", "session="):
        assert secret not in text


def test_an_unhandled_error_is_logged_as_a_500_line(app, client, caplog):
    caplog.set_level(logging.INFO, logger="ideas.requests")

    @app.get("/boom-for-log-test")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered by the 500 page, as in production
    assert client.get("/boom-for-log-test").status_code == 500
    assert [line["status"] for line in request_lines(caplog)] == [500]
