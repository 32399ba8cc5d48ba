"""The only code that changes reviews, hazards, pilot plans and measures.

Each operation checks who may act, validates every field before it sets any (nothing
half-saved), records field-by-field audit events and flushes; the view commits once.
"""
from collections.abc import Callable, Mapping
from datetime import date
from functools import wraps

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ideas.accounts.models import Unit, User
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db, parse_int
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.identifier_guard import guarded_text
from ideas.pipeline.models import Idea
from ideas.pipeline.signals import review_saved
from ideas.review.access import CHANGEABLE, may_plan, may_review
from ideas.review.labels import LABELS
from ideas.review.models import Hazard, Measure, PilotPlan, Review
from ideas.review.queries import plan_of, review_of
from ideas.review.risk import band
from ideas.review.rules import (
    CRITERIA,
    HAZARD_NEEDED,
    MEASURE_NEEDED,
    TRIAGE,
    Direction,
    MeasureType,
    Overall,
    StopDirection,
)

NOTE_LENGTH, NAME_LENGTH = 3000, 200
MEASURE_FIELDS = ("kind", "name", "definition", "unit_of_measure", "direction", "baseline", "target", "proportion",
                  "stop_threshold", "stop_direction", "stop_on_signal")


# --- checking input: each returns the stored value or raises Invalid naming the field -------------

def text(name: str, value: object, required: str | None = None, max_length: int = NOTE_LENGTH) -> str:
    """Free text, trimmed and free of patient identifiers; `required` is the message when empty."""
    return guarded_text(name, value, LABELS[name], required, max_length)


def score(name: str, value: object, required: str | None = None) -> int | None:
    """A score from 1 to 5; empty is allowed in a draft unless `required` (the message when empty)."""
    if value in (None, ""):
        if required:
            raise Invalid(required, field=name)
        return None
    number = parse_int(value, 1, 5)
    if number is None:
        raise Invalid(f"{LABELS[name]}: choose a score from 1 to 5.", field=name)
    return number


def choice(name: str, value: object, enum, required: str | None = None):
    if value in (None, ""):
        if required:
            raise Invalid(required, field=name)
        return None
    if value not in enum._value2member_map_:
        raise Invalid(f"{LABELS[name]}: choose one from the list.", field=name)
    return enum(value)


def yes_no(name: str, value: object) -> bool | None:
    if value in (None, ""):
        return None
    if value not in ("yes", "no", True, False):
        raise Invalid(f"{LABELS[name]}: answer yes or no.", field=name)
    return value in ("yes", True)


def a_date(name: str, value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"{LABELS[name]}: give a date as YYYY-MM-DD.", field=name) from None


def flag(name: str, value: object) -> bool:
    """A tick box: ticked or not (empty is not)."""
    if value in (None, "", False, "n", "no", "false", "off"):
        return False
    if value in (True, "y", "yes", "true", "on"):
        return True
    raise Invalid(f"{LABELS[name]}: tick it or leave it empty.", field=name)


def number(name: str, value: object, required: str | None = None) -> float | None:
    if value in (None, ""):
        if required:
            raise Invalid(required, field=name)
        return None
    try:
        parsed = float(str(value).strip())
    except ValueError:
        raise Invalid(f"{LABELS[name]}: give a number, e.g. 12 or 0.5.", field=name) from None
    if parsed != parsed or abs(parsed) > 1e12:  # NaN or absurd
        raise Invalid(f"{LABELS[name]}: give a number, e.g. 12 or 0.5.", field=name)
    return parsed


def material(operation: Callable) -> Callable:
    """A change to what the committee approves: announced, so a running pilot's changed plan goes back."""

    @wraps(operation)
    def wrapped(idea: Idea, actor: User, *args, **kwargs):
        result = operation(idea, actor, *args, **kwargs)
        review_saved.send(idea, actor=actor)
        return result

    return wrapped


# --- who may act, and the versioned rows ---------------------------------------------------------

def _allowed(idea: Idea, actor: User, rule: Callable, who: str) -> None:
    if rule(idea_facts(idea), actor_facts(actor)):
        return
    if idea.stage not in CHANGEABLE:
        raise Invalid(f"The idea is {idea.stage.phrase}: its review and plan change only in mentor review or "
                      "revision, or while its approved pilot runs.")
    raise Forbidden(f"Only {who} can change this.")


def check_version(row, expected: object, what: str) -> None:
    """Refuse a save made from a stale page: the row moved on (or appeared) since the form was drawn."""
    if (expected := parse_int(expected or 0, 0)) is None:
        raise Invalid("The form is missing its version; reload the page.", field="version")
    current = row.version if row is not None else 0
    if expected != current:
        raise Conflict(f"Someone else saved the {what} while you had it open (it is now at version {current}, "
                       f"you had version {expected}). Nothing of yours was saved; your text is still here.",
                       field="version")


def save_changes(row, values: Mapping[str, object], action: str, actor: User, extra: dict | None = None,
                 version_of=None) -> dict:
    """Set the changed values in one UPDATE (one version step) and record them field by field.

    `extra` holds changes the caller already made (a list of units), for the record. `version_of` is
    the review or plan whose version guards `row` (a hazard, a measure): its version steps with it.
    """
    changes = {name: (getattr(row, name), new) for name, new in values.items()
               if _blank(getattr(row, name)) != _blank(new)}
    if not changes and not extra:
        return {}
    versioned = version_of or row
    with db.session.no_autoflush:
        for name, (_, new) in changes.items():
            setattr(row, name, new)
        if hasattr(versioned, "updated_at"):
            versioned.updated_at = utcnow()  # the version steps even when only `extra` changed
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # a save in between, or two first saves at once
        raise Conflict("Someone else started this at the same moment. Nothing of yours was saved; "
                       "your text is still here.", field="version") from None
    changes.update(extra or {})
    record(action, entity=row, changes=changes, actor=actor)
    return changes


def _blank(value: object) -> object:
    """An empty text and nothing are the same value (a new row's defaults come at insert)."""
    return None if value == "" else value


def _review(idea: Idea, actor: User, expected: object) -> Review:
    _allowed(idea, actor, may_review, "the assigned mentor")
    return _current(Review, review_of(idea.id), idea, expected, "review")


def _current(model, row, idea: Idea, expected: object | None, what: str):
    """The idea's review or plan at the version the form had (`None`: any), created on first save."""
    if expected is not None:
        check_version(row, expected, what)
    if row is None:
        row = model(idea_id=idea.id)
        db.session.add(row)
    return row


# --- feasibility, safety statement, triage ---------------------------------------------------------

@material
def save_feasibility(idea: Idea, actor: User, fields: Mapping[str, object], expected_version: object) -> dict:
    """Scores 1–5 with notes, and the overall recommendation; a draft may leave any empty."""
    values = {}
    for criterion in CRITERIA:
        values[f"score_{criterion}"] = score(f"score_{criterion}", fields.get(f"score_{criterion}"))
        values[f"note_{criterion}"] = text(f"note_{criterion}", fields.get(f"note_{criterion}"))
    values["overall"] = choice("overall", fields.get("overall"), Overall)
    values["overall_note"] = text("overall_note", fields.get("overall_note"))
    return save_changes(_review(idea, actor, expected_version), values, "review.saved", actor)


@material
def save_safety_statement(idea: Idea, actor: User, no_hazards: bool, expected_version: object) -> dict:
    """The mentor's explicit statement that no hazards were identified (only while there are none)."""
    review = _review(idea, actor, expected_version)
    if no_hazards and review.hazards:
        raise Invalid("No hazards identified: remove the listed hazards first, or leave this unticked.",
                      field="no_hazards")
    return save_changes(review, {"no_hazards": bool(no_hazards)}, "review.saved", actor)


@material
def save_triage(idea: Idea, actor: User, fields: Mapping[str, object], expected_version: object) -> dict:
    values = {f"triage_{name}": yes_no(f"triage_{name}", fields.get(f"triage_{name}")) for name in TRIAGE}
    values["ethics_reference"] = text("ethics_reference", fields.get("ethics_reference"), max_length=100)
    values["ethics_referred_on"] = a_date("ethics_referred_on", fields.get("ethics_referred_on"))
    if values["ethics_referred_on"] and not values["ethics_reference"]:
        raise Invalid(f"{LABELS['ethics_reference']}: give the ethics board's reference with the date.",
                      field="ethics_reference")
    if values["ethics_reference"] and not values["ethics_referred_on"]:
        raise Invalid(f"{LABELS['ethics_referred_on']}: give the date of the referral.", field="ethics_referred_on")
    return save_changes(_review(idea, actor, expected_version), values, "review.saved", actor)


# --- hazards -------------------------------------------------------------------------------------

def _hazard_values(fields: Mapping[str, object]) -> dict:
    needed = HAZARD_NEEDED.get
    return {
        "description": text("description", fields.get("description"), needed("description")),
        "severity": score("severity", fields.get("severity"), needed("severity")),
        "likelihood": score("likelihood", fields.get("likelihood"), needed("likelihood")),
        "mitigation": text("mitigation", fields.get("mitigation"), needed("mitigation")),
        "owner": text("owner", fields.get("owner"), needed("owner"), max_length=120),
    }


@material
def add_hazard(idea: Idea, actor: User, fields: Mapping[str, object]) -> Hazard:
    """A new hazard; it replaces a "no hazards identified" statement."""
    _allowed(idea, actor, may_review, "the assigned mentor")
    values = _hazard_values(fields)
    review = review_of(idea.id)
    if review is not None and review.no_hazards:
        save_changes(review, {"no_hazards": False}, "review.saved", actor)
    hazard = Hazard(idea_id=idea.id, **values)
    db.session.add(hazard)
    db.session.flush()
    record("hazard.added", entity=hazard, changes={name: (None, value) for name, value in values.items()}, actor=actor)
    _keep_risk_band(idea)
    return hazard


@material
def update_hazard(idea: Idea, actor: User, hazard_id: int, fields: Mapping[str, object],
                  expected_version: object) -> dict:
    """A hazard changed in place, checked as when added; the review's version guards it."""
    review = _review(idea, actor, expected_version)
    hazard = _hazard(idea, hazard_id)
    changes = save_changes(hazard, _hazard_values(fields), "hazard.updated", actor, version_of=review)
    _keep_risk_band(idea)
    return changes


@material
def remove_hazard(idea: Idea, actor: User, hazard_id: int) -> None:
    _allowed(idea, actor, may_review, "the assigned mentor")
    hazard = _hazard(idea, hazard_id)
    record("hazard.removed", entity=hazard, actor=actor,
           changes={name: (value, None) for name, value in _hazard_row(hazard).items()})
    db.session.delete(hazard)
    db.session.flush()
    _keep_risk_band(idea)


def _keep_risk_band(idea: Idea) -> None:
    """The idea's worst hazard band (`Idea.risk_band`, which the board filters by), after its hazards changed.

    An UPDATE statement, not an attribute set: the idea's version is what the mentor's open forms carry, and a
    hazard added beside them must not turn their next step into a conflict. The hazard's event records the change.
    """
    worst = db.session.scalar(select(func.max(Hazard.severity * Hazard.likelihood)).where(Hazard.idea_id == idea.id))
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(risk_band=band(worst) if worst else None)
                       .execution_options(synchronize_session="fetch"))


def _hazard(idea: Idea, hazard_id: int) -> Hazard:
    hazard = db.session.get(Hazard, hazard_id)
    if hazard is None or hazard.idea_id != idea.id:
        raise Conflict("That hazard is no longer there: someone else removed it.", field="version")
    return hazard


def _hazard_row(hazard: Hazard) -> dict:
    return {name: getattr(hazard, name) for name in ("description", "severity", "likelihood", "mitigation", "owner")}


# --- pilot plan and measures -----------------------------------------------------------------------

def _plan(idea: Idea, actor: User, expected: object | None) -> PilotPlan:
    _allowed(idea, actor, may_plan, "the assigned mentor and the idea's team")
    return _current(PilotPlan, plan_of(idea.id), idea, expected, "pilot plan")


@material
def save_plan(idea: Idea, actor: User, fields: Mapping[str, object], expected_version: object) -> dict:
    """Aim, pilot units, planned dates (end after start), the data collection plan and, when given, the
    estimated impact (a caller that does not send it leaves it as it is)."""
    values = {"aim": text("aim", fields.get("aim")),
              "planned_start": a_date("planned_start", fields.get("planned_start")),
              "planned_end": a_date("planned_end", fields.get("planned_end")),
              "data_collection": text("data_collection", fields.get("data_collection"))}
    if "estimated_impact" in fields:
        values["estimated_impact"] = text("estimated_impact", fields["estimated_impact"])
    if values["planned_start"] and values["planned_end"] and values["planned_end"] <= values["planned_start"]:
        raise Invalid(f"{LABELS['planned_end']}: the pilot must end after it starts.", field="planned_end")
    units = _units(fields.get("units") or [])
    plan = _plan(idea, actor, expected_version)
    old_units, new_units = sorted(u.id for u in plan.units), sorted(u.id for u in units)
    extra = {}
    if old_units != new_units:
        with db.session.no_autoflush:
            plan.units = units
        extra["units"] = (old_units, new_units)
    return save_changes(plan, values, "pilot_plan.saved", actor, extra)


def _units(ids) -> list[Unit]:
    if isinstance(ids, str | int):
        ids = [ids]
    wanted = {parse_int(i) for i in ids}
    if None in wanted:
        raise Invalid(f"{LABELS['units']}: choose units from the list.", field="units")
    found = list(db.session.scalars(select(Unit).where(Unit.id.in_(wanted))))
    if len(found) != len(wanted):
        raise Invalid(f"{LABELS['units']}: choose units from the list.", field="units")
    return found


def _measure_values(fields: Mapping[str, object]) -> dict:
    """A measure's fields, checked together: the stop rules, and a target on the side its direction says."""
    needed = MEASURE_NEEDED.get
    values = {
        "kind": choice("kind", fields.get("kind"), MeasureType, needed("kind")),
        "name": text("name", fields.get("name"), needed("name"), NAME_LENGTH),
        "definition": text("definition", fields.get("definition"), needed("definition")),
        "unit_of_measure": text("unit_of_measure", fields.get("unit_of_measure"), needed("unit_of_measure"), 60),
        "direction": choice("direction", fields.get("direction"), Direction, needed("direction")),
        "baseline": number("baseline", fields.get("baseline"), needed("baseline")),
        "target": number("target", fields.get("target"), needed("target")),
        "proportion": flag("proportion", fields.get("proportion")),
        "stop_threshold": number("stop_threshold", fields.get("stop_threshold"), needed("stop_threshold")),
        "stop_direction": choice("stop_direction", fields.get("stop_direction"), StopDirection,
                                 needed("stop_direction")),
        "stop_on_signal": flag("stop_on_signal", fields.get("stop_on_signal")),
    }
    if (values["stop_threshold"] is None) != (values["stop_direction"] is None):
        raise Invalid(f"{LABELS['stop_threshold']}: give both the threshold and its direction, or neither.",
                      field="stop_threshold")
    for name in ("stop_threshold", "stop_on_signal"):
        if values[name] and values["kind"] != MeasureType.BALANCING:
            raise Invalid(f"{LABELS[name]}: stop rules are for balancing measures only.", field=name)
    _target_follows_direction(values["direction"], values["baseline"], values["target"])
    return values


def _target_follows_direction(direction: Direction, baseline: float | None, target: float) -> None:
    """A target worse than the baseline contradicts the direction of improvement (issue 17)."""
    if baseline is None or target == baseline or (target < baseline) == (direction == Direction.DECREASE):
        return
    side, better = ("above", "lower") if direction == Direction.DECREASE else ("below", "higher")
    raise Invalid(f"{LABELS['target']}: {better} is better, but {target:g} is {side} the baseline of {baseline:g}. "
                  "Change the target, the baseline or the direction.", field="target")


@material
def add_measure(idea: Idea, actor: User, fields: Mapping[str, object]) -> Measure:
    values = _measure_values(fields)
    _plan(idea, actor, None)
    measure = Measure(idea_id=idea.id, **values)
    db.session.add(measure)
    db.session.flush()
    record("measure.added", entity=measure, actor=actor,
           changes={n: (None, v) for n, v in values.items() if v is not None})
    return measure


@material
def update_measure(idea: Idea, actor: User, measure_id: int, fields: Mapping[str, object],
                   expected_version: object) -> dict:
    """A measure changed in place, checked as when added; the plan's version guards it."""
    plan = _plan(idea, actor, expected_version)
    measure = _measure(idea, measure_id)
    return save_changes(measure, _measure_values(fields), "measure.updated", actor, version_of=plan)


@material
def remove_measure(idea: Idea, actor: User, measure_id: int) -> None:
    _allowed(idea, actor, may_plan, "the assigned mentor and the idea's team")
    measure = _measure(idea, measure_id)
    record("measure.removed", entity=measure, actor=actor, changes={
        n: (getattr(measure, n), None) for n in MEASURE_FIELDS if getattr(measure, n) not in (None, False)})
    db.session.delete(measure)
    db.session.flush()


def _measure(idea: Idea, measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.idea_id != idea.id:
        raise Conflict("That measure is no longer there: someone else removed it.", field="version")
    return measure
