"""Home by role: what each list holds, the admin's stuck lists, the committee's vote standing, the mentor's
resubmissions; and the same number of statements for 10 ideas as for 1,000."""
from datetime import timedelta

import pytest

from ideas.accounts.models import Role
from ideas.clock import utcnow
from ideas.database import db
from ideas.home import stuck
from ideas.home.stuck import STUCK_LISTS
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from ideas.remembered import forget_all
from tests.conftest import sign_in_fully
from tests.support.bulk import bulk_ideas
from tests.support.committee import vote
from tests.support.ideas import make_idea
from tests.support.statements import statements_of


def _home(client, user) -> str:
    sign_in_fully(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_admin_sees_what_is_stuck_instead_of_four_links(client, people):
    mentor, submitter = people["mentor"], people["submitter"]
    late = make_idea(submitter, Stage.MENTOR_REVIEW, mentor=mentor, title="Late review")
    late.stage_changed_at = utcnow() - timedelta(days=20)  # past the 14-day mentor review limit
    left = make_idea(people["co_author"], Stage.SUBMITTED, title="Left behind")
    people["co_author"].active = False
    db.session.commit()
    html = _home(client, people["admin"])
    assert "What is stuck" in html
    assert "Over their stage&#39;s time limit (1)" in html and "Late review" in html
    assert "20 days in mentor review; the limit is 14" in html
    assert "Held by someone who left (1)" in html and "Left behind" in html
    assert f"deactivated: submitter {people['co_author'].name}" in html
    assert "Without a mentor (0)" in html
    assert left.id and 'href="/dashboard"' in html


def test_an_idea_whose_mentor_was_released_is_listed_without_a_mentor(client, people):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"], title="Needs a mentor")
    idea.mentor_id = None
    db.session.commit()
    html = _home(client, people["admin"])
    assert "Without a mentor (1)" in html and "Needs a mentor" in html


def test_stuck_counts_stop_at_the_cap_and_an_idea_held_by_two_leavers_counts_once(client, people, monkeypatch):
    """Each stuck list reads at most COUNT_CAP + 1 ideas per way in, and says "N+" beyond."""
    monkeypatch.setattr(stuck, "COUNT_CAP", 1)
    for n in range(3):
        idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"], title=f"Late {n}")
        idea.stage_changed_at = utcnow() - timedelta(days=20 + n)
    people["submitter"].active = people["mentor"].active = False  # each idea is held by two leavers
    db.session.commit()
    html = _home(client, people["admin"])
    assert "Over their stage&#39;s time limit (1+)" in html and "Held by someone who left (1+)" in html
    monkeypatch.setattr(stuck, "COUNT_CAP", 10)
    forget_all()  # the card is remembered until the data changes; the cap is not data
    html = client.get("/").get_data(as_text=True)
    assert "Over their stage&#39;s time limit (3)" in html and "Held by someone who left (3)" in html
    assert html.index("Late 2") < html.index("Late 1") < html.index("Late 0")  # the longest waiting first


def test_other_features_add_their_stuck_lists_at_one_spot():
    assert [make.__name__ for make in STUCK_LISTS] == ["over_their_limit", "without_a_mentor",
                                                       "orphaned_by_a_leaver"]


def test_the_committee_card_says_which_items_need_my_vote(client, people, create_user):
    members = [create_user(Role.COMMITTEE) for _ in range(2)]
    voted = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"], title="Voted on")
    waiting = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"], title="Waiting on me")
    vote(voted, [members[0]], "reject")
    html = _home(client, members[0])
    voted_item = html[html.index("Voted on"):html.index("</li>", html.index("Voted on"))]
    waiting_item = html[html.index("Waiting on me"):html.index("</li>", html.index("Waiting on me"))]
    assert "You voted: reject" in voted_item and "Needs your vote" not in voted_item
    assert "Needs your vote" in waiting_item and waiting.id


def test_a_changed_pilot_back_at_the_committee_is_flagged_for_re_approval(client, people, create_user):
    members = [create_user(Role.COMMITTEE) for _ in range(3)]
    idea = make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=tuple(members))
    apply_action(idea, None, "reapprove", idea.version, difference="Aim: 20% fewer falls")
    db.session.commit()
    html = _home(client, members[1])
    assert "Re-approval: changed since approved" in html


def test_the_mentor_sees_days_waited_and_resubmissions_flagged(client, people):
    mentor, submitter = people["mentor"], people["submitter"]
    back = make_idea(submitter, Stage.REVISION, mentor=mentor, title="Back again")
    apply_action(back, submitter, "resubmit", back.version, response="Added how we measure it.")
    make_idea(submitter, Stage.MENTOR_REVIEW, mentor=mentor, title="First look")
    db.session.commit()
    html = _home(client, mentor)
    first = html[html.index("First look"):html.index("</li>", html.index("First look"))]
    again = html[html.index("Back again"):html.index("</li>", html.index("Back again"))]
    assert "Resubmitted" in again and "Resubmitted" not in first
    assert "since today" in first


@pytest.mark.parametrize("roles", [(Role.MENTEE,), (Role.MENTOR,), (Role.COMMITTEE,), (Role.ADMIN,),
                                   (Role.MENTEE, Role.MENTOR, Role.COMMITTEE, Role.ADMIN)])
def test_each_home_page_sends_as_many_statements_for_1000_ideas_as_for_10(client, people, create_user, roles):
    user = create_user(*roles)
    sign_in_fully(client, user)
    submitters = [user, people["submitter"]] if Role.MENTEE in roles else [people["submitter"]]
    mentor = user if Role.MENTOR in roles else people["mentor"]
    counts = []
    for added in (10, 990):
        bulk_ideas(added, submitters, mentor)
        responses = []
        counts.append(len(statements_of(lambda: responses.append(client.get("/")))))
        assert responses[0].status_code == 200
    assert counts[0] == counts[1], roles
