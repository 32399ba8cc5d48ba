"""Random actions by random users through the operations on a real database (SECURITY.md,
"Workflow order and separation of duties"), checking the invariants after every step: nobody
approves their own idea, no pilot without a complete safety assessment and a committee decision,
every approval (of a pilot or a scale-up) has votes from distinct eligible members and froze the plan,
no completion or scale-up on a safety hold, every completion has its results and every scale-up its
target units, the audit chain verifies."""
import json
import tempfile
from datetime import timedelta
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
from sqlalchemy import func, select

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.accounts.pairings import pair_mentee
from ideas.audit.models import AuditEvent
from ideas.audit.verify import verify_trail
from ideas.clock import utcnow
from ideas.committee import operations as committee
from ideas.committee.models import ApprovedPlan, Condition, VotingRound
from ideas.committee.queries import (
    committee_facts,
    open_round,
    rounds_of,
)
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.errors import Invalid, Refusal
from ideas.pilots.completion import complete_pilot
from ideas.pilots.models import PilotResult
from ideas.pipeline.co_authors import answer_invitation
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.reviewers import REVIEW_EVENTS
from ideas.pipeline.operations import apply_action, clear_safety_hold, create_draft, save_draft
from ideas.pipeline.workflow import (
    ACTIONS,
    FROZEN,
    GATES,
    TEAM,
    TRANSITIONS,
    Stage,
    Transition,
    Who,
    available_actions,
    can_see,
    check,
    check_answer,
    check_vote,
    conflicts,
    hold_refusal,
    relationships,
    transition_for,
)
from ideas.review.access import may_plan, may_review
from ideas.review.operations import remove_hazard, save_plan, update_hazard
from ideas.review.queries import hazards_of, measures_of, plan_of, review_facts, review_of
from ideas.settings import get_setting
from ideas.spread.models import TargetUnit
from tests.conftest import make_app
from tests.support.committee import PASSWORD
from tests.support.holds import balancing_measure, observe
from tests.support.ideas import COMPLETE, a_unit, idea_events, make_idea
from tests.support.pilots import RESULTS
from tests.support.reviews import HIGH_HAZARD, complete_review, version

CAST = [  # (name, roles): a mentor who is also a mentee may co-write, and must then not review;
    # a committee member who is also a mentee may co-write, and must then not vote or decide;
    # one who is also a mentor may claim an idea, and must then not vote or decide on it.
    ("maya", {Role.MENTEE}), ("sam", {Role.MENTEE}), ("tom", {Role.MENTEE, Role.MENTOR}),
    ("priya", {Role.MENTOR}), ("grace", {Role.COMMITTEE}), ("lee", {Role.COMMITTEE}), ("noor", {Role.COMMITTEE}),
    ("kai", {Role.COMMITTEE, Role.MENTEE}), ("rui", {Role.COMMITTEE, Role.MENTOR}), ("admin", {Role.ADMIN}),
]
MEMBERS = ["grace", "lee", "noor", "kai", "rui"]
INPUTS = st.fixed_dictionaries({}, optional={
    "reason": st.sampled_from(["Not needed now.", "", "MRN 1234567"]),
    "comment": st.sampled_from(["Add the measures.", " "]),
    "response": st.sampled_from(["Added them.", ""]),
})
DECISIONS = ("approve_pilot", "decline", "return_to_mentor", "approve_scale_up", "extend_pilot", "stop")
APPROVALS = ("approve_pilot", "approve_scale_up")  # decided by the round's votes; each freezes the plan
OFFERED_INPUTS = {"reason": "Not needed now.", "comment": "Add the measures.", "response": "Added them."}
VOTES = st.sampled_from(["approve", "approve", "reject", "abstain"])
PASSWORD_OK = st.sampled_from([True, True, False])
AIMS = ("Reduce night-time falls on 4B by 30% by 31 March.", "Reduce night-time falls on 4B by 40% by 30 April.")
APPROVED = frozenset({Stage.PILOT, Stage.PILOT_REVIEW, Stage.SCALE_UP, Stage.ADOPTED})  # stages past approval
MITIGATIONS = ("Do the checklist after the drug round.", "A second nurse does the checklist at night.")
HANDOVERS = st.sampled_from([30.0, 44.0, 52.0, 61.0])  # minutes; the stop rule trips above 45
CLEARANCES = st.sampled_from(["Reviewed the handover data: carry on.", "", "MRN 1234567 was fine"])
# The rows a safety hold blocks, by the stage change they make.
HELD_MOVES = {(Stage.PILOT, Stage.PILOT_REVIEW), (Stage.PILOT_REVIEW, Stage.SCALE_UP)}
COMPLETIONS = st.sampled_from(["complete", "complete", "no summary", "identifier"])  # what the team sends
COMPLETION_FIELDS = {"complete": RESULTS, "no summary": {**RESULTS, "summary": ""},
                     "identifier": {**RESULTS, "impact": "MRN 1234567 did not fall again"}}


def team_action(action: str, stage: str) -> bool:
    return bool(transition_for(action, Stage(stage)).who & TEAM)


def transition_row(before: str, after: str) -> Transition:
    """The row behind a stage change, read back from the table: one row per (from, to) pair."""
    (row,) = [t for t in TRANSITIONS if before in t.sources and t.target == after]
    return row


def signature_failures() -> int:
    return db.session.scalar(select(func.count(AuditEvent.sequence)).where(AuditEvent.action == "signature.failed"))


def approved_snapshot_is_safe(plan: ApprovedPlan) -> bool:
    """The frozen snapshot holds a safety assessment: hazards, or the explicit no-hazards statement."""
    snapshot = json.loads(plan.content)
    return bool(snapshot["hazards"]) or snapshot["safety"]["no hazards identified"] is True


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
        self.users = {name: create_user(f"{name}@hospital.example", name.title(), roles, PASSWORD)  # signs votes
                      for name, roles in CAST}
        self.ids = {name: user.id for name, user in self.users.items()}
        self.member_ids = {self.ids[name] for name in MEMBERS}
        self.emails = {user.email: user.id for user in self.users.values()}
        self.replayed = {}  # idea id -> (its last audit event, its transitions) when its trail was last replayed
        pair_mentee(self.users["maya"], self.users["priya"])  # Maya's ideas wait in Priya's queue first
        self.unit = a_unit()
        self.quorum = get_setting("quorum")
        db.session.commit()

    def teardown(self):
        db.session.remove()
        db.engine.dispose()
        self.context.pop()
        self.databases.drop(self.url)

    def idea(self, idea_id: int) -> Idea:
        return db.session.get(Idea, idea_id)

    @initialize(target=ideas)
    def first_idea(self):
        """Every run starts with a complete draft naming a mentor as co-author, the case most rules are about
        (the mentor counts as a co-author once they accept the invitation)."""
        idea_id = self.write("maya", "tom", complete=True)
        self.answer(idea_id, "tom", accept=True)
        return idea_id

    @initialize(target=ideas)
    def idea_at_the_committee(self):
        """And with an idea of Sam's at the committee, co-written by one member and claimed by another,
        one vote to approve and one to reject cast: the next eligible vote can decide it."""
        idea_id = self.bring(Stage.COMMITTEE_REVIEW, "rui", "kai")
        self.vote(idea_id, "grace", "approve", password_ok=True)
        self.vote(idea_id, "lee", "reject", password_ok=True)
        return idea_id

    # --- ideas and the pipeline's actions ---------------------------------------------------------------

    @precondition(lambda self: len(self.transitions) < 3)  # a few ideas, many actions on them
    @rule(target=ideas, author=st.sampled_from(["maya", "sam", "tom", "kai"]),
          co_author=st.sampled_from([None, "sam", "tom", "kai"]), complete=st.booleans())
    def write(self, author, co_author, complete):
        fields = {**COMPLETE, "unit": self.unit.id} if complete else {"title": "Half an idea"}
        if co_author and co_author != author:
            fields["co_authors"] = [self.users[co_author].email]
        idea = create_draft(self.users[author], fields)
        db.session.commit()
        self.transitions[idea.id] = 0
        return idea.id

    @rule(idea_id=ideas, who=st.sampled_from(["sam", "tom", "kai", "grace"]), accept=st.booleans())
    def answer(self, idea_id, who, accept):
        """A named colleague accepts or declines: exactly when the rules allow it; only then do they count."""
        idea, user = self.idea(idea_id), self.users[who]
        try:
            check_answer(idea_facts(idea), actor_facts(user), accept)
        except Refusal:
            with pytest.raises(Refusal):
                answer_invitation(idea, user, accept)
            db.session.rollback()
            return
        answer_invitation(idea, user, accept)
        db.session.commit()
        facts = idea_facts(idea)
        assert (user.id in facts.co_author_ids) is accept and user.id not in facts.invited_ids

    @precondition(lambda self: len(self.transitions) < 3)
    @rule(target=ideas, mentor=st.sampled_from(["priya", "rui"]), co_author=st.sampled_from([None, "kai", "tom"]))
    def running_pilot(self, mentor, co_author):
        """An idea of Sam's approved by three members, its pilot running."""
        return self.bring(Stage.PILOT, mentor, co_author)

    def bring(self, stage: Stage, mentor: str, co_author: str | None) -> int:
        """An idea of Sam's walked to `stage` through the operations (see tests/support/ideas.py)."""
        co_authors = (self.users[co_author],) if co_author else ()
        idea = make_idea(self.users["sam"], stage, mentor=self.users[mentor], co_authors=co_authors,
                         committee=tuple(self.users[name] for name in ("grace", "lee", "noor")))
        self.transitions[idea.id] = sum(e.action == "idea.transition" for e in idea_events(idea))
        return idea.id

    @rule(idea_id=ideas, who=st.sampled_from([name for name, _ in CAST] + ["system"]),
          action=st.sampled_from(ACTIONS), inputs=INPUTS, stale=st.booleans())
    def act_at_random(self, idea_id, who, action, inputs, stale):
        self.act(idea_id, who, action, inputs, stale)

    def act(self, idea_id, who, action, inputs, stale):
        """Apply through the operation (signing with the right password); it must agree with the rule
        table, and act only on a fresh version."""
        idea = self.idea(idea_id)
        actor = None if who == "system" else self.users[who]
        version = idea.version - 1 if stale else idea.version
        facts = idea_facts(idea)
        try:
            check(action, facts, actor_facts(actor), inputs)
            allowed_by_rules = True
        except Refusal:
            allowed_by_rules = False
        before = idea.stage
        try:
            row = apply_action(idea, actor, action, version, password=PASSWORD, **inputs)
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert idea.stage == before
            assert stale or not allowed_by_rules
            return
        assert allowed_by_rules and not stale
        if not team_action(action, before):
            assert not relationships(idea_facts(idea), actor_facts(actor)) & TEAM, "acted on their own idea"
        if Who.COMMITTEE in row.who:
            assert not conflicts(facts, actor_facts(actor)), "decided on an idea they are conflicted on"
        self.transitions[idea_id] += 1

    @rule(idea_id=ideas, data=st.data(), steps=st.integers(1, 4))
    def act_as_offered(self, idea_id, data, steps):
        """Take a few of the steps the pages would offer someone now, so ideas travel far."""
        for _ in range(steps):
            offered = self.offers(self.idea(idea_id))
            if not offered:
                return
            who, action = data.draw(st.sampled_from(offered))
            if action == "vote":
                self.vote(idea_id, who, data.draw(VOTES), data.draw(PASSWORD_OK))
            elif action in DECISIONS:
                self.decide(idea_id, who, action, data.draw(PASSWORD_OK),
                            action in APPROVALS and data.draw(st.booleans()))
            elif action == "complete_pilot":
                self.complete(idea_id, who, data.draw(COMPLETIONS))
            elif action == "review":
                self.review(idea_id, who, "mitigated")
            elif action == "pilot_edit":
                self.pilot_edit(idea_id, who, data.draw(st.sampled_from(["aim", "hazard", "comment"])))
            elif action == "observe":
                self.record_handover(idea_id, data.draw(HANDOVERS))
            elif action == "observe_all":
                self.record_every_measure(idea_id)
            elif action == "clear_hold":
                self.clear_hold(idea_id, who, data.draw(CLEARANCES))
            else:
                self.act(idea_id, who, action, OFFERED_INPUTS, stale=False)

    def offers(self, idea: Idea) -> list[tuple[str, str]]:
        """(who, what) for everything someone is offered now: the table's actions, votes, the review,
        and changes to a running pilot."""
        facts = idea_facts(idea)
        offered = [(who, t.action) for who, user in self.users.items()
                   for t in available_actions(facts, actor_facts(user))]
        offered += [(who, "vote") for who in MEMBERS if self.may_vote(facts, who)]
        if idea.mentor and idea.stage == Stage.MENTOR_REVIEW and not facts.review.feasibility_complete:
            offered.append(("the mentor", "review"))
        if idea.stage in FROZEN:
            offered += [("the mentor", "pilot_edit"), (self.name_of(idea.submitter_id), "pilot_edit")]
        if idea.stage == Stage.PILOT:
            offered += [(self.name_of(idea.submitter_id), "observe"), (self.name_of(idea.submitter_id), "observe_all")]
        offered += [(who, "clear_hold") for who in MEMBERS
                    if hold_refusal("clear_safety_hold", facts, actor_facts(self.users[who])) is None]
        return offered

    def name_of(self, user_id: int) -> str:
        return next(name for name, id_ in self.ids.items() if id_ == user_id)

    def may_vote(self, facts, who: str) -> bool:
        try:
            check_vote(facts, actor_facts(self.users[who]))
        except Refusal:
            return False
        return True

    # --- the mentor's review and the pilot plan ---------------------------------------------------------

    @rule(idea_id=ideas, who=st.sampled_from(["the mentor", "the mentor", "maya", "tom", "grace"]),
          hazard=st.sampled_from(["mitigated", "unmitigated", "none"]))
    def review(self, idea_id, who, hazard):
        """Someone writes a whole review and plan; only the assigned mentor of an idea in review may.

        A running pilot's review and plan change one save at a time: `pilot_edit`.
        """
        idea = self.idea(idea_id)
        if idea.stage in FROZEN:
            return
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
        idea = self.idea(idea_id)
        if idea.mentor_id is not None:
            self.act(idea_id, self.name_of(idea.mentor_id), "recommend", {}, stale=False)

    @rule(idea_id=ideas, who=st.sampled_from(["the mentor", "maya", "sam", "kai", "grace"]),
          change=st.sampled_from(["aim", "hazard", "same", "comment"]))
    def pilot_edit(self, idea_id, who, change):
        """Someone changes the plan or a hazard, saves it unchanged, or comments: on a running pilot, a
        material change sends the idea back to the committee (the system's `reapprove`); nothing else does."""
        idea = self.idea(idea_id)
        user = idea.mentor or self.users["priya"] if who == "the mentor" else self.users[who]
        facts, before = idea_facts(idea), idea.stage
        hazards = hazards_of(idea_id)
        if change == "hazard" and not hazards:
            return
        allowed = {"aim": may_plan, "same": may_plan, "hazard": may_review, "comment": can_see}[change](
            facts, actor_facts(user))
        try:
            if change == "comment":
                post_comment(idea, user, "How is the first week going?")
            elif change == "hazard":
                hazard = hazards[0]
                mitigation = next(m for m in MITIGATIONS if m != hazard.mitigation)
                update_hazard(idea, user, hazard.id, {**HIGH_HAZARD, "description": hazard.description,
                                                      "mitigation": mitigation}, version(review_of(idea_id)))
            else:
                plan = plan_of(idea_id)
                aim = plan.aim if plan and change == "same" else next(a for a in AIMS if not plan or a != plan.aim)
                save_plan(idea, user, self.plan_fields(plan, aim), version(plan))
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert not allowed
            return
        assert allowed
        if change in ("aim", "hazard") and before in FROZEN:
            assert idea.stage == Stage.COMMITTEE_REVIEW, "a material change left the pilot running"
            last = [e for e in idea_events(idea) if e.action == "idea.transition"][-1]
            assert last.actor_id is None and last.changes["stage"] == (before, Stage.COMMITTEE_REVIEW)
            assert ("Pilot plan · aim" if change == "aim" else "mitigation") in last.reason
            assert open_round(idea_id) is not None
            self.transitions[idea_id] += 1
        else:
            assert idea.stage == before

    def plan_fields(self, plan, aim: str) -> dict:
        if plan is None:
            start = utcnow().date()
            return {"aim": aim, "units": [self.unit.id], "planned_start": start,
                    "planned_end": start + timedelta(weeks=8), "data_collection": "Tallied each shift."}
        return {"aim": aim, "units": [u.id for u in plan.units], "planned_start": plan.planned_start,
                "planned_end": plan.planned_end, "data_collection": plan.data_collection}

    @rule(idea_id=ideas, who=st.sampled_from(["maya", "sam", "tom", "priya"]),
          title=st.sampled_from(["Better nights", "Pt 7654321 fell", ""]))
    def edit(self, idea_id, who, title):
        idea = self.idea(idea_id)
        try:
            save_draft(idea, self.users[who], {"title": title}, idea.version)
            db.session.commit()
        except Refusal:
            db.session.rollback()

    # --- stop rules and the safety hold ------------------------------------------------------------------

    @rule(idea_id=ideas, minutes=HANDOVERS)
    def record_handover(self, idea_id, minutes):
        """The team records the balancing measure of a running pilot (rows straight into the table, announced as
        the pilot's operations announce them): over its threshold the stop rule puts the idea on safety hold."""
        idea = self.idea(idea_id)
        if idea.stage != Stage.PILOT:
            return
        observe(balancing_measure(idea), idea.submitter, [minutes])
        db.session.commit()
        if minutes > 45:
            assert idea.safety_hold, "a tripped stop rule left the idea free"

    @rule(idea_id=ideas)
    def record_every_measure(self, idea_id):
        """The team records a point of every measure of a running pilot (inside the stop rules): what completing asks."""
        idea = self.idea(idea_id)
        if idea.stage != Stage.PILOT:
            return
        for measure in measures_of(idea_id):
            observe(measure, idea.submitter, [30.0])
        db.session.commit()

    @rule(idea_id=ideas, who=st.sampled_from(["the submitter", "the mentor", "tom", "grace"]), sent=COMPLETIONS)
    def complete(self, idea_id, who, sent):
        """Someone completes the pilot with results: it works exactly when the rules allow it, with its result row."""
        idea = self.idea(idea_id)
        user = (idea.mentor or self.users["priya"] if who == "the mentor" else
                idea.submitter if who == "the submitter" else self.users[who])
        fields, before = COMPLETION_FIELDS[sent], idea.stage
        try:
            check("complete_pilot", idea_facts(idea), actor_facts(user), fields)
            allowed = True
        except Refusal:
            allowed = False
        try:
            complete_pilot(idea, user, fields, idea.version)
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert not allowed and idea.stage == before
            return
        assert allowed and idea.stage == Stage.PILOT_REVIEW
        self.transitions[idea_id] += 1

    @rule(idea_id=ideas, who=st.sampled_from([*MEMBERS, "maya", "priya", "admin"]), reason=CLEARANCES)
    def clear_hold(self, idea_id, who, reason):
        """Someone clears the hold: it works exactly when the rules allow it (an eligible member, a reason)."""
        idea, user = self.idea(idea_id), self.users[who]
        allowed = hold_refusal("clear_safety_hold", idea_facts(idea), actor_facts(user), {"reason": reason}) is None
        try:
            clear_safety_hold(idea, user, reason)
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert not allowed
            return
        assert allowed and not idea.safety_hold

    # --- the committee ----------------------------------------------------------------------------------

    @rule(idea_id=ideas, who=st.sampled_from([*MEMBERS, "priya", "maya"]), choice=VOTES, password_ok=PASSWORD_OK)
    def vote(self, idea_id, who, choice, password_ok):
        """A signed vote: it counts exactly when the rules allow it and the password is the member's."""
        idea, user = self.idea(idea_id), self.users[who]
        allowed = self.may_vote(idea_facts(idea), who)
        failures = signature_failures()
        try:
            committee.cast_vote(idea, user, choice, "Read the plan.", PASSWORD if password_ok else "not my password")
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            assert not allowed or not password_ok
            if allowed:
                assert isinstance(refusal, Invalid) and refusal.field == "password"
                assert signature_failures() == failures + 1, "a failed signature was not audited"
            return
        assert allowed and password_ok

    @rule(idea_id=ideas, who=st.sampled_from([*MEMBERS, "maya"]))
    def recuse(self, idea_id, who):
        """A committee member declares a conflict, once per idea; from then on they neither vote nor decide."""
        idea, user = self.idea(idea_id), self.users[who]
        expected = user.has_role(Role.COMMITTEE) and user.id not in committee_facts(idea_id).recused_ids
        try:
            committee.recuse(idea, user, "I manage the unit this idea comes from.")
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert not expected
            return
        assert expected

    @rule(idea_id=ideas, who=st.sampled_from([*MEMBERS, "maya", "priya"]),
          action=st.sampled_from(DECISIONS), password_ok=PASSWORD_OK,
          with_condition=st.booleans())
    def decide(self, idea_id, who, action, password_ok, with_condition):
        """A gate decision: it is taken exactly when the rules allow it, signed with the member's password;
        only an approval carries conditions."""
        idea, user = self.idea(idea_id), self.users[who]
        facts, before = idea_facts(idea), idea.stage
        inputs = {"reason": "The committee's reason, in the minutes."}
        if action == "approve_scale_up":
            inputs = {"target_units": [self.unit.id]}
        try:
            row = check(action, facts, actor_facts(user), inputs)
            allowed = not (with_condition and action not in APPROVALS)
        except Refusal:
            row, allowed = None, False
        signed = bool(row and row.signed)
        conditions = [{"text": "Report the falls to the committee every month.", "owner": idea.submitter_id,
                       "due_on": utcnow().date() + timedelta(days=30)}] if with_condition else []
        try:
            committee.decide(idea, user, action, idea.version, password=PASSWORD if password_ok else "not mine",
                             conditions=conditions, **inputs)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            assert idea.stage == before
            assert not allowed or signed and not password_ok
            if allowed:
                assert isinstance(refusal, Invalid) and refusal.field == "password"
            return
        assert allowed and (password_ok or not signed)
        if Who.COMMITTEE in row.who:  # not the mentor's own decline in mentor review
            assert not conflicts(facts, actor_facts(user)), "decided on an idea they are conflicted on"
        self.transitions[idea_id] += 1

    # --- invariants -------------------------------------------------------------------------------------

    @invariant()
    def recommended_ideas_had_a_complete_review(self):
        for idea_id in self.transitions:
            idea = self.idea(idea_id)
            if idea.stage == Stage.COMMITTEE_REVIEW:
                facts = review_facts(idea_id)
                assert facts.feasibility_complete and facts.safety_complete and not facts.plan_missing
                assert not (facts.band in ("high", "extreme") and facts.hazards_unmitigated)

    @invariant()
    def the_trail_replays_by_the_rules(self):
        """Every stage change has its transition event, by someone its row allows; each vote and committee
        decision came from a member eligible at the time; each approval had a quorate majority to approve
        from distinct members, and froze a plan with a complete safety assessment.

        Every change is audited, so an idea whose trail has not grown since its last replay is not replayed.
        """
        latest = dict(db.session.execute(select(AuditEvent.idea_id, func.max(AuditEvent.sequence))
                                         .where(AuditEvent.idea_id.in_(self.transitions))
                                         .group_by(AuditEvent.idea_id)).all())
        for idea_id, count in self.transitions.items():
            if self.replayed.get(idea_id) == (latest[idea_id], count):
                continue
            self.replayed[idea_id] = (latest[idea_id], count)
            idea = self.idea(idea_id)
            approvals = self.replay(idea, count)
            rounds = [r for r in reversed(rounds_of(idea_id)) if r.outcome in APPROVALS]
            if idea.stage in APPROVED:
                assert rounds, "a pilot without a committee decision"
            assert approvals == [{v.member_id for v in r.votes} for r in rounds]
            for r in rounds:
                assert len({v.member_id for v in r.votes}) == len(r.votes)
            plans = list(db.session.scalars(select(ApprovedPlan).where(ApprovedPlan.idea_id == idea_id)
                                            .order_by(ApprovedPlan.id)))
            assert [p.round_id for p in plans] == [r.id for r in rounds], "an approval without its frozen plan"
            assert all(approved_snapshot_is_safe(p) for p in plans), "a pilot without a safety assessment"
            decided = {r.id for r in rounds}
            assert all(c.round_id in decided for c in db.session.scalars(
                select(Condition).where(Condition.idea_id == idea_id))), "a condition without an approval"
            self.check_completions_and_target_units(idea_id, rounds)

    def check_completions_and_target_units(self, idea_id: int, rounds: list) -> None:
        """A result row for every completion, and target units exactly when a scale-up was approved."""
        completions = [e for e in self.idea_transitions(idea_id) if e.changes["stage"] == ("pilot", "pilot_review")]
        results = list(db.session.scalars(select(PilotResult).where(PilotResult.idea_id == idea_id)))
        assert len(results) == len(completions), "a completion without its results"
        assert all(r.summary and r.impact_realised and r.recommendation for r in results)
        scaled = any(r.outcome == "approve_scale_up" for r in rounds)
        units = set(db.session.scalars(select(TargetUnit.unit_id).where(TargetUnit.idea_id == idea_id)))
        assert units == ({self.unit.id} if scaled else set()), "target units without an approved scale-up"

    def idea_transitions(self, idea_id: int) -> list:
        return [e for e in idea_events(self.idea(idea_id)) if e.action == "idea.transition"]

    def replay(self, idea: Idea, count: int) -> list[set[int]]:
        """Walk the idea's events in order, keeping who was on the team, reviewed it, or recused at each."""
        team, mentor, reviewers, recused, votes = {idea.submitter_id}, None, set(), set(), {}
        stage, changes, approvals, hold = Stage.DRAFT, 0, [], False
        for event in idea_events(idea):
            if event.action in ("idea.created", "idea.edited") and "co_authors" in event.changes:
                named = {self.emails[e] for e in event.changes["co_authors"][1] or []}
                team = {idea.submitter_id} | (team & named)  # only those who accepted count
            elif event.action == "co_author.accepted":
                team.add(event.actor_id)
            elif event.action in REVIEW_EVENTS:
                reviewers.add(event.actor_id)
            elif event.action == "committee.recused":
                recused.add(event.actor_id)
            elif event.action == "round.opened":
                votes = {}
            elif event.action == "idea.safety_hold_placed":
                assert event.actor_id is None and event.reason.startswith("Stop rule on "), "a hold not by a stop rule"
                hold = True
            elif event.action == "idea.safety_hold_cleared":
                assert hold, "a hold cleared that was not placed"
                assert event.actor_id in self.member_ids, "a hold cleared by someone not on the committee"
                assert event.actor_id not in team | reviewers | {mentor} | recused, "a conflicted clearance"
                hold = False
            elif event.action == "vote.cast":
                conflicted = team | reviewers | {mentor} | recused
                assert event.actor_id not in votes and event.actor_id not in conflicted, "an ineligible vote"
                votes[event.actor_id] = event.changes["vote"][1]
            elif event.action == "idea.transition":
                before, after = event.changes["stage"]
                assert before == stage
                assert not (hold and (Stage(before), Stage(after)) in HELD_MOVES), "completed or scaled up on hold"
                row = transition_row(before, after)
                mentor = event.changes.get("mentor_id", (None, mentor))[1]
                if not row.who & TEAM:
                    assert event.actor_id not in team, "acted on their own idea"
                if Who.COMMITTEE in row.who:
                    assert event.actor_id not in team | reviewers | {mentor} | recused, "a conflicted decision"
                if row.action in APPROVALS:
                    counted = [v for member, v in votes.items() if member not in recused]
                    assert len(counted) >= self.quorum, "approved without quorum"
                    assert counted.count("approve") > counted.count("reject"), "approved without a majority"
                    approvals.append(set(votes))
                stage, changes = Stage(after), changes + 1
        assert idea.stage == stage and changes == count
        assert idea.safety_hold is hold, "the hold flag and its trail disagree"
        return approvals

    @invariant()
    def an_open_round_exactly_at_a_gate(self):
        open_rounds = dict(db.session.execute(
            select(VotingRound.idea_id, func.count()).where(VotingRound.closed_at.is_(None))
            .group_by(VotingRound.idea_id)).all())
        for idea_id in self.transitions:
            idea = self.idea(idea_id)
            assert open_rounds.get(idea_id, 0) == (1 if idea.stage in GATES else 0)
            if idea.stage in GATES:
                assert open_round(idea_id).gate == idea.stage

    @invariant()
    def audit_chain_verifies(self):
        report = verify_trail()  # what `flask audit verify` runs
        assert report.ok, report


def give_databases(databases, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(Pipeline, "databases", databases)
    monkeypatch.setattr(Pipeline, "tmp_path", tmp_path)


def run_machine(databases, tmp_path, monkeypatch) -> Pipeline:
    """A machine to walk by hand, step by step."""
    give_databases(databases, tmp_path, monkeypatch)
    return Pipeline()


def check_invariants(machine: Pipeline) -> None:
    machine.recommended_ideas_had_a_complete_review()
    machine.the_trail_replays_by_the_rules()
    machine.an_open_round_exactly_at_a_gate()
    machine.audit_chain_verifies()


def test_random_actions_by_random_users_keep_the_invariants(databases, tmp_path, monkeypatch):
    give_databases(databases, tmp_path, monkeypatch)
    run_state_machine_as_test(
        Pipeline,
        settings=settings(settings.default, stateful_step_count=20, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )


def test_the_machine_recommends_only_after_a_complete_review(databases, tmp_path, monkeypatch):
    """The path random runs rarely find in 20 steps, walked on purpose with the machine's own rules."""
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.first_idea()
        machine.act(idea_id, "maya", "submit", {}, stale=False)
        machine.act(idea_id, "priya", "start_review", {}, stale=False)
        machine.recommend(idea_id)  # nothing reviewed yet: refused
        machine.review(idea_id, "tom", "mitigated")  # a co-author may not review
        machine.review(idea_id, "the mentor", "unmitigated")  # a high hazard without mitigation
        machine.recommend(idea_id)
        assert machine.idea(idea_id).stage == Stage.MENTOR_REVIEW
        idea = machine.idea(idea_id)
        for hazard in hazards_of(idea_id):
            update_hazard(idea, idea.mentor, hazard.id, HIGH_HAZARD, version(review_of(idea_id)))
        db.session.commit()
        machine.recommend(idea_id)
        assert machine.idea(idea_id).stage == Stage.COMMITTEE_REVIEW
        check_invariants(machine)
    finally:
        machine.teardown()


def test_the_machine_approves_a_pilot_and_sends_a_changed_plan_back(databases, tmp_path, monkeypatch):
    """Review, recommend, three signed votes, approve_pilot, then a plan edit: re-approval with a new round."""
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.write("maya", "kai", complete=True)  # a committee member is named a co-author
        machine.answer(idea_id, "kai", accept=True)  # and accepts: now they co-write it
        machine.act(idea_id, "maya", "submit", {}, stale=False)
        machine.act(idea_id, "priya", "start_review", {}, stale=False)
        machine.review(idea_id, "the mentor", "mitigated")
        machine.recommend(idea_id)
        assert machine.idea(idea_id).stage == Stage.COMMITTEE_REVIEW
        machine.vote(idea_id, "kai", "approve", password_ok=True)  # co-wrote it: refused
        machine.vote(idea_id, "grace", "approve", password_ok=False)  # wrong password: refused, audited
        machine.vote(idea_id, "grace", "approve", password_ok=True)
        machine.vote(idea_id, "lee", "approve", password_ok=True)
        machine.decide(idea_id, "noor", "approve_pilot", password_ok=True, with_condition=False)  # 2 of 3 votes
        machine.recuse(idea_id, "lee")  # Lee's vote no longer counts
        machine.vote(idea_id, "lee", "approve", password_ok=True)  # recused: refused
        machine.vote(idea_id, "noor", "approve", password_ok=True)
        machine.vote(idea_id, "rui", "reject", password_ok=True)
        assert committee_facts(idea_id).tally.cast == 3 and committee_facts(idea_id).tally.approve == 2
        machine.decide(idea_id, "kai", "approve_pilot", password_ok=True, with_condition=True)  # co-author
        machine.decide(idea_id, "rui", "approve_pilot", password_ok=False, with_condition=True)  # wrong password
        machine.decide(idea_id, "grace", "decline", password_ok=True, with_condition=False)  # no majority to reject
        assert machine.idea(idea_id).stage == Stage.COMMITTEE_REVIEW
        first_round = open_round(idea_id).id
        machine.decide(idea_id, "rui", "approve_pilot", password_ok=True, with_condition=True)
        assert machine.idea(idea_id).stage == Stage.PILOT
        assert db.session.get(VotingRound, first_round).outcome == "approve_pilot"
        check_invariants(machine)

        machine.pilot_edit(idea_id, "sam", "comment")  # everybody sees a pilot and may comment
        machine.pilot_edit(idea_id, "grace", "aim")  # not on the team: refused
        machine.pilot_edit(idea_id, "maya", "same")  # saved unchanged: still running
        assert machine.idea(idea_id).stage == Stage.PILOT
        machine.pilot_edit(idea_id, "kai", "aim")  # the co-author changes the aim
        assert machine.idea(idea_id).stage == Stage.COMMITTEE_REVIEW
        assert open_round(idea_id).id != first_round and open_round(idea_id).votes == []
        check_invariants(machine)
    finally:
        machine.teardown()


def test_the_machine_declines_on_a_majority_to_reject_and_refuses_the_conflicted(databases, tmp_path, monkeypatch):
    """Sam's idea at the committee: Kai co-wrote it and Rui reviewed it, so neither votes nor decides."""
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.idea_at_the_committee()  # Grace approves, Lee rejects
        machine.vote(idea_id, "kai", "reject", password_ok=True)
        machine.vote(idea_id, "rui", "reject", password_ok=True)
        machine.vote(idea_id, "maya", "reject", password_ok=True)  # not on the committee
        assert committee_facts(idea_id).tally.cast == 2
        machine.recuse(idea_id, "maya")  # only committee members recuse
        machine.vote(idea_id, "noor", "reject", password_ok=True)
        machine.decide(idea_id, "rui", "decline", password_ok=True, with_condition=False)
        machine.decide(idea_id, "grace", "approve_pilot", password_ok=True, with_condition=False)  # 1 to 2
        machine.decide(idea_id, "grace", "decline", password_ok=True, with_condition=True)  # conditions: refused
        machine.decide(idea_id, "grace", "decline", password_ok=False, with_condition=False)
        assert machine.idea(idea_id).stage == Stage.COMMITTEE_REVIEW
        machine.decide(idea_id, "grace", "decline", password_ok=True, with_condition=False)
        assert machine.idea(idea_id).stage == Stage.DECLINED and open_round(idea_id) is None
        machine.recuse(idea_id, "noor")  # after the decision: her vote stays counted in the closed round
        check_invariants(machine)
    finally:
        machine.teardown()


def test_a_re_approval_needs_a_complete_safety_assessment(databases, tmp_path, monkeypatch):
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.running_pilot("priya", None)
        idea = machine.idea(idea_id)
        (hazard,) = hazards_of(idea_id)
        remove_hazard(idea, idea.mentor, hazard.id)  # a material change: back to the committee
        db.session.commit()
        assert idea.stage == Stage.COMMITTEE_REVIEW and not review_facts(idea_id).safety_complete
        machine.transitions[idea_id] += 1
        for member in ("grace", "lee", "noor"):
            machine.vote(idea_id, member, "approve", password_ok=True)
        machine.decide(idea_id, "grace", "approve_pilot", password_ok=True, with_condition=False)
        machine.the_trail_replays_by_the_rules()  # the approved snapshot has neither hazards nor the statement
    finally:
        machine.teardown()


def test_removing_one_of_two_like_named_hazards_sends_the_pilot_back(databases, tmp_path, monkeypatch):
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.write("sam", None, complete=True)
        machine.act(idea_id, "sam", "submit", {}, stale=False)
        machine.act(idea_id, "priya", "start_review", {}, stale=False)
        idea = machine.idea(idea_id)
        complete_review(idea, idea.mentor, hazards=(HIGH_HAZARD, {**HIGH_HAZARD, "severity": "4"}))
        db.session.commit()
        machine.recommend(idea_id)
        for member in ("grace", "lee", "noor"):
            machine.vote(idea_id, member, "approve", password_ok=True)
        machine.decide(idea_id, "grace", "approve_pilot", password_ok=True, with_condition=False)
        assert idea.stage == Stage.PILOT
        remove_hazard(idea, idea.mentor, hazards_of(idea_id)[0].id)
        db.session.commit()
        assert idea.stage == Stage.COMMITTEE_REVIEW
    finally:
        machine.teardown()


def test_the_machine_holds_a_pilot_on_a_tripped_stop_rule_until_an_eligible_member_clears_it(databases, tmp_path,
                                                                                                 monkeypatch):
    """A running pilot's handover runs long: on hold, complete_pilot refused; only an eligible member clears it."""
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.running_pilot("rui", "kai")  # Rui reviewed it, Kai co-wrote it: both conflicted
        machine.record_handover(idea_id, 30.0)
        assert not machine.idea(idea_id).safety_hold
        machine.record_handover(idea_id, 52.0)
        assert machine.idea(idea_id).safety_hold
        machine.act(idea_id, "sam", "complete_pilot", {}, stale=False)  # refused: on hold
        for who in ("kai", "rui", "maya", "priya", "admin"):
            machine.clear_hold(idea_id, who, "Reviewed the handover data: carry on.")
        machine.clear_hold(idea_id, "grace", "")  # no reason
        assert machine.idea(idea_id).safety_hold
        check_invariants(machine)
        machine.clear_hold(idea_id, "grace", "Reviewed the handover data: carry on.")
        assert not machine.idea(idea_id).safety_hold
        machine.record_handover(idea_id, 44.0)  # the cleared trip does not hold the idea again
        assert not machine.idea(idea_id).safety_hold
        machine.record_handover(idea_id, 61.0)
        assert machine.idea(idea_id).safety_hold
        check_invariants(machine)
    finally:
        machine.teardown()


def test_the_machine_walks_a_pilot_to_review_scale_up_and_stop(databases, tmp_path, monkeypatch):
    """Complete (refused on a hold and without data), votes, approve_scale_up with a re-freeze, then stop."""
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.running_pilot("priya", "tom")
        machine.complete(idea_id, "the submitter", "complete")  # no data for the measures yet: refused
        machine.record_every_measure(idea_id)
        machine.record_handover(idea_id, 52.0)  # on hold
        machine.complete(idea_id, "tom", "complete")  # refused: on hold
        machine.clear_hold(idea_id, "grace", "Reviewed the handover data: carry on.")
        machine.complete(idea_id, "grace", "complete")  # not on the pilot team
        machine.complete(idea_id, "the mentor", "identifier")  # an identifier in the impact: refused
        machine.complete(idea_id, "the mentor", "complete")
        assert machine.idea(idea_id).stage == Stage.PILOT_REVIEW
        machine.decide(idea_id, "grace", "approve_scale_up", password_ok=True, with_condition=False)  # no votes
        for member in ("grace", "lee", "noor"):
            machine.vote(idea_id, member, "approve", password_ok=True)
        machine.decide(idea_id, "rui", "approve_scale_up", password_ok=True, with_condition=False)
        assert machine.idea(idea_id).stage == Stage.SCALE_UP
        assert len(list(db.session.scalars(select(ApprovedPlan).where(ApprovedPlan.idea_id == idea_id)))) == 2
        check_invariants(machine)
        machine.decide(idea_id, "lee", "stop", password_ok=True, with_condition=False)
        assert machine.idea(idea_id).stage == Stage.STOPPED
        machine.act(idea_id, "admin", "reopen", {"reason": "A new team will try it."}, stale=False)
        check_invariants(machine)
    finally:
        machine.teardown()


def test_the_machine_extends_a_pilot_and_returns_it_to_the_mentor(databases, tmp_path, monkeypatch):
    machine = run_machine(databases, tmp_path, monkeypatch)
    try:
        idea_id = machine.running_pilot("rui", None)
        machine.record_every_measure(idea_id)
        machine.complete(idea_id, "sam", "complete")
        machine.decide(idea_id, "rui", "extend_pilot", password_ok=True, with_condition=False)  # reviewed it
        machine.decide(idea_id, "grace", "extend_pilot", password_ok=True, with_condition=True)  # conditions: refused
        machine.decide(idea_id, "grace", "extend_pilot", password_ok=True, with_condition=False)
        assert machine.idea(idea_id).stage == Stage.PILOT
        machine.complete(idea_id, "sam", "complete")  # the data is still there: completed again
        machine.decide(idea_id, "noor", "return_to_mentor", password_ok=True, with_condition=False)
        assert machine.idea(idea_id).stage == Stage.MENTOR_REVIEW
        check_invariants(machine)
    finally:
        machine.teardown()


def test_every_stage_change_names_one_row():
    pairs = [(source, t.target) for t in TRANSITIONS for source in t.sources]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_has_one_table_row_per_source_stage(action):
    rows = [t for t in TRANSITIONS if t.action == action]
    sources = [stage for row in rows for stage in row.sources]
    assert len(sources) == len(set(sources))
