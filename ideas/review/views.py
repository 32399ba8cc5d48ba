"""The mentor's side: the queue, the review pages (feasibility, safety, triage, pilot plan), recommend."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ideas.accounts.models import Role
from ideas.accounts.queries import all_sites
from ideas.database import db
from ideas.errors import Conflict, Refusal
from ideas.extensions import htmx
from ideas.forms import unit_choices
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.operations import apply_action
from ideas.pipeline.views import visible_idea
from ideas.pipeline.workflow import FROZEN, Stage, available_actions, transition_for, unmet_preconditions
from ideas.review import operations as ops
from ideas.review.access import may_plan, may_review
from ideas.review.forms import (
    FeasibilityForm,
    HazardForm,
    MeasureForm,
    PlanForm,
    StatementForm,
    TriageForm,
    field_ids,
)
from ideas.review.models import Hazard, Measure
from ideas.review.queue import QUEUE_LENGTH, mentor_queue
from ideas.review.queries import (
    feasibility_complete,
    hazards_of,
    measures_of,
    plan_of,
    review_facts,
    review_of,
    triage_answers,
)
from ideas.review.risk import LIKELIHOOD, band, matrix, risk_score
from ideas.review.rules import (
    CRITERIA,
    FEASIBILITY_NEEDED,
    PLAN_NEEDED,
    REFERRAL_NEEDED,
    RUBRIC,
    TRIAGE,
    TRIAGE_NEEDED,
)
from ideas.web import attempt, form_status, number_arg, render, role_required

bp = Blueprint("review", __name__, url_prefix="/review")
SECTIONS = {"feasibility": "Feasibility", "safety": "Safety", "triage": "QI or research", "plan": "Pilot plan"}


mentor_required = role_required(Role.MENTOR)


@bp.get("/queue")
@mentor_required
def queue():
    return render_template("review/queue.html", queue=mentor_queue(current_user), limit=QUEUE_LENGTH)


@bp.post("/<int:idea_id>/claim")
@login_required
def claim(idea_id: int):
    """Start the review (the workflow's start_review), then open it; 404 first for a hidden idea, then 403."""
    idea = visible_idea(idea_id)
    if not current_user.has_role(Role.MENTOR):
        abort(403)
    apply_action(idea, current_user, "start_review", request.form.get("version"))
    db.session.commit()
    flash("The review is yours. It saves as a draft until you recommend, request changes or decline.", "success")
    return redirect(url_for("review.feasibility", idea_id=idea.id))


def summary(idea) -> dict:
    """What the idea page and the review pages show about the review: band, completeness, who may edit."""
    facts, actor = idea_facts(idea), actor_facts(current_user)
    review = review_facts(idea.id)
    row = next((t for t in available_actions(facts, actor) if t.action == "recommend"), None)
    unmet = unmet_preconditions(row or transition_for("recommend", Stage.MENTOR_REVIEW), facts, actor)
    return {"review": review, "may_review": may_review(facts, actor), "may_plan": may_plan(facts, actor),
            "actions": [t for t in available_actions(facts, actor) if t.action in ("recommend", "request_changes",
                                                                                  "decline")],
            "recommend": row, "unmet": unmet, "sections": SECTIONS, "running": idea.stage in FROZEN}


@bp.app_template_global()
def review_summary(idea) -> dict | None:
    """For templates/review/_summary.html on the idea page: nothing before a mentor has claimed the idea."""
    if idea.mentor_id is None:
        return None
    return summary(idea)


def _page(template: str, idea, status: int = 200, **context):
    return render_template(template, idea=idea, section=template.split("/")[-1].removesuffix(".html"),
                           **summary(idea), **context), status


def _saved(endpoint: str, idea, message: str = "Saved as a draft.", anchor: str | None = None):
    if idea.stage == Stage.COMMITTEE_REVIEW:  # only a re-approval moves an idea there on a save
        message = "Saved. The approved plan changed, so the idea went back to the committee for re-approval."
        endpoint, anchor = "pipeline.detail", None
    flash(message, "success")
    return redirect(url_for(endpoint, idea_id=idea.id, _anchor=anchor))


def _mark_needed(form, idea, names) -> None:
    """Mark the fields recommend refuses without (the committee's re-approval checks them again)."""
    form.mark_needed(names, "before the changed plan can be approved again" if idea.stage in FROZEN
                     else "before the idea can be recommended")


def _fields(form) -> dict:
    return {name: form[name].data for name in form.data if name not in ("version", "csrf_token")}


def _stale(form, refusal: Refusal, row) -> None:
    if isinstance(refusal, Conflict):
        form.version.data = _version_of(row)  # warned: the next save may overwrite


@bp.route("/<int:idea_id>/feasibility", methods=["GET", "POST"])
@login_required
def feasibility(idea_id: int):
    idea = visible_idea(idea_id)
    review = review_of(idea.id)
    data = None
    if request.method == "GET":
        data = {"version": _version_of(review)}
        if review:
            data.update({f"{kind}_{c}": getattr(review, f"{kind}_{c}") for c in CRITERIA for kind in ("score", "note")})
            data.update(overall=str(review.overall or ""), overall_note=review.overall_note)
    form = FeasibilityForm(data=data)
    _mark_needed(form, idea, FEASIBILITY_NEEDED)
    status = 200
    if form.validate_on_submit():
        refusal = attempt(form, lambda: ops.save_feasibility(idea, current_user, _fields(form), form.version.data))
        if refusal is None:
            return _saved("review.feasibility", idea)
        _stale(form, refusal, review)
        status = refusal.status
    elif form.is_submitted():
        status = 422
    return _page("review/feasibility.html", idea, status, form=form, criteria=CRITERIA, rubric=RUBRIC,
                 complete=feasibility_complete(review))


# --- safety -------------------------------------------------------------------------------------

def _safety_context(idea, hazard_form=None, statement_form=None, edit_form=None, editing=None) -> dict:
    review = review_of(idea.id)
    hazards = hazards_of(idea.id)
    statement_form = statement_form or StatementForm(
        data={"version": _version_of(review), "no_hazards": bool(review and review.no_hazards)})
    return {"hazards": hazards, "review_row": review, "hazard_form": hazard_form or HazardForm(formdata=None),
            "statement_form": statement_form, "edit_form": edit_form, "editing": editing,
            "version": _version_of(review), "matrix": matrix(), "likelihood": LIKELIHOOD}


@bp.get("/<int:idea_id>/safety")
@login_required
def safety(idea_id: int):
    idea = visible_idea(idea_id)
    return _page("review/safety.html", idea, **_safety_context(idea))


def _safety_saved(idea):
    """After a save: the safety body for htmx, a redirect for a plain form, the idea page after a re-approval."""
    if idea.stage == Stage.COMMITTEE_REVIEW or not htmx:
        return _after_save(idea, "review.safety", "Saved as a draft.")
    return _safety_answer(idea)


def _after_save(idea, endpoint: str, message: str, anchor: str | None = None):
    """A redirect after a save (htmx follows it through HX-Redirect)."""
    response = _saved(endpoint, idea, message, anchor)
    return ("", 200, {"HX-Redirect": response.location}) if htmx else response


def _safety_answer(idea, status: int = 200, **forms):
    """The safety body for an htmx swap, the whole page otherwise."""
    context = {"idea": idea, **summary(idea), **_safety_context(idea, **forms)}
    return render("review/safety.html", "review/_safety_body.html", section="safety", oob=bool(htmx),
                  **context), status


@bp.post("/<int:idea_id>/safety/statement")
@login_required
def statement(idea_id: int):
    idea = visible_idea(idea_id)
    form = StatementForm()
    if not form.validate_on_submit():
        return _safety_answer(idea, 422, statement_form=form)
    refusal = attempt(form, lambda: ops.save_safety_statement(idea, current_user, form.no_hazards.data,
                                                              form.version.data))
    if refusal:
        _stale(form, refusal, review_of(idea.id))
        return _safety_answer(idea, refusal.status, statement_form=form)
    return _safety_saved(idea)


@bp.post("/<int:idea_id>/hazards")
@login_required
def add_hazard(idea_id: int):
    idea = visible_idea(idea_id)
    form = HazardForm()
    if not form.validate_on_submit():
        return _safety_answer(idea, 422, hazard_form=form)
    refusal = attempt(form, lambda: ops.add_hazard(idea, current_user, _fields(form)))
    if refusal:
        return _safety_answer(idea, refusal.status, hazard_form=form)
    return _safety_saved(idea)


@bp.post("/<int:idea_id>/hazards/<int:hazard_id>/remove")
@login_required
def remove_hazard(idea_id: int, hazard_id: int):
    idea = visible_idea(idea_id)
    if not HazardForm().validate_on_submit():
        abort(400)
    ops.remove_hazard(idea, current_user, hazard_id)  # a refusal answers its own page and status
    db.session.commit()
    return _safety_saved(idea)


@bp.route("/<int:idea_id>/hazards/<int:hazard_id>/edit", methods=["GET", "POST"])
@login_required
def edit_hazard(idea_id: int, hazard_id: int):
    """A hazard's form in place of its row; saving swaps the safety assessment back."""
    return _in_place(visible_idea(idea_id), hazard_id, IN_PLACE["hazard"])


@bp.get("/risk")
@login_required
def risk():
    """The score and band of a severity and likelihood, as the mentor chooses them."""
    severity, likelihood = number_arg("severity", 5), number_arg("likelihood", 5)
    score = risk_score(severity, likelihood) if severity and likelihood else None
    return render_template("review/_risk.html", score=score, band=band(score) if score else None)


# --- triage ---------------------------------------------------------------------------------------

@bp.route("/<int:idea_id>/triage", methods=["GET", "POST"])
@login_required
def triage(idea_id: int):
    idea = visible_idea(idea_id)
    review = review_of(idea.id)
    data = None
    if request.method == "GET":
        answers = {f"triage_{n}": {True: "yes", False: "no"}.get(v) for n, v in triage_answers(review).items()}
        data = {"version": _version_of(review), **answers,
                "ethics_reference": review.ethics_reference if review else "",
                "ethics_referred_on": review.ethics_referred_on.isoformat() if review and review.ethics_referred_on
                else ""}
    form = TriageForm(data=data)
    _mark_needed(form, idea, TRIAGE_NEEDED + (REFERRAL_NEEDED if review_facts(idea.id).research else ()))
    status = 200
    if form.validate_on_submit():
        refusal = attempt(form, lambda: ops.save_triage(idea, current_user, _fields(form), form.version.data))
        if refusal is None:
            return _saved("review.triage", idea)
        _stale(form, refusal, review)
        status = refusal.status
    elif form.is_submitted():
        status = 422
    return _page("review/triage.html", idea, status, form=form, questions=TRIAGE)


# --- pilot plan -----------------------------------------------------------------------------------

def _plan_form(idea, plan, posted: bool) -> PlanForm:
    """The plan form, from the request when it was the form posted, else from the plan."""
    if posted:
        form = PlanForm()
    else:
        data = {"version": _version_of(plan)}
        if plan:
            data.update(aim=plan.aim, data_collection=plan.data_collection, estimated_impact=plan.estimated_impact,
                        units=[str(u.id) for u in plan.units],
                        planned_start=plan.planned_start.isoformat() if plan.planned_start else "",
                        planned_end=plan.planned_end.isoformat() if plan.planned_end else "")
        form = PlanForm(formdata=None, data=data)
    form.units.choices = unit_choices(all_sites(), "")[1:]
    _mark_needed(form, idea, [name for names in PLAN_NEEDED.values() for name in names])
    return form


def _plan_page(idea, plan, form, measure_form=None, status: int = 200, edit_form=None, editing=None):
    return _page("review/plan.html", idea, status, form=form, measures=measures_of(idea.id),
                 measure_form=measure_form or MeasureForm(formdata=None), plan=plan, edit_form=edit_form,
                 editing=editing, version=_version_of(plan))


@bp.route("/<int:idea_id>/plan", methods=["GET", "POST"])
@login_required
def plan(idea_id: int):
    idea = visible_idea(idea_id)
    current = plan_of(idea.id)
    form = _plan_form(idea, current, posted=request.method == "POST")
    if form.validate_on_submit():
        refusal = attempt(form, lambda: ops.save_plan(idea, current_user, _fields(form), form.version.data))
        if refusal is None:
            return _saved("review.plan", idea)
        _stale(form, refusal, current)
        return _plan_page(idea, current, form, status=refusal.status)
    return _plan_page(idea, current, form, status=form_status(form))


@bp.post("/<int:idea_id>/measures")
@login_required
def add_measure(idea_id: int):
    idea = visible_idea(idea_id)
    form = MeasureForm()
    refusal = attempt(form, lambda: ops.add_measure(idea, current_user, _fields(form))) if form.validate_on_submit() \
        else form.refusal()
    if refusal:
        current = plan_of(idea.id)
        return _plan_page(idea, current, _plan_form(idea, current, posted=False), form, refusal.status)
    return _saved("review.plan", idea, "Measure added.", "measures")


@bp.post("/<int:idea_id>/measures/<int:measure_id>/remove")
@login_required
def remove_measure(idea_id: int, measure_id: int):
    idea = visible_idea(idea_id)
    if not MeasureForm().validate_on_submit():
        abort(400)
    ops.remove_measure(idea, current_user, measure_id)
    db.session.commit()
    return _saved("review.plan", idea, "Measure removed.", "measures")


@bp.route("/<int:idea_id>/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit_measure(idea_id: int, measure_id: int):
    """A measure's form in place of its row; saving swaps the measures back."""
    return _in_place(visible_idea(idea_id), measure_id, IN_PLACE["measure"])


def _measures_saved(idea):
    """After a save: the measures for htmx, a redirect for a plain form, the idea page after a re-approval."""
    if idea.stage == Stage.COMMITTEE_REVIEW or not htmx:
        return _after_save(idea, "review.plan", "Measure saved.", "measures")
    return _measures_answer(idea)


def _measures_answer(idea, status: int = 200, edit_form=None, editing=None):
    """The measures table for an htmx swap (the plan form's version comes along), the plan page otherwise."""
    current = plan_of(idea.id)
    if not htmx:
        return _plan_page(idea, current, _plan_form(idea, current, posted=False), status=status, edit_form=edit_form,
                          editing=editing)
    return render_template("review/_measures_body.html", idea=idea, **summary(idea), measures=measures_of(idea.id),
                           form=_plan_form(idea, current, posted=False), edit_form=edit_form, editing=editing,
                           version=_version_of(current), oob=True), status


# --- editing a hazard or a measure in place --------------------------------------------------------

@dataclass(frozen=True)
class InPlace:
    """How a hazard or a measure is edited in place, under its review's or plan's version."""

    kind: str
    model: type
    may: Callable  # who may change it (the access rule)
    form: type
    shown: Callable  # its stored values as the form shows them
    parent: Callable  # the review or plan of an idea id, whose version guards it
    update: Callable  # the operation
    answer: Callable  # its section for htmx, its page otherwise, with the row open
    saved: Callable  # what answers a save


def _in_place(idea, part_id: int, how: InPlace):
    """GET: the form in place of the row (htmx) or on the page; POST: save it and show the section again."""
    if request.method == "GET":
        part = db.session.get(how.model, part_id)
        if part is None or part.idea_id != idea.id:
            abort(404)
        if not how.may(idea_facts(idea), actor_facts(current_user)):
            abort(403)
        version = number_arg("version", minimum=0)  # the page's, so the page's other forms stay current
        version = _version_of(how.parent(idea.id)) if version is None else version
        form = field_ids(how.form(formdata=None, data={"version": version, **how.shown(part)}),
                         f"{how.kind}-{part_id}")
        if htmx:
            return render_template("review/_edit_row.html", idea=idea, **summary(idea), edit_form=form, part=part,
                                   kind=how.kind)
        return how.answer(idea, edit_form=form, editing=part_id)
    form = field_ids(how.form(), f"{how.kind}-{part_id}")
    refusal = attempt(form, lambda: how.update(idea, current_user, part_id, _fields(form), form.version.data)) \
        if form.validate_on_submit() else form.refusal()
    if refusal:
        _stale(form, refusal, how.parent(idea.id))
        return how.answer(idea, refusal.status, edit_form=form, editing=part_id)
    return how.saved(idea)


def _version_of(row) -> int:
    """A review's or plan's version, as its forms carry it (0 before the first save)."""
    return row.version if row is not None else 0


def _measure_data(measure: Measure) -> dict:
    """A measure's stored values as its form shows them (numbers without a lossy rounding)."""
    def shown(value: float | None) -> str:
        return "" if value is None else f"{value:.0f}" if value.is_integer() else repr(value)

    return {"kind": str(measure.kind), "name": measure.name, "definition": measure.definition,
            "unit_of_measure": measure.unit_of_measure, "direction": str(measure.direction),
            "baseline": shown(measure.baseline), "target": shown(measure.target), "proportion": measure.proportion,
            "stop_threshold": shown(measure.stop_threshold), "stop_direction": str(measure.stop_direction or ""),
            "stop_on_signal": measure.stop_on_signal}


def _hazard_data(hazard: Hazard) -> dict:
    """A hazard's stored values as its form shows them."""
    return {"description": hazard.description, "severity": str(hazard.severity), "likelihood": str(hazard.likelihood),
            "mitigation": hazard.mitigation, "owner": hazard.owner}


IN_PLACE = {
    "hazard": InPlace("hazard", Hazard, may_review, HazardForm, _hazard_data, review_of, ops.update_hazard,
                      _safety_answer, _safety_saved),
    "measure": InPlace("measure", Measure, may_plan, MeasureForm, _measure_data, plan_of, ops.update_measure,
                       _measures_answer, _measures_saved),
}
