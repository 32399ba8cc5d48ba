"""What is stuck, for the administrator's home page: each a short list, how many in all, and the whole list.

`STUCK_LISTS` is the spot other features add to: a function with no arguments, run in a request,
answering a `Stuck` list (the scale-up package adds "sustainment checks missed" here). Each list
costs a fixed number of queries, a count and one short page, however many ideas there are.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ideas.accounts.models import User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.limits import over_limit, stage_limits
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import CLOSED, MENTORED, Stage

SHOWN = 5


@dataclass(frozen=True)
class Stuck:
    """A short list of ideas that need an administrator to act."""

    title: str
    hint: str  # what to do about them
    rows: list[tuple[Idea, str]]  # the idea and a note on why it is here
    total: int
    full_list: str | None = None  # where all of them are listed


def _rows(where: ColumnElement[bool], *joins) -> tuple[list[Idea], int]:
    """The longest-waiting ideas `where` picks, and how many there are (two queries)."""
    query = select(Idea)
    count = select(func.count(Idea.id))
    for target, on in joins:
        query, count = query.join(target, on, isouter=True), count.join(target, on, isouter=True)
    # Names and the active flag are all a list shows: the people's roles are not loaded.
    people = (joinedload(Idea.submitter).lazyload(User.role_rows), joinedload(Idea.mentor).lazyload(User.role_rows))
    ideas = db.session.scalars(query.where(where).options(*people)
                               .order_by(Idea.stage_changed_at, Idea.id).limit(SHOWN))
    return list(ideas), db.session.scalar(count.where(where))


def _days(idea: Idea) -> int:
    return (utcnow() - idea.stage_changed_at).days


def over_their_limit() -> Stuck:
    limits = stage_limits()
    ideas, total = _rows(over_limit(limits, utcnow()))
    return Stuck("Over their stage's time limit", "Ask whoever holds each one, or reassign its mentor.",
                 [(i, f"{_days(i)} days {i.stage.phrase}; the limit is {limits[Stage(i.stage)]}") for i in ideas],
                 total, url_for("dashboard.index", _anchor="over-limit"))


def without_a_mentor() -> Stuck:
    ideas, total = _rows(Idea.stage.in_(MENTORED) & Idea.mentor_id.is_(None))
    return Stuck("Without a mentor", "Its mentor left and nobody took it over: assign one on the idea's page.",
                 [(i, f"{i.stage.label}, {_days(i)} days") for i in ideas], total)


def orphaned_by_a_leaver() -> Stuck:
    submitter, mentor = aliased(User), aliased(User)
    open_work = Idea.stage.not_in(CLOSED | {Stage.DRAFT})
    left = or_(submitter.active.is_(False), mentor.active.is_(False))
    ideas, total = _rows(open_work & left, (submitter, submitter.id == Idea.submitter_id),
                         (mentor, mentor.id == Idea.mentor_id))
    notes = []
    for idea in ideas:
        gone = [f"submitter {idea.submitter.name}"] if not idea.submitter.active else []
        gone += [f"mentor {idea.mentor.name}"] if idea.mentor is not None and not idea.mentor.active else []
        notes.append((idea, f"{idea.stage.label}; deactivated: {', '.join(gone)}"))
    return Stuck("Held by someone who left", "A deactivated submitter or mentor holds it: hand it over.",
                 notes, total, url_for("admin.users"))


STUCK_LISTS: list[Callable[[], Stuck]] = [over_their_limit, without_a_mentor, orphaned_by_a_leaver]


def stuck() -> list[Stuck]:
    return [make() for make in STUCK_LISTS]
