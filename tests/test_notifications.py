"""Who hears of what (SPEC "Notifications"): the right people, through their chosen delivery, never anyone who may
not see the idea, the person who acted, or a deactivated user."""
from datetime import timedelta

import time_machine
from sqlalchemy import select

from ideas.accounts import two_factor
from ideas.accounts.models import Role
from ideas.accounts.operations import deactivate_user
from ideas.accounts.pairings import pair_mentee
from ideas.clock import utcnow
from ideas.database import db
from ideas.discussion.operations import post_comment
from ideas.notifications.due import queue_digests, raise_due
from ideas.notifications.models import Notification, OutboxMessage
from ideas.notifications.operations import save_preferences
from ideas.notifications.kinds import KINDS
from ideas.pipeline.operations import apply_action, create_draft
from ideas.pipeline.workflow import Stage
from tests.support.ideas import COMPLETE, a_unit, make_idea


def told(kind: str | None = None) -> dict[int, list[str]]:
    """user id -> the kinds they were told of (in order), for one kind or all."""
    query = select(Notification).order_by(Notification.id)
    found: dict[int, list[str]] = {}
    for n in db.session.scalars(query if kind is None else query.where(Notification.kind == kind)):
        found.setdefault(n.user_id, []).append(n.kind)
    return found


def emailed() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.recipient).order_by(OutboxMessage.id)))


def test_a_submission_reaches_the_paired_mentor_first_then_the_open_queue(people, app):
    pair_mentee(people["submitter"], people["mentor"])
    db.session.commit()
    idea = make_idea(people["submitter"], Stage.SUBMITTED)
    # the other mentor may not see it yet (the paired-only wait), so is not told
    assert told("submitted") == {people["mentor"].id: ["submitted"]}
    assert emailed() == [people["mentor"].email]
    assert raise_due() == 0
    with time_machine.travel(utcnow() + timedelta(days=3, minutes=1)):
        assert raise_due() == 1
        assert raise_due() == 0  # `notify due` run twice tells nobody twice
    assert told("submitted") == {people["mentor"].id: ["submitted"], people["other_mentor"].id: ["submitted"]}
    text = db.session.scalar(select(Notification.text).where(Notification.user_id == people["other_mentor"].id))
    assert text == f"FI-{idea.id} “Night-time falls checklist” waits in the open queue: any mentor may claim it"


def test_each_step_of_the_review_tells_the_right_people(people, app):
    idea = make_idea(people["submitter"], Stage.SUBMITTED, co_authors=(people["co_author"],))
    db.session.execute(Notification.__table__.delete())
    apply_action(idea, people["mentor"], "start_review", idea.version)
    assert told() == {people["submitter"].id: ["claimed"], people["co_author"].id: ["claimed"]}
    apply_action(idea, people["mentor"], "request_changes", idea.version, comment="Say how you will measure it.")
    apply_action(idea, people["submitter"], "resubmit", idea.version, response="Added the falls count.")
    assert told() == {people["submitter"].id: ["claimed", "changes_requested"],
                      people["co_author"].id: ["claimed", "changes_requested"],
                      people["mentor"].id: ["resubmitted"]}  # the submitter resubmitted: not told of it
    mentor_note = db.session.scalar(select(Notification).where(Notification.kind == "resubmitted"))
    assert (mentor_note.text, mentor_note.anchor) == (
        f"FI-{idea.id} “Night-time falls checklist” was resubmitted by Maya Okafor", "review-summary-heading")
    assert "Say how you will measure it" not in " ".join(n.text for n in db.session.scalars(select(Notification)))


def test_the_committee_hears_of_a_recommendation_and_the_team_of_the_decision(people, create_user, app):
    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    recommended = told("recommended")
    assert set(recommended) == {m.id for m in members}
    note = db.session.scalar(select(Notification).where(Notification.kind == "recommended"))
    assert (KINDS[note.kind].endpoint, note.anchor) == ("committee.pack", "your-vote")
    from tests.support.committee import approve_pilot

    approve_pilot(idea, members)
    assert set(told("decision")) == {people["submitter"].id, people["mentor"].id}


def test_a_mention_and_an_invitation_reach_only_those_named(people, app):
    draft = create_draft(people["submitter"], {**COMPLETE, "unit": a_unit().id,
                                               "co_authors": [people["co_author"].email]})
    assert told() == {people["co_author"].id: ["invitation"]}
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    handle = people["mentor"].email.split("@")[0]
    comment = post_comment(idea, people["submitter"], f"@{handle} the falls data is attached.")
    note = db.session.scalar(select(Notification).where(Notification.kind == "mention"))
    assert (note.user_id, note.anchor) == (people["mentor"].id, f"comment-{comment.id}")
    assert "falls data" not in note.text and draft.id != idea.id


def test_someone_who_may_not_see_the_idea_is_never_told(people, app):
    """The visibility rule decides: a stranger named as a recipient of a draft's news hears nothing."""
    from ideas.notifications.operations import notify

    idea = make_idea(people["submitter"], Stage.DRAFT)
    written = notify("decision", [people["stranger"], people["other_mentor"], people["submitter"]], "x", idea=idea)
    assert [n.user_id for n in written] == [people["submitter"].id]


def test_a_deactivated_user_gets_nothing(people, app):
    deactivate_user(people["mentor"], {}, reason="Left the trust.")
    db.session.commit()
    make_idea(people["submitter"], Stage.SUBMITTED)
    assert people["mentor"].id not in told() and people["mentor"].email not in emailed()
    assert people["other_mentor"].id in told()


def test_preferences_choose_email_in_app_or_a_daily_digest(people, app):
    choices = {name: "email" for name in KINDS}
    save_preferences(people["mentor"], {**choices, "submitted": "in_app"})
    save_preferences(people["other_mentor"], {**choices, "submitted": "digest"})
    db.session.commit()
    make_idea(people["submitter"], Stage.SUBMITTED)
    make_idea(people["submitter"], Stage.SUBMITTED, title="Hand gel at every door")
    assert set(told("submitted")) == {people["mentor"].id, people["other_mentor"].id}
    assert emailed() == []  # in the app only; and the digest waits for `notify due`
    assert queue_digests() == 1 and queue_digests() == 0
    digest = db.session.scalar(select(OutboxMessage))
    assert digest.recipient == people["other_mentor"].email and digest.subject == "Frontline Ideas: 2 updates today"
    assert "Hand gel at every door" in digest.text_body and "Night-time falls checklist" in digest.html_body


def test_a_second_factor_reset_tells_the_user(people, app):
    people["committee"].totp_secret = "JBSWY3DPEHPK3PXP"
    two_factor.reset(people["committee"], "Lost phone.")
    db.session.commit()
    assert told() == {people["committee"].id: ["two_factor_reset"]}
    assert emailed() == [people["committee"].email]


def test_a_change_to_a_running_pilots_plan_asks_the_committee_to_approve_it_again(people, create_user, app):
    from ideas.review import operations as review_ops
    from ideas.review.queries import plan_of
    from tests.support.pilots import running_pilot

    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea = running_pilot(people, members)
    db.session.execute(Notification.__table__.delete())
    plan = plan_of(idea.id)
    review_ops.save_plan(idea, people["submitter"], {
        "aim": "Reduce night-time falls on 4B by half by 31 March.", "units": [u.id for u in plan.units],
        "planned_start": plan.planned_start, "planned_end": plan.planned_end,
        "data_collection": plan.data_collection}, plan.version)
    db.session.commit()
    assert idea.stage == Stage.COMMITTEE_REVIEW
    assert told() == {m.id: ["reapproval"] for m in members}
    assert "by half" not in db.session.scalar(select(Notification.text).limit(1))


def test_a_completed_pilot_asks_the_committee_to_vote_and_a_safety_hold_tells_team_and_committee(people, create_user,
                                                                                                   app):
    from ideas.pipeline.operations import clear_safety_hold
    from tests.support.holds import trip_stop_rule
    from tests.support.pilots import running_pilot
    from tests.support.spread import complete_pilot

    members = [people["committee"], create_user(Role.COMMITTEE), create_user(Role.COMMITTEE)]
    idea = running_pilot(people, members)
    db.session.execute(Notification.__table__.delete())
    trip_stop_rule(idea, people["submitter"])
    team_and_mentor = {people["submitter"].id, people["co_author"].id, people["mentor"].id}
    assert set(told("safety_hold")) == team_and_mentor | {m.id for m in members}
    note = db.session.scalar(select(Notification).where(Notification.kind == "safety_hold"))
    assert note.anchor == "safety-hold" and f"FI-{idea.id}" in note.text
    clear_safety_hold(idea, members[0], "Reviewed the handover data: carry on.")
    db.session.commit()
    assert [kinds.count("safety_hold") for user, kinds in sorted(told("safety_hold").items())
            if user in team_and_mentor] == [2, 2, 2]
    db.session.execute(Notification.__table__.delete())
    complete_pilot(idea, people["submitter"])
    assert set(told("vote_needed")) == {m.id for m in members}
    assert told("vote_needed").get(people["submitter"].id) is None
