"""The running pilot's records: the pilot page, PDSA cycles, observations added inline or by CSV."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ideas.database import db
from ideas.errors import Conflict, Refusal
from ideas.extensions import htmx
from ideas.pilots import operations as ops
from ideas.pilots.access import HAS_PILOT, is_pilot_team, may_record
from ideas.pilots.completion import complete_pilot
from ideas.pilots.csv_upload import MAX_BYTES, MAX_ROWS, UploadRefused, expected_header
from ideas.pilots.forms import CompletionForm, CorrectionForm, ObservationForm, PdsaForm, RemovalForm, UploadForm
from ideas.pilots.listing import LATEST, cycles_of, latest_observations, observation_counts
from ideas.pilots.models import Observation, PdsaCycle
from ideas.pilots.queries import results_of
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.views import visible_idea
from ideas.review.models import Measure
from ideas.pipeline.workflow import Stage, transition_for, unmet_preconditions
from ideas.review.queries import measures_of, plan_of
from ideas.web import attempt, form_status, number_arg

bp = Blueprint("pilots", __name__, url_prefix="/ideas")


def _measure(idea: Idea, measure_id: int) -> Measure:
    """The idea's measure; one that is not (or no longer) in its plan is a conflict, as a removed row is."""
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.idea_id != idea.id:
        raise Conflict("That measure is not in this idea's pilot plan (someone may have removed it).")
    return measure


def _shown_in_full() -> int | None:
    """The measure whose observations are all listed (`?all=<id>`); anything else lists the latest only."""
    return number_arg("all")


def _recording(idea: Idea) -> bool:
    return may_record(idea_facts(idea), actor_facts(current_user))


def _add_form(measure: Measure, posted: bool = False) -> ObservationForm:
    prefix = f"m{measure.id}"
    if posted:
        return ObservationForm(prefix=prefix)
    return ObservationForm(formdata=None, prefix=prefix, data={"observed_on": ops.hospital_today().isoformat()})


def _measure_context(measure: Measure, observations: list, count: int, **forms) -> dict:
    return {"measure": measure, "observations": observations, "count": count,
            "add_form": forms.get("add_form") or _add_form(measure),
            "upload_form": forms.get("upload_form") or UploadForm(formdata=None, prefix=f"u{measure.id}"),
            "problems": forms.get("problems", []), "header": ",".join(expected_header(measure.proportion)),
            "showing_all": _shown_in_full() == measure.id}


def _completion(idea: Idea, form: CompletionForm | None) -> dict:
    """The completion form for the pilot team while the pilot runs, with what still stands in its way."""
    facts, actor = idea_facts(idea), actor_facts(current_user)
    completing = idea.stage == Stage.PILOT and is_pilot_team(facts, actor)
    blocked = [r.message for r in unmet_preconditions(transition_for("complete_pilot", Stage.PILOT), facts, actor)
               ] if completing else []
    return {"may_complete": completing, "blocked": blocked, "results": results_of(idea.id), "plan": plan_of(idea.id),
            "completion": form or CompletionForm(formdata=None, data={"version": idea.version})}


def _page(idea: Idea, status: int = 200, measure_forms: dict | None = None, completion: CompletionForm | None = None):
    """The pilot page; `measure_forms` holds a refused form of one measure (by id), shown with its messages."""
    measure_forms = measure_forms or {}
    every_of = _shown_in_full()
    observations, counts = latest_observations(idea.id, every_of), observation_counts(idea.id)
    sections = [_measure_context(m, observations.get(m.id, []), counts.get(m.id, 0),
                                 **measure_forms.get(m.id, {})) for m in measures_of(idea.id)]
    return render_template("pilots/page.html", idea=idea, cycles=cycles_of(idea.id), sections=sections,
                           may_record=_recording(idea), has_pilot=has_pilot(idea), latest=LATEST,
                           max_rows=MAX_ROWS, **_completion(idea, completion)), status


@bp.app_template_global()
def has_pilot(idea: Idea) -> bool:
    """Whether the idea page links to the pilot records (from pilot onward)."""
    return idea.stage in HAS_PILOT


@bp.get("/<int:idea_id>/pilot")
@login_required
def page(idea_id: int):
    return _page(visible_idea(idea_id))


@bp.post("/<int:idea_id>/pilot/complete")
@login_required
def complete(idea_id: int):
    """The pilot team completes the pilot; a refusal comes back on the form, the text kept."""
    idea = visible_idea(idea_id)
    form = CompletionForm()
    if not form.validate_on_submit():
        return _page(idea, 422, completion=form)
    fields = {name: form[name].data for name in ("summary", "recommendation", "impact")}
    refusal = attempt(form, lambda: complete_pilot(idea, current_user._get_current_object(), fields,
                                                   form.version.data))
    if refusal:
        if isinstance(refusal, Conflict):
            form.version.data = idea.version  # warned: completing again applies to the idea as it is now
        return _page(idea, refusal.status, completion=form)
    flash("Pilot completed: the committee reviews the results next.", "success")
    return redirect(url_for("pipeline.detail", idea_id=idea.id))


# --- PDSA cycles -----------------------------------------------------------------------------------

def _fields(form) -> dict:
    return {name: form[name].data for name in form.data if name not in ("version", "csrf_token")}


def _cycle_page(idea: Idea, form: PdsaForm, cycle: PdsaCycle | None, status: int):
    return render_template("pilots/cycle.html", idea=idea, form=form, cycle=cycle), status


@bp.route("/<int:idea_id>/pilot/cycles/new", methods=["GET", "POST"])
@login_required
def new_cycle(idea_id: int):
    idea = visible_idea(idea_id)
    form = PdsaForm()
    if form.validate_on_submit():
        if attempt(form, lambda: ops.record_pdsa(idea, current_user, _fields(form))) is None:
            flash("PDSA cycle recorded.", "success")
            return redirect(url_for("pilots.page", idea_id=idea.id, _anchor="cycles"))
    return _cycle_page(idea, form, None, form_status(form))


@bp.route("/<int:idea_id>/pilot/cycles/<int:cycle_id>", methods=["GET", "POST"])
@login_required
def edit_cycle(idea_id: int, cycle_id: int):
    idea = visible_idea(idea_id)
    cycle = db.session.get(PdsaCycle, cycle_id)
    if cycle is None or cycle.idea_id != idea.id:
        if request.method == "POST":
            raise Conflict("That PDSA cycle is not in this pilot (someone may have removed it).")
        abort(404)
    data = None
    if request.method == "GET":
        data = {name: getattr(cycle, name) or "" for name in ops.PDSA_FIELDS} | {"version": cycle.version}
        data.update(started_on=cycle.started_on.isoformat(),
                    ended_on=cycle.ended_on.isoformat() if cycle.ended_on else "")
    form = PdsaForm(data=data)
    status = form_status(form)
    if form.validate_on_submit():
        refusal = attempt(form, lambda: ops.update_pdsa(idea, current_user, cycle.id, _fields(form),
                                                        form.version.data))
        if refusal is None:
            flash("PDSA cycle saved.", "success")
            return redirect(url_for("pilots.page", idea_id=idea.id, _anchor=f"cycle-{cycle.id}"))
        status = refusal.status
        if isinstance(refusal, Conflict):
            db.session.refresh(cycle)
            form.version.data = cycle.version  # warned: saving again overwrites the other change
    return _cycle_page(idea, form, cycle, status)


# --- observations ----------------------------------------------------------------------------------

def _measure_answer(idea: Idea, measure: Measure, status: int = 200, **forms):
    """The measure's section for an htmx swap (a fresh add row, focused), the whole page otherwise."""
    if htmx:
        observations = latest_observations(idea.id, _shown_in_full()).get(measure.id, [])
        count = observation_counts(idea.id).get(measure.id, 0)
        context = _measure_context(measure, observations, count, **forms)
        return render_template("pilots/_measure.html", idea=idea, may_record=_recording(idea), latest=LATEST,
                               max_rows=MAX_ROWS, focus=True, **context), status
    return _page(idea, status, {measure.id: forms})


@bp.post("/<int:idea_id>/measures/<int:measure_id>/observations")
@login_required
def add_observation(idea_id: int, measure_id: int):
    idea = visible_idea(idea_id)
    measure = _measure(idea, measure_id)
    form = _add_form(measure, posted=True)
    if not form.validate_on_submit():
        return _measure_answer(idea, measure, 422, add_form=form)
    refusal = attempt(form, lambda: ops.add_observation(idea, current_user, measure.id, _fields(form)))
    if refusal:
        return _measure_answer(idea, measure, refusal.status, add_form=form)
    if not htmx:
        flash("Observation added.", "success")
        return redirect(url_for("pilots.page", idea_id=idea.id, _anchor=f"measure-{measure.id}"))
    return _measure_answer(idea, measure)


@bp.post("/<int:idea_id>/measures/<int:measure_id>/observations/upload")
@login_required
def upload(idea_id: int, measure_id: int):
    idea = visible_idea(idea_id)
    measure = _measure(idea, measure_id)
    form = UploadForm(prefix=f"u{measure.id}")
    file = form.file.data
    if form.validate_on_submit() and not getattr(file, "filename", ""):
        form.file.errors = ["Choose a CSV file to upload."]
    if form.errors:
        return _page(idea, 422, {measure.id: {"upload_form": form}})
    data = file.read(MAX_BYTES + 1)  # enough to know it is too large
    added = []
    refusal = attempt(form, lambda: added.extend(ops.upload_observations(idea, current_user, measure.id, data,
                                                                         file.filename)))
    if refusal:
        problems = refusal.problems if isinstance(refusal, UploadRefused) else []
        return _page(idea, refusal.status, {measure.id: {"upload_form": form, "problems": problems}})
    flash(f"{len(added)} observations added to “{measure.name}” from {file.filename}.", "success")
    return redirect(url_for("pilots.page", idea_id=idea.id, _anchor=f"measure-{measure.id}"))


def _observation(idea: Idea, observation_id: int) -> Observation:
    """The idea's observation: missing, 404 to read it, a conflict to change it (someone removed it)."""
    observation = db.session.get(Observation, observation_id)
    if observation is None or observation.idea_id != idea.id:
        if request.method == "POST":
            raise Conflict("That observation is no longer there: someone else removed it.")
        abort(404)
    return observation


def _observation_page(idea: Idea, observation: Observation, status: int = 200, correction=None, removal=None):
    data = {"version": observation.version, "observed_on": observation.observed_on.isoformat(),
            "note": observation.note, "value": "" if observation.value is None else f"{observation.value:g}",
            "numerator": observation.numerator, "denominator": observation.denominator}
    return render_template("pilots/observation.html", idea=idea, observation=observation,
                           measure=observation.measure, may_record=_recording(idea),
                           correction=correction or CorrectionForm(formdata=None, data=data),
                           removal=removal or RemovalForm(formdata=None, prefix="remove",
                                                              data={"version": observation.version})
                           ), status


@bp.get("/<int:idea_id>/observations/<int:observation_id>")
@login_required
def observation(idea_id: int, observation_id: int):
    idea = visible_idea(idea_id)
    return _observation_page(idea, _observation(idea, observation_id))


def _done(idea: Idea, message: str, measure_id: int):
    flash(message, "success")
    return redirect(url_for("pilots.page", idea_id=idea.id, _anchor=f"measure-{measure_id}"))


def _stale(form, refusal: Refusal, observation: Observation) -> None:
    if isinstance(refusal, Conflict) and db.session.get(Observation, observation.id) is not None:
        db.session.refresh(observation)
        form.version.data = observation.version  # warned: sending again applies it to the current value


def _change(idea_id: int, observation_id: int, form, change, message: str, slot: str):
    """Correct or remove (`change(idea, row, form)`): back to the measure, or the page with the refused form."""
    idea = visible_idea(idea_id)
    row = _observation(idea, observation_id)
    measure_id = row.measure_id
    if not form.validate_on_submit():
        return _observation_page(idea, row, 422, **{slot: form})
    refusal = attempt(form, lambda: change(idea, row, form))
    if refusal is None:
        return _done(idea, message, measure_id)
    _stale(form, refusal, row)
    return _observation_page(idea, row, refusal.status, **{slot: form})


@bp.post("/<int:idea_id>/observations/<int:observation_id>/correct")
@login_required
def correct(idea_id: int, observation_id: int):
    return _change(idea_id, observation_id, CorrectionForm(), lambda idea, row, form: ops.correct_observation(
        idea, current_user, row.id, _fields(form), form.version.data),
        "Observation corrected. The old value stays in the audit trail.", "correction")


@bp.post("/<int:idea_id>/observations/<int:observation_id>/remove")
@login_required
def remove(idea_id: int, observation_id: int):
    return _change(idea_id, observation_id, RemovalForm(prefix="remove"), lambda idea, row, form: ops.remove_observation(
        idea, current_user, row.id, form.reason.data, form.version.data),
        "Observation removed. Its values stay in the audit trail.", "removal")
