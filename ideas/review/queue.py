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


def mentor_queue(mentor: User, limit: int | None = None) -> MentorQueue:
    """Submitted ideas of the mentor's mentees, then the open queue, then their reviews in progress.

    The visibility rule's queue (`queued_for`) less the mentor's own ideas. A fixed number of queries
    however many ideas wait: three settings, one list, two for reviews in progress.
    """
    now, limit_days = utcnow(), get_setting("stage_limit_unclaimed_days")
    mine = paired_with(mentor)
    waiting = db.session.execute(
        select(Idea, mine.label("mine"))
        .where(queued_for(mentor), not_(written_by(mentor)))
        .options(joinedload(Idea.submitter), joinedload(Idea.unit))
        .order_by(mine.desc(), Idea.submitted_at, Idea.id).limit(limit)).all()
    rows = [Waiting(idea, (now - idea.submitted_at).days, (now - idea.submitted_at).days > limit_days, bool(mine))
            for idea, mine in waiting]
    held = list(db.session.scalars(
        select(Idea).where(Idea.mentor_id == mentor.id, Idea.stage.in_((Stage.MENTOR_REVIEW, Stage.REVISION)))
        .options(joinedload(Idea.submitter)).order_by(Idea.stage_changed_at, Idea.id).limit(limit)))
    return MentorQueue([r for r in rows if r.mine], [r for r in rows if not r.mine], _in_progress(held, now))


def _in_progress(ideas: list[Idea], now) -> list[InProgress]:
    """Days at the stage, over the mentor review limit or not, resubmitted or not: two more queries."""
    limit_days = get_setting("stage_limit_mentor_review_days")
    back = came_from([i.id for i in ideas if i.stage == Stage.MENTOR_REVIEW], Stage.REVISION)
    return [InProgress(idea, days := (now - idea.stage_changed_at).days,
                       idea.stage == Stage.MENTOR_REVIEW and days > limit_days, idea.id in back) for idea in ideas]
