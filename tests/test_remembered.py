"""The board remembered between changes (ideas/remembered.py): a second look sends fewer statements and shows
the same, any recorded change shows at once, each user keeps their own board, and an idea that opens to every
mentor with time shows within the minute."""
import re
from datetime import timedelta

import pytest
import time_machine

from ideas.accounts.models import Role
from ideas.accounts.pairings import pair_mentee
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from tests.conftest import sign_in_fully
from tests.support.ideas import make_idea
from tests.support.statements import statements_of

pytestmark = pytest.mark.usefixtures("no_second_factor")


def shown(client, path: str = "/board") -> list[int]:
    page = client.get(path).get_data(as_text=True)
    return [int(n) for n in re.findall(r'<span class="idea-number">FI-(\d+)</span>', page)]


def test_a_second_look_reads_no_idea_and_shows_the_same(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in_fully(client, people["committee"])
    pages = []
    with time_machine.travel(utcnow(), tick=False):
        fresh = statements_of(lambda: pages.append(client.get("/board?site=").get_data(as_text=True)))
        again = statements_of(lambda: pages.append(client.get("/board?site=").get_data(as_text=True)))
        other = statements_of(lambda: client.get("/board"))  # another query string: built afresh
    assert pages[0].count(f'idea-number">FI-{idea.id}<') == 1 and pages[0] == pages[1]
    reads_ideas = [sql for sql in fresh if "FROM ideas" in sql]
    assert reads_ideas and not [sql for sql in again if "FROM ideas" in sql or "FROM sites" in sql]
    assert len(again) < len(fresh) == len(other)


def test_every_recorded_change_shows_at_once(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    sign_in_fully(client, people["mentor"])
    with time_machine.travel(utcnow(), tick=False):  # the same minute throughout: only the trail's head moves
        assert shown(client, "/board?view=columns") == [idea.id]
        page = client.get("/board").get_data(as_text=True)
        assert re.search(r'id="column-submitted".*?aria-label="1 ideas"', page, re.S)
        apply_action(idea, people["mentor"], "start_review", idea.version)
        db.session.commit()
        page = client.get("/board").get_data(as_text=True)
        assert re.search(r'id="column-submitted".*?aria-label="0 ideas"', page, re.S)
        assert re.search(r'id="column-mentor_review".*?aria-label="1 ideas"', page, re.S)
        apply_action(idea, people["submitter"], "withdraw", idea.version, reason="Trying another way.")
        db.session.commit()
        assert re.search(r'id="column-withdrawn".*?aria-label="1 ideas"', client.get("/board").get_data(as_text=True),
                         re.S)


def test_each_user_keeps_their_own_board(app, people):
    own = make_idea(people["submitter"], Stage.DRAFT)
    maya, uma = app.test_client(), app.test_client()
    sign_in_fully(maya, people["submitter"])
    sign_in_fully(uma, people["stranger"])
    with time_machine.travel(utcnow(), tick=False):
        assert shown(maya) == [own.id]
        assert shown(uma) == []  # the same filter and trail, another user: not Maya's board


def test_an_idea_opening_to_every_mentor_shows_within_the_minute(client, people):
    """Visibility that changes with time alone writes no event; the minute in the key catches it."""
    pair_mentee(people["submitter"], people["mentor"])
    db.session.commit()
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    opens = idea.submitted_at + timedelta(days=3)
    with time_machine.travel(opens - timedelta(seconds=30), tick=False):
        sign_in_fully(client, people["other_mentor"])
        assert client.get("/board").status_code == 200 and idea.id not in shown(client)
    with time_machine.travel(opens + timedelta(seconds=61), tick=False):
        assert idea.id in shown(client)


def test_the_dashboard_is_built_once_for_everyone_until_the_data_changes(app, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    member, admin = app.test_client(), app.test_client()
    sign_in_fully(member, people["committee"])
    sign_in_fully(admin, people["admin"])
    with time_machine.travel(utcnow(), tick=False):
        first = member.get("/dashboard").get_data(as_text=True)
        again = statements_of(lambda: admin.get("/dashboard"))  # another user, the same figures: remembered
        assert not [sql for sql in again if "FROM ideas" in sql]
        apply_action(idea, people["mentor"], "start_review", idea.version)
        db.session.commit()
        changed = statements_of(lambda: member.get("/dashboard"))
        assert [sql for sql in changed if "FROM ideas" in sql]  # a change: built again
    figures = re.search(r'<div id="figures">(.*)</div>', first, re.S)
    assert figures and "Submitted" in figures.group(1)


def test_what_is_stuck_is_built_once_for_every_administrator_until_the_data_changes(app, people, create_user):
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"], title="Needs a mentor")
    idea.mentor_id = None  # listed as without a mentor
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    sign_in_fully(first, people["admin"])
    sign_in_fully(second, create_user(Role.ADMIN, name="Second Admin"))
    with time_machine.travel(utcnow(), tick=False):
        fresh = statements_of(lambda: first.get("/"))
        pages = []
        again = statements_of(lambda: pages.append(second.get("/").get_data(as_text=True)))  # remembered
        assert "Needs a mentor" in pages[0] and len(again) < len(fresh)
        assert [sql for sql in fresh if "without_a_mentor" in sql] and not [s for s in again if "without_a_mentor" in s]
        later = make_idea(people["co_author"], Stage.MENTOR_REVIEW, mentor=people["mentor"], title="Also needs one")
        later.mentor_id = None
        db.session.commit()
        assert "Also needs one" in second.get("/").get_data(as_text=True)  # a change: built again
