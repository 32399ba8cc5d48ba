"""Sign-in throttling shared through Redis (`RATELIMIT_STORAGE_URI`), as several app servers need."""
import uuid

import redis

from ideas.accounts.models import Role
from ideas.extensions import db
from tests.conftest import IsolatedClient, make_app, need, sign_in

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
