"""An admin adds a mentee and a mentor, pairs them, deactivates the mentor and hands the
mentee to another mentor; the new mentee sets a password with the one-time link."""
import pyotp
import pytest

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.accounts.units import create_site, create_unit
from ideas.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


ADMIN_EMAIL = "quality@hospital.example"


@pytest.fixture
def admin_secret(app) -> str:
    """A site with a unit, an enrolled admin and a second mentor; the admin's code secret."""
    site = create_site("Riverside General Hospital")
    create_unit(site, "Ward 4B – Acute Medicine")
    secret = pyotp.random_base32()
    create_user(ADMIN_EMAIL, "Quality Office", {Role.ADMIN}, PASSWORD).totp_secret = secret
    create_user("tom.berg@hospital.example", "Tom Berg", {Role.MENTOR}, PASSWORD)
    db.session.commit()  # and touch nothing after: on SQLite an open transaction holds the write lock
    return secret


def test_admin_pairs_then_hands_over_a_mentee(app, admin_secret, new_page):
    tab = new_page(width=1280, height=900)
    page = tab.page
    tab.goto("/sign-in")
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("6-digit code").fill(pyotp.TOTP(admin_secret).now())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("heading", name="Users").wait_for()

    def section(name: str) -> None:
        page.get_by_role("navigation", name="Administration").get_by_role("link", name=name).click()
        page.get_by_role("heading", level=1).wait_for()

    def add_user(name: str, email: str, role: str) -> None:
        page.get_by_role("button", name="Add a user").click()
        page.get_by_label("Full name").fill(name)
        page.get_by_label("E-mail").fill(email)
        page.get_by_label(role, exact=True).check()
        page.get_by_label("Home unit").select_option(label="Ward 4B – Acute Medicine (Riverside General Hospital)")
        page.get_by_role("button", name="Add user and make a sign-in link").click()
        page.get_by_text("This is the only time the link is shown").wait_for()

    add_user("Maya Okafor", "maya@hospital.example", "Mentee")
    tab.screenshot("admin-invite-link")
    link = page.get_by_label("One-time link").input_value()
    section("Users")
    add_user("Dr Priya Shah", "priya@hospital.example", "Mentor")

    section("Mentor pairings")
    page.get_by_label("Mentee").select_option(label="Maya Okafor")
    page.get_by_label("Mentor").select_option(label="Dr Priya Shah")
    page.get_by_role("button", name="Pair", exact=True).click()
    page.get_by_text("Dr Priya Shah is now Maya Okafor's mentor.").wait_for()
    tab.screenshot("admin-pairings")

    section("Users")
    page.get_by_label("Name or e-mail").fill("priya")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Dr Priya Shah").click()
    page.get_by_role("button", name="Deactivate…").click()
    page.get_by_text("Open work to hand over").wait_for()
    page.get_by_label("Mentor to Maya Okafor").select_option(label="Tom Berg")
    page.get_by_label("Reason (kept in the audit trail)").fill("Moved to another trust")
    tab.screenshot("admin-deactivate")
    page.get_by_role("button", name="Deactivate Dr Priya Shah").click()
    page.get_by_text("Dr Priya Shah is deactivated and signed out everywhere.").wait_for()
    page.get_by_text("Maya Okafor's mentor is now Tom Berg.").wait_for()
    tab.screenshot("admin-deactivated")

    section("Mentor pairings")
    row = page.get_by_role("row").filter(has_text="Maya Okafor")
    assert "Tom Berg" in row.inner_text() and "Priya" not in row.inner_text()
    tab.screenshot("admin-pairings-after")

    section("Users")
    page.get_by_label("Status").select_option(label="Deactivated")
    page.get_by_role("row").filter(has_text="Dr Priya Shah").wait_for()
    assert page.get_by_role("row").filter(has_text="Maya Okafor").count() == 0
    tab.screenshot("admin-users-deactivated")

    section("Sites and units")
    tab.screenshot("admin-sites")
    section("Settings")
    page.get_by_label("Committee quorum").fill("0")
    page.get_by_role("button", name="Save settings").click()
    page.locator(".field-error", has_text="Enter a number from 1 to 50.").wait_for()
    assert page.get_by_label("Committee quorum").input_value() == "0"
    tab.screenshot("admin-settings-error")
    tab.assert_clean()

    newcomer = new_page(width=390, height=800)
    newcomer.page.goto(link)
    newcomer.page.get_by_label("New password", exact=True).fill("maya's own long passphrase")
    newcomer.page.get_by_label("New password again").fill("maya's own long passphrase")
    newcomer.screenshot("invite-set-password-phone")
    newcomer.page.get_by_role("button", name="Set password").click()
    newcomer.page.get_by_text("Your password is set.").wait_for()
    newcomer.page.get_by_label("E-mail").fill("maya@hospital.example")
    newcomer.page.get_by_label("Password").fill("maya's own long passphrase")
    newcomer.page.get_by_role("button", name="Sign in").click()
    newcomer.page.get_by_role("heading", name="Welcome, Maya Okafor").wait_for()
    newcomer.assert_clean()
