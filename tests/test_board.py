"""The pipeline board: filters one at a time and combined, idea numbers, empty results, hostile search text,
a bookmarked URL, keyset "more" in a column and the list, and the SQL it sends staying flat as ideas grow."""
import re

import pytest
import time_machine
from flask import request
from sqlalchemy import func, select
from wtforms.widgets import Select

from ideas.accounts.models import Role, Site
from ideas.accounts.queries import all_sites
from ideas.accounts.units import create_site, create_unit
from ideas.board import queries
from ideas.remembered import forget_all
from ideas.board.forms import BoardFilterForm
from ideas.board.queries import COUNT_CAP, PER_COLUMN, Column
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, create_draft
from ideas.pipeline.workflow import Stage
from ideas.review import operations as review_ops
from tests.conftest import sign_in_fully
from tests.support.ideas import COMPLETE, a_unit, make_idea
from tests.support.reviews import HIGH_HAZARD
from tests.support.statements import statements_of

LOW_HAZARD = {**HIGH_HAZARD, "severity": "1", "likelihood": "2"}


def shown(response) -> list[int]:
    """The idea numbers a board page shows, in order."""
    return [int(n) for n in re.findall(r'<span class="idea-number">FI-(\d+)</span>', response.get_data(as_text=True))]


@pytest.fixture
def ward(app, create_user):
    """Ideas across two sites, three units, categories, two mentors and risk bands, and a committee viewer."""
    north, south = create_site("North Hospital"), create_site("South Hospital")
    units = {"n4": create_unit(north, "Ward 4"), "n5": create_unit(north, "Ward 5"), "s1": create_unit(south, "Ward 1")}
    nurse = create_user(Role.MENTEE, name="Nurse Ada")
    mentors = {"priya": create_user(Role.MENTOR, name="Priya Shah"), "omar": create_user(Role.MENTOR, name="Omar Ali")}
    db.session.commit()

    def idea(label, unit, category, mentor=None, hazard=None, title=None):
        stage = Stage.MENTOR_REVIEW if mentor else Stage.DRAFT
        made = make_idea(nurse, stage, mentor=mentors.get(mentor), unit=units[unit].id, category=category,
                         title=title or f"{label.title()} idea", problem="Something goes wrong on the ward.")
        if hazard:
            review_ops.add_hazard(made, mentors[mentor], hazard)
            db.session.commit()
        return made.id

    ideas = {
        "falls north": idea("falls north", "n4", "falls", "priya", HIGH_HAZARD, "Night falls checklist"),
        "falls north low": idea("falls north low", "n5", "falls", "omar", LOW_HAZARD, "Bed alarm for falls"),
        "falls south": idea("falls south", "s1", "falls", "priya", None, "Falls huddle at handover"),
        "medication north": idea("medication north", "n4", "medication", None, None, "Insulin double check"),
        "medication south": idea("medication south", "s1", "medication", "omar", HIGH_HAZARD, "Night drug round"),
    }
    return {"units": {k: u.id for k, u in units.items()}, "sites": {"north": north.id, "south": south.id},
            "mentors": {k: m.id for k, m in mentors.items()}, "ideas": ideas}


@pytest.fixture
def committee_client(client, signed_in):
    signed_in(Role.COMMITTEE)
    return client


def board(client, **query):
    return client.get("/board", query_string={"view": "list", **query})


@pytest.mark.parametrize(("query", "expected"), [
    ({}, {"falls north", "falls north low", "falls south", "medication north", "medication south"}),
    ({"site": "north"}, {"falls north", "falls north low", "medication north"}),
    ({"site": "north", "category": "falls"}, {"falls north", "falls north low"}),
    ({"unit": "n4", "category": "medication"}, {"medication north"}),
    ({"mentor": "priya", "category": "falls"}, {"falls north", "falls south"}),
    ({"risk": "high"}, {"falls north", "medication south"}),
    ({"risk": "low", "site": "north"}, {"falls north low"}),
    ({"q": "night", "site": "south"}, {"medication south"}),
    ({"q": "falls", "mentor": "priya", "site": "north", "risk": "high"}, {"falls north"}),
    ({"q": "nigh"}, {"falls north", "medication south"}),  # as the user types: a word's start
    ({"q": "night", "risk": "low"}, set()),
])
def test_filters_alone_and_combined(ward, committee_client, query, expected):
    keys = {"site": ward["sites"], "unit": ward["units"], "mentor": ward["mentors"]}
    args = {name: str(keys[name][value]) if name in keys else value for name, value in query.items()}
    for view in ("list", "columns"):
        response = committee_client.get("/board", query_string={**args, "view": view})
        assert response.status_code == 200
        assert set(shown(response)) == {ward["ideas"][label] for label in expected}
        assert ("No ideas match this filter." in response.get_data(as_text=True)) == (not expected)


def test_an_idea_number_finds_the_idea(ward, committee_client):
    wanted = ward["ideas"]["falls south"]
    for typed in (f"FI-{wanted}", f"fi{wanted}", str(wanted), f" FI-{wanted} "):
        assert shown(board(committee_client, q=typed)) == [wanted], typed


def test_each_column_counts_its_ideas(ward, committee_client):
    page = committee_client.get("/board").get_data(as_text=True)
    assert re.search(r'stage-mentor_review">Mentor review</span>\s*<span class="board-count"[^>]*>4<', page)
    assert re.search(r'stage-draft">Draft</span>\s*<span class="board-count"[^>]*>1<', page)
    assert re.search(r'stage-adopted">Adopted</span>\s*<span class="board-count"[^>]*>0<', page)


@pytest.mark.parametrize("typed", [
    "'; DROP TABLE ideas; --", '"falls', "falls*", "NEAR(falls night)", "falls OR night AND NOT x", "-falls",
    "fa:* & ni", "ideas_fts MATCH 'x'", "%_%", "\\", "🙂 Station Ω", "日本語の転倒", "FI-0", "FI-99999999999",
    "<script>alert(1)</script>", "x" * 200,
])
def test_hostile_search_text_is_only_text(ward, committee_client, typed):
    response = board(committee_client, q=typed)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Idea.id))) == len(ward["ideas"])


def test_bad_filter_answers_422_naming_the_field_and_keeps_the_text(ward, committee_client):
    response = committee_client.get("/board", query_string={"q": "night falls", "unit": "99999", "risk": "huge"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Unit: Not a valid choice." in page and "Risk band: Not a valid choice." in page
    assert 'value="night falls"' in page
    too_long = committee_client.get("/board", query_string={"q": "x" * 201})
    assert too_long.status_code == 422 and "Search for at most 200 characters." in too_long.get_data(as_text=True)


def test_a_bookmarked_url_reproduces_the_board(ward, app, committee_client, create_user):
    """What htmx swapped in as the user typed, and pushed to the address bar, is what the address shows later."""
    query = {"q": "falls", "site": str(ward["sites"]["north"]), "view": "columns"}
    swapped = committee_client.get("/board", query_string=query, headers={"HX-Request": "true"})
    assert swapped.status_code == 200 and "<html" not in swapped.get_data(as_text=True)
    assert "HX-Request" in swapped.headers["Vary"]
    later = app.test_client()
    sign_in_fully(later, create_user(Role.COMMITTEE))
    bookmarked = later.get("/board", query_string=query)
    page = bookmarked.get_data(as_text=True)
    assert "<html" in page and shown(bookmarked) == shown(swapped) != []
    assert 'value="falls"' in page and f'<option selected value="{ward["sites"]["north"]}">' in page


def test_more_pages_a_column_by_keyset_and_stays_stable_under_inserts(app, client, signed_in, create_user):
    nurse = create_user(Role.MENTEE)
    drafts = [create_draft(nurse, {**COMPLETE, "title": f"Draft {n}"}).id for n in range(PER_COLUMN + 3)]
    db.session.commit()
    signed_in(Role.ADMIN)
    first = shown(client.get("/board"))
    newest_first = sorted(drafts, reverse=True)
    assert first == newest_first[:PER_COLUMN]
    page = client.get("/board").get_data(as_text=True)
    more = re.search(r'hx-get="(/board/more\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "stage=draft" in more and f"after={newest_first[PER_COLUMN - 1]}" in more
    create_draft(nurse, {**COMPLETE, "title": "Added meanwhile"})  # a new idea does not shift the next page
    db.session.commit()
    rest = client.get(more, headers={"HX-Request": "true"})
    assert shown(rest) == newest_first[PER_COLUMN:] and "More: draft" not in rest.get_data(as_text=True)
    assert client.get("/board/more?stage=nonsense").status_code == 404


def test_the_list_view_pages_with_more(app, client, signed_in, create_user):
    nurse = create_user(Role.MENTEE)
    made = sorted((create_draft(nurse, {**COMPLETE, "title": f"Draft {n}"}).id for n in range(5)), reverse=True)
    db.session.commit()
    signed_in(Role.COMMITTEE)
    size, queries.PER_LIST_PAGE = queries.PER_LIST_PAGE, 3
    try:
        first = client.get("/board?view=list")
        assert shown(first) == made[:3]
        rest = client.get(f"/board/more?view=list&after={made[2]}", headers={"HX-Request": "true"})
        assert shown(rest) == made[3:]
        assert shown(client.get(f"/board?view=list&after={made[2]}")) == made[3:]  # without script
    finally:
        queries.PER_LIST_PAGE = size


def test_words_typed_count_among_the_newest_matches_and_more_goes_on(app, client, signed_in, create_user, monkeypatch):
    """With words typed the board reads only the newest TEXT_WINDOW ideas holding them: a column's count
    is then a lower bound ("N+") and its "more" goes on to the older ideas, none skipped or repeated."""
    nurse = create_user(Role.MENTEE)
    submitted = make_idea(nurse, Stage.SUBMITTED, title="Falls huddle at handover").id  # older than the window
    drafts = sorted((create_draft(nurse, {**COMPLETE, "title": f"Falls draft {n}"}).id for n in range(5)), reverse=True)
    db.session.commit()
    signed_in(Role.COMMITTEE)
    monkeypatch.setattr(queries, "TEXT_WINDOW", 3)
    page = client.get("/board?q=falls")
    text = page.get_data(as_text=True)
    assert shown(page) == drafts[:3]
    assert 'aria-label="3+ ideas"' in text and 'aria-label="0+ ideas"' in text and "newest 3 of them" in text
    links = {stage: link.replace("&amp;", "&")
             for link, stage in re.findall(r'hx-get="(/board/more\?[^"]*stage=(\w+)[^"]*)"', text)}
    assert shown(client.get(links["draft"], headers={"HX-Request": "true"})) == drafts[3:]
    assert shown(client.get(links["submitted"], headers={"HX-Request": "true"})) == [submitted]
    monkeypatch.setattr(queries, "TEXT_WINDOW", 7)  # more than the 6 matches: exact counts, no note
    forget_all()  # the window changed under the running app, not the data: the remembered board is the old one
    exact = client.get("/board?q=falls").get_data(as_text=True)
    assert 'aria-label="5 ideas"' in exact and 'aria-label="1 ideas"' in exact and "newest" not in exact


def test_filter_lists_render_as_wtforms_would_and_follow_new_units(app, ward, committee_client):
    """The remembered select lists are WTForms' own rendering, and a unit added since shows at once."""
    with app.test_request_context(f"/board?unit={ward['units']['n4']}"):
        form = BoardFilterForm(request.args).offer(all_sites(), [])
        assert form.unit() == Select()(form.unit) and f'selected value="{ward["units"]["n4"]}"' in form.unit()
    assert "Ward 9" not in committee_client.get("/board").get_data(as_text=True)
    create_unit(db.session.get(Site, ward["sites"]["north"]), "Ward 9")
    db.session.commit()
    assert "Ward 9" in committee_client.get("/board").get_data(as_text=True)


def test_a_count_past_the_cap_says_so():
    assert Column(Stage.DRAFT, COUNT_CAP + 1, [], True).count_label == "1,000+"
    assert Column(Stage.DRAFT, COUNT_CAP, [], True).count_label == "1,000"


BOARD_PAGES = ["/board", "/board?view=list", "/board?q=falls&category=falls", "/board?risk=high",
               "/board?q=falls&category=falls&risk=high&site={site}", "/board?q=falls&view=list&risk=low",
               "/board/more?stage=draft&after=2147483647", "/board/more?after=2147483647&view=list", "/review/queue"]


def test_statements_stay_flat_from_10_to_1000_ideas(app, client, create_user):
    """Each board page and the mentor queue send the same statements with 10 ideas as with 1,000.

    The clock stands still, so a slow machine does not add the session's periodic last-seen update.
    """
    nurse, mentor = create_user(Role.MENTEE), create_user(Role.MENTOR, Role.COMMITTEE, enrolled=False)
    app.config["TOTP_REQUIRED_ROLES"] = ""
    unit, site = a_unit().id, a_unit().site_id

    def add(count):
        for n in range(count):
            idea = create_draft(nurse, {**COMPLETE, "title": f"Falls idea {n}", "unit": unit})
            if n % 3 == 0:  # every third idea waits in the mentor queue
                apply_action(idea, nurse, "submit", idea.version)
        db.session.commit()

    def counts():
        return {path: len(statements_of(lambda: client.get(path.format(site=site)))) for path in BOARD_PAGES}

    with time_machine.travel(utcnow(), tick=False):
        sign_in_fully(client, mentor)
        add(10)
        few = counts()
        add(990)
        assert counts() == few
