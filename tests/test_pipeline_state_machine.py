"""Random actions by random users through the operations on a real database (SECURITY.md,
"Workflow order and separation of duties"), checking the invariants after every step."""
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.accounts.pairings import pair_mentee
from ideas.audit.verify import verify_trail
from ideas.database import db
from ideas.errors import Refusal
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, create_draft, save_draft
from ideas.pipeline.workflow import ACTIONS, TEAM, TRANSITIONS, Stage, available_actions, check, relationships
from tests.conftest import make_app
from ideas.review.access import may_review
from ideas.review.operations import update_hazard
from ideas.review.queries import hazards_of, review_facts
from tests.support.ideas import COMPLETE, a_unit, idea_events
from tests.support.reviews import HIGH_HAZARD, complete_review

CAST = [  # (name, roles): a mentor who is also a mentee may co-write, and must then not review
    ("maya", {Role.MENTEE}), ("sam", {Role.MENTEE}), ("tom", {Role.MENTEE, Role.MENTOR}),
    ("priya", {Role.MENTOR}), ("grace", {Role.COMMITTEE}), ("admin", {Role.ADMIN}),
]
INPUTS = st.fixed_dictionaries({}, optional={
    "reason": st.sampled_from(["Not needed now.", "", "MRN 1234567"]),
    "comment": st.sampled_from(["Add the measures.", " "]),
    "response": st.sampled_from(["Added them.", ""]),
})


def team_action(action: str, stage: str) -> bool:
    row = next(t for t in TRANSITIONS if t.action == action and stage in t.sources)
    return bool(row.who & TEAM)


def transition_action(before: str, after: str) -> str:
    """The action behind a stage change, read back from the table."""
    (action,) = {t.action for t in TRANSITIONS if before in t.sources and t.target == after and not t.needs}
    return action


class Pipeline(RuleBasedStateMachine):
    """Each run gets a database of its own, so its audit chain holds only its own steps."""

    ideas = Bundle("ideas")
    databases = tmp_path = None  # set by the test

    def __init__(self):
        super().__init__()
        self.transitions = {}  # idea id -> successful transitions made through the operations
        self.url = self.databases.fresh()
        own_folder = Path(tempfile.mkdtemp(dir=self.tmp_path))  # its own audit checkpoint too
        self.context = make_app(self.url, own_folder).app_context()
        self.context.push()
        self.users = {name: create_user(f"{name}@hospital.example", name.title(), roles)  # no password: nobody signs in
                      for name, roles in CAST}
        pair_mentee(self.users["maya"], self.users["priya"])  # Maya's ideas wait in Priya's queue first
        self.unit = a_unit()
        db.session.commit()

    def teardown(self):
        db.session.remove()
        db.engine.dispose()
        self.context.pop()
        self.databases.drop(self.url)

    @initialize(target=ideas)
    def first_idea(self):
        """Every run starts with a complete draft co-written by a mentor, the case most rules are about."""
        return self.write("maya", "tom", complete=True)

    @precondition(lambda self: len(self.transitions) < 3)  # a few ideas, many actions on them
    @rule(target=ideas, author=st.sampled_from(["maya", "sam", "tom"]), co_author=st.sampled_from([None, "sam", "tom"]),
          complete=st.booleans())
    def write(self, author, co_author, complete):
        fields = {**COMPLETE, "unit": self.unit.id} if complete else {"title": "Half an idea"}
        if co_author and co_author != author:
            fields["co_authors"] = [self.users[co_author].email]
        idea = create_draft(self.users[author], fields)
        db.session.commit()
        self.transitions[idea.id] = 0
        return idea.id

    @rule(idea_id=ideas, who=st.sampled_from([name for name, _ in CAST] + ["system"]),
          action=st.sampled_from(ACTIONS), inputs=INPUTS, stale=st.booleans())
    def act_at_random(self, idea_id, who, action, inputs, stale):
        self.act(idea_id, who, action, inputs, stale)

    def act(self, idea_id, who, action, inputs, stale):
        """Apply through the operation; it must agree with the rule table, and act only on a fresh version."""
        idea = db.session.get(Idea, idea_id)
        actor = None if who == "system" else self.users[who]
        version = idea.version - 1 if stale else idea.version
        try:
            check(action, idea_facts(idea), actor_facts(actor), inputs)
            allowed_by_rules = True
        except Refusal:
            allowed_by_rules = False
        before = idea.stage
        try:
            apply_action(idea, actor, action, version, **inputs)
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert idea.stage == before
            assert stale or not allowed_by_rules
            return
        assert allowed_by_rules and not stale
        if not team_action(action, before):
            assert not relationships(idea_facts(idea), actor_facts(actor)) & TEAM, "acted on their own idea"
        self.transitions[idea_id] += 1

    @rule(idea_id=ideas, data=st.data())
    def act_as_offered(self, idea_id, data):
        """Take one of the actions the pages would offer someone now, so ideas travel far."""
        idea = db.session.get(Idea, idea_id)
        facts = idea_facts(idea)
        offered = [(who, t.action) for who, user in self.users.items()
                   for t in available_actions(facts, actor_facts(user))]
        if offered:
            who, action = data.draw(st.sampled_from(offered))
            inputs = {"reason": "Not needed now.", "comment": "Add the measures.", "response": "Added them."}
            self.act(idea_id, who, action, inputs, stale=False)

    @rule(idea_id=ideas, who=st.sampled_from(["the mentor", "the mentor", "maya", "tom", "grace"]),
          hazard=st.sampled_from(["mitigated", "unmitigated", "none"]))
    def review(self, idea_id, who, hazard):
        """Someone writes a whole review and plan; only the assigned mentor of an idea in review may."""
        idea = db.session.get(Idea, idea_id)
        user = idea.mentor or self.users["priya"] if who == "the mentor" else self.users[who]
        allowed = may_review(idea_facts(idea), actor_facts(user))
        hazards = {"mitigated": (HIGH_HAZARD,), "unmitigated": ({**HIGH_HAZARD, "mitigation": ""},), "none": ()}
        try:
            complete_review(idea, user, self.unit.id, hazards=hazards[hazard])
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert not allowed or hazard == "none" and review_facts(idea_id).band is not None
            return
        assert allowed

    @rule(idea_id=ideas)
    def recommend(self, idea_id):
        """The assigned mentor tries to recommend: it works exactly when the rules say so."""
        idea = db.session.get(Idea, idea_id)
        names = {user.id: name for name, user in self.users.items()}
        if idea.mentor_id is not None:
            self.act(idea_id, names[idea.mentor_id], "recommend", {}, stale=False)

    @invariant()
    def recommended_ideas_had_a_complete_review(self):
        for idea_id in self.transitions:
            idea = db.session.get(Idea, idea_id)
            if idea.stage == Stage.COMMITTEE_REVIEW:
                facts = review_facts(idea_id)
                assert facts.feasibility_complete and facts.safety_complete and not facts.plan_missing
                assert not (facts.band in ("high", "extreme") and facts.hazards_unmitigated)

    @rule(idea_id=ideas, who=st.sampled_from(["maya", "sam", "tom", "priya"]),
          title=st.sampled_from(["Better nights", "Pt 7654321 fell", ""]))
    def edit(self, idea_id, who, title):
        idea = db.session.get(Idea, idea_id)
        try:
            save_draft(idea, self.users[who], {"title": title}, idea.version)
            db.session.commit()
        except Refusal:
            db.session.rollback()

    @invariant()
    def every_stage_change_has_its_transition_event(self):
        for idea_id, count in self.transitions.items():
            idea = db.session.get(Idea, idea_id)
            events = [e for e in idea_events(idea) if e.action == "idea.transition"]
            assert len(events) == count
            stage = Stage.DRAFT
            for event in events:
                before, after = event.changes["stage"]
                assert before == stage
                action = transition_action(before, after)
                if not team_action(action, before):
                    assert event.actor_id not in {idea.submitter_id, *(u.id for u in idea.co_authors)}
                stage = after
            assert idea.stage == stage

    @invariant()
    def audit_chain_verifies(self):
        report = verify_trail()  # what `flask audit verify` runs
        assert report.ok, report


def test_random_actions_by_random_users_keep_the_invariants(databases, tmp_path, monkeypatch):
    monkeypatch.setattr(Pipeline, "databases", databases)
    monkeypatch.setattr(Pipeline, "tmp_path", tmp_path)
    run_state_machine_as_test(
        Pipeline,
        settings=settings(settings.default, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )


def test_the_machine_recommends_only_after_a_complete_review(databases, tmp_path, monkeypatch):
    """The path random runs rarely find in 20 steps, walked on purpose with the machine's own rules."""
    monkeypatch.setattr(Pipeline, "databases", databases)
    monkeypatch.setattr(Pipeline, "tmp_path", tmp_path)
    machine = Pipeline()
    try:
        idea_id = machine.first_idea()
        machine.act(idea_id, "maya", "submit", {}, stale=False)
        machine.act(idea_id, "priya", "start_review", {}, stale=False)
        machine.recommend(idea_id)  # nothing reviewed yet: refused
        machine.review(idea_id, "tom", "mitigated")  # a co-author may not review
        machine.review(idea_id, "the mentor", "unmitigated")  # a high hazard without mitigation
        machine.recommend(idea_id)
        assert db.session.get(Idea, idea_id).stage == Stage.MENTOR_REVIEW
        idea = db.session.get(Idea, idea_id)
        for hazard in hazards_of(idea_id):
            update_hazard(idea, idea.mentor, hazard.id, HIGH_HAZARD)
        db.session.commit()
        machine.recommend(idea_id)
        assert db.session.get(Idea, idea_id).stage == Stage.COMMITTEE_REVIEW
        machine.recommended_ideas_had_a_complete_review()
        machine.every_stage_change_has_its_transition_event()
    finally:
        machine.teardown()


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_one_table_row_per_source_stage(action):
    rows = [t for t in TRANSITIONS if t.action == action]
    sources = [stage for row in rows for stage in row.sources]
    assert len(sources) == len(set(sources))
