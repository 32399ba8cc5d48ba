"""`notify due` (cron, safe to run twice): conditions of approval due and overdue, a pilot without new data,
each told once to its owner or team; a new occasion is a new reminder."""
from datetime import timedelta

import time_machine
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.clock import utcnow
from ideas.database import db
from ideas.notifications.models import Notification
from ideas.pilots.operations import hospital_today
from ideas.pipeline.workflow import Stage
from tests.support.committee import approve_pilot
from tests.support.ideas import make_idea
from tests.support.pilots import add_observations, measure_named, running_pilot


def reminders(kind: str) -> list[tuple[int, str]]:
    return [(n.user_id, n.once_key.rsplit(":", 1)[0]) for n in db.session.scalars(
        select(Notification).where(Notification.kind == kind).order_by(Notification.id))]


def test_a_condition_is_due_then_overdue_each_told_once(people, create_user, runner):
    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"],
                     co_authors=(people["co_author"],))
    due_on = hospital_today() + timedelta(days=5)
    approve_pilot(idea, members, conditions=[{"text": "Train the night staff first.", "owner": people["co_author"].id,
                                              "due_on": due_on}])
    assert runner.invoke(args=["notify", "due"]).output.startswith("Reminded 0;")  # not yet within 3 days
    with time_machine.travel(utcnow() + timedelta(days=3)):
        assert runner.invoke(args=["notify", "due"]).output.startswith("Reminded 1;")
        assert runner.invoke(args=["notify", "due"]).output.startswith("Reminded 0;")
    with time_machine.travel(utcnow() + timedelta(days=7)):
        assert runner.invoke(args=["notify", "due"]).output.startswith("Reminded 1;")
        assert runner.invoke(args=["notify", "due"]).output.startswith("Reminded 0;")
    owner = people["co_author"].id
    assert reminders("condition_due") + reminders("condition_overdue") == [
        (owner, f"condition_due:1:{due_on}"), (owner, f"condition_overdue:1:{due_on}")]
    overdue = db.session.scalar(select(Notification).where(Notification.kind == "condition_overdue"))
    assert overdue.text == f"A condition of approval of FI-{idea.id} “Night-time falls checklist” was due on " \
                           f"{due_on:%d %b %Y}" and overdue.anchor == "conditions"


def test_a_pilot_without_new_data_reminds_its_team_once_per_gap(people, create_user, app):
    from ideas.notifications.due import raise_due

    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea = running_pilot(people, members)
    assert raise_due() == 0
    later = utcnow() + timedelta(days=15)
    with time_machine.travel(later):
        assert raise_due() == 3  # submitter, co-author, mentor
        assert raise_due() == 0
        add_observations(measure_named(idea, "Checklist done"), [4], start=hospital_today(),
                         actor=people["submitter"])
        assert raise_due() == 0
    with time_machine.travel(later + timedelta(days=15)):
        assert raise_due() == 3  # a new gap, a new reminder
    assert {user_id for user_id, _ in reminders("pilot_data_overdue")} == {
        people["submitter"].id, people["co_author"].id, people["mentor"].id}


def test_an_overdue_sustainment_check_reminds_its_owner_once(people, create_user, app):
    from ideas.notifications.due import raise_due
    from ideas.spread.operations import answer_check, update_unit
    from ideas.spread.queries import checks_by_unit
    from tests.support.spread import scale_up_idea

    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea, (first, *_) = scale_up_idea(people, members)
    owner = create_user(Role.MENTEE, name="Ward 5A sister")
    adopted_on = hospital_today() - timedelta(days=40)  # day 30 is past, day 90 to come
    update_unit(idea, people["submitter"], first.id, {"status": "adopted", "sustainment_owner": owner.id,
                                                      "adopted_on": adopted_on}, first.version)
    db.session.commit()
    pilot_gap = len(reminders("pilot_data_overdue"))
    assert raise_due() == 1 and raise_due() == 0
    (told,) = db.session.scalars(select(Notification).where(Notification.kind == "sustainment_overdue")).all()
    day_30 = checks_by_unit(idea.id)[first.id][0]
    assert (told.user_id, told.anchor) == (owner.id, f"check-{day_30.id}")
    assert told.text == (f"The day-30 sustainment check of FI-{idea.id} “Night-time falls checklist” on Ward 5A "
                         f"was due on {adopted_on + timedelta(days=30):%d %b %Y}")
    assert len(reminders("pilot_data_overdue")) == pilot_gap
    answer_check(idea, owner, day_30.id, {"answer": "yes"}, day_30.version)
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=60)):  # day 90 now overdue too: a new occasion
        assert raise_due() == 1
    assert [user_id for user_id, _ in reminders("sustainment_overdue")] == [owner.id, owner.id]
