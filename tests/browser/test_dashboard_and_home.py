"""The dashboard filtered by picking a site and unit (htmx, the URL kept in step), the admin's home page of
what is stuck, and the idea page's stage tracker; desktop (1366 px) and phone (390 px). Screenshots go to
test-artifacts/."""
from datetime import timedelta

import pytest

from ideas.accounts.models import Role
from ideas.accounts.units import create_site, create_unit
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.workflow import Stage
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.bulk import bulk_ideas
from tests.support.ideas import a_unit, make_idea

pytestmark = pytest.mark.browser


@pytest.fixture
def hospital(app, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    maya = create_user(Role.MENTEE, email="maya@hospital.example", name="Maya Okafor")
    priya = create_user(Role.MENTOR, email="priya@hospital.example", name="Priya Shah")
    admin = create_user(Role.ADMIN, Role.COMMITTEE, email="quality@hospital.example", name="Quality Office")
    late = make_idea(maya, Stage.MENTOR_REVIEW, mentor=priya, title="Night-time falls checklist")
    late.stage_changed_at = utcnow() - timedelta(days=200)  # the longest waiting
    other = create_unit(create_site("Hillside Community Hospital"), "Ward 2")
    make_idea(maya, Stage.SUBMITTED, unit=other.id, title="Quieter drug rounds")
    bulk_ideas(60, [maya], priya)
    found = {"idea_id": late.id, "admin": admin.email, "maya": maya.email, "site": other.site_id,
             "unit": other.id, "home_unit": a_unit().id}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_dashboard_filters_as_the_site_and_unit_are_picked(new_page, hospital, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, hospital["admin"])
    page.get_by_role("heading", name="What is stuck").wait_for()
    assert page.get_by_text("Night-time falls checklist").count() >= 1
    tab.screenshot(f"home-{label}-admin")

    tab.goto("/dashboard")
    page.get_by_role("heading", name="Ideas at each stage").wait_for()
    tab.screenshot(f"dashboard-{label}-1-all")
    page.locator("#stages").screenshot(path=str(ARTIFACTS / f"dashboard-{label}-1-stages-chart.png"))
    page.get_by_label("Site").select_option(str(hospital["site"]))
    page.wait_for_url(f"**site={hospital['site']}**")
    stages = page.locator("#stages table")
    stages.get_by_role("row", name="Submitted 1").wait_for()
    page.get_by_label("Unit").select_option(str(hospital["unit"]))
    page.wait_for_url(f"**unit={hospital['unit']}**")
    tab.screenshot(f"dashboard-{label}-2-filtered")
    page.go_back()
    page.wait_for_url(lambda url: f"site={hospital['site']}" in url and f"unit={hospital['unit']}" not in url)
    stages.get_by_role("row", name="Submitted 1").wait_for()
    tab.assert_clean()


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_idea_page_shows_where_the_idea_is_and_what_comes_next(new_page, hospital, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, hospital["maya"])
    tab.goto(f"/ideas/{hospital['idea_id']}")
    page.get_by_text("Next: Recommend to committee").wait_for()
    assert "Mentor review" in page.locator('[aria-current="step"]').inner_text()
    tab.screenshot(f"idea-tracker-{label}")
    tab.assert_clean()
