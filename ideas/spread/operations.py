"""The only code that changes a scale-up: target units' status, dates and notes, adoption with its
sustainment checks, answers to those checks, and flagging the missed ones.

Each operation checks who may act, validates every field before it sets any, records its audit
events and flushes; the caller commits once.
"""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ideas.accounts.models import User
from ideas.audit import SYSTEM, record
from ideas.clock import utcnow
from ideas.database import db, parse_int
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pilots.access import is_pilot_team
from ideas.pilots.operations import a_day, a_value, hospital_today
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.identifier_guard import guarded_text
from ideas.pipeline.models import Idea
from ideas.review.models import Measure
from ideas.review.operations import check_version, save_changes
from ideas.spread.access import CHECKS_OPEN, may_answer, may_spread
from ideas.spread.labels import LABELS
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.rules import DUE_SOON_DAYS, NEEDED_TO_ADOPT, CheckAnswer, UnitStatus, check_due_dates

TEXT_LENGTH = 3000
UNIT_FIELDS = ("status", "lead_id", "planned_start", "started_on", "adopted_on", "sustainment_owner_id",
               "notes", "adaptations")


# --- checking input: each returns the stored value or raises Invalid naming the field -------------

def _text(name: str, value: object, required: str | None = None) -> str:
    return guarded_text(name, value, LABELS[name], required, TEXT_LENGTH)


def _day(name: str, value: object, required: str | None = None) -> date | None:
    return a_day(name, value, required, LABELS[name])


def _person(name: str, value: object, required: str | None = None) -> int | None:
    """An active user's id, or None when none is chosen (and none is required)."""
    if value in (None, ""):
        if required:
            raise Invalid(required, field=name)
        return None
    user_id = parse_int(value)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        raise Invalid(f"{LABELS[name]}: choose an active colleague from the list.", field=name)
    return user.id


def _status(value: object) -> UnitStatus:
    if value not in UnitStatus._value2member_map_:
        raise Invalid(f"{LABELS['status']}: choose planned, in progress, adopted or declined.", field="status")
    return UnitStatus(value)


# --- target units ----------------------------------------------------------------------------------

def _allowed(idea: Idea, actor: User) -> None:
    facts, who = idea_facts(idea), actor_facts(actor)
    if may_spread(facts, who):
        return
    if not (is_pilot_team(facts, who) or "committee" in who.roles):
        raise Forbidden("Only the pilot team (the submitter, co-authors and the assigned mentor) and committee "
                        "members update the scale-up.")
    raise Invalid(f"The idea is {idea.stage.phrase}: target units change only while it is in scale-up.")


def _unit_values(unit: TargetUnit, fields: Mapping[str, object], today: date) -> dict:
    status = _status(fields.get("status"))
    values = {"status": status, "lead_id": _person("lead", fields.get("lead")),
              "planned_start": _day("planned_start", fields.get("planned_start")),
              "started_on": _day("started_on", fields.get("started_on"),
                                 f"{LABELS['started_on']}: give the day the unit started."
                                 if status == UnitStatus.IN_PROGRESS else None),
              "notes": _text("notes", fields.get("notes")), "adaptations": _text("adaptations", fields.get("adaptations"))}
    adopted = status == UnitStatus.ADOPTED

    def needed(name: str) -> str | None:
        return f"{LABELS[name]}: {NEEDED_TO_ADOPT[name]}" if adopted and name in NEEDED_TO_ADOPT else None

    values["sustainment_owner_id"] = _person("sustainment_owner", fields.get("sustainment_owner"),
                                             needed("sustainment_owner"))
    values["adopted_on"] = _day("adopted_on", fields.get("adopted_on"), needed("adopted_on"))
    if not adopted:
        values["adopted_on"] = None
    elif values["adopted_on"] > today:
        raise Invalid(f"{LABELS['adopted_on']}: {values['adopted_on']:%d %b %Y} is in the future "
                      f"(today is {today:%d %b %Y}).", field="adopted_on")
    if unit.status == UnitStatus.ADOPTED:
        if not adopted:
            raise Invalid(f"{LABELS['status']}: an adopted unit stays adopted; its sustainment checks are running.",
                          field="status")
        if values["adopted_on"] != unit.adopted_on:
            raise Invalid(f"{LABELS['adopted_on']}: the checks count from {unit.adopted_on:%d %b %Y}; "
                          "it cannot change now.", field="adopted_on")
    started = values["started_on"]
    if started and values["adopted_on"] and values["adopted_on"] < started:
        raise Invalid(f"{LABELS['adopted_on']}: the unit cannot adopt before it started ({started:%d %b %Y}).",
                      field="adopted_on")
    return values


def update_unit(idea: Idea, actor: User, target_unit_id: int, fields: Mapping[str, object],
                expected_version: object) -> dict:
    """A target unit's status, lead, dates, notes and adaptations as the form had them at `expected_version`.

    Marking it adopted needs its sustainment owner and the adoption date, and schedules its three checks.
    """
    _allowed(idea, actor)
    unit = db.session.get(TargetUnit, target_unit_id)
    if unit is None or unit.idea_id != idea.id:
        raise Conflict("That unit is not a target of this scale-up.", field="version")
    check_version(unit, expected_version, "target unit")
    newly_adopted = unit.status != UnitStatus.ADOPTED
    values = _unit_values(unit, fields, hospital_today())
    changes = save_changes(unit, values, "target_unit.updated", actor)
    if newly_adopted and values["status"] == UnitStatus.ADOPTED:
        _schedule_checks(unit, actor)
    return changes


def add_target_units(idea: Idea, actor: User, unit_ids: list[int]) -> list[TargetUnit]:
    """The units the committee named at approve_scale_up, planned; audited (the decision itself checks who).

    A unit named at an earlier scale-up of the idea (before a re-approval or a reopening) keeps its row.
    """
    named = set(db.session.scalars(select(TargetUnit.unit_id).where(TargetUnit.idea_id == idea.id)))
    targets = [TargetUnit(idea_id=idea.id, unit_id=unit_id) for unit_id in unit_ids if unit_id not in named]
    db.session.add_all(targets)
    db.session.flush()
    for target in targets:
        record("target_unit.added", entity=target, actor=actor,
               changes={"unit_id": (None, target.unit_id), "status": (None, str(target.status))})
    return targets


def _schedule_checks(unit: TargetUnit, actor: User) -> None:
    for day, due_on in check_due_dates(unit.adopted_on):
        check = SustainmentCheck(idea_id=unit.idea_id, target_unit_id=unit.id, day=day, due_on=due_on)
        db.session.add(check)
        db.session.flush()
        record("sustainment.scheduled", entity=check, actor=actor,
               changes={"day": (None, day), "due_on": (None, due_on.isoformat())})


# --- sustainment checks ----------------------------------------------------------------------------

def _check_values(idea: Idea, fields: Mapping[str, object]) -> dict:
    if fields.get("answer") not in CheckAnswer._value2member_map_:
        raise Invalid(f"{LABELS['answer']} Choose yes, partly or no.", field="answer")
    answer = CheckAnswer(fields["answer"])
    note = _text("note", fields.get("note"), None if answer == CheckAnswer.YES else
                 f"{LABELS['note']}: say what slipped, and what the unit does about it.")
    measure_id, value = None, None
    if fields.get("measure") not in (None, ""):
        measure_id = parse_int(fields.get("measure"))
        measure = db.session.get(Measure, measure_id) if measure_id is not None else None
        if measure is None or measure.idea_id != idea.id:
            raise Invalid(f"{LABELS['measure']}: choose one of the idea's measures.", field="measure")
        value = a_value("value", fields.get("value"))
    elif fields.get("value") not in (None, ""):
        raise Invalid(f"{LABELS['measure']}: say which measure the fresh measurement is of.", field="measure")
    return {"answer": answer, "note": note, "measure_id": measure_id, "value": value}


def answer_check(idea: Idea, actor: User, check_id: int, fields: Mapping[str, object],
                 expected_version: object) -> dict:
    """The owner (or a committee member) says whether the change held: yes, partly or no, a note, a measurement."""
    check = db.session.get(SustainmentCheck, check_id)
    if check is None or check.idea_id != idea.id:
        raise Conflict("That sustainment check is not one of this idea's.", field="version")
    if not may_answer(check.target_unit.sustainment_owner_id, actor_facts(actor)):
        raise Forbidden("Only the unit's sustainment owner or a committee member answers its checks.")
    if idea.stage not in CHECKS_OPEN:
        raise Invalid(f"The idea is {idea.stage.phrase}: its sustainment checks are closed.")
    check_version(check, expected_version, "sustainment check")
    if check.answered_at is not None:
        raise Conflict("This check was already answered.", field="version")
    opens = check.due_on.toordinal() - DUE_SOON_DAYS
    if hospital_today().toordinal() < opens:
        raise Invalid(f"This check opens on {date.fromordinal(opens):%d %b %Y}, "
                      f"{DUE_SOON_DAYS} days before it is due.", field="answer")
    values = _check_values(idea, fields) | {"answered_by_id": actor.id, "answered_at": utcnow()}
    return save_changes(check, values, "sustainment.answered", actor)


def flag_missed(today: date) -> int:
    """Flag each check not answered by its due date, once, with an audit event; how many were flagged."""
    missed = db.session.scalars(
        select(SustainmentCheck).join(Idea, Idea.id == SustainmentCheck.idea_id)
        .where(SustainmentCheck.answered_at.is_(None), SustainmentCheck.missed_at.is_(None),
               SustainmentCheck.due_on < today, Idea.stage.in_(CHECKS_OPEN))
        .order_by(SustainmentCheck.id)).all()
    for check in missed:
        check.missed_at = utcnow()
        try:
            db.session.flush()
        except StaleDataError:  # answered or flagged by someone else at this moment
            raise Conflict("A check changed while the missed checks were flagged; run the command again.") from None
        record("sustainment.missed", entity=check, actor=SYSTEM,
               changes={"missed_at": (None, check.missed_at.isoformat()), "due_on": (None, check.due_on.isoformat())})
    return len(missed)
