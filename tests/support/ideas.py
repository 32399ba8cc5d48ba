"""Test helpers for ideas: every idea reaches its stage through the operations, never by assignment."""
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ideas.accounts.models import Unit, User
from ideas.accounts.units import create_site, create_unit
from ideas.audit.models import AuditEvent
from ideas.database import db
from ideas.pipeline.co_authors import answer_invitation
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, create_draft
from ideas.pipeline.workflow import Stage
from tests.support.committee import approve_pilot
from tests.support.reviews import complete_review

COMPLETE = {
    "title": "Night-time falls checklist",
    "problem": "Patients fall at night on the way to the toilet.",
    "proposed_change": "A bedside checklist at the evening handover.",
    "expected_benefit": "Fewer falls, calmer nights.",
    "benefits": ["safety"],
    "category": "falls",
    "tags": "falls, nights",
}

# The steps from a draft to each stage this part of the product can reach: (who, action, inputs).
ROUTES = {
    Stage.DRAFT: [],
    Stage.SUBMITTED: [("submitter", "submit", {})],
    Stage.MENTOR_REVIEW: [("submitter", "submit", {}), ("mentor", "start_review", {})],
    Stage.REVISION: [("submitter", "submit", {}), ("mentor", "start_review", {}),
                     ("mentor", "request_changes", {"comment": "Say how you will measure it."})],
    Stage.WITHDRAWN: [("submitter", "submit", {}), ("submitter", "withdraw", {"reason": "Not needed now."})],
    Stage.COMMITTEE_REVIEW: [("submitter", "submit", {}), ("mentor", "start_review", {}),
                             ("mentor", "complete_review", {}), ("mentor", "recommend", {})],
    Stage.PILOT: [("submitter", "submit", {}), ("mentor", "start_review", {}),
                  ("mentor", "complete_review", {}), ("mentor", "recommend", {}), ("committee", "approve", {})],
    Stage.DECLINED: [("submitter", "submit", {}), ("mentor", "start_review", {}),
                     ("mentor", "decline", {"reason": "Already done hospital-wide."})],
}


def a_unit() -> Unit:
    """A unit to put ideas in (made once per database)."""
    unit = db.session.scalar(select(Unit).limit(1))
    return unit or create_unit(create_site("Riverside General Hospital"), "Ward 4B")


def make_idea(submitter: User, stage: Stage = Stage.DRAFT, mentor: User | None = None,
              co_authors: tuple[User, ...] = (), committee: tuple[User, ...] = (), invited: tuple[User, ...] = (),
              **fields) -> Idea:
    """An idea by `submitter` walked to `stage` through the operations; committed.

    The `co_authors` accept their invitation at once; the `invited` have not answered yet.
    A pilot needs `committee`: members enough for quorum, who vote to approve it.
    """
    idea = create_draft(submitter, {**COMPLETE, "unit": a_unit().id,
                                    "co_authors": [u.email for u in (*co_authors, *invited)], **fields})
    for co_author in co_authors:
        answer_invitation(idea, co_author, accept=True)
    actors = {"submitter": submitter, "mentor": mentor}
    for who, action, inputs in ROUTES[stage]:
        if action == "complete_review":
            complete_review(idea, actors[who])
        elif action == "approve":
            db.session.commit()
            approve_pilot(idea, list(committee))
        else:
            apply_action(idea, actors[who], action, idea.version, **inputs)
    db.session.commit()
    return idea


@dataclass(frozen=True)
class Event:
    """An idea's audit event, with its changes read back as {field: (old, new)}."""

    action: str
    actor_id: int | None
    reason: str | None
    entity_version: int | None
    changes: dict


def idea_events(idea: Idea) -> list[Event]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.idea_id == idea.id)
                                .options(selectinload(AuditEvent.values)).order_by(AuditEvent.sequence))
    found = []
    for event in events:
        changes = {}
        for value in event.values:
            old, new = changes.get(value.field, (None, None))
            decoded = json.loads(value.value)
            changes[value.field] = (decoded, new) if value.side == "old" else (old, decoded)
        found.append(Event(event.action, event.actor_id, event.reason, event.entity_version, changes))
    return found
