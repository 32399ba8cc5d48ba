"""The only code that changes a pilot's PDSA cycles and observations.

Each operation checks who may act (`may_record`), validates every field before it sets any,
records its audit event and flushes; the view commits once. Every change to observations then
sends `observations_changed` (the stop rules listen), inside the same transaction.
"""
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ideas.accounts.models import User
from ideas.audit import record
from ideas.clock import local_today
from ideas.database import db, parse_int
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.identifier_guard import guarded_text
from ideas.pipeline.models import Idea
from ideas.pilots.access import is_pilot_team, may_record
from ideas.pilots.csv_upload import UploadRefused, read_rows
from ideas.pilots.labels import LABELS
from ideas.pilots.models import Observation, PdsaCycle
from ideas.pilots.signals import observations_changed
from ideas.review.models import Measure, PilotPlan
from ideas.review.operations import check_version, save_changes
from ideas.settings import get_setting

NOTE_LENGTH, CHANGE_LENGTH = 3000, 200
VALUE_LIMIT = 1e9  # no measure of a ward's work comes near it: beyond is a typing slip
COUNT_LIMIT = 10**9
BASELINE_DAYS = 366  # how far before the planned start baseline data may go
PDSA_FIELDS = ("change_tested", "plan", "do", "study", "act", "started_on", "ended_on")


# --- checking input: each returns the stored value or raises Invalid naming the field -------------

def text(name: str, value: object, required: str | None = None, max_length: int = NOTE_LENGTH) -> str:
    return guarded_text(name, value, LABELS[name], required, max_length)


def parse_day(raw: str) -> date:
    """ISO 8601 (2027-01-31) or the UK's day first (31/01/2027); never month first. ValueError otherwise."""
    raw = raw.strip()
    if "/" in raw:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    if len(raw) != 10:
        raise ValueError(raw)
    return date.fromisoformat(raw)


def a_day(name: str, value: object, required: str | None = None, label: str | None = None) -> date | None:
    """A day as typed (ISO or day first), None when empty and not `required`; Invalid on `name` otherwise."""
    if value in (None, ""):
        if required:
            raise Invalid(required, field=name)
        return None
    if isinstance(value, date):
        return value
    try:
        return parse_day(str(value))
    except ValueError:
        raise Invalid(f"{label or LABELS[name]}: “{_shown(value)}” is not a date; give it as YYYY-MM-DD or "
                      "DD/MM/YYYY.", field=name) from None


def a_value(name: str, value: object) -> float:
    """A finite measurement within ±1,000,000,000."""
    if value in (None, ""):
        raise Invalid(f"{LABELS[name]}: give the number observed.", field=name)
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise Invalid(f"{LABELS[name]}: “{_shown(value)}” is not a number.", field=name)
    if abs(number) > VALUE_LIMIT:
        raise Invalid(f"{LABELS[name]}: {_shown(value)} is beyond ±1,000,000,000; check the figure.", field=name)
    return number


def a_count(name: str, value: object) -> int:
    """A whole number from 0 to 1,000,000,000 (a numerator or denominator counts something)."""
    if value in (None, ""):
        raise Invalid(f"{LABELS[name]}: give a whole number.", field=name)
    if (count := parse_int(str(value).strip().replace(",", ""), 0, COUNT_LIMIT)) is None:
        raise Invalid(f"{LABELS[name]}: “{_shown(value)}” is not a whole number from 0 to 1,000,000,000.",
                      field=name)
    return count


def _shown(value: object) -> str:
    shown = str(value).replace("\x00", "")
    return shown if len(shown) <= 40 else shown[:40] + "…"


@dataclass(frozen=True)
class DateWindow:
    """The days an observation may carry: not after the hospital's today, not long before the pilot."""

    earliest: date
    latest: date

    def check(self, day: date) -> date:
        if day > self.latest:
            raise Invalid(f"{LABELS['observed_on']}: {day:%d %b %Y} is in the future (today is "
                          f"{self.latest:%d %b %Y}).", field="observed_on")
        if day < self.earliest:
            raise Invalid(f"{LABELS['observed_on']}: {day:%d %b %Y} is more than a year before the pilot's planned "
                          f"start; the earliest baseline day is {self.earliest:%d %b %Y}.", field="observed_on")
        return day


def hospital_today() -> date:
    """Today on the hospital's clock: observations count in local days."""
    return local_today(get_setting("time_zone"))


def date_window(idea: Idea) -> DateWindow:
    """Up to today (local), from a year before the planned start (baseline data), or a year before today."""
    today = hospital_today()
    start = db.session.scalar(select(PilotPlan.planned_start).where(PilotPlan.idea_id == idea.id))
    return DateWindow((start or today) - timedelta(days=BASELINE_DAYS), today)


def observation_values(measure: Measure, fields: Mapping[str, object], window: DateWindow) -> dict:
    """A row as stored: its day, its value (or numerator and denominator for a proportion) and a note."""
    values = {"observed_on": window.check(a_day("observed_on", fields.get("observed_on"),
                                                f"{LABELS['observed_on']}: give the day observed."))}
    if measure.proportion:
        numerator = a_count("numerator", fields.get("numerator"))
        denominator = a_count("denominator", fields.get("denominator"))
        if denominator == 0:
            raise Invalid(f"{LABELS['denominator']}: it must be above zero (how many were counted).",
                          field="denominator")
        if numerator > denominator:
            raise Invalid(f"{LABELS['numerator']}: {numerator} is above the denominator {denominator}.",
                          field="numerator")
        values.update(value=None, numerator=numerator, denominator=denominator)
    else:
        values.update(value=a_value("value", fields.get("value")), numerator=None, denominator=None)
    values["note"] = text("note", fields.get("note"), max_length=500)
    return values


# --- who may act ---------------------------------------------------------------------------------

def _allowed(idea: Idea, actor: User) -> None:
    facts, who = idea_facts(idea), actor_facts(actor)
    if may_record(facts, who):
        return
    if not is_pilot_team(facts, who):
        raise Forbidden("Only the pilot team (the submitter, co-authors and the assigned mentor) records the pilot.")
    raise Invalid(f"The idea is {idea.stage.phrase}: pilot records change only while its pilot runs.")


# --- PDSA cycles ---------------------------------------------------------------------------------

def _pdsa_values(fields: Mapping[str, object]) -> dict:
    values = {"change_tested": text("change_tested", fields.get("change_tested"),
                                    f"{LABELS['change_tested']}: say what change this cycle tests.", CHANGE_LENGTH)}
    values.update({name: text(name, fields.get(name)) for name in ("plan", "do", "study", "act")})
    values["started_on"] = a_day("started_on", fields.get("started_on"),
                                 f"{LABELS['started_on']}: give the day the cycle started.")
    values["ended_on"] = a_day("ended_on", fields.get("ended_on"))
    if values["ended_on"] and values["ended_on"] < values["started_on"]:
        raise Invalid(f"{LABELS['ended_on']}: the cycle cannot end before it started "
                      f"({values['started_on']:%d %b %Y}).", field="ended_on")
    return values


def record_pdsa(idea: Idea, actor: User, fields: Mapping[str, object]) -> PdsaCycle:
    """A new PDSA cycle: the change tested, plan, do, study, act and its dates."""
    _allowed(idea, actor)
    values = _pdsa_values(fields)
    cycle = PdsaCycle(idea_id=idea.id, **values)
    db.session.add(cycle)
    db.session.flush()
    record("pdsa.recorded", entity=cycle, actor=actor,
           changes={name: (None, value) for name, value in values.items() if value not in (None, "")})
    return cycle


def update_pdsa(idea: Idea, actor: User, cycle_id: int, fields: Mapping[str, object],
                expected_version: object) -> dict:
    """The cycle as the form had it at `expected_version`; a save in between is a conflict."""
    _allowed(idea, actor)
    values = _pdsa_values(fields)
    cycle = db.session.get(PdsaCycle, cycle_id)
    if cycle is None or cycle.idea_id != idea.id:
        raise Conflict("That PDSA cycle is no longer there.", field="version")
    check_version(cycle, expected_version, "PDSA cycle")
    return save_changes(cycle, values, "pdsa.updated", actor)


# --- observations --------------------------------------------------------------------------------

def _measure(idea: Idea, measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.idea_id != idea.id:
        raise Conflict("That measure is no longer in the pilot plan.", field="measure")
    return measure


def _changed(measure: Measure, actor: User) -> None:
    observations_changed.send(measure, actor=actor)


def add_observation(idea: Idea, actor: User, measure_id: int, fields: Mapping[str, object]) -> Observation:
    """One observation of a measure. Several on one day are allowed: wards count per shift or per audit."""
    _allowed(idea, actor)
    measure = _measure(idea, measure_id)
    values = observation_values(measure, fields, date_window(idea))
    observation = Observation(idea_id=idea.id, measure_id=measure.id, recorded_by_id=actor.id, **values)
    db.session.add(observation)
    db.session.flush()
    record("observation.added", entity=observation, actor=actor, changes=_row_changes(measure, None, values))
    _changed(measure, actor)
    return observation


def upload_observations(idea: Idea, actor: User, measure_id: int, data: bytes, filename: str) -> list[Observation]:
    """Every row of a CSV file, or none: each bad line is named. One audit event holds every row added."""
    _allowed(idea, actor)
    measure = _measure(idea, measure_id)
    window = date_window(idea)
    rows, problems = read_rows(data, measure.proportion)
    checked = []
    for line, cells in rows:
        try:
            checked.append(observation_values(measure, _cells(cells), window))
        except Invalid as refusal:
            problems.append((line, refusal.message))
    if problems:
        raise UploadRefused([f"Line {line}: {problem}" for line, problem in sorted(problems)])
    observations = [Observation(idea_id=idea.id, measure_id=measure.id, recorded_by_id=actor.id, **values)
                    for values in checked]
    db.session.add_all(observations)
    db.session.flush()
    columns = ("observed_on", "numerator", "denominator") if measure.proportion else ("observed_on", "value")
    rows = [[values[name] for name in columns] + ([values["note"]] if values["note"] else []) for values in checked]
    record("observations.uploaded", entity=measure, actor=actor,
           changes={"file": (None, filename[:200]), "rows": (None, rows), "count": (None, len(rows))})
    _changed(measure, actor)
    return observations


def _cells(cells: Mapping[str, str]) -> dict:
    return {"observed_on": cells.get("date"), **{k: v for k, v in cells.items() if k != "date"}}


def _observation(idea: Idea, observation_id: int, expected_version: object) -> Observation:
    observation = db.session.get(Observation, observation_id)
    if observation is None or observation.idea_id != idea.id:
        raise Conflict("That observation is no longer there: someone else removed it.", field="version")
    check_version(observation, expected_version, "observation")
    return observation


def _reason(value: object) -> str:
    return text("reason", value, f"{LABELS['reason']}: say why, for the audit trail.", 1000)


def correct_observation(idea: Idea, actor: User, observation_id: int, fields: Mapping[str, object],
                        expected_version: object) -> dict:
    """New day, value or note with a reason; the old values stay in the audit trail."""
    _allowed(idea, actor)
    observation = _observation(idea, observation_id, expected_version)
    values = observation_values(observation.measure, fields, date_window(idea))
    reason = _reason(fields.get("reason"))
    changes = {name: (getattr(observation, name), new) for name, new in values.items()
               if getattr(observation, name) != new}
    if not changes:
        raise Invalid("Nothing changed: give the corrected value, or go back.", field="value")
    for name, (_, new) in changes.items():
        setattr(observation, name, new)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("Someone else changed this observation at the same moment. Nothing of yours was saved.",
                       field="version") from None
    record("observation.corrected", entity=observation, actor=actor, changes=changes, reason=reason)
    _changed(observation.measure, actor)
    return changes


def remove_observation(idea: Idea, actor: User, observation_id: int, reason: object,
                       expected_version: object) -> None:
    """Remove a wrong observation with a reason; its values stay in the audit trail."""
    _allowed(idea, actor)
    observation = _observation(idea, observation_id, expected_version)
    reason = _reason(reason)
    measure = observation.measure
    old = {name: getattr(observation, name) for name in ("observed_on", "value", "numerator", "denominator", "note")}
    record("observation.removed", entity=observation, actor=actor, reason=reason,
           changes=_row_changes(measure, old, None))
    db.session.delete(observation)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("Someone else changed this observation at the same moment. Nothing was removed.",
                       field="version") from None
    _changed(measure, actor)


def _row_changes(measure: Measure, old: dict | None, new: dict | None) -> dict:
    """The audit changes of an added or removed row: only the fields its measure uses, the note when there is one."""
    names = ["observed_on", *(("numerator", "denominator") if measure.proportion else ("value",)), "note"]
    row = old if old is not None else new
    return {name: (old[name] if old else None, new[name] if new else None)
            for name in names if name != "note" or row["note"]}
