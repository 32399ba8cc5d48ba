"""A mentee writes an idea, is interrupted by an ended session, signs in again, finds every word,
submits it, and withdraws another idea. Screenshots go to test-artifacts/."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from ideas.accounts.models import Role, UserSession
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from tests.conftest import PASSWORD
from tests.support.ideas import a_unit, make_idea

pytestmark = pytest.mark.browser


def sign_in_with_form(page, email: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def open_menu(page) -> None:
    """On a phone the navigation and Sign out fold under Menu: open it (on a wide screen they show).

    Waits for a signed-in page first: just after signing in, the sign-in page (no menu) may still show."""
    page.locator("#site-menu").wait_for(state="attached")
    if page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()


def expire_sessions() -> None:
    """Every session was last seen an hour ago: the idle timeout ends it at the next request."""
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
    db.session.commit()


@pytest.mark.parametrize(("width", "label"), [(1280, "desktop"), (390, "phone")])
def test_mentee_writes_is_interrupted_submits_and_withdraws(app, new_page, create_user, width, label):
    maya = create_user(Role.MENTEE, email="maya@hospital.example", name="Maya Okafor")
    create_user(Role.MENTEE, email="sam@hospital.example", name="Sam Rivera")
    older = make_idea(maya, Stage.SUBMITTED, title="Text reminders for fasting times")
    email, unit, older_id = maya.email, a_unit().label, older.id
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    tab = new_page(width=width, height=900)
    page = tab.page

    tab.goto("/")
    sign_in_with_form(page, email)
    page.get_by_role("heading", name="My ideas").wait_for()
    tab.screenshot(f"journey-{label}-1-home")

    page.get_by_role("button", name="Write a new idea").first.click()
    page.get_by_label("Title").fill("Night-time falls checklist")
    page.get_by_label("Problem at the bedside").fill("Most falls happen at night on the way to the toilet.")
    page.get_by_text(re.compile(r"^Saved \d\d:\d\d$")).wait_for(timeout=10_000)
    assert re.search(r"/ideas/\d+/edit$", page.url), page.url  # the first autosave made the draft
    page.get_by_label("Find a colleague by name or e-mail").fill("sam")
    # Wait for this autosave itself: "Saved hh:mm" may still be the first one's text, and an autosave
    # still on its way when the session ends below would meet the ended session too early.
    with page.expect_response(lambda response: response.url.endswith("/ideas/autosave")):
        page.get_by_role("button", name="Add Sam Rivera").click()
    assert page.get_by_label("Co-authors").input_value() == "sam@hospital.example"
    page.get_by_text(re.compile(r"^Saved \d\d:\d\d$")).wait_for(timeout=10_000)
    tab.screenshot(f"journey-{label}-2-draft-autosaved")

    # Interrupted: the session ends on the server while Maya is still typing.
    expire_sessions()
    # Typed in one go (a keystroke at a time could pause past the 3 s autosave delay on a busy machine);
    # the autosave that follows meets the ended session.
    page.get_by_label("Proposed change").fill("A five-point bedside check at the evening handover.")
    page.get_by_label("Proposed change").press("End")  # the key up that starts the autosave's 3 s wait
    page.get_by_role("heading", name="Sign in").wait_for(timeout=10_000)
    assert "next=/ideas/" in page.url
    page.get_by_text("Your session ended").wait_for()
    tab.screenshot(f"journey-{label}-3-session-ended")

    sign_in_with_form(page, email)
    page.get_by_text("We put back what you typed that had not been saved yet").wait_for()
    assert page.get_by_label("Proposed change").input_value() == "A five-point bedside check at the evening handover."
    assert page.get_by_label("Title").input_value() == "Night-time falls checklist"
    page.get_by_text(re.compile(r"^Saved \d\d:\d\d$")).wait_for(timeout=10_000)
    tab.screenshot(f"journey-{label}-4-restored")

    # A patient identifier is refused, naming the field; the text stays.
    page.get_by_label("Expected benefit").press_sequentially("Fewer falls, like Mrs Patel 12/03/1954 last week.")
    page.get_by_text("Not saved. This looks like a date of birth").wait_for(timeout=10_000)
    tab.screenshot(f"journey-{label}-5-identifier-refused")
    page.get_by_label("Expected benefit").fill("Fewer falls and fewer injuries at night.")
    page.get_by_label("Origin unit").select_option(label=unit)
    page.get_by_label("Safety").check()
    page.get_by_role("button", name="Submit to a mentor").click()
    page.get_by_text("Sent to the mentors").wait_for()
    page.get_by_text("Submitted", exact=True).first.wait_for()
    tab.screenshot(f"journey-{label}-6-submitted")

    open_menu(page)
    page.get_by_role("link", name="My ideas").first.click()
    page.get_by_role("link", name="Text reminders for fasting times").click()
    page.get_by_role("button", name="Withdraw").click()
    page.get_by_role("button", name="Withdraw").click()
    page.locator(".field-error", has_text="Say why you are withdrawing the idea.").wait_for()
    expect(page.locator(".error-summary")).to_be_focused()  # where a refusal puts focus: type only after it lands
    page.get_by_label("Reason").fill("The hospital already sends text reminders.")
    tab.screenshot(f"journey-{label}-7-withdraw")
    page.get_by_role("button", name="Withdraw").click()
    page.get_by_text("Done. The idea is now withdrawn.").wait_for()
    tab.screenshot(f"journey-{label}-8-withdrawn")

    assert db.session.get(Idea, older_id).stage == Stage.WITHDRAWN
    # The 401 of the autosave that met the ended session is expected; nothing else may complain.
    tab.problems = [p for p in tab.problems if "status of 401" not in p]
    tab.assert_clean()
