"""Each measure's chart: the page (run chart, control chart, signals in words, the numbers), its CSV and
standalone SVG, and the pilot team's forms for change points, the rule set and a frozen baseline."""
import csv
import io
import re

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from ideas.audit.export import csv_cell
from ideas.database import db
from ideas.extensions import htmx
from ideas.forms import options
from ideas.pilots import chart_operations as ops
from ideas.pilots.access import may_record
from ideas.pilots.chart_data import MeasureChart, measure_chart
from ideas.pilots.chart_forms import ChartSettingsForm, PhaseForm, RemovePhaseForm
from ideas.pilots.models import RuleSet
from ideas.pilots.svg import NARROW, WIDE, icon, number, render as render_svg
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import Idea
from ideas.pipeline.views import visible_idea
from ideas.pipeline.workflow import SHOWCASE
from ideas.review.models import Measure
from ideas.review.queries import measures_of
from ideas.web import attempt, render

bp = Blueprint("charts", __name__, url_prefix="/ideas/<int:idea_id>/measures/<int:measure_id>")
KIND_NAMES = {"run": "Run chart", "xmr": "XmR chart", "p": "p chart"}
CSV_COLUMNS = ["date", "value", "numerator", "denominator", "median", "phase", "centre", "lower_limit", "upper_limit",
               "run_chart_signals", "control_chart_signals", "note"]


def _found(idea_id: int, measure_id: int) -> tuple[Idea, Measure]:
    """The idea (404 when hidden) and its measure (404 when it is another idea's)."""
    idea = visible_idea(idea_id)
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.idea_id != idea.id:
        abort(404)
    return idea, measure


def _drawing(chart: MeasureChart, analysis) -> dict:
    """One chart as the page shows it: the SVG at two sizes, its signals, notes and summary icons."""
    labels = chart.labels(analysis)
    summaries = [(name, summary, Markup(icon(summary, f"icon-{name}", chart.direction)))
                 for name, summary in (("variation", analysis.variation), ("assurance", analysis.assurance))
                 if summary is not None]
    return {"kind": analysis.kind, "name": KIND_NAMES[analysis.kind], "analysis": analysis,
            "wide": Markup(render_svg(analysis, labels, WIDE)), "narrow": Markup(render_svg(analysis, labels, NARROW)),
            "summaries": summaries}


def _context(idea: Idea, measure: Measure, saved: str | None = None, refused: str | None = None, phase_form=None,
             settings_form=None, remove_form=None, removing: int | None = None) -> dict:
    chart = measure_chart(measure)
    drawings = [_drawing(chart, a) for a in (chart.control, chart.run) if a is not None]
    phase_form = phase_form or PhaseForm(formdata=None)
    phase_form.pdsa_cycle.choices = options("No PDSA cycle", ((c.id, c.change_tested) for c in chart.cycles))
    settings_form = settings_form or ChartSettingsForm(formdata=None, data={
        "rules": chart.rules.value, "baseline_points": chart.baseline_points or ""})
    return {"idea": idea, "measure": measure, "chart": chart, "drawings": drawings, "rows": chart.rows(),
            "measures": measures_of(idea.id), "may_shape": may_record(idea_facts(idea), actor_facts(current_user)),
            "phase_form": phase_form, "settings_form": settings_form,
            "remove_form": remove_form or RemovePhaseForm(formdata=None), "removing": removing, "saved": saved,
            "refused": refused,
            "rule_sets": RuleSet, "show": lambda value: "—" if value is None else number(value, measure.proportion)}


def _answer(idea: Idea, measure: Measure, message: str, status: int = 200, refused: str | None = None, **forms):
    """After a change: the chart body for htmx (with the message), else back to the page; a refusal re-renders
    (said above the chart too, for a user whose forms are not shown)."""
    if status == 200 and not htmx:
        flash(message, "success")
        return redirect(url_for("charts.chart", idea_id=idea.id, measure_id=measure.id))
    context = _context(idea, measure, saved=message if status == 200 else None, refused=refused, **forms)
    return render("pilots/chart.html", "pilots/_chart_body.html", **context), status


@bp.app_template_global()
def measure_charts(idea: Idea) -> list[Measure]:
    """For the idea page: its measures, each with a chart, once the pilot has started."""
    return measures_of(idea.id) if idea.stage in SHOWCASE else []


@bp.app_template_global()
def result_charts(idea: Idea) -> list[dict]:
    """Each measure's main chart (the control chart, else the run chart) with its signals: beside the pilot's
    results on the pilot page and in the committee's review pack."""
    shown = []
    for measure in measures_of(idea.id):
        chart = measure_chart(measure)
        main = chart.control or chart.run
        shown.append({"measure": measure, "problem": chart.problem, "drawing": _drawing(chart, main) if main else None})
    return shown


@bp.get("/chart")
@login_required
def chart(idea_id: int, measure_id: int):
    idea, measure = _found(idea_id, measure_id)
    return render("pilots/chart.html", "pilots/_chart_body.html", **_context(idea, measure))


def _slug(measure: Measure) -> str:
    return re.sub(r"[^a-z0-9]+", "-", measure.name.lower()).strip("-")[:60] or "measure"


def _number(value) -> str:
    return "" if value is None else repr(value)


@bp.get("/chart.csv")
@login_required
def chart_csv(idea_id: int, measure_id: int):
    """The numbers table as a CSV file: one row a point."""
    _, measure = _found(idea_id, measure_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in measure_chart(measure).rows():
        writer.writerow([row["date"].isoformat(), *(_number(row[k]) for k in ("value", "numerator", "denominator",
                                                                               "median", "phase", "centre", "lower",
                                                                               "upper")),
                         "; ".join(row["run_flags"]), "; ".join(row["control_flags"]), csv_cell(row["note"])])
    filename = f"{_slug(measure)}-chart.csv"
    return buffer.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                    "Content-Disposition": f'attachment; filename="{filename}"'}


@bp.get("/chart.json")
@login_required
def chart_json(idea_id: int, measure_id: int):
    """The engine's documents (`Analysis.as_dict`) for the run chart and the control chart, as the API will give."""
    _, measure = _found(idea_id, measure_id)
    found = measure_chart(measure)
    return {"measure": {"id": measure.id, "name": measure.name, "proportion": measure.proportion},
            "rules": found.rules.value, "baseline_points": found.frozen, "problem": found.problem,
            "notes": found.notes, "run": found.run.as_dict() if found.run else None,
            "control": found.control.as_dict() if found.control else None}


@bp.get("/chart.svg")
@login_required
def chart_svg(idea_id: int, measure_id: int):
    """The chart as a standalone SVG file (its colours as attributes), to copy into a report."""
    _, measure = _found(idea_id, measure_id)
    chart_ = measure_chart(measure)
    wanted = request.args.get("chart", "control" if chart_.control else "run")
    analysis = {"run": chart_.run, "control": chart_.control}.get(wanted)
    if analysis is None:
        abort(404)
    filename = f"{_slug(measure)}-{analysis.kind}-chart.svg"
    return render_svg(analysis, chart_.labels(analysis), WIDE, standalone=True), 200, {
        "Content-Type": "image/svg+xml; charset=utf-8", "Content-Disposition": f'attachment; filename="{filename}"'}


@bp.post("/phases")
@login_required
def add_phase(idea_id: int, measure_id: int):
    idea, measure = _found(idea_id, measure_id)
    form = PhaseForm()
    refusal = attempt(form, lambda: ops.add_phase(idea, measure, current_user, form.data))
    if refusal:
        return _answer(idea, measure, "", refusal.status, refusal.message, phase_form=form)
    return _answer(idea, measure, "Phase added: the centre line and limits are recalculated from that date.")


@bp.post("/phases/<int:phase_id>/remove")
@login_required
def remove_phase(idea_id: int, measure_id: int, phase_id: int):
    idea, measure = _found(idea_id, measure_id)
    form = RemovePhaseForm()
    refusal = attempt(form, lambda: ops.remove_phase(idea, measure, current_user, phase_id, form.reason.data))
    if refusal:
        return _answer(idea, measure, "", refusal.status, refusal.message, remove_form=form, removing=phase_id)
    return _answer(idea, measure, "Phase removed.")


@bp.post("/settings")
@login_required
def settings(idea_id: int, measure_id: int):
    idea, measure = _found(idea_id, measure_id)
    form = ChartSettingsForm()
    changed = []
    refusal = attempt(form, lambda: changed.append(ops.change_settings(idea, measure, current_user, form.data)))
    if refusal:
        return _answer(idea, measure, "", refusal.status, refusal.message, settings_form=form)
    return _answer(idea, measure, "Chart settings saved." if changed[0] else "Nothing changed.")
