"""The idea page's timeline: every kind of event, filters by htmx, paging, votes' private detail, flat SQL."""
import pytest

from ideas.audit import record
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.pipeline.operations import save_draft
from ideas.pipeline.workflow import Stage
from tests.conftest import sign_in
from tests.support.ideas import make_idea
from tests.support.statements import statements_of

pytestmark = pytest.mark.usefixtures("no_second_factor")

HTMX = {"HX-Request": "true"}


@pytest.fixture
def story(people):
    """An idea back with its team: created, submitted, claimed, changes asked; then edited, discussed,
    reviewed and voted on (the review and the vote as later features will record them)."""
    maya = people["submitter"]
    idea = make_idea(maya, Stage.REVISION, mentor=people["mentor"])
    save_draft(idea, maya, {"title": "Night-time falls checklist, version two"}, idea.version)
    post_comment(idea, people["mentor"], "I like the **new title**.")
    record("review.saved", idea_id=idea.id, changes={"feasibility": (None, "feasible")}, actor=people["mentor"])
    record("vote.cast", idea_id=idea.id, changes={"vote": (None, "reject")}, reason="Needs a measure first.",
           actor=people["committee"])
    db.session.commit()
    return idea


def test_the_timeline_tells_the_whole_story_newest_first(client, people, story):
    sign_in(client, people["submitter"])
    page = client.get(f"/ideas/{story.id}").get_data(as_text=True)
    timeline = page.split('id="timeline"', 1)[1]
    order = [timeline.index(text) for text in ("voted", "saved a review", "I like the <strong>new title</strong>",
                                               "edited the idea", "moved the idea", "Say how you will measure it.",
                                               "started the idea")]
    assert order == sorted(order)
    assert "<del>Night-time falls checklist</del> → <ins>Night-time falls checklist, version two</ins>" in timeline
    assert "<del>Mentor review</del> → <ins>Revision</ins>" in timeline
    assert "Needs a measure first." in timeline  # the team sees a vote's comment...


@pytest.mark.parametrize(("kind", "sees_who"), [("submitter", False), ("mentor", False), ("committee", True),
                                                ("admin", True)])
def test_who_voted_what_is_for_committee_and_admin_only(client, people, story, kind, sees_who):
    sign_in(client, people[kind])
    response = client.get(f"/ideas/{story.id}?kind=reviews", headers=HTMX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "Needs a measure first." in fragment
    assert ("Grace Kim" in fragment) is sees_who
    assert ("reject" in fragment) is sees_who
    assert ("A committee member" in fragment) is not sees_who


def test_stranger_gets_404(client, people, story):
    sign_in(client, people["stranger"])
    assert client.get(f"/ideas/{story.id}?kind=comments", headers=HTMX).status_code == 404


@pytest.mark.parametrize(("kind", "shown", "not_shown"), [
    ("stages", ["moved the idea", "started the idea"], ["edited the idea", "commented", "voted"]),
    ("edits", ["edited the idea"], ["moved the idea", "commented"]),
    ("comments", ["commented", "new title"], ["edited the idea", "voted"]),
    ("reviews", ["saved a review", "voted"], ["commented", "moved the idea"]),
    ("all", ["moved the idea", "edited the idea", "commented", "voted"], []),
    ("nonsense", ["moved the idea", "commented"], []),
])
def test_filters_answer_a_fragment_from_the_same_view(client, people, story, kind, shown, not_shown):
    sign_in(client, people["committee"])
    response = client.get(f"/ideas/{story.id}?kind={kind}", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment and 'id="timeline"' in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert all(text in fragment for text in shown), fragment
    assert not any(text in fragment for text in not_shown)


def statements_for(client, path: str) -> int:
    responses = []
    count = len(statements_of(lambda: responses.append(client.get(path))))
    assert responses[0].status_code == 200
    return count


def test_the_idea_page_reads_as_many_statements_for_500_events_as_for_5(client, people):
    maya = people["submitter"]
    few = make_idea(maya)
    post_comment(few, maya, "Early thought")
    many = make_idea(maya)
    for n in range(250):
        save_draft(many, maya, {"resources": f"Version {n}"}, many.version)
        post_comment(many, maya, f"Thought number {n}")
    db.session.commit()
    sign_in(client, maya)
    assert statements_for(client, f"/ideas/{few.id}") == statements_for(client, f"/ideas/{many.id}")
    page = client.get(f"/ideas/{many.id}").get_data(as_text=True)
    assert "Thought number 249" in page and "Thought number 200" not in page and ">Older</a>" in page
    older = client.get(f"/ideas/{many.id}?before=" + page.split("before=", 1)[1].split('"', 1)[0], headers=HTMX)
    assert "Thought number 200" in older.get_data(as_text=True) and ">Newer</a>" in older.get_data(as_text=True)
