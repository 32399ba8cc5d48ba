"""The mentor's queue: what waits for them to claim, and their reviews in progress."""
from dataclasses import dataclass

from sqlalchemy import not_, select
from sqlalchemy.orm import joinedload

from ideas.accounts.models import User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.queries import came_from
from ideas.pipeline.visibility import paired_with, queued_for, written_by
from ideas.pipeline.workflow import Stage
from ideas.settings import get_setting

QUEUE_LENGTH = 50  # each list's oldest; the board shows every submitted idea


@dataclass(frozen=True)
class Waiting:
    """An idea in a mentor's queue, with how long it has waited for a mentor."""

    idea: Idea
    days: int
    overdue: bool
    mine: bool  # from one of the mentor's own mentees


@dataclass(frozen=True)
class InProgress:
    """A review the mentor holds, how long it has been at its stage, and whether its team resubmitted it."""

    idea: Idea
    days: int
    overdue: bool  # in mentor review for longer than its limit (setting)
    resubmitted: bool  # back from revision: the mentor reads the team's answer first


@dataclass(frozen=True)
class MentorQueue:
    mentees: list[Waiting]
    open: list[Waiting]
    in_progress: list[InProgress]


def mentor_queue(mentor: User, limit: int = QUEUE_LENGTH) -> MentorQueue:
    """Submitted ideas of the mentor's mentees, then the open queue, then their reviews in progress.

    The visibility rule's queue (`queued_for`) less the mentor's own ideas, oldest first, at most `limit`
    of each. Flat however many ideas wait: three settings and up to six statements, each reading the
    index `ix_ideas_stage_submitted_at` (or the mentor's) in order and stopping at `limit` rows.
    """
    now, limit_days = utcnow(), get_setting("stage_limit_unclaimed_days")

    def waiting(mine: bool, *where) -> list[Waiting]:
        ideas = db.session.scalars(
            select(Idea).where(queued_for(mentor), not_(written_by(mentor)), *where)
            .options(joinedload(Idea.submitter), joinedload(Idea.unit))
            .order_by(Idea.submitted_at, Idea.id).limit(limit))
        return [Waiting(idea, (now - idea.submitted_at).days, (now - idea.submitted_at).days > limit_days, mine)
                for idea in ideas]

    held = list(db.session.scalars(
        select(Idea).where(Idea.mentor_id == mentor.id, Idea.stage.in_((Stage.MENTOR_REVIEW, Stage.REVISION)))
        .options(joinedload(Idea.submitter)).order_by(Idea.stage_changed_at, Idea.id).limit(limit)))
    # The mentor's own mentees' ideas, found from the mentees' side (a few) and then read by id: read
    # newest-submitted-first through every submitted idea instead, they cost 10 ms at 100,000 ideas, and as one
    # statement PostgreSQL still read every submitted idea to match them (8 ms).
    mentees = list(db.session.scalars(select(Idea.id).where(Idea.stage == Stage.SUBMITTED, paired_with(mentor))))
    return MentorQueue(waiting(True, Idea.id.in_(mentees)) if mentees else [],
                       waiting(False, not_(paired_with(mentor))),
                       _in_progress(held, now))


def _in_progress(ideas: list[Idea], now) -> list[InProgress]:
    """Days at the stage, over the mentor review limit or not, resubmitted or not: two more queries."""
    limit_days = get_setting("stage_limit_mentor_review_days")
    back = came_from([i.id for i in ideas if i.stage == Stage.MENTOR_REVIEW], Stage.REVISION)
    return [InProgress(idea, days := (now - idea.stage_changed_at).days,
                       idea.stage == Stage.MENTOR_REVIEW and days > limit_days, idea.id in back) for idea in ideas]
