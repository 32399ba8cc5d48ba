"""Every page each role can reach, at 1366 px and 390 px: no serious or critical axe-core finding, no
sideways scrolling and no tap target under 44 px on a phone, and a screenshot of each in
test-artifacts/pages/ to look at. The ideas stand at every stage, so every page has something to show,
and every HTML page of the URL map must be met by some role."""
import time
from datetime import timedelta

import pyotp
import pytest

from ideas.accounts.models import Role
from ideas.accounts.units import create_unit
from ideas.committee.operations import create_meeting
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.pilots.operations import hospital_today, record_pdsa
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from ideas.spread.operations import update_unit
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.committee import PASSWORD
from tests.support.ideas import a_unit, make_idea
from tests.support.pages import walk
from tests.support.pilots import completed_pilot, observe_every_measure, running_pilot
from tests.support.spread import scale_up_idea

pytestmark = pytest.mark.browser

# GET routes that are not pages a person reads, or that no walk can reach, and why.
NOT_WALKED = {
    "static": "an asset", "vendor.asset": "an asset",
    "service.healthz": "JSON for the load balancer", "service.readyz": "JSON for the load balancer",
    "dashboard.table_csv": "a CSV download", "charts.chart_csv": "a CSV download",
    "charts.chart_json": "JSON for the chart", "charts.chart_svg": "the chart's image",
    "board.more": "an htmx partial (the board's next rows)", "similar.suggestions": "an htmx partial",
    "discussion.mentions": "an htmx partial (@mention suggestions)",
    "notifications.open": "marks read and redirects to the idea", "admin.index": "redirects to the users page",
    "pipeline.people": "an htmx partial (colleagues to add as co-authors)",
    "review.risk": "an htmx partial (the risk band as the mentor scores a hazard)",
    "accounts.accept_invite": "needs an invitation token (tests/admin/test_invites.py)",
    "accounts.sign_in_code": "the second sign-in step, passed by sign_in (tests/test_two_factor_routes.py)",
    "accounts.replace_two_factor": "needs a fresh second step (tests/test_two_factor_replace.py)",
}


def sign_in(tab, email: str, secret: str | None) -> None:
    tab.goto("/sign-in")
    sign_in_with_form(tab.page, email)
    if secret:
        tab.page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
        tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url(lambda url: "/sign-in" not in url)


def ideas_at_every_stage(people: dict, members: list) -> dict[str, int]:
    """Ideas from draft to adopted (a pilot with data, a PDSA cycle and a comment, a unit adopting with its checks,
    a meeting): ids by stage; committed."""
    maya, priya, today = people["submitter"], people["mentor"], hospital_today()
    make_idea(maya, Stage.DRAFT, title="Quieter night rounds")
    make_idea(maya, Stage.MENTOR_REVIEW, mentor=priya, title="Earlier discharge letters")
    make_idea(maya, Stage.COMMITTEE_REVIEW, mentor=priya, title="Clearer fasting signs")
    make_idea(maya, Stage.SUBMITTED, title="Text reminders for fasting times")
    pilot = running_pilot(people, members, title="Night-time falls checklist")
    observe_every_measure(pilot, maya)
    record_pdsa(pilot, maya, {"change_tested": "Checklist at the 21:00 handover", "plan": "Try it for a week.",
                              "do": "", "study": "", "act": "", "started_on": today.isoformat(), "ended_on": ""})
    post_comment(pilot, maya, "Nights on 4B start the checklist on Monday.")
    review = completed_pilot(people, members, title="Water jugs in reach")
    spreading, (first, *_rest) = scale_up_idea(people, members)
    update_unit(spreading, maya, first.id, {"status": "in_progress", "started_on": today, "lead": maya.id},
                first.version)
    site = a_unit().site
    adopted, (unit, *_others) = scale_up_idea(people, members, [create_unit(site, "Ward 8A"),
                                                                 create_unit(site, "Ward 9B")])
    update_unit(adopted, maya, unit.id, {"status": "adopted", "started_on": today - timedelta(days=40),
                                         "adopted_on": today - timedelta(days=20),
                                         "sustainment_owner": people["co_author"].id}, unit.version)
    apply_action(adopted, members[0], "mark_adopted", adopted.version, password=PASSWORD)
    create_meeting(members[0], {"title": "Quality committee", "held_on": today + timedelta(days=7)})
    db.session.commit()
    return {"pilot": pilot.id, "pilot_review": review.id, "scale_up": spreading.id, "adopted": adopted.id}


def test_every_page_of_every_role_is_accessible_and_fits_a_phone(app, new_page, people, create_user):
    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    ideas = ideas_at_every_stage(people, members)
    shared = ("/", *(f"/ideas/{idea}" for idea in ideas.values()), f"/ideas/{ideas['scale_up']}/scale-up",
              "/board", "/notifications", "/account/notifications")
    roles = {"mentee": (people["submitter"], (*shared, f"/ideas/{ideas['pilot']}/pilot")), "mentor": (people["mentor"], shared),
             "committee": (members[0], (*shared, "/dashboard", f"/committee/ideas/{ideas['pilot_review']}",
                                        f"/committee/ideas/{ideas['scale_up']}")),
             "admin": (people["admin"], (*shared, "/dashboard"))}
    accounts = {role: (user.email, user.totp_secret, starts) for role, (user, starts) in roles.items()}
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    screenshots = ARTIFACTS / "pages"
    screenshots.mkdir(parents=True, exist_ok=True)

    problems, visited, shown, began = [], {}, set(), time.monotonic()
    anonymous = new_page(width=1366, height=900)
    findings = walk(anonymous.page, anonymous.base_url, "anonymous", screenshots, starts=("/sign-in",))
    problems, shown = findings.problems, findings.shown
    for role, (email, secret, starts) in accounts.items():
        tab = new_page(width=1366, height=900)
        sign_in(tab, email, secret)
        findings = walk(tab.page, tab.base_url, role, screenshots, starts=starts)
        problems += findings.problems
        shown |= findings.shown
        visited.update({f"{role} {key}": path for key, path in findings.visited.items()})
        tab.assert_clean()
    print(f"\n{len(visited)} pages checked in {time.monotonic() - began:.0f} s:", *sorted(visited), sep="\n  ")
    assert not problems, "\n".join(problems)
    assert not unvisited_pages(app, shown), f"HTML pages no role reached: {unvisited_pages(app, shown)}"


def unvisited_pages(app, shown: set[str]) -> list[str]:
    """GET endpoints of the URL map that no page shown belongs to, bar NOT_WALKED."""
    adapter = app.url_map.bind("localhost")
    met = {adapter.match(path, method="GET")[0] for path in shown}
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and rule.endpoint not in met | NOT_WALKED.keys())
