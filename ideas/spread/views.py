"""The scale-up page: target units and spread progress, adoption signed by the committee, sustainment checks."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ideas.database import db
from ideas.errors import Conflict, Refusal
from ideas.forms import options
from ideas.pilots.operations import hospital_today
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.pipeline.views import visible_idea
from ideas.pipeline.workflow import available_actions, unmet_preconditions
from ideas.review.queries import measures_of
from ideas.spread import operations as ops
from ideas.spread.access import CHECKS_OPEN, HAS_SPREAD, may_answer, may_spread
from ideas.spread.forms import AdoptForm, CheckForm, UnitForm
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.queries import active_people, checks_by_unit, spread_progress, target_units
from ideas.spread.rules import DUE_SOON_DAYS
from ideas.web import attempt

bp = Blueprint("spread", __name__, url_prefix="/ideas")


@bp.app_template_global()
def has_spread(idea: Idea) -> bool:
    """Whether the idea page links to the scale-up page (from scale-up on)."""
    return idea.stage in HAS_SPREAD


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _unit_form(unit: TargetUnit, people, posted: bool = False) -> UnitForm:
    data = None if posted else {
        "version": unit.version, "status": str(unit.status), "lead": str(unit.lead_id or ""),
        "planned_start": _iso(unit.planned_start), "started_on": _iso(unit.started_on),
        "adopted_on": _iso(unit.adopted_on or hospital_today()),
        "sustainment_owner": str(unit.sustainment_owner_id or ""), "notes": unit.notes,
        "adaptations": unit.adaptations}
    form = UnitForm(prefix=f"u{unit.id}") if posted else UnitForm(formdata=None, prefix=f"u{unit.id}", data=data)
    choices = [(person.id, person.name) for person in people]
    form.lead.choices = options("No one yet", choices)
    form.sustainment_owner.choices = options("No one yet", choices)
    return form


def _check_form(check: SustainmentCheck, measures, posted: bool = False) -> CheckForm:
    prefix = f"c{check.id}"
    form = CheckForm(prefix=prefix) if posted else CheckForm(formdata=None, prefix=prefix,
                                                              data={"version": check.version})
    form.measure.choices = options("No measurement", ((m.id, m.name) for m in measures))
    return form


def _answerable(idea: Idea, check: SustainmentCheck, owner_id: int | None, today: date) -> bool:
    return (idea.stage in CHECKS_OPEN and check.answered_at is None and may_answer(owner_id, actor_facts(current_user))
            and (check.due_on - today).days <= DUE_SOON_DAYS)


def _page(idea: Idea, status: int = 200, unit_forms: dict | None = None, check_forms: dict | None = None,
          adopt_form: AdoptForm | None = None):
    """The scale-up page; the `*_forms` hold a refused form (by row id), shown with its messages and input."""
    unit_forms, check_forms = unit_forms or {}, check_forms or {}
    facts, actor = idea_facts(idea), actor_facts(current_user)
    units, checks, today = target_units(idea.id), checks_by_unit(idea.id), hospital_today()
    editing = may_spread(facts, actor)
    people = active_people() if editing else []
    measures = measures_of(idea.id)
    rows = []
    for unit in units:
        unit_checks = [(check, check_forms.get(check.id) or (_check_form(check, measures) if _answerable(
            idea, check, unit.sustainment_owner_id, today) else None)) for check in checks.get(unit.id, [])]
        rows.append({"unit": unit, "checks": unit_checks,
                     "form": unit_forms.get(unit.id) or (_unit_form(unit, people) if editing else None)})
    adopt = next((row for row in available_actions(facts, actor) if row.action == "mark_adopted"), None)
    # What the rule table still refuses (no unit adopted, one without an owner) is said instead of the form;
    # a refused form (posted by someone the table does not offer it to) is shown with its message as before.
    not_yet = [refusal.message for refusal in unmet_preconditions(adopt, facts, actor)] if adopt else []
    if not_yet:
        adopt_form = None
    elif adopt:
        adopt_form = adopt_form or AdoptForm(formdata=None, data={"version": idea.version})
    return render_template("spread/page.html", idea=idea, rows=rows, progress=spread_progress(units),
                           editing=editing, not_yet=not_yet, adopt_form=adopt_form, today=today), status


@bp.get("/<int:idea_id>/scale-up")
@login_required
def page(idea_id: int):
    return _page(visible_idea(idea_id))


def _row(model, idea: Idea, row_id: int, what: str):
    """The idea's unit or check; one that is not (or no longer) the idea's is a conflict."""
    row = db.session.get(model, row_id)
    if row is None or row.idea_id != idea.id:
        raise Conflict(f"That {what} is not part of this idea's scale-up.")
    return row


def _fields(form) -> dict:
    return {name: form[name].data for name in form.data if name not in ("version", "csrf_token")}


def _stale(form, refusal: Refusal, row) -> None:
    if isinstance(refusal, Conflict):
        db.session.refresh(row)
        form.version.data = row.version  # warned: sending again applies it to the current values


def _save(idea: Idea, row, form, save, slot: str, message: str, anchor: str):
    """Save a unit or answer a check (`save(form)`): back to the row, or the page with the refused form."""
    if not form.validate_on_submit():
        return _page(idea, 422, **{slot: {row.id: form}})
    refusal = attempt(form, lambda: save(form))
    if refusal:
        _stale(form, refusal, row)
        return _page(idea, refusal.status, **{slot: {row.id: form}})
    flash(message, "success")
    return redirect(url_for("spread.page", idea_id=idea.id, _anchor=anchor))


@bp.post("/<int:idea_id>/scale-up/units/<int:target_unit_id>")
@login_required
def update_unit(idea_id: int, target_unit_id: int):
    idea = visible_idea(idea_id)
    unit = _row(TargetUnit, idea, target_unit_id, "unit")
    return _save(idea, unit, _unit_form(unit, active_people(), posted=True),
                 lambda form: ops.update_unit(idea, current_user, unit.id, _fields(form), form.version.data),
                 "unit_forms", f"{unit.unit.label} saved.", f"unit-{unit.id}")


@bp.post("/<int:idea_id>/sustainment/<int:check_id>")
@login_required
def answer_check(idea_id: int, check_id: int):
    idea = visible_idea(idea_id)
    check = _row(SustainmentCheck, idea, check_id, "sustainment check")
    return _save(idea, check, _check_form(check, measures_of(idea.id), posted=True),
                 lambda form: ops.answer_check(idea, current_user, check.id, _fields(form), form.version.data),
                 "check_forms", f"Day-{check.day} check answered. Thank you.", f"check-{check.id}")


@bp.post("/<int:idea_id>/scale-up/adopt")
@login_required
def mark_adopted(idea_id: int):
    """A committee member marks the idea adopted, signed with their password."""
    idea = visible_idea(idea_id)
    form = AdoptForm()
    if not form.validate_on_submit():
        return _page(idea, 422, adopt_form=form)
    refusal = attempt(form, lambda: apply_action(idea, current_user._get_current_object(), "mark_adopted",
                                                 form.version.data, password=form.password.data))
    if refusal:
        if isinstance(refusal, Conflict):
            form.version.data = idea.version
        return _page(idea, refusal.status, adopt_form=form)
    flash("The idea is adopted. The sustainment checks carry on.", "success")
    return redirect(url_for("pipeline.detail", idea_id=idea.id))
