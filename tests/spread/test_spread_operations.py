"""Scale-up's operations: target units, adoption with its sustainment checks counted in local days,
answers to the checks, missed checks flagged once, and mark_adopted's invariant."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.accounts.reauth import SIGNED_BY
from ideas.audit.models import AuditEvent
from ideas.database import db
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pilots.operations import hospital_today
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import TRANSITIONS
from ideas.review.models import Measure
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.operations import answer_check, flag_missed, update_unit
from ideas.spread.rules import check_due_dates
from tests.support.committee import PASSWORD
from tests.support.ideas import idea_events


def adopt(idea, unit, actor, owner, on, **fields):
    """Mark one target unit adopted on `on` with `owner`; committed."""
    update_unit(idea, actor, unit.id, {"status": "adopted", "sustainment_owner": owner.id, "adopted_on": on,
                                       **fields}, unit.version)
    db.session.commit()


def due_dates(unit) -> dict[int, date]:
    checks = db.session.scalars(select(SustainmentCheck).where(SustainmentCheck.target_unit_id == unit.id))
    return {check.day: check.due_on for check in checks}


# --- due dates in local days ------------------------------------------------------------------------

@pytest.mark.parametrize(("adopted", "expected"), [
    (date(2027, 1, 31), {30: date(2027, 3, 2), 90: date(2027, 5, 1), 180: date(2027, 7, 30)}),  # month ends
    (date(2027, 12, 31), {30: date(2028, 1, 30), 90: date(2028, 3, 30), 180: date(2028, 6, 28)}),  # over 29 Feb
    (date(2028, 1, 30), {30: date(2028, 2, 29), 90: date(2028, 4, 29), 180: date(2028, 7, 28)}),  # on 29 Feb
    (date(2027, 8, 31), {30: date(2027, 9, 30), 90: date(2027, 11, 29), 180: date(2028, 2, 27)}),
])
def test_check_days_count_calendar_days_across_month_ends_and_a_leap_day(adopted, expected):
    assert dict(check_due_dates(adopted)) == expected


def test_the_crossing_of_29_february_counts_it(spread, people):
    """Adopted 31 Dec 2027: 60 days on is 29 Feb 2028, so the day-90 check falls on 30 March, not 31."""
    idea, units = spread
    with time_machine.travel(datetime(2028, 2, 5, 12, tzinfo=UTC), tick=False):
        adopt(idea, units[0], people["submitter"], people["co_author"], "2027-12-31")
        adopt(idea, units[1], people["submitter"], people["co_author"], "30/01/2028")
    assert due_dates(units[0]) == {30: date(2028, 1, 30), 90: date(2028, 3, 30), 180: date(2028, 6, 28)}
    assert due_dates(units[1])[30] == date(2028, 2, 29)


@pytest.mark.parametrize(("moment", "local_day"), [
    (datetime(2027, 3, 28, 0, 30, tzinfo=UTC), date(2027, 3, 28)),  # 00:30 GMT, half an hour before the change
    (datetime(2027, 3, 28, 23, 30, tzinfo=UTC), date(2027, 3, 29)),  # 00:30 BST the next day
    (datetime(2027, 10, 30, 23, 30, tzinfo=UTC), date(2027, 10, 31)),  # 00:30 BST, the night the clocks go back
    (datetime(2027, 10, 31, 23, 30, tzinfo=UTC), date(2027, 10, 31)),  # 23:30 GMT, still the 31st
])
def test_the_adoption_day_is_the_hospital_s_local_day_around_the_clock_change(app, spread, people, moment,
                                                                              local_day):
    """Europe/London: the form's default adoption day is today on the ward's clock, and today is not 'future'."""
    idea, units = spread
    with time_machine.travel(moment, tick=False):
        today = hospital_today()
        adopt(idea, units[0], people["submitter"], people["co_author"], today)
    assert today == local_day
    assert due_dates(units[0]) == dict(check_due_dates(local_day))


def test_an_adoption_day_after_the_local_today_is_refused(spread, people):
    idea, units = spread
    with time_machine.travel(datetime(2027, 10, 30, 22, 30, tzinfo=UTC), tick=False):  # 23:30 BST on the 30th
        with pytest.raises(Invalid) as refused:
            update_unit(idea, people["submitter"], units[0].id, {"status": "adopted", "adopted_on": "2027-10-31",
                                                                 "sustainment_owner": people["co_author"].id},
                        units[0].version)
    assert refused.value.field == "adopted_on" and "future" in refused.value.message


# --- target units -----------------------------------------------------------------------------------

def test_the_team_moves_a_unit_through_its_statuses_audited(spread, people):
    idea, units = spread
    unit = units[0]
    update_unit(idea, people["co_author"], unit.id, {"status": "in_progress", "started_on": hospital_today(),
                                                     "lead": people["co_author"].id, "notes": "Started on nights.",
                                                     "adaptations": "Checklist on a lanyard card."}, 1)
    db.session.commit()
    assert unit.status == "in_progress" and unit.lead_id == people["co_author"].id and unit.version == 2
    event = [e for e in idea_events(idea) if e.action == "target_unit.updated"][-1]
    assert event.changes["status"] == ("planned", "in_progress")
    assert event.changes["adaptations"] == ("", "Checklist on a lanyard card.")


def test_adoption_needs_an_owner_and_a_day_and_schedules_three_checks(spread, people):
    idea, units = spread
    with pytest.raises(Invalid) as refused:
        update_unit(idea, people["submitter"], units[0].id, {"status": "adopted", "adopted_on": hospital_today()}, 1)
    assert refused.value.field == "sustainment_owner"
    db.session.rollback()
    with pytest.raises(Invalid) as refused:
        update_unit(idea, people["submitter"], units[0].id,
                    {"status": "adopted", "sustainment_owner": people["co_author"].id}, 1)
    assert refused.value.field == "adopted_on"
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(SustainmentCheck.id))) == 0
    adopt(idea, units[0], people["submitter"], people["co_author"], hospital_today())
    assert sorted(due_dates(units[0])) == [30, 90, 180]
    assert [e.action for e in idea_events(idea)].count("sustainment.scheduled") == 3


def test_an_inactive_owner_is_refused(spread, people, create_user):
    idea, units = spread
    gone = create_user(Role.MENTEE)
    gone.active = False
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        update_unit(idea, people["submitter"], units[0].id, {"status": "adopted", "adopted_on": hospital_today(),
                                                             "sustainment_owner": gone.id}, 1)
    assert refused.value.field == "sustainment_owner"


def test_an_adopted_unit_stays_adopted_and_keeps_its_day(spread, people):
    idea, units = spread
    adopt(idea, units[0], people["submitter"], people["co_author"], hospital_today())
    for fields, field in (({"status": "declined"}, "status"), ({"adopted_on": "2026-01-01"}, "adopted_on")):
        with pytest.raises(Invalid) as refused:
            update_unit(idea, people["submitter"], units[0].id,
                        {"status": "adopted", "sustainment_owner": people["co_author"].id,
                         "adopted_on": hospital_today(), **fields}, units[0].version)
        assert refused.value.field == field
        db.session.rollback()


def test_a_stale_version_is_a_conflict(spread, people):
    idea, units = spread
    update_unit(idea, people["submitter"], units[0].id, {"status": "planned", "notes": "First."}, 1)
    db.session.commit()
    with pytest.raises(Conflict):
        update_unit(idea, people["co_author"], units[0].id, {"status": "planned", "notes": "Second."}, 1)


def test_only_the_team_and_the_committee_update_units_and_only_in_scale_up(spread, people, members):
    idea, units = spread
    for outsider in (people["stranger"], people["other_mentor"], people["admin"]):
        with pytest.raises(Forbidden):
            update_unit(idea, outsider, units[0].id, {"status": "planned"}, 1)
    update_unit(idea, members[1], units[0].id, {"status": "declined", "notes": "No night staff."}, 1)
    update_unit(idea, people["mentor"], units[1].id, {"status": "planned", "notes": "Next month."}, 1)
    db.session.commit()


# --- mark_adopted: no adoption without an adopted unit and an owner --------------------------------

def test_mark_adopted_needs_an_adopted_unit_with_an_owner(spread, people, members):
    idea, units = spread
    with pytest.raises(Invalid) as refused:
        apply_action(idea, members[0], "mark_adopted", idea.version, password=PASSWORD)
    assert refused.value.field == "target_units"
    db.session.rollback()
    adopt(idea, units[0], people["submitter"], people["co_author"], hospital_today())
    # An adopted unit whose owner is gone (only possible outside the operations) still blocks it.
    db.session.execute(TargetUnit.__table__.update().where(TargetUnit.id == units[0].id)
                       .values(sustainment_owner_id=None))
    with pytest.raises(Invalid) as refused:
        apply_action(idea, members[0], "mark_adopted", idea.version, password=PASSWORD)
    assert refused.value.field == "sustainment_owner"
    db.session.rollback()
    apply_action(idea, members[0], "mark_adopted", idea.version, password=PASSWORD)
    db.session.commit()
    assert idea.stage == "adopted"
    with pytest.raises(Invalid):  # read-only once adopted
        update_unit(idea, people["submitter"], units[1].id, {"status": "planned"}, 1)


def test_the_team_cannot_mark_it_adopted(spread, people):
    idea, units = spread
    adopt(idea, units[0], people["submitter"], people["co_author"], hospital_today())
    with pytest.raises(Forbidden):
        apply_action(idea, people["submitter"], "mark_adopted", idea.version, password=PASSWORD)


# --- sustainment checks ------------------------------------------------------------------------------

def test_the_owner_answers_a_due_check_with_a_fresh_measurement(spread, people):
    idea, units = spread
    with time_machine.travel(datetime(2027, 1, 1, 12, tzinfo=UTC), tick=False):
        adopt(idea, units[0], people["submitter"], people["co_author"], "2027-01-01")
    first = db.session.scalar(select(SustainmentCheck).where(SustainmentCheck.day == 30))
    measure_id = idea_measure(idea)
    with time_machine.travel(datetime(2027, 1, 10, 12, tzinfo=UTC), tick=False):
        with pytest.raises(Invalid) as early:  # opens 14 days before it is due
            answer_check(idea, people["co_author"], first.id, {"answer": "yes"}, first.version)
        assert "opens on 17 Jan 2027" in early.value.message
        db.session.rollback()
    with time_machine.travel(datetime(2027, 1, 30, 12, tzinfo=UTC), tick=False):
        with pytest.raises(Forbidden):
            answer_check(idea, people["submitter"], first.id, {"answer": "yes"}, first.version)
        with pytest.raises(Invalid) as refused:
            answer_check(idea, people["co_author"], first.id, {"answer": "partly"}, first.version)
        assert refused.value.field == "note"
        db.session.rollback()
        answer_check(idea, people["co_author"], first.id, {"answer": "partly", "note": "Weekends slip.",
                                                           "measure": measure_id, "value": "4.5"}, first.version)
        db.session.commit()
        with pytest.raises(Conflict):
            answer_check(idea, people["co_author"], first.id, {"answer": "yes"}, first.version)
    assert (first.answer, first.value, first.measure_id) == ("partly", 4.5, measure_id)
    assert [e for e in idea_events(idea) if e.action == "sustainment.answered"][0].changes["answer"] == (None, "partly")


def idea_measure(idea) -> int:
    return db.session.scalar(select(Measure.id).where(Measure.idea_id == idea.id).limit(1))


def test_a_missed_check_is_flagged_once(spread, people, runner):
    idea, units = spread
    with time_machine.travel(datetime(2027, 1, 1, 12, tzinfo=UTC), tick=False):
        adopt(idea, units[0], people["submitter"], people["co_author"], "2027-01-01")
    with time_machine.travel(datetime(2027, 1, 31, 12, tzinfo=UTC), tick=False):  # the due day: not missed yet
        assert "0 missed sustainment checks flagged" in runner.invoke(args=["spread", "flag-missed"]).output
    with time_machine.travel(datetime(2027, 2, 1, 0, 30, tzinfo=UTC), tick=False):  # the day after, locally
        first = runner.invoke(args=["spread", "flag-missed"])
        second = runner.invoke(args=["spread", "flag-missed"])
    assert first.exit_code == second.exit_code == 0
    assert "1 missed sustainment check flagged" in first.output
    assert "0 missed sustainment checks flagged" in second.output
    missed = db.session.scalars(select(SustainmentCheck).where(SustainmentCheck.missed_at.is_not(None))).all()
    assert [check.day for check in missed] == [30]
    assert [e.action for e in idea_events(idea)].count("sustainment.missed") == 1


def test_an_answered_check_is_never_missed(spread, people):
    idea, units = spread
    with time_machine.travel(datetime(2027, 1, 1, 12, tzinfo=UTC), tick=False):
        adopt(idea, units[0], people["submitter"], people["co_author"], "2027-01-01")
    check = db.session.scalar(select(SustainmentCheck).where(SustainmentCheck.day == 30))
    with time_machine.travel(datetime(2027, 1, 31, 12, tzinfo=UTC), tick=False):
        answer_check(idea, people["committee"], check.id, {"answer": "yes"}, check.version)
        db.session.commit()
    assert flag_missed(date(2027, 2, 5)) == 0


def test_every_signed_decision_s_audit_meaning_fits_its_column():
    """PostgreSQL refuses a meaning longer than the column (SQLite would store it): "marked the idea adopted" did."""
    width = AuditEvent.__table__.c.meaning.type.length
    assert [row.signed for row in TRANSITIONS if row.signed and len(f"{row.signed}; {SIGNED_BY}") > width] == []
