"""A measure's chart in the browser, at a desktop and a phone width: the run chart flags a shift, the
team marks a change point and chooses Making Data Count, a p chart draws varying limits; no CSP
violation. Screenshots go to test-artifacts/."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pilots.models import Observation, PdsaCycle
from ideas.pipeline.workflow import Stage
from ideas.review.models import Measure
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.ideas import make_idea

pytestmark = pytest.mark.browser

START = date(2027, 1, 4)
FALLS = [7.1, 6.4, 6.9, 5.8, 7.3, 6.6, 6.2, 7.0, 6.8, 6.1, 7.4, 6.5, 4.9, 5.2, 4.4, 4.8, 5.1, 4.2, 4.6, 5.0,
         4.1, 4.7, 3.9, 4.5, 4.3]
CHECKLIST = [(12, 30), (15, 28), (11, 31), (14, 25), (18, 33), (13, 29), (16, 30), (20, 32), (19, 27), (22, 30),
             (24, 31), (23, 26), (27, 30), (26, 29), (28, 31), (25, 27), (29, 33), (27, 28), (30, 32), (28, 30),
             (31, 33), (29, 30)]


@pytest.fixture
def pilot(app, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""
    maya = create_user(Role.MENTEE, email="maya@hospital.example", name="Maya Okafor")
    priya = create_user(Role.MENTOR, name="Priya Shah")
    members = tuple(create_user(Role.COMMITTEE) for _ in range(3))
    idea = make_idea(maya, Stage.PILOT, mentor=priya, committee=members)
    measures = {m.name: m for m in db.session.scalars(select(Measure).where(Measure.idea_id == idea.id))}
    checklist = measures["Checklist done"]
    checklist.proportion = True
    db.session.add(PdsaCycle(idea_id=idea.id, change_tested="Checklist at the evening handover",
                             started_on=START + timedelta(weeks=12)))
    for i, value in enumerate(FALLS):
        db.session.add(Observation(idea_id=idea.id, measure_id=measures["Night-time falls"].id,
                                   observed_on=START + timedelta(weeks=i), value=value, recorded_by_id=maya.id,
                                   note="Two agency nurses on nights" if i == 4 else ""))
    for i, (top, bottom) in enumerate(CHECKLIST):
        db.session.add(Observation(idea_id=idea.id, measure_id=checklist.id, observed_on=START + timedelta(weeks=i),
                                   numerator=top, denominator=bottom, recorded_by_id=maya.id))
    db.session.flush()
    found = {"idea": idea.id, "falls": measures["Night-time falls"].id, "checklist": checklist.id, "maya": maya.email}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_team_reads_the_chart_marks_a_phase_and_chooses_making_data_count(new_page, pilot, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, pilot["maya"])
    tab.goto(f"/ideas/{pilot['idea']}/measures/{pilot['falls']}/chart")
    page.get_by_role("heading", name="XmR chart").wait_for()
    assert page.locator(".spc-signals li", has_text="Shift: 13 points below the mean from 29 Mar 2027").count() == 1
    assert page.get_by_role("img", name="XmR chart: Night-time falls (per 1,000 bed days)").count() == 1  # the other size is hidden
    tab.screenshot(f"pilot-chart-{label}-1-xmr")

    page.get_by_text("Run chart: the median").click()
    page.get_by_role("heading", name="Run chart").wait_for()
    tab.screenshot(f"pilot-chart-{label}-2-run-chart-open")

    page.get_by_label("Change date").fill("2027-03-29")
    page.get_by_label("PDSA cycle", exact=True).select_option(label="Checklist at the evening handover")
    page.get_by_label("What changed").fill("Checklist used on every shift from here.")
    page.get_by_role("button", name="Add phase").click()
    page.get_by_text("Phase added").wait_for()
    tab.screenshot(f"pilot-chart-{label}-3-phase-added")

    page.get_by_label("NHS Making Data Count").check()
    page.get_by_label("Frozen baseline").fill("1")
    page.get_by_role("button", name="Save chart settings").click()
    page.locator(".field-error", has_text="give a whole number of points from 2 to 12").wait_for()
    # The swap settles by moving focus to the error summary (static/js/app.js): typing before then lost the keys.
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.get_by_label("Frozen baseline").input_value() == "1"
    page.get_by_label("Frozen baseline").fill("")
    page.get_by_role("button", name="Save chart settings").click()
    page.get_by_text("Chart settings saved").wait_for()
    page.get_by_text("Variation:").wait_for()
    tab.screenshot(f"pilot-chart-{label}-4-making-data-count")

    tab.goto(f"/ideas/{pilot['idea']}/measures/{pilot['checklist']}/chart")
    page.get_by_role("heading", name="p chart").wait_for()
    tab.screenshot(f"pilot-chart-{label}-5-p-chart")
    page.locator(".spc-figure").first.screenshot(path=str(tab.screenshot(f"pilot-chart-{label}-6-p-chart-figure")))
    tab.assert_clean()
