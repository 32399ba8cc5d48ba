"""Reading an idea's timeline: one keyset page of its audit events, with the comments they posted.

Seven statements whatever the idea's history: the page of events, their values, whether there
are older and newer ones, the page's comments with their authors, their mentions, and the units it names.
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ideas.accounts.models import Role, Unit, User
from ideas.audit.models import AuditEvent, Outcome
from ideas.audit.queries import page_of_events
from ideas.database import db
from ideas.discussion.models import Comment, CommentMention
from ideas.pipeline.models import Idea
from ideas.timeline.entries import NOT_SHOWN, Entry, Kind, actions_of, entry, grouped, unit_ids


@dataclass
class Timeline:
    kind: Kind
    entries: list[Entry]
    older: int | None
    newer: int | None


def sees_private_detail(user: User) -> bool:
    return user.has_role(Role.COMMITTEE, Role.ADMIN)


def idea_timeline(idea: Idea, viewer: User, kind: Kind = Kind.ALL, before: int | None = None,
                  after: int | None = None) -> Timeline:
    """Newest first: the page answers "what happened lately", and older pages go back in time."""
    conditions = [AuditEvent.idea_id == idea.id, AuditEvent.outcome == Outcome.SUCCESS,
                  AuditEvent.action.not_in(NOT_SHOWN)]
    actions = actions_of(kind)
    if actions is not None:
        conditions.append(AuditEvent.action.in_(actions))
    page = page_of_events(conditions, before=before, after=after)
    comment_ids = [int(e.entity_id) for e in page.events if e.action == "comment.posted" and e.entity_id]
    comments = {c.id: c for c in db.session.scalars(
        select(Comment).where(Comment.id.in_(comment_ids)).options(
            joinedload(Comment.author), selectinload(Comment.mentions).joinedload(CommentMention.user)))}
    units = {unit.id: unit.label for unit in db.session.scalars(
        select(Unit).where(Unit.id.in_(unit_ids(page.events))).options(joinedload(Unit.site)))}
    private = sees_private_detail(viewer)
    entries = [entry(e, comments.get(int(e.entity_id)) if e.action == "comment.posted" else None, private, units)
               for e in page.events]
    return Timeline(kind, grouped(entries), page.older, page.newer)
