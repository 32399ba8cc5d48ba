"""Who reviewed an idea, read from the audit trail: each such mentor may still see it and is conflicted at
the committee, even after another mentor took over."""
from sqlalchemy import ColumnElement, exists, select

from ideas.audit.models import AuditEvent
from ideas.database import db

# Events that show who wrote an idea's review.
REVIEW_EVENTS = ("review.saved", "hazard.added", "hazard.updated", "hazard.removed")


def reviewed(idea_id, actor_id) -> ColumnElement[bool]:
    """Whether the actor wrote part of the idea's review (a mentor replaced later still reviewed it)."""
    return exists().where(AuditEvent.idea_id == idea_id, AuditEvent.actor_id == actor_id,
                          AuditEvent.action.in_(REVIEW_EVENTS), AuditEvent.outcome == "success")


def reviewed_by(actor_id: int):
    """The ids of the ideas whose review the actor wrote part of (`reviewed`, read from the actor's side)."""
    return select(AuditEvent.idea_id).where(AuditEvent.actor_id == actor_id, AuditEvent.action.in_(REVIEW_EVENTS),
                                            AuditEvent.outcome == "success")


def reviewers_of(idea_ids: list[int]) -> dict[int, frozenset[int]]:
    """For each idea, everybody who wrote part of its review: one query for a whole list (none for no ideas:
    SQLite cannot tell an empty IN is empty, and read every review event to find so, 1.6 s at 2M events)."""
    if not idea_ids:
        return {}
    found: dict[int, set[int]] = {}
    for idea_id, actor_id in db.session.execute(
            select(AuditEvent.idea_id, AuditEvent.actor_id).distinct()
            .where(AuditEvent.idea_id.in_(idea_ids), AuditEvent.action.in_(REVIEW_EVENTS),
                   AuditEvent.outcome == "success", AuditEvent.actor_id.is_not(None))):
        found.setdefault(idea_id, set()).add(actor_id)
    return {idea_id: frozenset(ids) for idea_id, ids in found.items()}
