"""Hostile values in every parameter of every route, for each kind of user: never a 5xx, nothing half-saved.

Huge, negative and unicode-digit ids, NUL, lone surrogates, CR/LF, 100k characters, repeated keys and JSON
bodies go into every path variable and every query and form parameter any view reads (tests/support/hostile.py);
CSRF stays on and every request carries a valid token, so the views really run.
"""
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ideas import create_app
from ideas.audit.verify import verify_trail
from ideas.config import TestConfig
from ideas.extensions import db, limiter
from tests.conftest import IsolatedClient, make_app
from tests.support.hostile import (HOSTILE, LONG, REPEATED, World, build_world, pages_to_read, parameters,
                                   routes)

ROUTES = routes(create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
WHO = ("everyone", "mentee", "visitor")
IN_PATH = ("2147483648", "9223372036854775808", "-1", "²", "a\x00b", "\ud800")
FORM = {"repeat": False, "in_path": False, "as_json": False}
EXAMPLES = [
    *({**FORM, "values": [value]} for value in HOSTILE if value != LONG),
    {**FORM, "values": [LONG, *["a"] * 39]},  # 100k characters in a few fields
    {**FORM, "values": REPEATED, "repeat": True},
    *({**FORM, "values": [value], "in_path": True} for value in IN_PATH),
    {**FORM, "values": REPEATED, "as_json": True},  # a JSON object, some values objects themselves
    {**FORM, "values": REPEATED, "repeat": True, "as_json": True},  # a JSON list
]


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    url = databases.fresh()
    app = make_app(url, tmp_path_factory.mktemp("hostile"), TOTP_REQUIRED_ROLES="")
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()
        users, ids = build_world()
        world = World(app, ids, users=users)
        for who in WHO:
            world.clients[who] = app.test_client()
            world.sign_in(who)
        everyone = world.clients["everyone"]
        paths = [world.path(route, None) for route in ROUTES if route.method == "GET"] + pages_to_read(ids)
        pages = []
        for path in paths:
            pages.append(everyone.get(path).get_data(as_text=True))
            world.stay_signed_in("everyone")
        world.learn(parameters(pages))
        yield world
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


def test_the_parameters_include_what_views_read(world):
    assert {"page", "next", "title", "version", "reason", "approve_pilot-conditions-0-owner", "condition-1-note", "severity"} <= set(world.names)


def attack(test):
    for values in reversed(EXAMPLES):
        test = example(**values)(test)
    return test


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("route", ROUTES, ids=str)
@settings(max_examples=2, suppress_health_check=list(HealthCheck))
@given(values=st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str)),
                       min_size=1, max_size=4),
       repeat=st.booleans(), in_path=st.booleans(), as_json=st.booleans())
@attack
def test_hostile_values_never_answer_5xx_nor_half_save(world, who, route, values, repeat, in_path, as_json):
    before, since = world.counts(), world.last_sequence()
    response = world.send(who, route, values, repeat, in_path, as_json)
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if response.status_code >= 400:
        assert world.counts() == before, "a refused request saved rows"
        assert world.denials_only(since), "a refused request wrote audit events other than its refusal"
    if world.last_sequence() != since:
        report = verify_trail()
        db.session.rollback()
        assert report.ok, report.summary()
    world.stay_signed_in(who)

