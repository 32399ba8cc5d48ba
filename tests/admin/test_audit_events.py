"""Every administrative change is an audit event with old and new values; refusals leave none."""
import json

import pytest
from sqlalchemy import select

from ideas.accounts.handover import open_work
from ideas.accounts.invites import issue_invite
from ideas.accounts.models import Role
from ideas.accounts.units import create_site
from ideas.audit.models import AuditEvent
from ideas.extensions import db
from tests.admin.conftest import post
from tests.conftest import page_token

NEW_PASSWORD = "a long and new passphrase"


def events(*actions: str) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.sequence)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    return list(db.session.scalars(query))


def changes(event: AuditEvent) -> dict[str, tuple]:
    pairs: dict[str, dict] = {}
    for value in event.values:
        pairs.setdefault(value.field, {})[value.side.value] = json.loads(value.value)
    return {name: (sides.get("old"), sides.get("new")) for name, sides in pairs.items()}


def last(action: str) -> AuditEvent:
    found = events(action)
    assert found, f"no {action} event among {[e.action for e in events()]}"
    return found[-1]


@pytest.fixture
def since(app) -> int:
    """The audit trail's length when the test body starts (after signing in)."""
    return len(events())


def assert_nothing_unrecorded(since: int) -> None:
    """The backstop found no change that the operations forgot to record."""
    assert [e.action for e in events()[since:] if e.action.endswith(".changed_unrecorded")] == []


def test_creating_and_editing_a_user(client, admin, since):
    site = create_site("Riverside")
    db.session.commit()
    post(client, "/admin/sites/%d" % site.id, {"name": "Riverside General"})
    post(client, "/admin/units", {"unit-site": site.id, "unit-name": "Ward 4B"})
    unit = site.units[0]
    post(client, "/admin/users/new", {"name": "Ana Silva", "email": "ana@hospital.example", "roles": ["mentee"],
                                      "home_unit": unit.id})
    created = last("user.created")
    assert created.actor_id == admin.id and created.entity_type == "users"
    assert changes(created) == {"email": (None, "ana@hospital.example"), "name": (None, "Ana Silva"),
                                "roles": (None, ["mentee"]), "home_unit_id": (None, unit.id)}
    assert "invite_expires_at" in changes(last("user.invited"))
    assert changes(last("site.renamed")) == {"name": ("Riverside", "Riverside General")}
    assert changes(last("unit.created")) == {"site_id": (None, site.id), "name": (None, "Ward 4B")}

    user_id = int(created.entity_id)
    post(client, f"/admin/users/{user_id}", {"name": "Ana Silva-Lee", "email": "ana@hospital.example",
                                             "roles": ["mentee", "mentor"], "home_unit": ""})
    assert changes(last("user.updated")) == {"name": ("Ana Silva", "Ana Silva-Lee"), "home_unit_id": (unit.id, None)}
    assert changes(last("user.roles_changed")) == {"roles": (["mentee"], ["mentee", "mentor"])}
    assert_nothing_unrecorded(since)


def test_pairing_deactivation_and_reactivation(client, admin, create_user, since):
    mentee, mentor, successor = create_user(Role.MENTEE), create_user(Role.MENTOR), create_user(Role.MENTOR)
    post(client, "/admin/pairings", {"mentee": mentee.id, "mentor": mentor.id})
    first = last("pairing.created")
    assert changes(first) == {"mentee_id": (None, mentee.id), "mentor_id": (None, mentor.id)}

    key = open_work(mentor)[0].key
    post(client, f"/admin/users/{mentor.id}/deactivate", {key: successor.id, "reason": "Retired"})
    deactivated = last("user.deactivated")
    assert changes(deactivated) == {"active": (True, False)} and deactivated.reason == "Retired"
    ended = last("pairing.ended")
    assert ended.entity_id == first.entity_id and changes(ended)["ended_at"][0] is None
    assert changes(last("pairing.created")) == {"mentee_id": (None, mentee.id), "mentor_id": (None, successor.id)}

    post(client, f"/admin/users/{mentor.id}/reactivate")
    assert changes(last("user.reactivated")) == {"active": (False, True)}
    assert_nothing_unrecorded(since)


def test_settings_changes_carry_old_and_new_values(client, admin, since):
    post(client, "/admin/settings", {"quorum": "5", "stage_limit_unclaimed_days": "7",
                                     "stage_limit_mentor_review_days": "14", "stage_limit_committee_review_days": "30",
                                     "stage_limit_revision_days": "30", "stage_limit_pilot_review_days": "30",
                                     "open_queue_wait_days": "3", "time_zone": "America/Chicago"})
    changed = {e.entity_id: changes(e) for e in events("setting.changed")}
    assert sorted(changes_ for one in changed.values() for changes_ in one.items()) == [
        ("quorum", (3, 5)), ("time_zone", ("Europe/London", "America/Chicago"))]
    assert_nothing_unrecorded(since)


def test_setting_a_password_with_a_link_is_audited_without_the_password(client, create_user, since):
    user = create_user(Role.MENTEE, password=None)
    token = issue_invite(user)
    db.session.commit()
    link = f"/set-password?token={token}"
    client.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                            "csrf_token": page_token(client, link)})
    event = last("user.password_changed")
    assert event.actor_id == user.id and list(changes(event)) == ["password_changed_at"]
    stored = " ".join(v.value for e in events() for v in e.values) + " ".join(e.canonical.decode() for e in events())
    assert NEW_PASSWORD not in stored and token not in stored
    assert_nothing_unrecorded(since)


def test_refused_changes_leave_no_event(client, admin, create_user):
    before = len(events())
    post(client, "/admin/users/new", {"name": "X", "email": admin.email, "roles": ["mentee"], "home_unit": ""})
    post(client, f"/admin/users/{admin.id}/deactivate", {})
    post(client, "/admin/settings", {"quorum": "0"})
    mentor = create_user(Role.MENTOR, Role.MENTEE)  # its own user.created event
    post(client, "/admin/pairings", {"mentee": mentor.id, "mentor": mentor.id})
    assert [e.action for e in events()[before:]] == ["user.created"]
