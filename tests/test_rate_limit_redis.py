"""Sign-in throttling shared through Redis (`RATELIMIT_STORAGE_URI`), as several app servers need,
and what sign-in does while Redis is down."""
import uuid

import redis

from ideas.accounts.models import Role
from ideas.extensions import db
from tests.conftest import IsolatedClient, current_code, make_app, need, sign_in
from tests.support.audit import events
from tests.support.relay import Relay
from tests.test_sign_in_throttle import send_code

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except redis.RedisError as error:
        return f"Redis not reachable at {REDIS_URL}: {error}"


def test_two_app_servers_share_one_throttle(tmp_path, create_user):
    need(redis_reachable())
    user = create_user(Role.MENTEE)
    database = db.engine.url.render_as_string(hide_password=False)  # the test's own database
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    servers = [make_app(database, tmp_path, **shared) for _ in range(2)]
    clients = []
    for server in servers:
        server.test_client_class = IsolatedClient
        clients.append(server.test_client())
    statuses = [sign_in(clients[n % 2], user, "wrong password!").status_code for n in range(12)]
    assert statuses[:10] == [422] * 10 and statuses[10:] == [429, 429]
    for server in servers:
        with server.app_context():
            db.engine.dispose()


def test_redis_down_sign_in_answers_503_then_recovers_by_itself(tmp_path, create_user):
    need(redis_reachable())
    user = create_user(Role.ADMIN, Role.COMMITTEE, Role.MENTOR)
    database = db.engine.url.render_as_string(hide_password=False)
    redis_link = Relay(("127.0.0.1", 6379))  # Redis is "down" until the relay is up
    server = make_app(database, tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_link.port}/0",
                      RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    server.test_client_class = IsolatedClient
    ward, office = server.test_client(), server.test_client()
    for client in (ward, office):  # an address of its own: the key prefix is the first app's (a singleton)
        client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    try:
        refused = sign_in(ward, user)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
        assert "Sign-in is briefly unavailable" in refused.get_data(as_text=True)
        assert ward.get("/").status_code == 302 and not events("user.signed_in")

        redis_link.up()
        assert sign_in(office, user).headers["Location"] == "/sign-in/code"
        redis_link.down()
        assert send_code(office, current_code(user)).status_code == 503  # the code step waits too
        redis_link.up()
        assert send_code(office, current_code(user)).headers["Location"] == "/"
        redis_link.down()
        for page in signed_in_pages(server):  # pages other than sign-in never touch Redis
            assert office.get(page).status_code < 500, page
        assert sign_in(ward, user).status_code == 503

        redis_link.up()  # back, and no restart needed
        assert sign_in(ward, user, "wrong password!").status_code == 422
        assert sign_in(ward, user).status_code == 302
    finally:
        redis_link.down()
        with server.app_context():
            db.engine.dispose()


def signed_in_pages(server) -> list[str]:
    """Every page without path parameters that a GET may open (not /readyz, whose job is to say Redis is down)."""
    return sorted(rule.rule for rule in server.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and rule.endpoint not in {"static", "service.readyz"})
