"""The only code that changes how a measure's chart is read: change points (phases), the rule set and
a frozen baseline. Each checks who may act, validates every field before it sets any, records its
audit event and flushes; the view commits once."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ideas.accounts.models import User
from ideas.audit import record
from ideas.database import db, parse_int
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pilots.access import may_record
from ideas.pilots.chart_data import phase_starts, day_label
from ideas.pilots.models import ChartPhase, ChartSettings, Observation, PdsaCycle, RuleSet
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.identifier_guard import guarded_text
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.review.models import Measure

NOTE_LENGTH = 1000
LABELS = {"starts_on": "Change date", "pdsa_cycle": "PDSA cycle", "note": "What changed", "reason": "Reason",
          "rules": "Rule set", "baseline_points": "Frozen baseline"}


def _allowed(idea: Idea, actor: User) -> None:
    if may_record(idea_facts(idea), actor_facts(actor)):
        return
    if idea.stage != Stage.PILOT:
        raise Invalid(f"The idea is {idea.stage.phrase}: a chart's phases and rules change only while its pilot runs.")
    raise Forbidden("Only the pilot team (the submitter, co-authors and the assigned mentor) can change this.")


def _days(measure: Measure) -> list[date]:
    return list(db.session.scalars(select(Observation.observed_on).where(Observation.measure_id == measure.id)
                                   .order_by(Observation.observed_on, Observation.id)))


def _flush(message: str, field: str | None = None) -> None:
    try:
        db.session.flush()
    except IntegrityError:  # someone else saved the same row at the same moment
        raise Conflict(message, field=field) from None


def _change_date(value: object, days: list[date]) -> date:
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise Invalid(f"{LABELS['starts_on']}: give a date as YYYY-MM-DD.", field="starts_on") from None
    if not days:
        raise Invalid(f"{LABELS['starts_on']}: record observations first; a change point starts after the first one.",
                      field="starts_on")
    if day <= days[0]:
        raise Invalid(f"{LABELS['starts_on']}: a new phase starts after the first observation ({day_label(days[0])}).",
                      field="starts_on")
    return day


def _cycle(idea: Idea, value: object) -> PdsaCycle | None:
    text = str(value or "")
    if not text:
        return None
    cycle_id = parse_int(text)
    cycle = db.session.get(PdsaCycle, cycle_id) if cycle_id is not None else None
    if cycle is None or cycle.idea_id != idea.id:
        raise Invalid(f"{LABELS['pdsa_cycle']}: choose one of this pilot's PDSA cycles.", field="pdsa_cycle")
    return cycle


def add_phase(idea: Idea, measure: Measure, actor: User, fields: Mapping[str, object]) -> ChartPhase:
    """Mark a change point: from this date the centre line and limits are calculated afresh."""
    _allowed(idea, actor)
    starts_on = _change_date(fields.get("starts_on"), _days(measure))
    cycle = _cycle(idea, fields.get("pdsa_cycle"))
    note = guarded_text("note", fields.get("note"), LABELS["note"], None, NOTE_LENGTH)
    if db.session.scalar(select(ChartPhase.id).where(ChartPhase.measure_id == measure.id,
                                                     ChartPhase.starts_on == starts_on)):
        raise Invalid(f"{LABELS['starts_on']}: a phase already starts on {day_label(starts_on)}.", field="starts_on")
    phase = ChartPhase(idea_id=idea.id, measure_id=measure.id, starts_on=starts_on, pdsa_cycle=cycle, note=note)
    db.session.add(phase)
    _flush(f"Someone else marked a phase on {day_label(starts_on)} at the same moment; nothing of yours was saved.",
           "starts_on")
    record("chart.phase_added", entity=phase, actor=actor, changes={
        "measure": (None, measure.name), "starts_on": (None, starts_on),
        "pdsa_cycle": (None, cycle.change_tested if cycle else None), "note": (None, note)})
    return phase


def remove_phase(idea: Idea, measure: Measure, actor: User, phase_id: int, reason: object) -> None:
    """Remove a change point, saying why; the chart reads the points as one phase again."""
    _allowed(idea, actor)
    phase = db.session.get(ChartPhase, phase_id)
    if phase is None or phase.measure_id != measure.id:
        raise Conflict("That phase is no longer there: someone else removed it.")
    why = guarded_text("reason", reason, LABELS["reason"], "Reason: say why this change point goes.", NOTE_LENGTH)
    record("chart.phase_removed", entity=phase, actor=actor, reason=why, changes={
        "measure": (measure.name, None), "starts_on": (phase.starts_on, None), "note": (phase.note, None)})
    db.session.delete(phase)
    db.session.flush()


def _rules(value: object) -> RuleSet:
    if value not in RuleSet._value2member_map_:
        raise Invalid(f"{LABELS['rules']}: choose the IHI run-chart rules or NHS Making Data Count.", field="rules")
    return RuleSet(value)


def _baseline_points(measure: Measure, value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    days = _days(measure)
    phases = db.session.scalars(select(ChartPhase).where(ChartPhase.measure_id == measure.id)
                                .order_by(ChartPhase.starts_on))
    first_phase = ([*phase_starts(days, list(phases), []), len(days)])[0]
    if first_phase < 2:
        raise Invalid(f"{LABELS['baseline_points']}: it needs at least 2 points in the first phase; "
                      f"there {'is' if first_phase == 1 else 'are'} {first_phase}.", field="baseline_points")
    if (points := parse_int(text, 2, first_phase)) is None:
        raise Invalid(f"{LABELS['baseline_points']}: give a whole number of points from 2 to {first_phase} "
                      "(the first phase), or leave it empty.", field="baseline_points")
    return points


def change_settings(idea: Idea, measure: Measure, actor: User, fields: Mapping[str, object]) -> bool:
    """Choose the rule set and freeze (or unfreeze) a baseline; False when nothing changed."""
    _allowed(idea, actor)
    values = {"rules": _rules(fields.get("rules")), "baseline_points": _baseline_points(measure,
                                                                                        fields.get("baseline_points"))}
    settings = db.session.get(ChartSettings, measure.id)
    old = {"rules": settings.rules if settings else RuleSet.IHI,
           "baseline_points": settings.baseline_points if settings else None}
    changes = {name: (old[name], new) for name, new in values.items() if old[name] != new}
    if not changes:
        return False
    if settings is None:
        settings = ChartSettings(measure_id=measure.id, idea_id=idea.id)
        db.session.add(settings)
    settings.rules, settings.baseline_points = values["rules"], values["baseline_points"]
    _flush("Someone else changed this chart's settings at the same moment; nothing of yours was saved.")
    record("chart.settings_changed", entity=settings, actor=actor, changes=changes)
    return True
