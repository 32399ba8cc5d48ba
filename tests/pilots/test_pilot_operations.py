"""The pilot's records through the operations: who records, each validation, audit events and the signal."""
import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from ideas.database import db
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pilots import operations as ops
from ideas.pilots.csv_upload import UploadRefused, read_rows
from ideas.pilots.models import Observation, PdsaCycle
from ideas.pipeline.workflow import Stage
from ideas.review import operations as review_ops
from ideas.review.models import Measure
from ideas.review.queries import plan_of
from tests.support.ideas import idea_events
from ideas.pilots.operations import hospital_today
from tests.support.pilots import add_observations, running_pilot

pytestmark = pytest.mark.usefixtures("no_second_factor")


def actions(idea) -> list[str]:
    return [event.action for event in idea_events(idea)]


def observations(measure) -> list[Observation]:
    return list(db.session.scalars(select(Observation).where(Observation.measure_id == measure.id)
                                   .order_by(Observation.id)))


def refused(kind, call, field=None, match=None):
    with pytest.raises(kind, match=match) as raised:
        call()
    db.session.rollback()
    if field:
        assert raised.value.field == field
    return raised.value


# --- who records -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["submitter", "co_author", "mentor"])
def test_the_pilot_team_records(people, idea, falls, kind, heard):
    observation = ops.add_observation(idea, people[kind], falls.id, {"observed_on": hospital_today(), "value": "5"})
    db.session.commit()
    assert observation.recorded_by_id == people[kind].id
    assert heard == [(falls.id, people[kind].id)]


@pytest.mark.parametrize("kind", ["stranger", "other_mentor", "committee", "admin"])
def test_others_may_not_record(people, idea, falls, kind, heard):
    refused(Forbidden, lambda: ops.add_observation(idea, people[kind], falls.id,
                                                   {"observed_on": hospital_today(), "value": "5"}))
    refused(Forbidden, lambda: ops.record_pdsa(idea, people[kind], {"change_tested": "x",
                                                                     "started_on": hospital_today()}))
    assert observations(falls) == [] and heard == []


def test_records_are_read_only_once_the_pilot_is_not_running(people, idea, falls):
    [first] = add_observations(falls, [4.0], start=hospital_today(), actor=people["submitter"])
    plan = plan_of(idea.id)  # a material change sends the idea back for re-approval
    review_ops.save_plan(idea, people["mentor"], {"aim": "A new aim.", "units": [u.id for u in plan.units],
                                                  "planned_start": plan.planned_start,
                                                  "planned_end": plan.planned_end,
                                                  "data_collection": plan.data_collection}, plan.version)
    db.session.commit()
    assert idea.stage == Stage.COMMITTEE_REVIEW
    message = refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], falls.id,
                                                           {"observed_on": hospital_today(), "value": "5"})).message
    assert "only while its pilot runs" in message
    refused(Invalid, lambda: ops.remove_observation(idea, people["submitter"], first.id, "Typo", first.version))


# --- observations: what is refused ------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("", "give the number observed"), ("twelve", "not a number"), ("nan", "not a number"),
    ("inf", "not a number"), ("-inf", "not a number"), ("1e10", "beyond ±1,000,000,000"), ("1e400", "not a number"),
    ("5\x00", "not a number"), (math.nan, "not a number"),
])
def test_a_value_must_be_a_sane_finite_number(people, idea, falls, value, message):
    refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], falls.id,
                                                 {"observed_on": hospital_today(), "value": value}),
            field="value", match=message)
    assert observations(falls) == []


def test_values_within_the_range_are_kept_exactly(people, idea, falls):
    for value in ("0", "-3.5", "1,250", "1e9"):
        ops.add_observation(idea, people["submitter"], falls.id, {"observed_on": hospital_today(), "value": value})
    db.session.commit()
    assert [o.value for o in observations(falls)] == [0.0, -3.5, 1250.0, 1e9]


@pytest.mark.parametrize("day, message", [
    ("", "give the day observed"), ("yesterday", "not a date"), ("2027-02-30", "not a date"),
    ("02/30/2027", "not a date"), ("1/2/27", "not a date"), ("20270101", "not a date"),
])
def test_a_day_must_be_a_date(people, idea, falls, day, message):
    refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], falls.id,
                                                 {"observed_on": day, "value": "1"}), field="observed_on",
            match=message)


def test_a_day_may_not_be_in_the_future_on_the_hospitals_clock(people, idea, falls):
    tomorrow = hospital_today() + timedelta(days=1)
    refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], falls.id,
                                                 {"observed_on": tomorrow, "value": "1"}),
            field="observed_on", match="in the future")


def test_baseline_days_go_back_a_year_before_the_planned_start(people, idea, falls):
    start = plan_of(idea.id).planned_start
    earliest = start - timedelta(days=ops.BASELINE_DAYS)
    refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], falls.id,
                                                 {"observed_on": earliest - timedelta(days=1), "value": "1"}),
            field="observed_on", match="more than a year before")
    if earliest <= hospital_today():
        ops.add_observation(idea, people["submitter"], falls.id, {"observed_on": earliest, "value": "1"})


def test_a_day_is_iso_or_day_first_as_uk_wards_write_it(people, idea, falls):
    today = hospital_today()
    ops.add_observation(idea, people["submitter"], falls.id, {"observed_on": today.strftime("%d/%m/%Y"), "value": "1"})
    ops.add_observation(idea, people["submitter"], falls.id, {"observed_on": today.isoformat(), "value": "2"})
    db.session.commit()
    assert [o.observed_on for o in observations(falls)] == [today, today]  # several a day are allowed


@pytest.mark.parametrize("numerator, denominator, field, message", [
    ("9", "8", "numerator", "above the denominator"), ("1", "0", "denominator", "above zero"),
    ("1.5", "8", "numerator", "whole number"), ("-1", "8", "numerator", "whole number"),
    ("1", "", "denominator", "give a whole number"), ("", "8", "numerator", "give a whole number"),
    ("1", "10000000000", "denominator", "whole number"), ("1", "nan", "denominator", "whole number"),
    ("٣", "8", "numerator", "whole number"), ("1", "0" * 400 + "8", "denominator", "whole number"),
])
def test_a_proportion_needs_whole_numbers_with_the_numerator_within_the_denominator(
        people, idea, checklist, numerator, denominator, field, message):
    refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], checklist.id, {
        "observed_on": hospital_today(), "numerator": numerator, "denominator": denominator}),
        field=field, match=message)


def test_a_proportion_is_stored_as_numerator_and_denominator(people, idea, checklist, heard):
    ops.add_observation(idea, people["submitter"], checklist.id,
                        {"observed_on": hospital_today(), "numerator": "18", "denominator": "20", "value": "7"})
    db.session.commit()
    [row] = observations(checklist)
    assert (row.value, row.numerator, row.denominator) == (None, 18, 20)
    event = idea_events(idea)[-1]
    assert event.action == "observation.added"
    assert event.changes == {"observed_on": (None, hospital_today().isoformat()), "numerator": (None, 18),
                             "denominator": (None, 20)}


def test_a_note_passes_the_patient_identifier_guard(people, idea, falls):
    refused(Invalid, lambda: ops.add_observation(idea, people["submitter"], falls.id, {
        "observed_on": hospital_today(), "value": "1", "note": "Fall of patient NHS 943 476 5919"}), field="note")


def test_a_measure_of_another_idea_is_refused(people, members, idea, falls):
    other = running_pilot(people, members, title="Another pilot")
    refused(Conflict, lambda: ops.add_observation(other, people["submitter"], falls.id,
                                                  {"observed_on": hospital_today(), "value": "1"}))


def test_an_added_observation_is_audited_with_its_note(people, idea, falls):
    ops.add_observation(idea, people["mentor"], falls.id,
                        {"observed_on": hospital_today(), "value": "3.5", "note": "Agency night"})
    db.session.commit()
    event = idea_events(idea)[-1]
    assert (event.action, event.actor_id) == ("observation.added", people["mentor"].id)
    assert event.changes == {"observed_on": (None, hospital_today().isoformat()), "value": (None, "3.5"),
                             "note": (None, "Agency night")}


# --- correcting and removing -------------------------------------------------------------------------

def test_a_correction_keeps_the_old_value_in_the_audit_trail(people, idea, falls, heard):
    [row] = add_observations(falls, [4.0], start=hospital_today(), actor=people["submitter"])
    heard.clear()
    ops.correct_observation(idea, people["co_author"], row.id, {
        "observed_on": row.observed_on.isoformat(), "value": "7", "reason": "Misread the tally sheet."}, row.version)
    db.session.commit()
    assert observations(falls)[0].value == 7.0
    event = idea_events(idea)[-1]
    assert (event.action, event.reason) == ("observation.corrected", "Misread the tally sheet.")
    assert event.changes == {"value": ("4.0", "7.0")}
    assert heard == [(falls.id, people["co_author"].id)]


def test_a_correction_needs_a_reason_and_a_change_and_the_current_version(people, idea, falls, heard):
    [row] = add_observations(falls, [4.0], start=hospital_today(), actor=people["submitter"])
    fields = {"observed_on": row.observed_on.isoformat(), "value": "7"}
    refused(Invalid, lambda: ops.correct_observation(idea, people["submitter"], row.id, fields, row.version),
            field="reason")
    refused(Invalid, lambda: ops.correct_observation(idea, people["submitter"], row.id,
                                                     {**fields, "value": "4", "reason": "No"}, row.version),
            match="Nothing changed")
    refused(Conflict, lambda: ops.correct_observation(idea, people["submitter"], row.id,
                                                      {**fields, "reason": "Typo"}, row.version - 1))
    refused(Invalid, lambda: ops.correct_observation(idea, people["submitter"], row.id,
                                                     {**fields, "value": "inf", "reason": "Typo"}, row.version),
            field="value")
    assert observations(falls)[0].value == 4.0 and actions(idea).count("observation.corrected") == 0


def test_removing_keeps_the_values_and_the_reason_in_the_audit_trail(people, idea, falls, heard):
    [row] = add_observations(falls, [4.0], start=hospital_today(), actor=people["submitter"])
    heard.clear()
    refused(Invalid, lambda: ops.remove_observation(idea, people["mentor"], row.id, " ", row.version),
            field="reason")
    ops.remove_observation(idea, people["mentor"], row.id, "Entered on the wrong measure.", row.version)
    db.session.commit()
    assert observations(falls) == []
    event = idea_events(idea)[-1]
    assert (event.action, event.reason) == ("observation.removed", "Entered on the wrong measure.")
    assert event.changes == {"observed_on": (hospital_today().isoformat(), None), "value": ("4.0", None)}
    assert heard == [(falls.id, people["mentor"].id)]
    refused(Conflict, lambda: ops.remove_observation(idea, people["mentor"], row.id, "Again", 1))


def test_the_helper_adds_a_series_a_day_apart(people, idea, falls, checklist):
    start = hospital_today() - timedelta(days=4)
    add_observations(falls, [1.0, 2.0, 3.0], start=start, actor=people["submitter"], step_days=2)
    add_observations(checklist, [(1, 2), (2, 2)], start=start, actor=people["submitter"])
    assert [(o.observed_on - start).days for o in observations(falls)] == [0, 2, 4]
    assert [(o.numerator, o.denominator) for o in observations(checklist)] == [(1, 2), (2, 2)]


# --- PDSA cycles ---------------------------------------------------------------------------------------

CYCLE = {"change_tested": "Checklist at the 21:00 handover", "plan": "Try it on 4B for a week.",
         "do": "Done on 6 of 7 nights.", "study": "", "act": "", "started_on": "2026-11-02", "ended_on": ""}


def test_a_pdsa_cycle_is_recorded_and_updated_with_audit_events(people, idea):
    cycle = ops.record_pdsa(idea, people["co_author"], CYCLE)
    db.session.commit()
    ops.update_pdsa(idea, people["mentor"], cycle.id, {**CYCLE, "study": "Falls halved.", "ended_on": "08/11/2026"},
                    cycle.version)
    db.session.commit()
    recorded, updated = idea_events(idea)[-2:]
    assert recorded.action == "pdsa.recorded" and recorded.changes["change_tested"] == (None, CYCLE["change_tested"])
    assert "study" not in recorded.changes
    assert updated.action == "pdsa.updated"
    assert updated.changes == {"study": ("", "Falls halved."), "ended_on": (None, "2026-11-08")}
    assert cycle.version == 2


@pytest.mark.parametrize("fields, field, message", [
    ({"change_tested": ""}, "change_tested", "say what change"),
    ({"change_tested": "x" * 201}, "change_tested", "200 characters"),
    ({"started_on": ""}, "started_on", "give the day"),
    ({"started_on": "soon"}, "started_on", "not a date"),
    ({"ended_on": "2026-11-01"}, "ended_on", "cannot end before it started"),
    ({"study": "Mrs Jones, born 12/03/1941, fell twice."}, "study", None),
    ({"plan": 12}, "plan", "expected text"),
])
def test_a_pdsa_cycle_is_refused_with_the_field_named(people, idea, fields, field, message):
    refused(Invalid, lambda: ops.record_pdsa(idea, people["submitter"], {**CYCLE, **fields}), field=field,
            match=message)
    assert db.session.scalar(select(func.count()).select_from(PdsaCycle)) == 0


def test_a_stale_pdsa_save_is_a_conflict(people, idea):
    cycle = ops.record_pdsa(idea, people["submitter"], CYCLE)
    db.session.commit()
    ops.update_pdsa(idea, people["mentor"], cycle.id, {**CYCLE, "study": "First."}, 1)
    db.session.commit()
    refused(Conflict, lambda: ops.update_pdsa(idea, people["submitter"], cycle.id, {**CYCLE, "study": "Second."}, 1),
            field="version")
    assert db.session.get(PdsaCycle, cycle.id).study == "First."


# --- whatever is typed or uploaded: a value or a named refusal, never a crash ------------------------------

@given(fields=st.dictionaries(st.sampled_from(["observed_on", "value", "numerator", "denominator", "note"]),
                              st.one_of(st.text(), st.floats(), st.integers(), st.none())),
       proportion=st.booleans())
def test_any_observation_input_is_stored_or_refused_with_its_field(fields, proportion):
    window = ops.DateWindow(date(2026, 1, 1), date(2026, 12, 1))
    try:
        values = ops.observation_values(Measure(proportion=proportion), fields, window)
    except Invalid as refusal:
        assert refusal.field in {"observed_on", "value", "numerator", "denominator", "note"}
    else:
        assert window.earliest <= values["observed_on"] <= window.latest


@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)), proportion=st.booleans())
def test_any_file_is_read_or_refused_with_its_reasons(data, proportion):
    try:
        rows, problems = read_rows(data, proportion)
    except UploadRefused as refusal:
        assert refusal.problems and refusal.field == "file"
    else:
        assert rows or problems
