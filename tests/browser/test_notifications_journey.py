"""Maya is signed in when her mentor claims her idea (through the operations, as another user would): at her next
page the header counts one unread notification; she opens it from her inbox, lands on the review section of her
idea and the count is gone. Screenshots at 1366 px and 390 px go to test-artifacts/."""
import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.ideas import make_idea

pytestmark = pytest.mark.browser


@pytest.fixture
def story(app, create_user):
    maya = create_user(Role.MENTEE, email="maya@hospital.example", name="Maya Okafor")
    priya = create_user(Role.MENTOR, email="priya@hospital.example", name="Priya Shah")
    idea = make_idea(maya, Stage.SUBMITTED)
    found = {"idea_id": idea.id, "priya_id": priya.id}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


def claim(idea_id: int, mentor_id: int) -> None:
    from ideas.accounts.models import User

    idea = db.session.get(Idea, idea_id)
    apply_action(idea, db.session.get(User, mentor_id), "start_review", idea.version)
    db.session.commit()


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_unread_count_changes_when_the_mentor_claims_the_idea(new_page, story, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, "maya@hospital.example")
    inbox = page.get_by_role("link", name="Inbox")
    inbox.wait_for()
    assert inbox.inner_text().strip() == "Inbox"  # nothing unread yet

    claim(story["idea_id"], story["priya_id"])
    tab.goto("/")
    assert page.locator(".badge-unread").get_attribute("data-unread") == "1"
    tab.screenshot(f"notifications-unread-{label}")

    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("heading", name="Inbox").wait_for()
    tab.screenshot(f"notifications-inbox-{label}")
    page.get_by_role("link", name="Priya Shah started reviewing").click()
    page.wait_for_url(f"**/ideas/{story['idea_id']}#review-summary-heading")
    assert page.locator(".badge-unread").count() == 0
    tab.screenshot(f"notifications-opened-{label}")
    tab.assert_clean()
