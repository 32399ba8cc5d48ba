"""Reading ideas for pages: a mentee's own ideas, what waits on them, how the idea got here."""
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ideas.accounts.models import User
from ideas.audit.models import AuditEvent
from ideas.database import db
from ideas.pipeline.facts import actor_facts, idea_facts, queues
from ideas.pipeline.models import Idea, idea_co_authors
from ideas.pipeline.workflow import Transition, available_actions


def my_ideas(user: User, limit: int | None = None) -> list[Idea]:
    """The user's ideas as submitter or co-author, most recently changed first."""
    co_written = select(idea_co_authors.c.idea_id).where(idea_co_authors.c.user_id == user.id)
    stmt = (select(Idea)
            .where(or_(Idea.submitter_id == user.id, Idea.id.in_(co_written)))
            .options(joinedload(Idea.submitter), joinedload(Idea.mentor), selectinload(Idea.co_authors))
            .order_by(Idea.updated_at.desc(), Idea.id.desc())
            .limit(limit))
    return list(db.session.scalars(stmt))


def waiting_on(ideas: list[Idea], user: User) -> dict[int, list[Transition]]:
    """For each idea, the actions that move it forward and wait on this user (withdrawing waits on nobody)."""
    actor, queue = actor_facts(user), queues(idea.submitter_id for idea in ideas)
    return {idea.id: [t for t in available_actions(idea_facts(idea, queue), actor) if t.action != "withdraw"]
            for idea in ideas}


def last_transition(idea: Idea) -> AuditEvent | None:
    """The audit event that brought the idea to its stage: who, when, and their reason or comment."""
    return db.session.scalar(select(AuditEvent)
                             .where(AuditEvent.idea_id == idea.id, AuditEvent.action == "idea.transition")
                             .order_by(AuditEvent.sequence.desc()).limit(1))
