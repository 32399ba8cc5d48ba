"""The mentee's and the mentor's journeys with the keyboard alone (Tab, Enter, typing), focus always
visible: a refused resubmit puts focus on its error summary, whose link leads to the field; adding a
hazard leaves focus in the hazard form and says what changed."""
import re

import pytest

from ideas.database import db
from ideas.pipeline.workflow import Stage
from tests.conftest import PASSWORD
from tests.support.ideas import make_idea

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  return {text: (el.getAttribute("aria-label") || el.innerText || el.value || "").trim(),
          label: el.labels && el.labels[0] ? el.labels[0].innerText.trim() : "", visible};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str, limit: int = 60) -> None:
    """Press Tab until the control named `name` (its text or label, after an idea's number) has focus; its focus
    must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now and any(re.sub(r"^FI-\d+\s+", "", text).startswith(name) for text in (now["text"], now["label"])):
            assert now["visible"], f"focus on {name!r} cannot be seen"
            return
    raise AssertionError(f"{name!r} not reached with {limit} presses of Tab")


def press_enter_and_load(page) -> None:
    """Enter on a link or a form's button, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, email: str) -> None:
    tab_to(page, "E-mail")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    press_enter_and_load(page)


def signed_in_with_an_idea(new_page, people, who: str, stage: Stage):
    """Maya's idea at `stage` with Priya as its mentor; a tab signed in as `who` by keyboard."""
    make_idea(people["submitter"], stage, mentor=people["mentor"], title="Night-time falls checklist")
    email = people[who].email
    db.session.commit()  # SQLite: no transaction of the test may hold the write lock the server needs
    tab = new_page(width=1366, height=900)
    tab.goto("/sign-in")
    sign_in(tab.page, email)
    return tab


def test_mentee_resubmits_with_the_keyboard_alone(app, new_page, people):
    tab = signed_in_with_an_idea(new_page, people, "submitter", Stage.REVISION)
    page = tab.page

    tab_to(page, "Night-time falls checklist")
    press_enter_and_load(page)
    tab_to(page, "Edit")
    press_enter_and_load(page)
    tab_to(page, "Resubmit to the mentor")
    press_enter_and_load(page)

    # Refused: focus on the summary at the top, not on the page's body with the message far below.
    page.locator(".error-summary").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.keyboard.press("Tab")
    assert focused(page)["text"].startswith("Your response to the mentor: Answer the mentor"), focused(page)
    page.keyboard.press("Enter")
    assert focused(page)["label"].startswith("Your response to the mentor"), focused(page)
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    page.keyboard.type("Checks only for patients already awake.")
    tab_to(page, "Resubmit to the mentor")
    press_enter_and_load(page)
    page.get_by_text("Mentor review", exact=True).first.wait_for()
    tab.assert_clean()


def test_mentor_adds_a_hazard_with_the_keyboard_alone(app, new_page, people):
    tab = signed_in_with_an_idea(new_page, people, "mentor", Stage.MENTOR_REVIEW)
    page = tab.page

    tab_to(page, "Review queue")
    press_enter_and_load(page)
    tab_to(page, "Night-time falls checklist")
    press_enter_and_load(page)
    tab_to(page, "Safety")
    press_enter_and_load(page)
    page.get_by_role("heading", name="Safety assessment").wait_for()
    tab_to(page, "Hazard description")
    page.keyboard.type("Patients woken by the check get up and fall.")
    tab_to(page, "Severity")
    page.keyboard.press("4")
    tab_to(page, "Likelihood")
    page.keyboard.press("3")
    tab_to(page, "Add hazard")
    page.keyboard.press("Enter")

    page.get_by_role("cell", name="Patients woken by the check get up and fall.").wait_for()
    # Focus moves once htmx has settled the swap: back into the hazard form, ready for the next one.
    page.wait_for_function("document.activeElement.labels && document.activeElement.labels.length"
                           " && document.activeElement.labels[0].innerText.startsWith('Hazard description')")
    assert focused(page)["visible"]
    assert page.locator("#announcer").inner_text() == "Safety assessment updated: 1 hazard listed."
    tab.assert_clean()
