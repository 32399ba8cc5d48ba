"""Similar ideas while a mentee writes: full-text search, only ideas the user may see, one statement."""
import pytest

from ideas.accounts.models import Role
from ideas.database import db
from ideas.pipeline.operations import save_draft
from ideas.pipeline.workflow import Stage
from ideas.similar.search import search_terms, similar_ideas
from tests.conftest import sign_in
from tests.support.ideas import make_idea
from tests.support.statements import statements_of

FALLS = {"title": "Bed alarms to prevent night-time falls",
         "problem": "Confused patients fall at night when they get out of bed alone."}
UNRELATED = {"title": "Quieter drug trolley wheels", "problem": "Squeaky trolleys wake sleepers on rounds."}


@pytest.fixture
def people(create_user):
    return {"writer": create_user(Role.MENTEE, name="Maya Okafor"),
            "other": create_user(Role.MENTEE, name="Sam Rivera"),
            "mentor": create_user(Role.MENTOR, name="Priya Shah"),
            "committee": create_user(Role.COMMITTEE, name="Grace Kim")}


def pilot(submitter, **fields):
    """An idea everybody sees. Pilots cannot be reached through the operations yet, so the stage is
    set here (the audit backstop records it)."""
    idea = make_idea(submitter, **fields)
    idea.stage = Stage.PILOT
    db.session.commit()
    return idea


def test_search_terms_drop_short_words_stopwords_and_punctuation():
    assert search_terms("The bed's alarm; OR \"x\" * NEAR(", "bed alarm at night") == ["bed", "alarm", "near", "night"]


def test_a_near_duplicate_is_suggested_an_unrelated_or_invisible_idea_is_not(app, people):
    near = pilot(people["other"], title="Bed alarms for night falls",
                 problem="Patients who are confused fall getting out of bed at night.")
    unrelated = pilot(people["other"], **UNRELATED)
    hidden = make_idea(people["other"], Stage.SUBMITTED, **FALLS)  # someone else's, not in the showcase
    mine = make_idea(people["writer"], title="Falls at night from bed", problem="Same again")
    found = similar_ideas(people["writer"], FALLS["title"], FALLS["problem"])
    assert near in found and mine in found
    assert unrelated not in found and hidden not in found
    assert similar_ideas(people["writer"], FALLS["title"], FALLS["problem"], leave_out=mine.id) == [near]
    assert hidden in similar_ideas(people["committee"], FALLS["title"], FALLS["problem"])


def test_edits_reach_the_search(app, people):
    idea = make_idea(people["writer"], **UNRELATED)
    assert similar_ideas(people["writer"], "night falls", "") == []
    save_draft(idea, people["writer"], {"title": "Night falls"}, idea.version)
    db.session.commit()
    assert similar_ideas(people["writer"], "night falls", "") == [idea]


def test_the_search_is_one_statement_however_many_ideas(app, people):
    def search() -> list[str]:
        return statements_of(lambda: similar_ideas(people["writer"], FALLS["title"], FALLS["problem"]))

    pilot(people["other"], **FALLS)
    few = search()
    for _ in range(8):
        pilot(people["other"], **FALLS)
    many = search()
    assert len(many) == len(few)
    assert len([s for s in many if "ideas" in s]) == 1, many  # the rest: the user's roles


def test_the_fragment_lists_visible_similar_ideas(client, people):
    near = pilot(people["other"], **FALLS)
    sign_in(client, people["writer"])
    response = client.get("/ideas/similar", query_string={"title": "night falls from bed", "problem": "",
                                                           "idea_id": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and FALLS["title"] in response.get_data(as_text=True)
    assert f"/ideas/{near.id}" in response.get_data(as_text=True)
    empty = client.get("/ideas/similar", query_string={"title": "\"*( OR", "problem": "NEAR"})
    assert empty.status_code == 200 and "<li>" not in empty.get_data(as_text=True)


def test_the_idea_form_asks_for_similar_ideas(client, people):
    sign_in(client, people["writer"])
    page = client.get("/ideas/new").get_data(as_text=True)
    assert 'id="similar-ideas"' in page and "/ideas/similar" in page


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/ideas/similar?title=falls")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
