"""From a finished pilot to an approved scale-up in the browser: the submitter completes the pilot beside its
charts (a refused first try keeps the text), three members' votes are cast through the operations, and a member
approves the scale-up on the review pack naming units at two sites. Earlier stages are set up through the
operations; `audit verify` after. Screenshots go to test-artifacts/."""
from datetime import timedelta

import pytest

from ideas.accounts.models import Role, User
from ideas.accounts.units import create_site, create_unit
from ideas.database import db
from ideas.pilots.operations import hospital_today, record_pdsa
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.queries import plan_of
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.conftest import PASSWORD
from tests.support.committee import approve_pilot, vote
from tests.support.ideas import make_idea
from tests.support.pilots import RESULTS, add_observations, measure_named

pytestmark = pytest.mark.browser

ESTIMATE = "Night-time falls from 6.5 to 4 per 1,000 bed days: about 8 fewer a month."
FALLS = [6.8, 6.2, 7.1, 6.5, 6.9, 6.3, 7.0, 6.4, 6.6, 7.2, 6.1, 6.7, 4.4, 4.1, 4.6, 3.9, 4.3, 4.0, 4.2, 3.8]
CHECKLIST = [0, 10, 35, 60, 72, 80, 84, 88, 90, 91]
HANDOVER = [31, 30, 33, 32, 30, 31, 29, 32]


@pytest.fixture
def pilot(app, people, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"],
                     co_authors=(people["co_author"],))
    plan_of(idea.id).estimated_impact = ESTIMATE  # in the plan the committee approves
    db.session.commit()
    approve_pilot(idea, members)
    today = hospital_today()
    record_pdsa(idea, people["submitter"], {"change_tested": "Bedside checklist at the 21:00 handover",
                                            "started_on": today - timedelta(days=8)})
    db.session.commit()
    for name, values in (("Night-time falls", FALLS), ("Checklist done", CHECKLIST), ("Handover length", HANDOVER)):
        add_observations(measure_named(idea, name), values, start=today - timedelta(days=len(values)),
                         actor=people["submitter"])
    hillside = create_site("Hillside Community Hospital")
    units = [create_unit(hillside, "Ward 2"), create_unit(hillside, "Ward 5")]
    found = {"idea": idea.id, "team": people["submitter"].email, "member": members[1].email,
             "members": [m.id for m in members], "units": [str(idea.unit_id), str(units[1].id)]}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_team_completes_the_pilot_and_the_committee_approves_scale_up(app, new_page, pilot, width, label):
    idea_id = pilot["idea"]
    team = new_page(width=width, height=900)
    page = team.page
    team.goto("/")
    sign_in_with_form(page, pilot["team"])
    team.goto(f"/ideas/{idea_id}")
    page.get_by_role("button", name="Complete pilot").click()
    page.get_by_role("heading", name="Complete the pilot").wait_for()
    assert page.locator(".result-chart").count() == 3 and page.locator(".spc-signals li").count() >= 1
    page.get_by_label("Results summary").fill(RESULTS["summary"])
    page.get_by_label("Impact realised").fill(RESULTS["impact"])
    page.get_by_role("button", name="Complete the pilot").click()  # no recommendation chosen: refused
    page.locator("#recommendation-error", has_text="choose adopt, adapt or abandon").wait_for()
    assert page.get_by_label("Results summary").input_value() == RESULTS["summary"]
    team.screenshot(f"pilot-review-{label}-1-refused")
    page.locator(".completion-layout").screenshot(path=str(ARTIFACTS / f"pilot-review-{label}-1-form-only.png"))
    page.get_by_label("Adopt it as it is").check()
    page.get_by_role("button", name="Complete the pilot").click()
    page.get_by_text("Pilot completed: the committee reviews the results next.").wait_for()
    assert page.locator(".stage", has_text="Pilot review").count() >= 1
    team.assert_clean()

    idea = db.session.get(Idea, idea_id)
    vote(idea, [db.session.get(User, i) for i in pilot["members"]])  # the round opened at pilot review
    db.session.commit()
    member = new_page(width=width, height=900)
    page = member.page
    member.goto("/")
    sign_in_with_form(page, pilot["member"])
    member.goto(f"/committee/ideas/{idea_id}")
    page.get_by_role("heading", name="The pilot's results").wait_for()
    assert RESULTS["impact"] in page.content() and ESTIMATE in page.content()
    assert page.get_by_role("heading", name="Changes since the approved version").count() == 1
    assert "Nothing has changed since then." in page.content()
    member.screenshot(f"pilot-review-{label}-2-pack")
    page.locator("#decide-approve_scale_up > summary").click()
    page.get_by_label("Target units").select_option(pilot["units"])
    page.locator("#approve_scale_up-password").fill(PASSWORD)
    member.screenshot(f"pilot-review-{label}-3-decision")
    page.locator("#round-panel").screenshot(path=str(ARTIFACTS / f"pilot-review-{label}-3-panel-only.png"))
    page.get_by_role("button", name="Approve scale-up").click()
    page.get_by_text("Done: scale-up approved.").wait_for()
    member.screenshot(f"pilot-review-{label}-4-scale-up")
    member.assert_clean()
    db.session.expire_all()
    assert db.session.get(Idea, idea_id).stage == Stage.SCALE_UP
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
