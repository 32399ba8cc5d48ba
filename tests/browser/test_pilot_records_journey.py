"""The pilot team records by keyboard: Enter adds a row, focus returns to a fresh row's date; a refused value
keeps the row and takes the focus. Screenshots of the pilot page go to test-artifacts/."""
from datetime import timedelta

import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pilots.operations import hospital_today, record_pdsa
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.pilots import add_observations, measure_named, running_pilot

pytestmark = pytest.mark.browser


@pytest.fixture
def pilot(app, people, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    idea = running_pilot(people, [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)])
    falls = measure_named(idea, "Night-time falls")
    checklist = measure_named(idea, "Checklist done")
    checklist.proportion = True
    record_pdsa(idea, people["mentor"], {
        "change_tested": "Bedside checklist at the 21:00 handover", "started_on": hospital_today() - timedelta(days=21),
        "plan": "Try it on 4B for two weeks; predict fewer falls between 22:00 and 06:00.",
        "do": "Done on 12 of 14 nights; agency staff needed a briefing.", "study": "", "act": ""})
    db.session.commit()
    add_observations(falls, [6.1, 5.8, 6.4, 5.2, 4.9, 5.0, 4.1], start=hospital_today() - timedelta(days=7),
                     actor=people["submitter"])
    add_observations(checklist, [(12, 20), (15, 21), (18, 20)], start=hospital_today() - timedelta(days=3),
                     actor=people["co_author"])
    found = {"idea_id": idea.id, "falls": falls.id, "email": people["submitter"].email}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_the_team_adds_observations_by_keyboard(new_page, pilot, width, label):
    tab = new_page(width=width, height=900)
    page = tab.page
    tab.goto("/")
    sign_in_with_form(page, pilot["email"])
    tab.goto(f"/ideas/{pilot['idea_id']}")
    page.get_by_role("button", name="Pilot records: PDSA cycles and observations").click()
    prefix = f"#m{pilot['falls']}-"
    page.locator(prefix + "value").fill("3.5")
    page.locator(prefix + "note").fill("New night staff")
    page.locator(prefix + "note").press("Enter")
    page.wait_for_selector("text=New night staff")
    assert page.evaluate("document.activeElement.id") == prefix[1:] + "observed_on"
    assert page.locator(prefix + "value").input_value() == ""
    assert "8 observations" in page.locator(f"#measure-{pilot['falls']}").inner_text()

    page.locator(prefix + "value").focus()  # the date input's day, month and year take a Tab each
    page.keyboard.type("lots")
    page.keyboard.press("Enter")
    page.wait_for_selector(prefix + "value-error")
    assert "not a number" in page.locator(prefix + "value-error").inner_text()
    assert page.evaluate("document.activeElement.id") == prefix[1:] + "value"
    assert page.locator(prefix + "value").input_value() == "lots"
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # only a wide table scrolls, in its box
    tab.screenshot(f"pilot-records-{label}")
    tab.assert_clean()
