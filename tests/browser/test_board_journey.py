"""The pipeline board in a browser: filter by typing (the address keeps up), the back button, "more" in a
column, the list view; desktop and phone. Screenshots go to test-artifacts/."""
import re

import pytest
from playwright.sync_api import expect

from ideas.accounts.models import Role
from ideas.accounts.units import create_site, create_unit
from ideas.board.queries import PER_COLUMN
from ideas.database import db
from ideas.pipeline.operations import create_draft
from ideas.pipeline.workflow import Stage
from tests.browser.test_mentee_journey import open_menu, sign_in_with_form
from tests.support.ideas import COMPLETE, make_idea

pytestmark = pytest.mark.browser


@pytest.fixture
def ward(app, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    site = create_site("Riverside General Hospital")
    ward_4b, ward_7 = create_unit(site, "Ward 4B"), create_unit(site, "Ward 7")
    nurse = create_user(Role.MENTEE, name="Maya Okafor")
    mentor = create_user(Role.MENTOR, name="Priya Shah")
    grace = create_user(Role.COMMITTEE, email="grace@hospital.example", name="Grace Kim")
    for n in range(PER_COLUMN + 2):
        create_draft(nurse, {**COMPLETE, "title": f"Falls sensor trial {n + 1}", "unit": ward_4b.id})
    make_idea(nurse, Stage.MENTOR_REVIEW, mentor=mentor, unit=ward_7.id, title="Hand hygiene prompts at the door",
              problem="Hands are not cleaned between patients.", category="infection")
    make_idea(nurse, Stage.SUBMITTED, unit=ward_7.id, title="Falls huddle at handover")
    found = {"grace": grace.email, "ward_7": str(ward_7.id)}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


NEWEST_DRAFT = f"Falls sensor trial {PER_COLUMN + 2}"


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_filter_by_typing_back_button_and_more(new_page, ward, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, ward["grace"])
    open_menu(page)
    page.get_by_role("navigation").get_by_role("link", name="Board", exact=True).click()
    page.get_by_role("heading", name="Pipeline board").wait_for()
    cards = page.locator(".board-card")
    assert cards.count() == PER_COLUMN + 2  # PER_COLUMN drafts (and "more"), one submitted, one in mentor review
    tab.screenshot(f"board-{label}-1-everything")

    page.get_by_label("Search").press_sequentially("falls", delay=40)
    page.wait_for_url("**/board?*q=falls*")
    page.get_by_text("Hand hygiene prompts at the door").wait_for(state="detached")
    assert cards.count() == PER_COLUMN + 1
    page.get_by_label("Unit").select_option(ward["ward_7"])
    page.wait_for_url(f"**unit={ward['ward_7']}*")
    page.get_by_text(NEWEST_DRAFT).wait_for(state="detached")
    assert cards.count() == 1 and "Falls huddle at handover" in cards.first.inner_text()
    tab.screenshot(f"board-{label}-2-typed-and-unit")

    page.go_back()  # the board as it was before the unit was picked
    page.wait_for_url("**/board?*q=falls*")
    assert "unit=" not in page.url or f"unit={ward['ward_7']}" not in page.url
    page.get_by_text(NEWEST_DRAFT).wait_for()
    assert cards.count() == PER_COLUMN + 1

    page.get_by_role("link", name="More: draft").click()
    expect(cards).to_have_count(PER_COLUMN + 3)
    expect(page.get_by_role("link", name=re.compile(r"^FI-\d+ Falls sensor trial 1$"))).to_be_visible()  # the oldest
    assert page.get_by_role("link", name="More: draft").count() == 0
    tab.screenshot(f"board-{label}-3-more")

    page.get_by_label("Show as").select_option("list")
    page.wait_for_url("**view=list*")
    page.get_by_role("columnheader", name="Stage", exact=True).wait_for()
    tab.screenshot(f"board-{label}-4-list")
    tab.assert_clean()
