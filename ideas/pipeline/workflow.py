"""The pipeline's rules as data (SPEC "The pipeline", "Visibility"): no Flask, no database.

Views, the API and the CLI ask `available_actions` what to offer; the operations call
`check` before they change anything. Facts come in as small plain dataclasses, so every
rule is tested in microseconds.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ideas.committee.rules import CommitteeFacts
from ideas.committee.tally import Vote
from ideas.errors import Conflict, Forbidden, Invalid, Refusal
from ideas.pilots.rules import PilotFacts, Recommendation
from ideas.pipeline.identifier_guard import find_identifiers, identifiers_message, scan
from ideas.review.risk import RiskBand
from ideas.review.rules import ReviewFacts
from ideas.spread.rules import SpreadFacts


class Stage(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    MENTOR_REVIEW = "mentor_review"
    REVISION = "revision"
    COMMITTEE_REVIEW = "committee_review"
    PILOT = "pilot"
    PILOT_REVIEW = "pilot_review"
    SCALE_UP = "scale_up"
    ADOPTED = "adopted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("scale up", "scale-up").capitalize()

    @property
    def phrase(self) -> str:
        """How a sentence says an idea is at this stage: "The idea is now in mentor review"."""
        return {"draft": "a draft", "submitted": "submitted", "revision": "back with its team for revision",
                "adopted": "adopted", "declined": "declined", "withdrawn": "withdrawn", "stopped": "stopped",
                }.get(self.value, "in " + self.label.lower())


CLOSED = frozenset({Stage.ADOPTED, Stage.DECLINED, Stage.WITHDRAWN, Stage.STOPPED})
# Everybody sees ideas from pilot onward, stopped ones included: failures teach too.
SHOWCASE = frozenset({Stage.PILOT, Stage.PILOT_REVIEW, Stage.SCALE_UP, Stage.ADOPTED, Stage.STOPPED})
# The idea's own text can be changed by its team only while it is with them.
EDITABLE = frozenset({Stage.DRAFT, Stage.REVISION})
# The committee's gates: reaching one opens a voting round, leaving it closes the round.
GATES = frozenset({Stage.COMMITTEE_REVIEW, Stage.PILOT_REVIEW})
# Stages that run on an approved plan: a material change to it sends the idea back for re-approval.
FROZEN = frozenset({Stage.PILOT, Stage.SCALE_UP})


class Who(StrEnum):
    """How an actor stands to an idea; a transition names the kinds that may take it."""

    SUBMITTER = "submitter"
    CO_AUTHOR = "co_author"
    ASSIGNED_MENTOR = "assigned_mentor"
    ANY_MENTOR = "any_mentor"
    COMMITTEE = "committee"
    ADMIN = "admin"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return {
            "submitter": "the submitter", "co_author": "a co-author", "assigned_mentor": "the assigned mentor",
            "any_mentor": "a mentor", "committee": "a committee member", "admin": "an administrator",
            "system": "the system",
        }[self.value]


TEAM = frozenset({Who.SUBMITTER, Who.CO_AUTHOR})

# Labels of the idea's fields and of the actions' inputs, for forms and messages alike.
FIELD_LABELS = {
    "title": "Title",
    "problem": "Problem at the bedside",
    "proposed_change": "Proposed change",
    "expected_benefit": "Expected benefit",
    "benefits": "Benefit for",
    "category": "Category",
    "tags": "Tags",
    "unit": "Origin unit",
    "evidence": "Evidence and references",
    "resources": "Resources needed",
    "co_authors": "Co-authors",
    "reason": "Reason",
    "comment": "What to change",
    "note": "Note to the committee (optional)",
    "response": "Your response to the mentor",
    "mentor": "Mentor",
    "risk_acceptance": "Risk acceptance",
    "difference": "Difference from the approved version",
    "password": "Your password",
    "safety_hold": "Safety hold",
    "summary": "Results summary",
    "recommendation": "Recommendation",
    "impact": "Impact realised",
    "target_units": "Target units",
}
REQUIRED_TO_SUBMIT = ("title", "problem", "proposed_change", "expected_benefit", "unit")


@dataclass(frozen=True)
class IdeaFacts:
    """What the rules need to know about an idea."""

    stage: Stage
    submitter_id: int
    co_author_ids: frozenset[int] = frozenset()  # co-authors who accepted: only they count
    invited_ids: frozenset[int] = frozenset()  # named co-authors who have not answered yet
    mentor_id: int | None = None
    paired_mentor_ids: frozenset[int] = frozenset()  # the submitter's paired mentors
    reviewer_ids: frozenset[int] = frozenset()  # mentors who have reviewed it
    in_open_queue: bool = True  # any mentor may claim it, not only the paired one
    texts: Mapping[str, str] = field(default_factory=dict)  # free text, field by field
    unit_id: int | None = None
    review: ReviewFacts = ReviewFacts()
    committee: CommitteeFacts = CommitteeFacts()
    safety_hold: bool = False  # a stop rule tripped; only a committee member clears it
    pilot: PilotFacts = PilotFacts()
    spread: SpreadFacts = SpreadFacts()


@dataclass(frozen=True)
class ActorFacts:
    """Who is acting: a user with roles, or the system itself."""

    user_id: int | None
    roles: frozenset[str] = frozenset()
    system: bool = False


Test = Callable[[IdeaFacts, ActorFacts, Mapping[str, object]], Refusal | None]


@dataclass(frozen=True)
class Precondition:
    """One checked precondition: `test` answers None when it holds, else the refusal.

    A `gate` is about who may act now, so a failing gate also hides the button; the others
    concern what is filled in, and answer only when the action is tried.
    """

    description: str
    test: Test
    input: str | None = None  # the form field this precondition reads, if any
    gate: bool = False
    optional: bool = False  # its input may be left empty
    needs: tuple[str, ...] = ()  # the fields it refuses without, whatever else holds: forms mark them


@dataclass(frozen=True)
class Transition:
    """One row of SPEC's pipeline table."""

    action: str
    sources: frozenset[Stage]
    target: Stage
    who: frozenset[Who]
    preconditions: tuple[Precondition, ...] = ()
    label: str = ""
    signed: str | None = None  # a gate decision: its meaning, signed by re-entering the password

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(p.input for p in self.preconditions if p.input)

    @property
    def needs(self) -> tuple[str, ...]:
        """Every field the action refuses without: what its form marks as needed."""
        return tuple(name for p in self.preconditions for name in p.needs)


def given(name: str, message: str, max_length: int = 4000) -> Precondition:
    """A text the actor must give (a reason, a comment), free of patient identifiers."""

    def test(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
        text = inputs.get(name)
        if not isinstance(text, str) or not text.strip():
            return Invalid(message, field=name)
        if len(text) > max_length:
            return Invalid(f"{FIELD_LABELS[name]}: keep it under {max_length} characters.", field=name)
        findings = find_identifiers(text, name)
        if findings:
            return Invalid(identifiers_message(findings, {name: FIELD_LABELS[name]}), field=name)
        return None

    return Precondition(f"{FIELD_LABELS[name].lower()} given", test, input=name, needs=(name,))


def noted(name: str, max_length: int = 4000) -> Precondition:
    """A text the actor may give (a note to the committee): when given, checked as a required one is."""
    checks = given(name, f"{FIELD_LABELS[name]}: write it as text.", max_length).test

    def test(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
        text = inputs.get(name)
        blank = text is None or (isinstance(text, str) and not text.strip())
        return None if blank else checks(idea, actor, inputs)

    return Precondition(f"{FIELD_LABELS[name].lower()} checked", test, input=name, optional=True)


def _complete(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    for name in REQUIRED_TO_SUBMIT:
        filled = idea.unit_id is not None if name == "unit" else bool(idea.texts.get(name, "").strip())
        if not filled:
            return Invalid(f"Fill in “{FIELD_LABELS[name]}” before you send the idea.", field=name)
    return None


def _no_identifiers(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    findings = scan(idea.texts)
    if findings:
        labels = {f.field: FIELD_LABELS.get(f.field, f.field) for f in findings}
        return Invalid(identifiers_message(findings, labels), field=findings[0].field)
    return None


def _assignee(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> int | None:
    chosen = inputs.get("mentor")
    return chosen if isinstance(chosen, int) else actor.user_id


def _may_assign(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    assignee = _assignee(idea, actor, inputs)
    if assignee == actor.user_id:
        if "mentor" not in actor.roles:
            return Invalid("Choose the mentor who will review this idea.", field="mentor")
        return None
    if "admin" not in actor.roles:
        return Forbidden("Only an administrator can assign a mentor other than yourself.")
    if assignee == idea.submitter_id or assignee in idea.co_author_ids:
        return Invalid("That mentor submitted or co-wrote this idea and cannot review it.", field="mentor")
    return None


def in_queue(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """A submitted idea waits for its submitter's paired mentor first, then in every mentor's open queue."""
    return ("mentor" in actor.roles and idea.stage == Stage.SUBMITTED
            and (idea.in_open_queue or actor.user_id in idea.paired_mentor_ids))


def _in_my_queue(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if "admin" in actor.roles:  # an administrator assigns from any queue
        return None
    if not in_queue(idea, actor):
        return Forbidden("This idea waits in its submitter's paired mentor's queue first; "
                         "it joins the open queue if nobody claims it in time.")
    return None


COMPLETE = Precondition("title, problem, proposed change, expected benefit and unit filled", _complete,
                        needs=REQUIRED_TO_SUBMIT)
NO_IDENTIFIERS = Precondition("the free text passes the patient-identifier guard", _no_identifiers)
MAY_ASSIGN = Precondition("a mentor claims it, or an administrator assigns a mentor who is not on the team",
                          _may_assign, input="mentor")
IN_MY_QUEUE = Precondition("a mentor claims from their paired mentees or the open queue", _in_my_queue, gate=True)


def _review_check(description: str, unmet: Callable[[ReviewFacts], str | None], section: str) -> Precondition:
    """A recommend precondition on the review; its refusal's field names the review section to open."""

    def test(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
        message = unmet(idea.review)
        return Invalid(message, field=section) if message else None

    return Precondition(description, test)


RECOMMEND_CHECKS = (
    _review_check("feasibility review complete", lambda r: None if r.feasibility_complete else
                  "Feasibility review: score all six criteria and give an overall recommendation.", "feasibility"),
    _review_check("safety assessment complete", lambda r: None if r.safety_complete else
                  "Safety assessment: add the hazards, or state that no hazards were identified.", "safety"),
    _review_check("every hazard mitigated and owned when the risk is high or extreme", lambda r: (
        f"Safety assessment: the risk is {r.band}, so every hazard needs a mitigation and an owner "
        f"({r.hazards_unmitigated} without)." if r.band in (RiskBand.HIGH, RiskBand.EXTREME)
        and r.hazards_unmitigated else None), "safety"),
    _review_check("QI-or-research triage answered", lambda r: None if r.triage_answered else
                  "QI or research: answer every triage question.", "triage"),
    _review_check("an ethics-board referral recorded when the triage points to research", lambda r: (
        "QI or research: the triage points to research; record the ethics-board referral (reference and date)."
        if r.research and not r.referral_recorded else None), "triage"),
    _review_check("pilot plan complete (aim, outcome, process and balancing measures, unit, planned dates)",
                  lambda r: f"Pilot plan: add {', '.join(r.plan_missing)}." if r.plan_missing else None, "plan"),
)


def conflicts(idea: IdeaFacts, actor: ActorFacts) -> list[str]:
    """Why this person may not vote or decide on the idea (SPEC "Separation of duties and recusal")."""
    found = []
    if actor.user_id == idea.submitter_id:
        found.append("you submitted it")
    if actor.user_id in idea.co_author_ids:
        found.append("you co-wrote it")
    if actor.user_id is not None and actor.user_id in idea.reviewer_ids | {idea.mentor_id}:
        found.append("you reviewed it as its mentor")
    if actor.user_id in idea.committee.recused_ids:
        found.append("you declared a conflict of interest")
    return found


def check_vote(idea: IdeaFacts, actor: ActorFacts) -> None:
    """Raise the refusal when this actor may not vote on the idea now."""
    if "committee" not in actor.roles:
        raise Forbidden("Only committee members vote.")
    if idea.stage not in GATES or not idea.committee.round_open:
        raise Invalid(f"The idea is {Stage(idea.stage).phrase}: there is no voting round open.", field="vote")
    if found := conflicts(idea, actor):
        raise Forbidden(f"You cannot vote or decide on this idea: {' and '.join(found)}.")
    if actor.user_id in idea.committee.voter_ids:
        raise Conflict("You have already voted in this round; a signed vote is not changed.", field="vote")


def _eligible(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if found := conflicts(idea, actor):
        return Forbidden(f"You cannot vote or decide on this idea: {' and '.join(found)}.")
    return None


def _round_decides(outcome: Vote) -> Test:
    def test(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
        t = idea.committee.tally
        if not t.quorate:
            return Invalid(f"The round has {t.cast} of the {t.quorum} votes it needs for quorum.", field="votes")
        if t.majority != outcome:
            word = "approve" if outcome == Vote.APPROVE else "reject"
            return Invalid(f"The round has no majority to {word} ({t.approve} approve, {t.reject} reject, "
                           f"{t.abstain} abstain).", field="votes")
        return None

    return test


def _risk_acceptance(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    text = inputs.get("risk_acceptance")
    if text is not None and not isinstance(text, str):
        return Invalid("Risk acceptance: expected text.", field="risk_acceptance")
    if text and text.strip():
        return given("risk_acceptance", "").test(idea, actor, inputs)
    if idea.review.band == RiskBand.EXTREME:
        return Invalid("Risk acceptance: the risk is extreme; state that the committee accepts it, and on what "
                       "terms, before approving.", field="risk_acceptance")
    return None


def _difference(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    text = inputs.get("difference")
    if not isinstance(text, str) or not text.strip():
        return Invalid("Re-approval needs the difference from the approved version.", field="difference")
    return None


ELIGIBLE = Precondition("an eligible member (not the submitter, a co-author, the reviewing mentor or recused)",
                        _eligible, gate=True)
APPROVE_MAJORITY = Precondition("the round's votes reach quorum with a majority to approve",
                                _round_decides(Vote.APPROVE), gate=True)
REJECT_MAJORITY = Precondition("the round's votes reach quorum with a majority to reject",
                               _round_decides(Vote.REJECT), gate=True)
RISK_ACCEPTED = Precondition("an extreme risk has an explicit risk-acceptance statement", _risk_acceptance,
                             input="risk_acceptance")
DIFFERENCE = Precondition("the difference from the approved version", _difference, input="difference",
                          needs=("difference",))


def _no_safety_hold(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if idea.safety_hold:
        return Invalid("The idea is on safety hold: a stop rule tripped. A committee member must review the data "
                       "and clear the hold, with a reason, before the pilot can complete or scale up.",
                       field="safety_hold")
    return None


# A gate: while the hold lasts nobody may take the action, so its button is not offered either.
NO_SAFETY_HOLD = Precondition("no safety hold", _no_safety_hold, gate=True)


def unmet_preconditions(row: Transition, idea: IdeaFacts, actor: ActorFacts) -> list[Refusal]:
    """Every precondition of the row that does not hold now (without inputs), in the table's order."""
    return [refusal for p in row.preconditions if not p.input and (refusal := p.test(idea, actor, {}))]


def _recommendation(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if inputs.get("recommendation") not in Recommendation._value2member_map_:
        return Invalid("Recommendation: choose adopt, adapt or abandon.", field="recommendation")
    return None


def _data_for_every_measure(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if missing := idea.pilot.measures_without_data:
        return Invalid(f"Record data for every measure before completing the pilot: {', '.join(missing)} "
                       f"{'has' if len(missing) == 1 else 'have'} none yet.", field="measures")
    return None


def _target_units(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    chosen = inputs.get("target_units")
    if not isinstance(chosen, list | tuple | frozenset | set) or not chosen or \
            not all(isinstance(unit, int) for unit in chosen):
        return Invalid("Target units: name at least one unit the change spreads to.", field="target_units")
    return None


def _adopted(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if not idea.spread.adopted_units:
        return Invalid("No target unit has adopted the change yet: mark a unit adopted first.", field="target_units")
    if without := idea.spread.adopted_without_owner:
        return Invalid(f"{without} adopted unit{'s have' if without > 1 else ' has'} no sustainment owner: "
                       "name who checks that the change holds.", field="sustainment_owner")
    return None


RECOMMENDATION = Precondition("a recommendation (adopt, adapt, abandon)", _recommendation, input="recommendation",
                              needs=("recommendation",))
DATA_FOR_EVERY_MEASURE = Precondition("data recorded for every measure", _data_for_every_measure)
TARGET_UNITS = Precondition("target units named", _target_units, input="target_units", needs=("target_units",))
ADOPTED = Precondition("at least one target unit has adopted, each adopted unit with a sustainment owner", _adopted)


S = Stage
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", frozenset({S.DRAFT}), S.SUBMITTED, frozenset({Who.SUBMITTER}),
               (COMPLETE, NO_IDENTIFIERS), label="Submit"),
    Transition("withdraw", frozenset({S.DRAFT, S.SUBMITTED, S.MENTOR_REVIEW, S.REVISION, S.COMMITTEE_REVIEW}),
               S.WITHDRAWN, frozenset({Who.SUBMITTER}),
               (given("reason", "Say why you are withdrawing the idea."),), label="Withdraw"),
    Transition("start_review", frozenset({S.SUBMITTED}), S.MENTOR_REVIEW, frozenset({Who.ANY_MENTOR, Who.ADMIN}),
               (IN_MY_QUEUE, MAY_ASSIGN), label="Start review"),
    Transition("request_changes", frozenset({S.MENTOR_REVIEW}), S.REVISION, frozenset({Who.ASSIGNED_MENTOR}),
               (given("comment", "Say what the submitter should change."),), label="Request changes"),
    Transition("resubmit", frozenset({S.REVISION}), S.MENTOR_REVIEW, frozenset({Who.SUBMITTER}),
               (given("response", "Answer the mentor's request: say what you changed."), COMPLETE, NO_IDENTIFIERS),
               label="Resubmit"),
    Transition("recommend", frozenset({S.MENTOR_REVIEW}), S.COMMITTEE_REVIEW, frozenset({Who.ASSIGNED_MENTOR}),
               (*RECOMMEND_CHECKS, noted("note")), label="Recommend to committee"),
    Transition("decline", frozenset({S.MENTOR_REVIEW}), S.DECLINED, frozenset({Who.ASSIGNED_MENTOR}),
               (given("reason", "Say why the idea is declined."),), label="Decline"),
    Transition("decline", frozenset({S.COMMITTEE_REVIEW}), S.DECLINED, frozenset({Who.COMMITTEE}),
               (ELIGIBLE, REJECT_MAJORITY, given("reason", "Say why the committee declines the idea.")),
               label="Decline", signed="declined the idea"),
    Transition("return_to_mentor", frozenset({S.COMMITTEE_REVIEW, S.PILOT_REVIEW}), S.MENTOR_REVIEW,
               frozenset({Who.COMMITTEE}),
               (ELIGIBLE, given("reason", "Say what the committee needs the mentor to look at.")),
               label="Return to mentor"),
    Transition("approve_pilot", frozenset({S.COMMITTEE_REVIEW}), S.PILOT, frozenset({Who.COMMITTEE}),
               # the review is checked again: a re-approval may follow a change made during the pilot
               (ELIGIBLE, APPROVE_MAJORITY, *RECOMMEND_CHECKS, RISK_ACCEPTED), label="Approve pilot",
               signed="approved the pilot"),
    Transition("complete_pilot", frozenset({S.PILOT}), S.PILOT_REVIEW,
               frozenset({Who.SUBMITTER, Who.CO_AUTHOR, Who.ASSIGNED_MENTOR}),
               (NO_SAFETY_HOLD, given("summary", "Results summary: say what the pilot found."), RECOMMENDATION,
                given("impact", "Impact realised: say what changed for patients and staff, against the estimate."),
                DATA_FOR_EVERY_MEASURE),
               label="Complete pilot"),
    Transition("extend_pilot", frozenset({S.PILOT_REVIEW}), S.PILOT, frozenset({Who.COMMITTEE}),
               (ELIGIBLE, given("reason", "Say what the next PDSA cycle should test.")),
               label="Extend pilot", signed="extended the pilot"),
    Transition("approve_scale_up", frozenset({S.PILOT_REVIEW}), S.SCALE_UP, frozenset({Who.COMMITTEE}),
               (ELIGIBLE, APPROVE_MAJORITY, NO_SAFETY_HOLD, TARGET_UNITS),
               label="Approve scale-up", signed="approved the scale-up"),
    Transition("reapprove", frozenset({S.PILOT, S.SCALE_UP}), S.COMMITTEE_REVIEW, frozenset({Who.SYSTEM}),
               (DIFFERENCE,), label="Send back for re-approval"),
    Transition("stop", frozenset({S.PILOT, S.PILOT_REVIEW, S.SCALE_UP}), S.STOPPED, frozenset({Who.COMMITTEE}),
               (ELIGIBLE, given("reason", "Say why the committee stops the idea: the lesson others can learn.")),
               label="Stop", signed="stopped the idea"),
    Transition("mark_adopted", frozenset({S.SCALE_UP}), S.ADOPTED, frozenset({Who.COMMITTEE}),
               (ELIGIBLE, ADOPTED), label="Mark adopted", signed="marked it adopted"),
    Transition("reopen", frozenset({S.DECLINED, S.WITHDRAWN, S.STOPPED}), S.DRAFT, frozenset({Who.ADMIN}),
               (given("reason", "Say why the idea is reopened."),), label="Reopen"),
)
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def relationships(idea: IdeaFacts, actor: ActorFacts) -> frozenset[Who]:
    """Every kind the actor counts as for this idea."""
    if actor.system:
        return frozenset({Who.SYSTEM})
    kinds = set()
    if actor.user_id == idea.submitter_id:
        kinds.add(Who.SUBMITTER)
    if actor.user_id in idea.co_author_ids:
        kinds.add(Who.CO_AUTHOR)
    if "mentor" in actor.roles:
        kinds.add(Who.ANY_MENTOR)
        if actor.user_id == idea.mentor_id:
            kinds.add(Who.ASSIGNED_MENTOR)
    if "committee" in actor.roles:
        kinds.add(Who.COMMITTEE)
    if "admin" in actor.roles:
        kinds.add(Who.ADMIN)
    return frozenset(kinds)


def transition_for(action: str, stage: Stage) -> Transition:
    """The row for this action from this stage; Invalid when there is none."""
    rows = [t for t in TRANSITIONS if t.action == action]
    if not rows:
        raise Invalid(f"There is no action called “{action}”.", field="action")
    for row in rows:
        if stage in row.sources:
            return row
    raise Invalid(f"“{rows[0].label}” is not possible while the idea is {Stage(stage).label.lower()}.",
                  field="action")


def _not_for(label: str, who: frozenset[Who], kinds: frozenset[Who]) -> Refusal | None:
    if not kinds & who:
        names = " or ".join(w.label for w in sorted(who, key=list(Who).index))
        return Forbidden(f"“{label}” is for {names} only.")
    return None


def _permission(row: Transition, idea: IdeaFacts, actor: ActorFacts) -> Refusal | None:
    kinds = relationships(idea, actor)
    if refusal := _not_for(row.label, row.who, kinds):
        return refusal
    if not row.who & TEAM and kinds & TEAM:
        return Forbidden(f"You cannot use “{row.label}” on an idea you submitted or co-wrote: "
                         "nobody reviews or decides their own idea.")
    # Who may act now (eligibility, the round, a safety hold) is answered before what is filled in.
    for precondition in row.preconditions:
        if precondition.gate and (refusal := precondition.test(idea, actor, {})):
            return refusal
    return None


def check(action: str, idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object] | None = None) -> Transition:
    """The transition to apply, or the first refusal raised: stage, who, what is missing, preconditions."""
    row = transition_for(action, idea.stage)
    inputs = inputs or {}
    if refusal := _permission(row, idea, actor):
        raise refusal
    for precondition in row.preconditions:
        if refusal := precondition.test(idea, actor, inputs):
            raise refusal
    return row


def available_actions(idea: IdeaFacts, actor: ActorFacts) -> list[Transition]:
    """The actions this actor may take now (the form may still ask for a reason or a missing field)."""
    return [row for row in TRANSITIONS if idea.stage in row.sources and _permission(row, idea, actor) is None]


# --- the safety hold (SPEC "Voting rounds"): a flag on the idea, not a stage --------------------------

@dataclass(frozen=True)
class HoldRule:
    """Who places or clears the safety hold, at which stages, on what preconditions."""

    action: str
    sources: frozenset[Stage]
    who: frozenset[Who]
    preconditions: tuple[Precondition, ...]
    label: str


def _on_hold(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    if not idea.safety_hold:
        return Conflict("The idea is not on safety hold: someone may have cleared it already. Nothing was saved.",
                        field="safety_hold")
    return None


def _stop_reason(idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> Refusal | None:
    text = inputs.get("reason")
    if not isinstance(text, str) or not text.strip():
        return Invalid("A safety hold names the stop rule that tripped: the measure, the rule and the point.",
                       field="reason")
    return None


# A stop rule trips on the pilot's data: while it runs, is reviewed, or spreads.
RUNNING = frozenset({Stage.PILOT, Stage.PILOT_REVIEW, Stage.SCALE_UP})
HOLD_RULES = {rule.action: rule for rule in (
    HoldRule("place_safety_hold", RUNNING, frozenset({Who.SYSTEM}),
             (Precondition("the stop rule that tripped", _stop_reason, input="reason"),), "Place on safety hold"),
    # A hold may outlast its stage (stopped, sent back for re-approval): the committee clears it at any stage.
    HoldRule("clear_safety_hold", frozenset(Stage), frozenset({Who.COMMITTEE}),
             (Precondition("the idea is on safety hold", _on_hold, gate=True), ELIGIBLE,
              given("reason", "Say why the hold can be cleared: what the committee reviewed and decided.")),
             "Clear the safety hold"),
)}


def hold_refusal(action: str, idea: IdeaFacts, actor: ActorFacts,
                 inputs: Mapping[str, object] | None = None) -> Refusal | None:
    """Why the hold may not change now, or None; without `inputs`, only who may and when (to offer the form)."""
    rule = HOLD_RULES[action]
    if idea.stage not in rule.sources:
        return Invalid(f"“{rule.label}” is not possible while the idea is {Stage(idea.stage).label.lower()}.",
                       field="action")
    if refusal := _not_for(rule.label, rule.who, relationships(idea, actor)):
        return refusal
    for precondition in rule.preconditions:
        if (inputs is not None or not precondition.input) and (refusal := precondition.test(idea, actor, inputs or {})):
            return refusal
    return None


def check_hold(action: str, idea: IdeaFacts, actor: ActorFacts, inputs: Mapping[str, object]) -> HoldRule:
    """The hold rule to apply, or the first refusal raised: stage, who, then its preconditions in order."""
    if refusal := hold_refusal(action, idea, actor, inputs):
        raise refusal
    return HOLD_RULES[action]


def can_edit(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """The submitter and co-authors edit the idea while it is a draft or back with them for revision."""
    return idea.stage in EDITABLE and bool(relationships(idea, actor) & TEAM)


def can_see(idea: IdeaFacts, actor: ActorFacts) -> bool:
    """SPEC "Visibility": whether the idea exists for this actor at all (`visibility.visible_ideas` in SQL)."""
    if actor.system or {"committee", "admin"} & actor.roles or idea.stage in SHOWCASE:
        return True
    if relationships(idea, actor) & TEAM or actor.user_id in idea.invited_ids:  # invited: to decide
        return True
    mentored = "mentor" in actor.roles and actor.user_id in idea.reviewer_ids | {idea.mentor_id}
    return mentored or in_queue(idea, actor)


# The team forms until the idea goes to the committee: later, an invitation can only be declined.
TEAM_FORMING = frozenset({Stage.DRAFT, Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.REVISION})


def check_answer(idea: IdeaFacts, actor: ActorFacts, accept: bool) -> None:
    """Raise the refusal when this actor may not accept (or decline) an invitation to co-author the idea."""
    if actor.user_id not in idea.invited_ids:
        raise Forbidden("You have no open invitation to co-author this idea.")
    if accept and "mentee" not in actor.roles:
        raise Forbidden("Only mentees can be co-authors; ask an administrator for the mentee role.")
    if accept and actor.user_id in idea.reviewer_ids | {idea.mentor_id}:
        raise Forbidden("You review this idea as its mentor, so you cannot also co-write it: decline instead.")
    if accept and idea.stage not in TEAM_FORMING:
        raise Invalid(f"The idea is {Stage(idea.stage).phrase}, so its team is settled: you can only decline.",
                      field="answer")


# An administrator may give an idea another mentor at any time it has one.
MENTORED = frozenset({Stage.MENTOR_REVIEW, Stage.REVISION, Stage.COMMITTEE_REVIEW, Stage.PILOT,
                      Stage.PILOT_REVIEW, Stage.SCALE_UP})


def check_mentor_change(idea: IdeaFacts, actor: ActorFacts, mentor_id: int | None, reason: str | None) -> None:
    """Raise the refusal when this actor may not make `mentor_id` the idea's mentor now."""
    if "admin" not in actor.roles:
        raise Forbidden("Only an administrator reassigns an idea's mentor.")
    if idea.stage not in MENTORED:
        raise Invalid(f"The idea is {Stage(idea.stage).label.lower()}: it has no mentor to replace.", field="mentor")
    if mentor_id is None:
        raise Invalid("Choose the new mentor.", field="mentor")
    if mentor_id == idea.mentor_id:
        raise Invalid("That mentor already has this idea; choose another.", field="mentor")
    if mentor_id == idea.submitter_id or mentor_id in idea.co_author_ids:
        raise Invalid("That mentor submitted or co-wrote this idea and cannot review it.", field="mentor")
    if refusal := given("reason", "Say why the mentor changes.").test(idea, actor, {"reason": reason}):
        raise refusal
