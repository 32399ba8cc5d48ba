"""Ideas a mentor holds are open work: when the mentor leaves, an administrator hands each over."""
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ideas.accounts.handover import WorkItem, WorkProvider, register_work_provider
from ideas.accounts.models import Role, User
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import reassign_mentor
from ideas.pipeline.workflow import MENTORED


def mentored_ideas(mentor: User) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.mentor_id == mentor.id, Idea.stage.in_(MENTORED))
                                   .options(selectinload(Idea.named)).order_by(Idea.id)))


def _ideas_mentored_by(mentor: User) -> list[WorkItem]:
    return [WorkItem(kind="mentored_ideas", ref=idea.id, summary=f"Mentor of the idea “{idea.title}”",
                     successor_role=Role.MENTOR,
                     not_to=frozenset({idea.submitter_id, *(u.id for u in idea.co_authors)}),
                     released=f"“{idea.title}” keeps no active mentor until you reassign it from its page.")
            for idea in mentored_ideas(mentor)]


def _hand_over_idea(item: WorkItem, successor: User | None, reason: str | None) -> str:
    if successor is None:
        return item.released
    idea = db.session.get(Idea, item.ref)
    reassign_mentor(idea, current_user._get_current_object(), successor.id,
                    reason or "Handed over when the previous mentor left.", idea.version)
    return f"“{idea.title}” is now mentored by {successor.name}."


register_work_provider(WorkProvider("mentored_ideas", _ideas_mentored_by, _hand_over_idea))
