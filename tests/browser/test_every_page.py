"""Every page each role can reach, at 1366 px and 390 px: no serious or critical axe-core finding, no
sideways scrolling and no tap target under 44 px on a phone, and a screenshot of each in
test-artifacts/pages/ to look at."""
import time

import pyotp
import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pipeline.workflow import Stage
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.ideas import make_idea
from tests.support.pages import walk
from tests.support.pilots import running_pilot

pytestmark = pytest.mark.browser


def sign_in(tab, email: str, secret: str | None) -> None:
    tab.goto("/sign-in")
    sign_in_with_form(tab.page, email)
    if secret:
        tab.page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
        tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url(lambda url: "/sign-in" not in url)


def test_every_page_of_every_role_is_accessible_and_fits_a_phone(app, new_page, people, create_user):
    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    maya, priya = people["submitter"], people["mentor"]
    pilot = running_pilot(people, members, title="Night-time falls checklist")
    make_idea(maya, Stage.DRAFT, title="Quieter night rounds")
    make_idea(maya, Stage.MENTOR_REVIEW, mentor=priya, title="Earlier discharge letters")
    make_idea(maya, Stage.COMMITTEE_REVIEW, mentor=priya, title="Clearer fasting signs")
    make_idea(maya, Stage.SUBMITTED, title="Text reminders for fasting times")
    roles = {role: (user.email, user.totp_secret) for role, user in
             {"mentee": maya, "mentor": priya, "committee": members[0], "admin": people["admin"]}.items()}
    pilot_id = pilot.id
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    screenshots = ARTIFACTS / "pages"
    screenshots.mkdir(parents=True, exist_ok=True)

    problems, visited, began = [], {}, time.monotonic()
    for role, (email, secret) in roles.items():
        tab = new_page(width=1366, height=900)
        sign_in(tab, email, secret)
        findings = walk(tab.page, tab.base_url, role, screenshots, starts=("/", f"/ideas/{pilot_id}"))
        problems += findings.problems
        visited.update({f"{role} {shape}": path for shape, path in findings.visited.items()})
        tab.assert_clean()
    print(f"\n{len(visited)} pages checked in {time.monotonic() - began:.0f} s:", *sorted(visited), sep="\n  ")
    assert not problems, "\n".join(problems)
