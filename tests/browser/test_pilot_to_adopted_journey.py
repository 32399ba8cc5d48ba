"""From a completed pilot to adopted practice, in the browser: the team marks one target unit in progress and
another adopted with its sustainment owner, a committee member signs mark_adopted, and the owner answers the
first sustainment check from their home page. The pilot and the scale-up decision are set up through the
operations. Ends with `audit verify`. Screenshots go to test-artifacts/."""
from datetime import timedelta

import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pilots.operations import hospital_today
from tests.browser.test_committee_journey import sign_in_with_code
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.spread import scale_up_idea

pytestmark = pytest.mark.browser


@pytest.fixture
def scale_up(app, people, create_user):
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in has its own journey
    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea, (first, second, third) = scale_up_idea(people, members)
    found = {"idea": idea.id, "first": first.id, "second": second.id, "today": hospital_today(),
             "team": people["submitter"].email, "owner": people["co_author"].email,
             "owner_id": people["co_author"].id, "lead_id": people["submitter"].id,
             "member": people["committee"].email, "secret": people["committee"].totp_secret}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    return found


def update(page, unit_id: int, **fields) -> None:
    """Open the unit's form, fill it, save, and wait for the page to say so."""
    unit = page.locator(f"#unit-{unit_id}")
    unit.locator("summary").click()
    for name, value in fields.items():
        field = page.locator(f"#u{unit_id}-{name}")
        if name in ("status", "lead", "sustainment_owner"):
            field.select_option(str(value))
        else:
            field.fill(str(value))
    unit.get_by_role("button", name="Save").click()
    page.locator(".flash, [role=status], .notice", has_text="saved").first.wait_for()


@pytest.mark.parametrize(("width", "label"), [(1366, "desktop"), (390, "phone")])
def test_a_unit_adopts_the_committee_signs_and_the_owner_answers_a_check(app, new_page, scale_up, width, label):
    today = scale_up["today"]
    team = new_page(width=width, height=900)
    team.goto("/")
    sign_in_with_form(team.page, scale_up["team"])
    team.goto(f"/ideas/{scale_up['idea']}/scale-up")
    team.page.get_by_text("0 of 3 units adopted, 0 sites").wait_for()
    update(team.page, scale_up["first"], status="in_progress", started_on=today.isoformat(),
           lead=scale_up["lead_id"], notes="Nights first; days from next month.")
    update(team.page, scale_up["second"], status="adopted", started_on=(today - timedelta(days=40)).isoformat(),
           adopted_on=(today - timedelta(days=20)).isoformat(), sustainment_owner=scale_up["owner_id"],
           adaptations="Checklist printed on the back of the bed chart.")
    team.page.get_by_text("1 of 3 units adopted, 1 site").wait_for()
    team.screenshot(f"adopted-journey-{label}-1-units")
    team.assert_clean()

    member = new_page(width=width, height=900)
    member.goto("/")
    sign_in_with_code(member.page, scale_up["member"], scale_up["secret"])
    member.goto(f"/ideas/{scale_up['idea']}")
    member.page.get_by_role("button", name="Mark adopted").click()
    member.page.get_by_label("Your password").fill("correct horse battery staple")
    member.page.get_by_role("button", name="Sign and mark adopted").click()
    member.page.locator("h1 .stage", has_text="Adopted").wait_for()
    member.screenshot(f"adopted-journey-{label}-2-adopted")
    member.assert_clean()

    owner = new_page(width=width, height=900)
    owner.goto("/")
    sign_in_with_form(owner.page, scale_up["owner"])
    card = owner.page.locator("#sustainment-checks")
    card.get_by_text("Due soon").wait_for()
    owner.screenshot(f"adopted-journey-{label}-3-home")
    card.get_by_role("link").first.click()
    check = owner.page.locator(".check-form").first
    check.get_by_label("Yes, it held").check()
    check.get_by_label("Note").fill("Every bed chart had the checklist at the audit on Tuesday.")
    check.get_by_role("button", name="Answer the day-30 check").click()
    owner.page.get_by_text("Day-30 check answered").wait_for()
    owner.page.get_by_text("Yes, it held").first.wait_for()
    owner.screenshot(f"adopted-journey-{label}-4-check")
    owner.assert_clean()
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
