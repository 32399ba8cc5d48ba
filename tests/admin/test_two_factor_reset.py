"""An administrator resets a user's second factor with a reason: audited, signed out, enrols again."""
import pytest
from sqlalchemy import select

from ideas.accounts.models import RecoveryCode, Role, User
from ideas.accounts import recovery_codes
from ideas.extensions import db
from tests.admin.conftest import post
from tests.conftest import sign_in, sign_in_fully
from tests.support.audit import changes, events


@pytest.fixture
def member(create_user):
    """An enrolled committee member with recovery codes."""
    user = create_user(Role.COMMITTEE, name="Grace Kim")
    recovery_codes.issue(user)
    db.session.commit()
    return user


def reset_path(user) -> str:
    return f"/admin/users/{user.id}/two-factor-reset"


def factor(user) -> tuple:
    db.session.expire_all()
    row = db.session.get(User, user.id)
    return row.totp_secret, recovery_codes.codes_left(row)


def test_admin_resets_with_a_reason(app, client, admin, member):
    theirs = app.test_client()
    sign_in_fully(theirs, member)
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f'href="{reset_path(member)}"' in page
    assert client.get(reset_path(member)).status_code == 200

    response = post(client, reset_path(member), {"reason": "Phone lost; confirmed in person."})
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{member.id}"
    assert factor(member) == (None, 0)
    assert db.session.scalar(select(RecoveryCode.id)) is None
    event = events("user.two_factor_reset")[-1]
    assert event.actor_id == admin.id and event.entity_id == str(member.id)
    assert event.reason == "Phone lost; confirmed in person." and changes(event) == {"two_factor": (True, False)}

    assert theirs.get("/").status_code == 302  # signed out everywhere
    assert sign_in(theirs, member).headers["Location"] == "/account/two-factor"  # enrols again
    assert theirs.get("/").headers["Location"] == "/account/two-factor"
    assert f'href="{reset_path(member)}"' not in client.get(f"/admin/users/{member.id}").get_data(as_text=True)


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Give the reason for the reset"), ("   ", "Give the reason for the reset"),
    ("x" * 501, "Keep the reason to 500 characters.")])
def test_reset_needs_a_reason(client, admin, member, reason, message):
    before = factor(member)
    response = post(client, reset_path(member), {"reason": reason})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="reason-error"' in html and message in html
    assert factor(member) == before and events("user.two_factor_reset") == []


def test_nothing_to_reset(client, admin, create_user):
    mentor = create_user(Role.MENTOR)
    response = post(client, reset_path(mentor), {"reason": "asked"})
    assert response.status_code == 422 and b"has no two-step sign-in to reset" in response.data
    assert events("user.two_factor_reset") == []


def test_an_admin_does_not_reset_their_own(client, admin):
    response = post(client, reset_path(admin), {"reason": "lost my phone"})
    assert response.status_code == 422 and b"cannot reset your own" in response.data
    assert factor(admin)[0] is not None


def test_unknown_user(client, admin):
    assert client.get("/admin/users/99999/two-factor-reset").status_code == 404


@pytest.mark.parametrize("role", [Role.MENTEE, Role.MENTOR, Role.COMMITTEE])
def test_only_admins_reset(client, create_user, member, role):
    sign_in_fully(client, create_user(role))
    before = factor(member)
    assert client.get(reset_path(member)).status_code == 403
    assert post(client, reset_path(member), {"reason": "please"}).status_code == 403
    assert factor(member) == before and events("user.two_factor_reset") == []


def test_signed_out_visitors_are_sent_to_sign_in(client, member):
    response = client.get(reset_path(member))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
