"""A committee member sets up two-step sign-in, keeps the recovery codes, and signs in with one."""
import pyotp
import pytest

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "grace.kim@hospital.example"


@pytest.fixture
def member(app) -> None:
    create_user(EMAIL, "Grace Kim", {Role.COMMITTEE}, PASSWORD)
    db.session.commit()  # and touch nothing after: on SQLite an open transaction holds the write lock


def sign_in(page) -> None:
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_enrol_then_sign_in_with_a_recovery_code(app, member, new_page):
    tab = new_page(width=1280, height=900)
    page = tab.page
    tab.goto("/sign-in")
    sign_in(page)
    page.get_by_role("heading", name="Set up two-step sign-in").wait_for()
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    tab.screenshot("recovery-codes")
    page.get_by_role("button", name="I have kept them: continue").click()

    page.get_by_role("link", name="Grace Kim").click()
    page.get_by_text("Recovery codes left: 10").wait_for()
    page.get_by_role("link", name="Replace your authenticator app, or make new recovery codes").click()
    page.get_by_role("heading", name="Two-step sign-in").wait_for()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page)
    page.get_by_label("6-digit code, or a recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Recovery codes left: 9.").wait_for()
    tab.assert_clean()
