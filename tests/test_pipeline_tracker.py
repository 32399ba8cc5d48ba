"""The stage tracker reads the rule table: the step forward from each stage, who takes it, the path shown;
and the idea page puts this user's step forward first, withdrawing last."""
import re

import pytest

from ideas.pipeline.tracker import PATH, forward, primary_first, tracker
from ideas.pipeline.workflow import CLOSED, TRANSITIONS, Stage, Who
from tests.conftest import sign_in_fully
from tests.support.ideas import make_idea

NAMES = {Who.SUBMITTER: "Maya Okafor", Who.CO_AUTHOR: "", Who.ASSIGNED_MENTOR: "Priya Shah"}


@pytest.mark.parametrize("stage, action, by", [
    (Stage.DRAFT, "submit", "Maya Okafor"),
    (Stage.SUBMITTED, "start_review", "a mentor or an administrator"),
    (Stage.MENTOR_REVIEW, "recommend", "Priya Shah"),
    (Stage.REVISION, "resubmit", "Maya Okafor"),
    (Stage.COMMITTEE_REVIEW, "approve_pilot", "a committee member"),
    (Stage.PILOT, "complete_pilot", "Maya Okafor or Priya Shah"),
    (Stage.PILOT_REVIEW, "approve_scale_up", "a committee member"),
    (Stage.SCALE_UP, "mark_adopted", "a committee member"),
])
def test_the_step_forward_and_who_takes_it(stage, action, by):
    shown = tracker(stage, NAMES)
    assert shown.next.transition.action == action and shown.holder == by
    assert [s.state for s in shown.steps].count("current") == 1


def test_every_step_forward_is_a_row_of_the_rule_table_from_that_stage():
    for stage in Stage:
        row = forward(stage)
        assert (row is None) == (stage in CLOSED)
        if row:
            assert row in TRANSITIONS and stage in row.sources and Who.SYSTEM not in row.who


def test_the_other_ways_out_leave_out_withdrawing_and_the_system():
    others = {o.transition.action for o in tracker(Stage.PILOT_REVIEW, NAMES).others}
    assert others == {"return_to_mentor", "extend_pilot", "stop"}
    assert "withdraw" not in {o.transition.action for o in tracker(Stage.MENTOR_REVIEW, NAMES).others}
    assert "reapprove" not in {o.transition.action for o in tracker(Stage.PILOT, NAMES).others}


@pytest.mark.parametrize("stage, path", [
    (Stage.REVISION, [Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.REVISION]),
    (Stage.DECLINED, [Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.DECLINED]),
    (Stage.STOPPED, [Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.COMMITTEE_REVIEW, Stage.PILOT,
                     Stage.STOPPED]),
    (Stage.WITHDRAWN, [Stage.DRAFT, Stage.WITHDRAWN]),
])
def test_the_path_ends_where_the_idea_is(stage, path):
    steps = tracker(stage, NAMES).steps
    assert [s.stage for s in steps if s.state != "ahead"] == path
    assert steps[len(path) - 1].state == "current"


def test_the_whole_path_shows_revision_only_while_the_idea_is_there():
    assert Stage.REVISION not in [s.stage for s in tracker(Stage.PILOT, NAMES).steps]
    assert [s.stage for s in tracker(Stage.ADOPTED, NAMES).steps] == [s for s in PATH if s != Stage.REVISION]


def test_withdrawing_comes_last_and_the_step_forward_first():
    rows = [t for t in TRANSITIONS if Stage.MENTOR_REVIEW in t.sources]
    ordered = primary_first(rows, Stage.MENTOR_REVIEW)
    assert ordered[0].action == "recommend" and ordered[-1].action == "withdraw"


def _buttons(html: str) -> list[str]:
    section = html[html.index('aria-label="What you can do now"'):]
    section = section[:section.index("</section>")]
    return [re.sub(r"\s+", " ", label).strip()
            for label in re.findall(r'(?:role="button"[^>]*|<button[^>]*)>([^<]+)<', section)]


def test_the_idea_page_shows_the_tracker_and_the_submitters_step_forward_before_withdraw(client, people):
    idea = make_idea(people["submitter"], Stage.DRAFT)
    sign_in_fully(client, people["submitter"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert 'aria-current="step"' in html and "Next: Submit" in html and "by Maya Okafor" in html
    buttons = _buttons(html)
    assert buttons[0] == "Submit" and buttons.index("Withdraw") > buttons.index("Submit")


def test_the_mentor_sees_recommend_first(client, people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    sign_in_fully(client, people["mentor"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert _buttons(html)[0] == "Recommend to committee"
    assert "Next: Recommend to committee</strong>, to committee review" in html and "by Priya Shah" in html
