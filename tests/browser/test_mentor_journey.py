"""A mentor claims a submitted idea, lists two hazards (one high), requests changes; the mentee
resubmits; the mentor completes the review and the pilot plan, and recommends. Screenshots go to
test-artifacts/."""
import re

import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.rules import CRITERIA, TRIAGE
from tests.browser.test_mentee_journey import sign_in_with_form
from tests.support.ideas import a_unit, make_idea

pytestmark = pytest.mark.browser


def add_hazard(page, description: str, severity: str, likelihood: str, mitigation: str = "", owner: str = ""):
    page.get_by_label("Hazard description").fill(description)
    page.get_by_label("Severity", exact=True).select_option(severity)
    page.get_by_label("Likelihood", exact=True).select_option(likelihood)
    page.get_by_label("Mitigation", exact=True).fill(mitigation)
    page.get_by_label("Owner of the mitigation").fill(owner)
    page.get_by_role("button", name="Add hazard").click()
    page.get_by_role("cell", name=description).wait_for()


def add_measure(page, kind: str, name: str, definition: str, unit: str, direction: str, baseline: str, target: str):
    page.get_by_label("Measure type").select_option(kind)
    page.get_by_label("Measure name").fill(name)
    page.get_by_label("Operational definition").fill(definition)
    page.get_by_label("Unit of measure").fill(unit)
    page.get_by_label("Direction of improvement").select_option(direction)
    page.get_by_label("Baseline", exact=True).fill(baseline)
    page.get_by_label("Target", exact=True).fill(target)
    page.get_by_role("button", name="Add measure").click()
    page.get_by_text("Measure added.").wait_for()


def test_mentor_reviews_requests_changes_and_recommends(app, new_page, create_user):
    maya = create_user(Role.MENTEE, email="maya@hospital.example", name="Maya Okafor")
    priya = create_user(Role.MENTOR, email="priya@hospital.example", name="Priya Shah")
    idea = make_idea(maya, Stage.SUBMITTED, title="Night-time falls checklist")
    idea_id, unit, maya_email, priya_email = idea.id, a_unit().label, maya.email, priya.email
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    mentor = new_page(width=1280, height=900)
    page = mentor.page

    mentor.goto("/")
    sign_in_with_form(page, priya_email)
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("heading", name="Open queue").wait_for()
    mentor.screenshot("mentor-1-queue")
    page.get_by_role("button", name="Start review").click()
    page.get_by_text("The review is yours.").wait_for()
    mentor.screenshot("mentor-2-feasibility-empty")

    # Two hazards, added in place; the risk shows as severity and likelihood are chosen.
    page.get_by_role("link", name="Safety", exact=True).click()
    page.get_by_role("heading", name="Safety assessment").wait_for()
    page.get_by_label("Severity", exact=True).select_option("4")
    page.get_by_label("Likelihood", exact=True).select_option("3")
    page.get_by_text("Risk 12").wait_for()
    add_hazard(page, "Patients woken by the check get up and fall.", "4", "3")
    add_hazard(page, "Handover runs late.", "1", "2", "Check after handover.", "Nurse in charge")
    page.get_by_text("Safety assessment: the risk is high, so every hazard needs a mitigation and an owner").wait_for()
    mentor.screenshot("mentor-3-safety-hazards")

    page.get_by_role("button", name="Request changes").click()
    page.get_by_label("What to change").fill("Say how you will avoid waking patients, and how you will count falls.")
    page.get_by_role("button", name="Request changes").click()
    page.get_by_text("Done. The idea is now back with its team for revision.").wait_for()

    mentee = new_page(width=1280, height=900)
    mentee.goto("/")
    sign_in_with_form(mentee.page, maya_email)
    mentee.goto(f"/ideas/{idea_id}/edit")
    mentee.page.get_by_text("Say how you will avoid waking patients").wait_for()
    mentee.page.get_by_label("Your response to the mentor").fill("Checks only for patients already awake; "
                                                                 "falls counted from incident reports.")
    mentee.page.get_by_role("button", name="Resubmit to the mentor").click()
    mentee.page.get_by_text("Mentor review", exact=True).first.wait_for()

    # The mentor completes the review.
    mentor.goto(f"/review/{idea_id}/feasibility")
    for name, label in CRITERIA.items():
        page.get_by_label(f"{label} score").select_option("4")
    page.get_by_label("Evidence base note").fill("NICE falls guideline supports night checks.")
    page.get_by_label("Overall recommendation").select_option("proceed")
    page.get_by_role("button", name="Save feasibility review").click()
    page.get_by_text("Saved as a draft.").wait_for()
    mentor.screenshot("mentor-4-feasibility-complete")

    page.get_by_role("link", name="Safety", exact=True).click()
    page.get_by_role("heading", name="Safety assessment").wait_for()
    # The first hazard is edited in place; removing the second asks first.
    page.get_by_role("button", name="Edit hazard 1").click()
    edit = page.get_by_role("form", name="Edit the hazard")
    edit.get_by_label("Mitigation", exact=True).fill("Check only patients already awake; bed at lowest height.")
    edit.get_by_label("Owner of the mitigation").fill("Ward manager")
    mentor.screenshot("mentor-4b-hazard-edit")
    edit.get_by_role("button", name="Save").click()
    page.get_by_role("cell", name="Check only patients already awake; bed at lowest height.").wait_for()
    page.get_by_role("button", name="Remove hazard 2").click()
    confirm = page.get_by_role("dialog", name="Remove this hazard (Handover runs late.)?")
    confirm.wait_for()
    mentor.screenshot("mentor-4c-confirm-removal")
    confirm.get_by_role("button", name="Cancel").click()
    confirm.wait_for(state="hidden")
    page.get_by_role("cell", name="Handover runs late.").wait_for()
    page.get_by_role("button", name="Remove hazard 2").click()
    confirm.get_by_role("button", name="Remove hazard 2").click()
    page.get_by_role("cell", name="Handover runs late.").wait_for(state="detached")

    page.get_by_role("link", name="QI or research", exact=True).click()
    page.get_by_role("heading", name="Quality improvement or research?").wait_for()
    for question in TRIAGE.values():
        page.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_role("button", name="Save triage").click()
    page.get_by_text("Saved as a draft.").wait_for()

    page.get_by_role("link", name="Pilot plan", exact=True).click()
    page.get_by_role("heading", name="Pilot plan").wait_for()
    page.get_by_label("Aim statement").fill("Reduce night-time falls on 4B by 30% by 31 March.")
    page.get_by_label(unit).check()
    page.get_by_label("Planned start").fill("2027-01-04")
    page.get_by_label("Planned end").fill("2027-03-31")
    page.get_by_label("Data collection plan").fill("Night nurse in charge tallies falls and checks each shift.")
    page.get_by_role("button", name="Save pilot plan").click()
    page.get_by_text("Saved as a draft.").wait_for()
    add_measure(page, "outcome", "Night-time falls", "Falls 22:00–06:00 per 1,000 bed days.", "per 1,000 bed days",
                "decrease", "6.5", "4.5")
    add_measure(page, "process", "Checks done", "Share of eligible patients checked.", "%", "increase", "0", "90")
    add_measure(page, "balancing", "Patients woken", "Patients reporting being woken by the check.", "per week",
                "decrease", "", "2")
    page.get_by_text("Everything recommend needs is in place.").wait_for()
    page.get_by_role("button", name="Edit Patients woken").click()
    edit = page.get_by_role("form", name="Edit the measure")
    edit.get_by_label("Stop the pilot on a special-cause signal").check()
    edit.get_by_role("button", name="Save").click()
    page.get_by_role("cell", name="Stop on a special-cause signal").wait_for()
    mentor.screenshot("mentor-5-plan-complete")

    page.get_by_role("button", name="Recommend to committee").click()
    page.get_by_text("Done. The idea is now in committee review.").wait_for()
    mentor.screenshot("mentor-6-recommended")
    assert re.search(rf"/ideas/{idea_id}$", page.url)
    assert db.session.get(Idea, idea_id).stage == Stage.COMMITTEE_REVIEW
    db.session.commit()
    mentor.assert_clean()
    mentee.assert_clean()
