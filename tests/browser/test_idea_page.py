"""The idea page as its mentee and as a committee member: the timeline, its filters, a comment with an
@mention picked from the suggestions, and similar ideas on the form. Screenshots go to test-artifacts/."""
import pytest

from ideas.accounts.models import Role
from ideas.audit import record
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.pipeline.operations import save_draft
from ideas.pipeline.workflow import Stage
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.ideas import make_idea

pytestmark = pytest.mark.browser


@pytest.fixture
def story(app, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    maya = create_user(Role.MENTEE, email="maya@hospital.example", name="Maya Okafor")
    sam = create_user(Role.MENTEE, email="sam@hospital.example", name="Sam Rivera")
    priya = create_user(Role.MENTOR, email="priya@hospital.example", name="Priya Shah")
    grace = create_user(Role.COMMITTEE, email="grace@hospital.example", name="Grace Kim")
    idea = make_idea(maya, Stage.REVISION, mentor=priya, co_authors=(sam,))
    save_draft(idea, maya, {"title": "Night-time falls checklist for every ward"}, idea.version)
    post_comment(idea, priya, "Good start. Could you add **how you will measure** falls?\n\n- per 1,000 bed days\n- by ward")
    post_comment(idea, sam, "I can pull the numbers from the incident system, @maya.")
    record("vote.cast", idea_id=idea.id, changes={"vote": (None, "approve")}, reason="Promising.", actor=grace)
    found = {"idea_id": idea.id, "maya": maya.email, "grace": grace.email}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


@pytest.mark.parametrize(("width", "label"), [(1280, "desktop"), (390, "phone")])
def test_mentee_reads_the_story_filters_and_comments_with_a_mention(new_page, story, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, story["maya"])
    tab.goto(f"/ideas/{story['idea_id']}")
    page.get_by_role("heading", name="What happened").wait_for()
    page.get_by_text("A committee member").wait_for()
    assert page.get_by_text("Grace Kim").count() == 0
    tab.screenshot(f"idea-page-{label}-1-mentee")

    page.get_by_role("link", name="Comments", exact=True).click()
    page.wait_for_url("**kind=comments")
    assert page.get_by_text("edited the idea").count() == 0
    tab.screenshot(f"idea-page-{label}-2-comments-only")

    box = page.get_by_label("Comment")
    box.press_sequentially("Thanks @pri", delay=20)
    page.get_by_role("button", name="Priya Shah @priya").click()
    assert box.input_value() == "Thanks @priya "
    box.press_sequentially("— I will add the measure.")
    tab.screenshot(f"idea-page-{label}-3-mention-picked")
    page.get_by_role("button", name="Post comment").click()
    page.get_by_text("Comment posted.").wait_for()
    page.get_by_text("I will add the measure.").wait_for()
    tab.screenshot(f"idea-page-{label}-4-posted")
    tab.assert_clean()


def test_committee_member_sees_who_voted(new_page, story):
    tab = new_page()
    tab.goto("/")
    sign_in_with_form(tab.page, story["grace"])
    tab.goto(f"/ideas/{story['idea_id']}")
    tab.page.get_by_role("heading", name="What happened").wait_for()
    tab.page.get_by_text("Grace Kim voted").wait_for()
    tab.screenshot("idea-page-desktop-5-committee")
    tab.assert_clean()


def test_similar_ideas_show_while_writing(new_page, story):
    tab = new_page()
    tab.goto("/")
    sign_in_with_form(tab.page, story["maya"])
    tab.goto("/ideas/new")
    tab.page.get_by_label("Title").fill("Falls checklist at night")
    tab.page.get_by_text("Similar ideas already here").wait_for(timeout=10_000)
    tab.page.get_by_role("link", name="Night-time falls checklist for every ward").wait_for()
    tab.screenshot("idea-page-desktop-6-similar-ideas")
    tab.assert_clean()
