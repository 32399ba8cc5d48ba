"""Every account event of the skeleton reaches the audit trail, with its fields; nothing secret does."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from ideas.accounts.models import Role, Site, Unit
from ideas.accounts.passwords import set_password
from ideas.audit import record
from ideas.audit.models import AuditEvent, AuditValue
from ideas.clock import utcnow
from ideas.extensions import db
from tests.conftest import PASSWORD, page_token, sign_in, sign_in_fully
from tests.support.audit import changes, events

NEW_PASSWORD = "a much longer new passphrase"


def test_user_created_is_one_event_with_its_values(create_user):
    user = create_user(Role.MENTOR, Role.MENTEE, email="mo@hospital.example", name="Mo Mentor")
    [event] = events()
    assert event.action == "user.created" and event.outcome == "success"
    assert (event.entity_type, event.entity_id) == ("users", str(user.id))
    assert event.actor_id is None and event.actor_name == "system"
    assert changes(event) == {"email": (None, "mo@hospital.example"), "name": (None, "Mo Mentor"),
                              "roles": (None, ["mentee", "mentor"])}


def test_sign_in_records_who_when_and_from_where(client, create_user):
    user = create_user(Role.ADMIN, Role.COMMITTEE)
    before = utcnow()
    sign_in_fully(client, user)
    [event] = events("user.signed_in")
    assert (event.actor_id, event.actor_name, event.roles) == (user.id, user.name, ["admin", "committee"])
    assert (event.entity_type, event.entity_id) == ("users", str(user.id))
    assert (event.method, event.path, event.client_address) == ("POST", "/sign-in/code", "127.0.0.1")
    assert event.user_agent and re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    assert before <= event.occurred_at <= utcnow()
    assert event.format_version == 1 and event.prev_hash == events()[event.sequence - 2].hash


def test_a_sane_request_id_from_the_proxy_is_kept_and_echoed(client, create_user):
    user = create_user()
    token = page_token(client)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token},
                           headers={"X-Request-ID": "req-42.abc"})
    assert response.headers["X-Request-ID"] == "req-42.abc"
    assert events("user.signed_in")[0].request_id == "req-42.abc"


def test_a_strange_request_id_is_replaced(client):
    response = client.get("/sign-in", headers={"X-Request-ID": "<script>" * 20})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_failed_sign_in_is_denied_with_the_email_tried_and_no_password(client, create_user):
    user = create_user()
    sign_in(client, user, "not the right password")
    sign_in(client, "nobody@hospital.example", "not the right password")
    known, unknown = events("user.sign_in_failed")
    assert known.outcome == unknown.outcome == "denied"
    assert (known.entity_type, known.entity_id, known.actor_name) == ("users", str(user.id), "anonymous")
    assert changes(known) == {"email": (None, user.email)}
    assert unknown.entity_type is None and changes(unknown) == {"email": (None, "nobody@hospital.example")}


def test_rate_limited_sign_in_is_audited(app, client, create_user):
    app.config["SIGNIN_LIMIT_ACCOUNT"] = "2 per 15 minutes"
    user = create_user()
    for _ in range(2):
        sign_in(client, user, "not the right password")
    assert sign_in(client, user, "not the right password").status_code == 429
    [event] = events("user.sign_in_rate_limited")
    assert event.outcome == "denied" and changes(event) == {"email": (None, user.email)}
    assert "2 per 15 minute" in event.reason


def test_sign_out_is_recorded_by_the_user(client, signed_in):
    user = signed_in(Role.MENTEE)
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    [event] = events("user.signed_out")
    assert (event.actor_id, event.entity_id) == (user.id, str(user.id))


def change_password(client, current: str):
    token = page_token(client, "/account/password")
    return client.post("/account/password", data={
        "csrf_token": token, "current_password": current,
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})


def test_password_change_and_a_failed_reauthentication(client, signed_in):
    user = signed_in(Role.MENTOR)
    assert b"not your current password" in change_password(client, "a wrong password").data
    [refusal] = events("user.reauthentication_failed")
    assert (refusal.outcome, refusal.actor_id, refusal.reason) == ("denied", user.id, "change password")
    assert change_password(client, PASSWORD).status_code == 302
    [changed] = events("user.password_changed")
    assert changed.actor_id == user.id and changed.values == []
    assert not events("users.changed_unrecorded")


@pytest.mark.parametrize(("settings", "later", "reason"), [
    ({"SESSION_IDLE_MINUTES": 30}, timedelta(minutes=31), "idle_timeout"),
    # within the cookie's own 12-hour life, so the server sees the expired session
    ({"SESSION_IDLE_MINUTES": 600, "SESSION_ABSOLUTE_HOURS": 1}, timedelta(hours=2), "absolute_timeout"),
])
def test_session_expiry_is_recorded(app, client, signed_in, settings, later, reason):
    app.config.update(settings)
    user = signed_in(Role.MENTEE)
    with time_machine.travel(utcnow() + later, tick=False):
        assert client.get("/").status_code == 302
    [event] = events("user.session_expired")
    assert (event.actor_id, event.entity_id, event.reason) == (user.id, str(user.id), reason)


def test_a_rolled_back_change_writes_no_event(app):
    db.session.add(Site(name="Never saved"))
    record("site.created", reason="rolled back")
    db.session.rollback()
    assert events() == [] and db.session.scalars(select(Site)).all() == []
    assert not Path(app.config["AUDIT_CHECKPOINT_PATH"]).exists()


def test_the_backstop_catches_direct_orm_edits(app):
    site = Site(name="Riverside")
    db.session.add(site)
    db.session.commit()
    site.name = "Riverside General"
    db.session.commit()
    created, renamed = events()
    assert (created.action, created.entity_type, created.entity_id) == ("sites.changed_unrecorded", "sites", "1")
    assert changes(created) == {"id": (None, 1), "name": (None, "Riverside")}
    assert renamed.action == "sites.changed_unrecorded"
    assert changes(renamed) == {"name": ("Riverside", "Riverside General")}
    unit = Unit(site=site, name="Ward 1")
    db.session.add(unit)
    db.session.commit()
    db.session.delete(unit)
    db.session.commit()
    added, deleted = events("units.changed_unrecorded")
    assert changes(added)["name"] == (None, "Ward 1") and changes(deleted)["name"] == ("Ward 1", None)


def test_an_explicit_record_suppresses_the_backstop(app):
    site = Site(name="Hillcrest")
    db.session.add(site)
    record("site.created", entity=site, changes={"name": (None, "Hillcrest")})
    site.name = "Hillcrest Community"  # later in the same transaction: still covered
    db.session.commit()
    assert [e.action for e in events()] == ["site.created"]


def test_role_changes_are_caught_unless_the_user_event_covers_them(create_user):
    user = create_user(Role.MENTEE)
    user.set_roles({Role.MENTEE, Role.MENTOR})
    db.session.commit()
    [caught] = events("user_roles.changed_unrecorded")
    assert (caught.entity_type, caught.entity_id) == ("user_roles", f"{user.id}/mentor")
    user.set_roles({Role.COMMITTEE})
    record("user.roles_changed", entity=user, changes={"roles": (["mentee", "mentor"], ["committee"])})
    db.session.commit()
    assert len(events("user_roles.changed_unrecorded")) == 1


def test_a_direct_password_change_is_caught_without_the_hash(create_user):
    user = create_user()
    old_hash = user.password_hash
    set_password(user, NEW_PASSWORD)
    db.session.commit()
    [caught] = events("users.changed_unrecorded")
    assert changes(caught)["password_hash"] == ("(withheld)", "(withheld)")
    assert old_hash not in str(changes(caught)) and user.password_hash not in str(changes(caught))


def test_never_a_password_token_or_session_id_in_any_event(app, client, create_user):
    user = create_user(Role.ADMIN)
    sign_in(client, user, "a wrong password for the log")
    sign_in_fully(client, user)
    with client.session_transaction() as cookie_session:
        session_token = cookie_session["sid"]
    cookie = client.get_cookie("session").value
    old_hash = user.password_hash
    change_password(client, "another wrong password")
    change_password(client, PASSWORD)
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    db.session.expire_all()
    secrets = {PASSWORD, NEW_PASSWORD, "a wrong password for the log", "another wrong password", session_token,
               cookie, old_hash, user.password_hash}
    stored = " ".join(
        [e.canonical.decode() + repr([getattr(e, c.key) for c in AuditEvent.__table__.columns])
         for e in events()] + [repr(v.value) for v in db.session.scalars(select(AuditValue))])
    assert len(events()) >= 6
    assert [secret for secret in secrets if secret in stored] == []
