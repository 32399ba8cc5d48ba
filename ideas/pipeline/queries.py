"""Reading ideas for pages: a mentee's own ideas, what waits on them, how the idea got here."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ideas.accounts.models import User
from ideas.audit.chain import value_text
from ideas.audit.models import AuditEvent, AuditValue, Side
from ideas.database import db
from ideas.pipeline.facts import actor_facts, idea_facts, queues
from ideas.pipeline.models import CoAuthorStatus, Idea
from ideas.pipeline.visibility import named_as, written_by
from ideas.pipeline.workflow import Stage, Transition, available_actions


def my_ideas(user: User, limit: int | None = None) -> list[Idea]:
    """The user's ideas as submitter or co-author, most recently changed first."""
    return _ideas(written_by(user), limit)


def invitations(user: User) -> list[Idea]:
    """Ideas whose submitter invited the user to co-author them, waiting for an answer."""
    return _ideas(named_as(user, CoAuthorStatus.INVITED))


def _ideas(where, limit: int | None = None) -> list[Idea]:
    return list(db.session.scalars(
        select(Idea).where(where)
        .options(joinedload(Idea.submitter), joinedload(Idea.mentor), selectinload(Idea.named))
        .order_by(Idea.updated_at.desc(), Idea.id.desc()).limit(limit)))


def waiting_on(ideas: list[Idea], user: User) -> dict[int, list[Transition]]:
    """For each idea, the actions that move it forward and wait on this user (withdrawing waits on nobody)."""
    actor, queue = actor_facts(user), queues(ideas)
    return {idea.id: [t for t in available_actions(idea_facts(idea, queue), actor) if t.action != "withdraw"]
            for idea in ideas}


def last_transition(idea: Idea) -> AuditEvent | None:
    """The audit event that brought the idea to its stage: who, when, and their reason or comment."""
    return db.session.scalar(select(AuditEvent)
                             .where(AuditEvent.idea_id == idea.id, AuditEvent.action == "idea.transition")
                             .order_by(AuditEvent.sequence.desc()).limit(1))


def hold_trips(idea_id: int) -> list[AuditEvent]:
    """The stop rules that tripped since the idea's safety hold was last cleared, oldest first."""
    cleared = (select(func.coalesce(func.max(AuditEvent.sequence), 0))
               .where(AuditEvent.idea_id == idea_id, AuditEvent.action == "idea.safety_hold_cleared")
               .scalar_subquery())
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.idea_id == idea_id, AuditEvent.action == "idea.safety_hold_placed", AuditEvent.sequence > cleared)
        .order_by(AuditEvent.sequence)))


def came_from(idea_ids: list[int], stage: Stage) -> set[int]:
    """Of these ideas, those whose latest transition left `stage` (a resubmission left revision): one query."""
    latest = (select(func.max(AuditEvent.sequence))
              .where(AuditEvent.idea_id.in_(idea_ids), AuditEvent.action == "idea.transition")
              .group_by(AuditEvent.idea_id))
    return set(db.session.scalars(
        select(AuditEvent.idea_id).join(AuditValue, AuditValue.event_sequence == AuditEvent.sequence)
        .where(AuditEvent.sequence.in_(latest), AuditValue.field == "stage", AuditValue.side == Side.OLD,
               AuditValue.value == value_text("stage", stage.value))))
