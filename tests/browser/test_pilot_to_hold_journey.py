"""A pilot in the browser, end to end: the team enters the last observations of 25 by keyboard, the chart flags
the shift, they mark the change point, then a balancing measure trips its stop rule and the idea goes on safety
hold. Earlier weeks are set up through the operations. Screenshots go to test-artifacts/."""
from datetime import timedelta

import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pilots.operations import hospital_today, record_pdsa
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.pilots import add_observations, measure_named, running_pilot

pytestmark = pytest.mark.browser

BEFORE = [6.8, 6.2, 7.1, 6.5, 6.9, 6.3, 7.0, 6.4, 6.6, 7.2, 6.1, 6.7, 6.9, 6.4, 7.0, 6.2, 6.8, 6.5, 6.6]  # 19 nights
AFTER = ["4.4", "4.1", "4.6", "3.9", "4.3", "4.0"]  # the last 6, typed in


@pytest.fixture
def pilot(app, people, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    idea = running_pilot(people, [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)])
    today = hospital_today()
    record_pdsa(idea, people["submitter"], {"change_tested": "Bedside checklist at the 21:00 handover",
                                            "started_on": today - timedelta(days=len(AFTER))})
    falls, handover = measure_named(idea, "Night-time falls"), measure_named(idea, "Handover length")
    db.session.commit()
    add_observations(falls, BEFORE, start=today - timedelta(days=40), actor=people["submitter"])
    found = {"idea": idea.id, "falls": falls.id, "handover": handover.id, "email": people["submitter"].email,
             "today": today}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


def add_row(page, measure_id: int, day, value: str, count: int) -> None:
    """Type one observation and press Enter; wait for the measure to count it."""
    prefix = f"#m{measure_id}-"
    page.locator(prefix + "observed_on").fill(day.isoformat())
    page.locator(prefix + "value").fill(value)
    page.locator(prefix + "value").press("Enter")
    counted = f"{count} observation{'' if count == 1 else 's'}"
    page.locator(f"#measure-{measure_id}", has_text=counted).wait_for()


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_team_sees_a_shift_marks_a_phase_and_a_stop_rule_holds_the_pilot(app, new_page, pilot, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, pilot["email"])
    tab.goto(f"/ideas/{pilot['idea']}/pilot")
    first_low = pilot["today"] - timedelta(days=len(AFTER))
    for i, value in enumerate(AFTER):
        add_row(page, pilot["falls"], first_low + timedelta(days=i), value, len(BEFORE) + i + 1)

    tab.goto(f"/ideas/{pilot['idea']}/measures/{pilot['falls']}/chart")
    page.get_by_role("heading", name="XmR chart").wait_for()
    assert page.locator(".spc-signals li", has_text="Shift: 6 points below").count() >= 1
    tab.screenshot(f"pilot-journey-{label}-1-shift")

    page.get_by_label("Change date").fill(first_low.isoformat())
    page.get_by_label("PDSA cycle", exact=True).select_option(index=1)
    page.get_by_label("What changed").fill("The checklist is used on every night shift from here.")
    page.get_by_role("button", name="Add phase").click()
    page.get_by_text("Phase added").wait_for()
    tab.screenshot(f"pilot-journey-{label}-2-phase")

    tab.goto(f"/ideas/{pilot['idea']}/pilot")
    add_row(page, pilot["handover"], pilot["today"], "52", 1)  # the plan stops the pilot above 45 minutes
    tab.goto(f"/ideas/{pilot['idea']}")
    banner = page.locator("#safety-hold")
    banner.get_by_role("heading", name="On safety hold").wait_for()
    assert "Handover length" in banner.inner_text()
    tab.screenshot(f"pilot-journey-{label}-3-hold")
    tab.assert_clean()
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
