"""SPEC "Visibility" in SQL: which ideas a user may see, for every list that reads them from the database.

The same rule as `workflow.can_see`, clause by clause (a test compares the two over every
combination): lists filter with `visible_ideas`, pages ask `can_see` of one idea's facts.
"""
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select, true, union

from ideas.accounts.models import MentorPairing, User
from ideas.clock import utcnow
from ideas.pipeline.facts import actor_facts
from ideas.pipeline.models import CoAuthor, CoAuthorStatus, Idea
from ideas.pipeline.reviewers import reviewed_by
from ideas.pipeline.workflow import SHOWCASE, Stage
from ideas.settings import get_setting


def named_as(user: User, status: CoAuthorStatus) -> ColumnElement[bool]:
    """Ideas that name the user as a co-author with this status."""
    return Idea.id.in_(select(CoAuthor.idea_id).where(CoAuthor.user_id == user.id, CoAuthor.status == status))


def written_by(user: User) -> ColumnElement[bool]:
    """The user's own ideas: as submitter, or as a co-author who accepted.

    As one set of ids from the submitter index and the co-author rows: written as an OR of the two, PostgreSQL
    read every idea to find a mentee's few (18 ms at 100,000 ideas)."""
    return Idea.id.in_(union(select(Idea.id).where(Idea.submitter_id == user.id),
                             select(CoAuthor.idea_id).where(CoAuthor.user_id == user.id,
                                                            CoAuthor.status == CoAuthorStatus.ACCEPTED)))


def _open_pairings():
    return select(MentorPairing.mentee_id).where(MentorPairing.ended_at.is_(None))


def paired_with(mentor: User) -> ColumnElement[bool]:
    """Ideas by the mentor's own mentees."""
    return Idea.submitter_id.in_(_open_pairings().where(MentorPairing.mentor_id == mentor.id))


def queued_for(user: User) -> ColumnElement[bool]:
    """Submitted ideas in the mentor's queue: their mentees' first, every other after the paired-only wait."""
    if "mentor" not in actor_facts(user).roles:
        return false()
    waited = utcnow() - timedelta(days=get_setting("open_queue_wait_days"))
    return and_(Idea.stage == Stage.SUBMITTED,
                or_(paired_with(user), Idea.submitter_id.not_in(_open_pairings()), Idea.submitted_at.is_(None),
                    Idea.submitted_at <= waited))


def visible_ideas(user: User) -> ColumnElement[bool]:
    """The ideas this user may see: one condition for a `select(Idea)`."""
    return or_(*visible_at(user))


def visible_at(user: User, stage: Stage | None = None) -> list[ColumnElement[bool]]:
    """The ways an idea (at `stage`, when given) is visible to the user: `visible_ideas` is any of them.

    Given a stage, only the ways that can hold there are listed, each answerable from an index on
    its own (the submitter, a co-author row, the assigned mentor, a review event, the queue), so a
    list of one stage can ask for each and never read the whole stage to find a user's few ideas.
    """
    roles = actor_facts(user).roles
    if {"committee", "admin"} & roles or stage in SHOWCASE:
        return [true()]
    seen = [Idea.stage.in_(SHOWCASE)] if stage is None else []
    seen += [Idea.submitter_id == user.id, named_as(user, CoAuthorStatus.ACCEPTED),
             named_as(user, CoAuthorStatus.INVITED)]
    if "mentor" in roles:
        seen += [Idea.mentor_id == user.id, Idea.id.in_(reviewed_by(user.id))]
        if stage in (None, Stage.SUBMITTED):
            seen.append(queued_for(user))
    return seen
