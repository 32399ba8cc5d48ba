"""A demo user signs in, sees their home page, signs out; no CSP violation on the way."""
import pytest

from ideas.demo import DEMO_PASSWORD, seed_demo
from tests.browser.test_mentee_journey import open_menu

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "label"), [(1280, "desktop"), (390, "phone")])
def test_mentee_signs_in_and_out(app, new_page, width, label):
    seed_demo()
    tab = new_page(width=width, height=800)
    tab.goto("/")
    page = tab.page
    assert page.url.endswith("/sign-in?next=/")
    tab.screenshot(f"sign-in-{label}")

    page.get_by_label("E-mail").fill("mentee@demo.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("do not match an active account").wait_for()
    assert page.get_by_label("E-mail").input_value() == "mentee@demo.example"

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Welcome, Maya Okafor").wait_for()
    page.get_by_role("heading", name="My ideas").wait_for()
    tab.screenshot(f"home-mentee-{label}")

    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.").wait_for()
    tab.goto("/")
    assert "/sign-in" in page.url
    tab.assert_clean()
