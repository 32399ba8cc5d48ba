"""SPEC "Visibility" over the whole app: every idea-scoped route × every kind of user × an idea in
every stage answers 404 exactly when the rule (`workflow.can_see`) hides the idea, and the SQL twin
of the rule (`visibility.visible_ideas`) picks the same ideas.

The people and ideas are made once for the module, on a fresh database; the requests send input
that cannot be saved (an empty form, a stale version), and each test checks nothing was saved.
"""
import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from flask import url_for
from sqlalchemy import func, select

from ideas.accounts import two_factor
from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.accounts.pairings import pair_mentee
from ideas.audit.models import AuditEvent
from ideas.clock import utcnow
from ideas.committee.operations import decide
from ideas.committee.queries import conditions_of
from ideas.database import db
from ideas.discussion.models import Comment
from ideas.discussion.operations import post_comment
from ideas.extensions import limiter
from ideas.pilots.completion import complete_pilot
from ideas.pilots.models import Observation, PdsaCycle
from ideas.pilots.operations import hospital_today, record_pdsa
from ideas.pipeline.co_authors import answer_invitation
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, reassign_mentor
from ideas.pipeline.visibility import visible_ideas
from ideas.pipeline.workflow import Stage, can_see
from ideas.review.models import Hazard, Measure
from ideas.review.queries import measures_of
from ideas.review.queue import mentor_queue
from tests.conftest import IsolatedClient, csrf_token, make_app, sign_in_fully
from tests.support.committee import PASSWORD, approve_pilot, vote
from tests.support.ideas import make_idea
from tests.support.pilots import RESULTS, add_observations
from tests.support.reviews import complete_review

KINDS = ("submitter", "co_author", "invited_co_author", "paired_mentor", "unpaired_mentor", "assigned_mentor",
         "past_reviewer", "committee", "admin", "other_mentee")
# Past the pilot, reached through the operations: completed, scaled up, stopped at pilot review.
AFTER_PILOT = (Stage.PILOT_REVIEW, Stage.SCALE_UP, Stage.STOPPED)
# Stages no operation reaches in this module yet (mark_adopted is the scale-up page's): a scale-up is moved there.
NOT_YET_REACHABLE = (Stage.ADOPTED,)


class Cast:
    """The module's people, ideas (by label) and signed-in clients."""

    def __init__(self, app, users: dict, ideas: dict[str, int], clients: dict):
        self.app, self.users, self.ideas, self.clients = app, users, ideas, clients
        self.visible = {(kind, label): can_see(idea_facts(self.idea(label)), actor_facts(users[kind]))
                        for kind in KINDS for label in ideas}

    def idea(self, label: str) -> Idea:
        return db.session.get(Idea, self.ideas[label])


def _people(create) -> dict:
    users = {kind: create(kind, Role.MENTEE) for kind in ("submitter", "co_author", "invited_co_author",
                                                           "other_mentee")}
    users |= {kind: create(kind, Role.MENTOR) for kind in ("paired_mentor", "unpaired_mentor", "assigned_mentor",
                                                            "past_reviewer")}
    users |= {"committee": create("committee", Role.COMMITTEE), "admin": create("admin", Role.ADMIN)}
    users["members"] = [users["committee"], create("member2", Role.COMMITTEE), create("member3", Role.COMMITTEE)]
    pair_mentee(users["submitter"], users["paired_mentor"])
    db.session.commit()
    return users


def _reviewed(u: dict, stage: Stage) -> Idea:
    """Reviewed by the past reviewer, who then handed it to the assigned mentor; then walked to `stage`."""
    idea = make_idea(u["submitter"], Stage.SUBMITTED, co_authors=(u["co_author"],), invited=(u["invited_co_author"],))
    apply_action(idea, u["admin"], "start_review", idea.version, mentor=u["past_reviewer"].id)
    complete_review(idea, u["past_reviewer"])
    reassign_mentor(idea, u["admin"], u["assigned_mentor"].id, "Handed over.", idea.version)
    mentor = u["assigned_mentor"]
    if stage == Stage.REVISION:
        apply_action(idea, mentor, "request_changes", idea.version, comment="Say how you will measure it.")
    elif stage == Stage.DECLINED:
        apply_action(idea, mentor, "decline", idea.version, reason="Already done hospital-wide.")
    elif stage == Stage.WITHDRAWN:
        apply_action(idea, u["submitter"], "withdraw", idea.version, reason="Not needed now.")
    elif stage != Stage.MENTOR_REVIEW:
        apply_action(idea, mentor, "recommend", idea.version)
    db.session.commit()
    if stage not in (Stage.MENTOR_REVIEW, Stage.REVISION, Stage.DECLINED, Stage.WITHDRAWN, Stage.COMMITTEE_REVIEW):
        approve_pilot(idea, u["members"], conditions=[{"text": "Train the night staff first.",
                                                       "owner": u["co_author"].id,
                                                       "due_on": (utcnow() + timedelta(days=9)).date()}])
    if stage not in (Stage.MENTOR_REVIEW, Stage.REVISION, Stage.DECLINED, Stage.WITHDRAWN, Stage.COMMITTEE_REVIEW):
        record_pdsa(idea, u["submitter"], {"change_tested": "Checklist at handover", "started_on": hospital_today()})
        first_measure = db.session.scalar(select(Measure).where(Measure.idea_id == idea.id).limit(1))
        add_observations(first_measure, [4.0, 5.0], start=hospital_today() - timedelta(days=2), actor=u["submitter"])
    if stage in AFTER_PILOT + NOT_YET_REACHABLE:
        _past_the_pilot(u, idea, stage)
    if stage in NOT_YET_REACHABLE:
        idea.stage = stage
        db.session.commit()
    return idea


def _past_the_pilot(u: dict, idea: Idea, stage: Stage) -> None:
    """Data for every measure, the pilot completed; then scaled up (on the idea's own unit) or stopped."""
    for measure in measures_of(idea.id)[1:]:
        add_observations(measure, [30.0], start=hospital_today() - timedelta(days=1), actor=u["submitter"])
    complete_pilot(idea, u["submitter"], RESULTS, idea.version)
    db.session.commit()
    if stage in (Stage.SCALE_UP, Stage.ADOPTED):
        vote(idea, u["members"])
        decide(idea, u["members"][0], "approve_scale_up", idea.version, password=PASSWORD,
               target_units=[idea.unit_id])
    elif stage == Stage.STOPPED:
        decide(idea, u["members"][0], "stop", idea.version, password=PASSWORD, reason="Falls did not change.")
    db.session.commit()


def _ideas(u: dict) -> dict[str, Idea]:
    team = {"co_authors": (u["co_author"],), "invited": (u["invited_co_author"],)}
    ideas = {"draft": make_idea(u["submitter"], **team)}
    ideas["submitted, inside the paired-only wait"] = make_idea(u["submitter"], Stage.SUBMITTED, **team)
    with time_machine.travel(utcnow() - timedelta(days=4), tick=False):
        ideas["submitted, after the paired-only wait"] = make_idea(u["submitter"], Stage.SUBMITTED, **team)
    ideas["submitted by an unpaired mentee"] = make_idea(u["other_mentee"], Stage.SUBMITTED)
    ideas["withdrawn, never reviewed"] = make_idea(u["submitter"], Stage.WITHDRAWN, **team)
    declined = make_idea(u["submitter"], invited=(u["invited_co_author"],))
    answer_invitation(declined, u["invited_co_author"], accept=False)
    ideas["draft, invitation declined"] = declined
    for stage in (Stage.MENTOR_REVIEW, Stage.REVISION, Stage.COMMITTEE_REVIEW, Stage.PILOT, *AFTER_PILOT,
                  *NOT_YET_REACHABLE,
                  Stage.DECLINED, Stage.WITHDRAWN):
        ideas[f"{stage.value}, reviewed" if stage == Stage.WITHDRAWN else stage.value] = _reviewed(u, stage)
    for idea in ideas.values():
        post_comment(idea, idea.submitter, "What do you think?")
    db.session.commit()
    return ideas


@pytest.fixture(scope="module")
def cast(databases, tmp_path_factory):
    url = databases.fresh()
    app = make_app(url, tmp_path_factory.mktemp("visibility"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        limiter.reset()
        names = iter(range(1, 100))

        def create(kind, *roles):
            user = create_user(f"{kind}.{next(names)}@hospital.example", kind.replace("_", " ").title(),
                               set(roles), "correct horse battery staple")
            if two_factor.required_for(user):
                user.totp_secret = pyotp.random_base32()
            db.session.commit()
            return user

        users = _people(create)
        ideas = {label: idea.id for label, idea in _ideas(users).items()}
        clients = {}
        for kind in KINDS:
            clients[kind] = app.test_client()
            sign_in_fully(clients[kind], users[kind])
            clients[kind].token = csrf_token(clients[kind].get("/").get_data(as_text=True))
        yield Cast(app, users, ideas, clients)
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


# How to call each idea-scoped route: (method, URL arguments beyond the idea's, form). An argument
# given as None is the idea's own row (each idea has a comment; only approved ones have a condition);
# a hazard or measure that is not there still lets the route check the idea first, and removes nothing.
NOT_THERE = 999_999


WITH_POINTS = "a measure with observations"  # a chart drawn as a file needs points to draw


def _child(name: str, idea: Idea, wanted: str | None = None) -> int | None:
    if wanted == WITH_POINTS:
        return db.session.scalar(select(Observation.measure_id).where(Observation.idea_id == idea.id).limit(1))
    if name == "comment_id":
        return db.session.scalar(select(Comment.id).where(Comment.idea_id == idea.id))
    if name == "measure_id":
        return db.session.scalar(select(Measure.id).where(Measure.idea_id == idea.id).limit(1))
    if name == "hazard_id":
        return db.session.scalar(select(Hazard.id).where(Hazard.idea_id == idea.id).limit(1))
    if name == "cycle_id":
        return db.session.scalar(select(PdsaCycle.id).where(PdsaCycle.idea_id == idea.id).limit(1))
    if name == "observation_id":
        return db.session.scalar(select(Observation.id).where(Observation.idea_id == idea.id).limit(1))
    conditions = conditions_of(idea.id)
    return conditions[0].id if conditions else None


CALLS = {
    "pipeline.detail": [("GET", {}, None), ("GET-htmx", {"kind": "comments"}, None)],  # the timeline fragment
    "pipeline.edit": [("GET", {}, None)],
    "pipeline.act": [("GET", {"action": "withdraw"}, None)],
    "pipeline.mentor": [("GET", {}, None)],
    "pipeline.answer": [("POST", {}, {"answer": "maybe"})],
    "discussion.post": [("POST", {}, {"body": ""})],
    "discussion.edit": [("GET", {"comment_id": None}, None)],
    "discussion.delete": [("POST", {"comment_id": None}, {"body": "x", "version": "-1"})],
    "discussion.mentions": [("GET", {"body": "Ask @ad"}, None)],
    "review.claim": [("POST", {}, {"version": "stale"})],
    "review.feasibility": [("GET", {}, None)],
    "review.safety": [("GET", {}, None)],
    "review.triage": [("GET", {}, None)],
    "review.plan": [("GET", {}, None)],
    "review.statement": [("POST", {}, {"version": "stale", "no_hazards": "y"})],
    "review.add_hazard": [("POST", {}, {})],
    "review.remove_hazard": [("POST", {"hazard_id": NOT_THERE}, {})],
    "review.add_measure": [("POST", {}, {})],
    "review.remove_measure": [("POST", {"measure_id": NOT_THERE}, {})],
    "review.edit_hazard": [("GET", {"hazard_id": None}, None), ("GET-htmx", {"hazard_id": None}, None),
                           ("POST", {"hazard_id": NOT_THERE}, {"version": "stale"})],
    "review.edit_measure": [("GET", {"measure_id": None}, None), ("GET-htmx", {"measure_id": None}, None),
                            ("POST", {"measure_id": NOT_THERE}, {"version": "stale"})],
    "committee.pack": [("GET", {}, None)],
    "committee.vote": [("POST", {}, {})],
    "committee.recusal": [("POST", {}, {})],
    "committee.decision": [("POST", {"action": "return_to_mentor"}, {}), ("POST", {"action": "stop"}, {}),
                           ("POST", {"action": "approve_scale_up"}, {"approve_scale_up-target_units": "1"})],
    "conditions.done": [("POST", {"condition_id": None}, {})],
    "charts.chart": [("GET", {"measure_id": None}, None)],
    "charts.chart_csv": [("GET", {"measure_id": None}, None)],
    "charts.chart_json": [("GET", {"measure_id": None}, None)],
    "charts.chart_svg": [("GET", {"measure_id": WITH_POINTS}, None)],
    "charts.add_phase": [("POST", {"measure_id": None}, {})],
    "charts.remove_phase": [("POST", {"measure_id": None, "phase_id": NOT_THERE}, {})],
    "charts.settings": [("POST", {"measure_id": None}, {})],
    "pilots.page": [("GET", {}, None)],
    "pilots.complete": [("POST", {}, {"version": "stale", "summary": "Falls fell.", "recommendation": "adopt"})],
    "pilots.new_cycle": [("GET", {}, None), ("POST", {}, {})],
    "pilots.edit_cycle": [("GET", {"cycle_id": None}, None), ("POST", {"cycle_id": NOT_THERE}, {"version": "stale"})],
    "pilots.add_observation": [("POST", {"measure_id": None}, {})],
    "pilots.upload": [("POST", {"measure_id": None}, {})],
    "pilots.observation": [("GET", {"observation_id": None}, None)],
    "pilots.correct": [("POST", {"observation_id": NOT_THERE}, {})],
    "pilots.remove": [("POST", {"observation_id": NOT_THERE}, {})],
    "safety_hold.clear": [("POST", {}, {})],
    "spread.page": [("GET", {}, None)],
    "spread.update_unit": [("POST", {"target_unit_id": NOT_THERE}, {"version": "stale"})],
    "spread.answer_check": [("POST", {"check_id": NOT_THERE}, {"version": "stale"})],
    "spread.mark_adopted": [("POST", {}, {"version": "stale"})],
}
# Routes that name an idea in the form rather than the URL.
FORM_CALLS = {"pipeline.autosave": [("POST", {}, {"idea_id": None, "version": "stale", "title": "A new title"})]}
IDEA_ARGUMENTS = {"idea_id", "comment_id", "condition_id", "hazard_id", "measure_id"}


def test_every_idea_scoped_route_has_rows(cast):
    """A new route that names an idea (or a row of one) must be added to CALLS, so it is checked too."""
    found = {rule.endpoint for rule in cast.app.url_map.iter_rules() if rule.arguments & IDEA_ARGUMENTS}
    assert found == set(CALLS)


def _request(cast, kind: str, endpoint: str, idea: Idea, call) -> int | None:
    method, arguments, form = call
    children = {name: _child(name, idea, value) for name, value in arguments.items() if value in (None, WITH_POINTS)}
    if None in children.values():
        return None  # this idea cannot have the row the route names
    client = cast.clients[kind]
    query = {name: value for name, value in arguments.items() if name not in children}
    if endpoint in FORM_CALLS:
        url, form = f"/ideas/{endpoint.split('.')[1]}", {**form, "idea_id": str(idea.id)}
    else:
        with cast.app.test_request_context():
            url = url_for(endpoint, idea_id=idea.id, **children, **query) if endpoint != "conditions.done" \
                else url_for(endpoint, **children)
    headers = {"HX-Request": "true"} if method.endswith("htmx") else {}
    if method.startswith("GET"):
        return client.get(url, headers=headers).status_code
    return client.post(url, data={**form, "csrf_token": client.token}, headers=headers).status_code


def _saved_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.sequence)).where(AuditEvent.outcome == "success"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("endpoint", sorted({**CALLS, **FORM_CALLS}))
def test_a_hidden_idea_answers_404_and_a_visible_one_does_not(cast, endpoint, kind):
    before, wrong = _saved_events(), []
    for label in cast.ideas:
        idea, visible = cast.idea(label), cast.visible[kind, label]
        for call in {**CALLS, **FORM_CALLS}[endpoint]:
            status = _request(cast, kind, endpoint, idea, call)
            if status is not None and (status == 404) == visible or (status or 0) >= 500:
                wrong.append(f"{label}: {call[0]} answered {status}, the idea is {'visible' if visible else 'hidden'}")
    assert wrong == []
    assert _saved_events() == before  # the requests saved nothing, so every test sees the same ideas


# What SPEC "Visibility" says each kind of user sees of the module's ideas (besides the showcase).
SHOWCASE_LABELS = {"pilot", "pilot_review", "scale_up", "adopted", "stopped"}
TEAM = set(("draft", "submitted, inside the paired-only wait", "submitted, after the paired-only wait",
            "withdrawn, never reviewed", "draft, invitation declined", "mentor_review", "revision",
            "committee_review", "declined", "withdrawn, reviewed"))
REVIEWED = {"mentor_review", "revision", "committee_review", "declined", "withdrawn, reviewed"}
OPEN_QUEUE = {"submitted, after the paired-only wait", "submitted by an unpaired mentee"}
SEES = {
    "submitter": TEAM, "co_author": TEAM - {"draft, invitation declined"},
    "invited_co_author": TEAM - {"draft, invitation declined"},
    "paired_mentor": OPEN_QUEUE | {"submitted, inside the paired-only wait"},
    "unpaired_mentor": OPEN_QUEUE, "assigned_mentor": OPEN_QUEUE | REVIEWED, "past_reviewer": OPEN_QUEUE | REVIEWED,
    "other_mentee": {"submitted by an unpaired mentee"},  # their own
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_rule_and_its_sql_say_what_spec_says(cast, kind):
    user = cast.users[kind]
    expected = set(cast.ideas) if kind in ("committee", "admin") else SEES[kind] | SHOWCASE_LABELS
    by_rule = {label for label in cast.ideas if cast.visible[kind, label]}
    by_sql = set(db.session.scalars(select(Idea.id).where(visible_ideas(user))))
    assert by_rule == expected
    assert by_sql == {cast.ideas[label] for label in expected}


@pytest.mark.parametrize("kind", ["paired_mentor", "unpaired_mentor", "assigned_mentor", "past_reviewer"])
def test_the_mentor_queue_is_the_rule_s_queue(cast, kind):
    queue = mentor_queue(cast.users[kind])
    waiting = {row.idea.id for row in queue.mentees + queue.open}
    assert waiting == {cast.ideas[label] for label in SEES[kind] if label.startswith("submitted")}


@pytest.mark.parametrize("kind", KINDS)
def test_the_board_shows_what_the_rule_shows(cast, kind):
    """The board (columns and list) lists exactly the ideas the user may see: for a mentee, the showcase and their own."""
    expected = {cast.ideas[label] for label in cast.ideas if cast.visible[kind, label]}
    client = cast.clients[kind]
    for view in ("columns", "list"):
        page = client.get("/board", query_string={"view": view}).get_data(as_text=True)
        assert set(map(int, re.findall(r'<span class="idea-number">FI-(\d+)</span>', page))) == expected, view
