"""The committee's pages: the agenda, an idea's review pack, votes, recusals and gate decisions."""
from dataclasses import dataclass

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required

from ideas.accounts.models import Role
from ideas.accounts.queries import active_users_with, all_sites
from ideas.audit.models import AuditEvent
from ideas.committee.forms import DecisionForm, RecusalForm, VoteForm
from ideas.committee.models import Condition, VotingRound
from ideas.committee.operations import cast_vote, decide, recuse
from ideas.committee.queries import (agenda, conditions_of, counted, frozen_plan, on_hold, recusals_of, round_deciders,
                                    rounds_of)
from ideas.committee.snapshot import changes_since_approval
from ideas.committee.tally import Tally
from ideas.extensions import htmx
from ideas.forms import options
from ideas.pilots.queries import results_of
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.views import visible_idea
from ideas.pipeline.workflow import (TRANSITIONS, ActorFacts, IdeaFacts, Transition, Who, available_actions, conflicts,
                                    unmet_preconditions)
from ideas.review.queries import hazards_of, measures_of, plan_of, review_facts, review_of, triage_answers
from ideas.review.rules import CRITERIA, TRIAGE
from ideas.settings import get_setting
from ideas.timeline.queries import sees_private_detail
from ideas.web import attempt, page_number, render

bp = Blueprint("committee", __name__, url_prefix="/committee")
PER_PAGE, HOME_LENGTH = 50, 5
DECISIONS = ("approve_pilot", "approve_scale_up", "decline", "extend_pilot", "stop", "return_to_mentor")
APPROVALS = ("approve_pilot", "approve_scale_up", "decline")  # decided by the round's votes
# What each action that closes a round decided, in the words of the committee's minutes.
OUTCOMES = {"approve_pilot": "Pilot approved", "decline": "Declined", "return_to_mentor": "Returned to the mentor",
            "approve_scale_up": "Scale-up approved", "extend_pilot": "Pilot extended", "stop": "Stopped",
            "withdraw": "Withdrawn by its submitter"}


def _committee_or_admin() -> None:
    """Committee members and administrators use these pages; other roles get 403."""
    if not current_user.has_role(Role.COMMITTEE, Role.ADMIN):
        abort(403)


def _pack_idea(idea_id: int) -> Idea:
    """404 for an idea the user may not see (no existence leak), then 403 for roles without the pack."""
    idea = visible_idea(idea_id)
    _committee_or_admin()
    return idea


# --- the agenda -------------------------------------------------------------------------------------

@bp.get("/agenda")
@login_required
def agenda_page():
    _committee_or_admin()
    return render("committee/agenda.html", "committee/_agenda.html",
                  agenda=agenda(page_number(), PER_PAGE))


@bp.app_template_global()
def agenda_preview():
    """The first items of the agenda, for the committee's card on the home page."""
    return agenda(1, HOME_LENGTH)


@bp.app_template_global()
def ideas_on_hold() -> dict:
    """The ideas a stop rule put on safety hold, for the committee's card on the home page."""
    return on_hold(HOME_LENGTH)


# --- rounds, as the review pack and the idea page tell them -----------------------------------------

@dataclass(frozen=True)
class RoundStory:
    round: VotingRound
    tally: Tally  # recused members' votes left out
    decider: AuditEvent | None  # the transition that closed it
    conditions: tuple[Condition, ...] = ()  # set by its approval (the pack's record; the idea page tracks them)

    @property
    def outcome(self) -> str:
        return OUTCOMES.get(self.round.outcome or "", (self.round.outcome or "").replace("_", " ").capitalize())


def _stories(idea: Idea, rounds: list[VotingRound], recused: frozenset[int],
             conditions: list[Condition] = ()) -> list[RoundStory]:
    """The idea's rounds, newest first, each with its tally, who closed it and the conditions it set."""
    quorum, deciders = get_setting("quorum"), round_deciders(idea.id)
    return [RoundStory(r, counted(r.votes, recused, quorum), deciders.get(r.id),
                       tuple(c for c in conditions if c.round_id == r.id)) for r in rounds]


@bp.app_template_global()
def committee_story(idea: Idea) -> dict | None:
    """For the idea page: its rounds and decisions (nothing before its first round); who voted what
    only for committee and admin."""
    rounds = rounds_of(idea.id)
    if not rounds:
        return None
    recused = frozenset(r.member_id for r in recusals_of(idea.id))
    return {"rounds": _stories(idea, rounds, recused), "private": sees_private_detail(current_user),
            "recused": recused, "pack": current_user.has_role(Role.COMMITTEE, Role.ADMIN)}


# --- the review pack --------------------------------------------------------------------------------

def _owners(idea: Idea) -> list:
    """Who may own a condition: the idea's team, its mentor and the active committee members."""
    people = {idea.submitter.id: f"{idea.submitter.name} (submitter)"}
    for user in idea.co_authors:
        people.setdefault(user.id, f"{user.name} (co-author)")
    if idea.mentor:
        people.setdefault(idea.mentor.id, f"{idea.mentor.name} (mentor)")
    for user in active_users_with(Role.COMMITTEE):
        people.setdefault(user.id, f"{user.name} (committee)")
    return options("Choose who owns it", people.items())


def _decision_row(action: str) -> Transition:
    return next(t for t in TRANSITIONS if t.action == action and Who.COMMITTEE in t.who)


def _decisions(idea: Idea, facts: IdeaFacts, actor: ActorFacts,
               posted: DecisionForm | None) -> list[tuple[Transition, DecisionForm, bool]]:
    """The decision forms to show: those the member may take now, and the one just posted even if it is gone."""
    offered = {t.action: t for t in available_actions(facts, actor) if t.action in DECISIONS}
    posted_action = posted.action if posted is not None else None
    owners = _owners(idea) if "approve_pilot" in offered or posted_action == "approve_pilot" else []
    units = _target_unit_choices() if "approve_scale_up" in offered or posted_action == "approve_scale_up" else {}
    shown = []
    for action in DECISIONS:
        if action != posted_action and action not in offered:
            continue
        form = posted if action == posted_action else DecisionForm(formdata=None, prefix=action,
                                                                   data={"version": idea.version})
        form.set_owners(owners)
        form.target_units.choices = units
        shown.append((offered.get(action) or _decision_row(action), form, action in offered))
    return shown


def _target_unit_choices() -> dict[str, list[tuple[str, str]]]:
    """Every unit, grouped by its site, for approve_scale_up's multi-select."""
    return {site.name: [(str(unit.id), unit.name) for unit in site.units] for site in all_sites() if site.units}


def _not_yet(facts: IdeaFacts, actor: ActorFacts, shown: list) -> list[str]:
    """Why no decision the votes decide is possible yet (quorum, majority, a hold), for an eligible member."""
    if any(row.action in APPROVALS and possible for row, _, possible in shown):
        return []
    rows = [t for t in TRANSITIONS if t.action in APPROVALS and facts.stage in t.sources
            and Who.COMMITTEE in t.who]
    return list(dict.fromkeys(r.message for row in rows for r in unmet_preconditions(row, facts, actor)))


def _pack_context(idea: Idea, vote_form=None, recusal_form=None, decision=None, done=None) -> dict:
    facts, actor = idea_facts(idea), actor_facts(current_user)
    recusals, review_row = recusals_of(idea.id), review_of(idea.id)
    recused = frozenset(r.member_id for r in recusals)
    stories = _stories(idea, rounds_of(idea.id), recused, conditions_of(idea.id))
    current = next((s for s in stories if s.round.closed_at is None), None)
    member = current_user.has_role(Role.COMMITTEE)
    shown = _decisions(idea, facts, actor, decision) if member else []
    conflict = conflicts(facts, actor) if member else []
    return {
        "idea": idea, "current": current, "earlier": [s for s in stories if s is not current],
        "recusals": recusals, "member": member, "conflict": " and ".join(conflict),
        "mine": next((v for v in current.round.votes if v.member_id == current_user.id), None) if current else None,
        "recused": recused, "private": True,
        "vote_form": vote_form or VoteForm(formdata=None), "recusal_form": recusal_form or RecusalForm(formdata=None),
        "decisions": shown, "not_yet": _not_yet(facts, actor, shown) if member and not conflict else [],
        "opened": request.args.get("decide") or (decision.action if decision else None),
        "done": done,
        # the pack itself: the idea's review, safety assessment, triage and pilot plan
        "review": review_facts(idea.id), "review_row": review_row, "hazards": hazards_of(idea.id),
        "may_review": False, "criteria": CRITERIA, "triage": TRIAGE, "answers": triage_answers(review_row),
        "plan": plan_of(idea.id), "measures": measures_of(idea.id), "results": results_of(idea.id),
        "approved": frozen_plan(idea.id), "changes": changes_since_approval(idea),
    }


def _pack_page(idea: Idea, status: int = 200, **forms):
    """The pack, or only its round panel for an htmx form."""
    return render("committee/pack.html", "committee/_round.html", **_pack_context(idea, **forms)), status


def _saved(idea: Idea, message: str):
    """After a vote or a recusal: the refreshed panel for htmx, else post/redirect/get."""
    if htmx:
        return _pack_page(idea, done=message)
    flash(message, "success")
    return redirect(url_for("committee.pack", idea_id=idea.id, _anchor="round-panel"))


@bp.get("/ideas/<int:idea_id>")
@login_required
def pack(idea_id: int):
    return _pack_page(_pack_idea(idea_id))


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    idea = _pack_idea(idea_id)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    member = current_user._get_current_object()
    refusal = attempt(form, lambda: cast_vote(idea, member, form.vote.data, form.comment.data, form.password.data))
    if refusal:
        return _pack_page(idea, refusal.status, vote_form=form)
    return _saved(idea, "Your vote is signed and recorded.")


@bp.post("/ideas/<int:idea_id>/recuse")
@login_required
def recusal(idea_id: int):
    idea = _pack_idea(idea_id)
    form = RecusalForm()
    if not form.validate_on_submit():
        abort(400)
    refusal = attempt(form, lambda: recuse(idea, current_user._get_current_object(), form.reason.data))
    if refusal:
        return _pack_page(idea, refusal.status, recusal_form=form)
    return _saved(idea, "Your conflict of interest is recorded. You no longer vote or decide on this idea.")


@bp.post("/ideas/<int:idea_id>/decisions/<action>")
@login_required
def decision(idea_id: int, action: str):
    """A committee decision (signed, but return_to_mentor), from the pack; then the idea page."""
    if action not in DECISIONS:
        abort(404)
    idea = _pack_idea(idea_id)
    form = DecisionForm(prefix=action)
    if not form.validate_on_submit():
        abort(400)
    form.compact()
    signed_reason = {"password": form.password.data, "reason": form.reason.data}
    inputs = {"approve_pilot": {"password": form.password.data, "risk_acceptance": form.risk_acceptance.data,
                                "conditions": form.condition_rows()},
              "approve_scale_up": {"password": form.password.data, "target_units": form.target_units.data},
              "decline": signed_reason, "extend_pilot": signed_reason, "stop": signed_reason,
              "return_to_mentor": {"reason": form.reason.data}}[action]
    member = current_user._get_current_object()
    refusal = attempt(form, lambda: decide(idea, member, action, form.version.data, **inputs))
    if refusal:
        form.version.data = idea.version  # after a conflict they have been warned: the next try may go ahead
        return _pack_page(idea, refusal.status, decision=form)
    flash(f"Done: {OUTCOMES[action].lower()}. The idea is now {idea.stage.phrase}.", "success")
    target = url_for("pipeline.detail", idea_id=idea.id)
    if htmx:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
