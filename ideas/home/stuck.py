"""What is stuck, for the administrator's home page: each a short list, how many in all, and the whole list.

`STUCK_LISTS` is the spot other features add to: a function with no arguments, run in a request,
answering a `Stuck` list. Each list costs two queries, a count and one short page, and reads a bounded
number of index entries however many ideas there are: each list is a few "ways" in (a stage's ideas past
its limit, a leaver's ideas), each served by an index, read SHOWN at a time for the page and at most
COUNT_CAP + 1 for the count ("1,000+" beyond).
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import ColumnElement, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from ideas.accounts.models import User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.limits import longest_waiting, over_limit_at, stage_limits
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import CLOSED, MENTORED, Stage

SHOWN = 5
COUNT_CAP = 1000


@dataclass(frozen=True)
class Stuck:
    """A short list of ideas that need an administrator to act."""

    title: str
    hint: str  # what to do about them
    rows: list[tuple[Idea, str]]  # the idea and a note on why it is here
    total: int  # exact up to COUNT_CAP; COUNT_CAP + 1 means more
    full_list: str | None = None  # where all of them are listed

    @property
    def total_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.total > COUNT_CAP else f"{self.total:,}"


def _rows(*ways: ColumnElement[bool]) -> tuple[list[Idea], int]:
    """The longest-waiting ideas any of the `ways` picks, and how many there are up to COUNT_CAP + 1 (two queries).

    Each way is read on its own (an OR of them would make the database gather every match before sorting); the
    ways pick apart (a stage each, or one way), so their counts add up.
    """
    firsts = longest_waiting(ways, SHOWN)
    # Names and the active flag are all a list shows: the people's roles are not loaded.
    people = (joinedload(Idea.submitter).lazyload(User.role_rows), joinedload(Idea.mentor).lazyload(User.role_rows))
    ideas = db.session.scalars(select(Idea).where(Idea.id.in_(firsts)).options(*people)
                               .order_by(Idea.stage_changed_at, Idea.id).limit(SHOWN))
    found = union_all(*(select(select(Idea.id).where(way).limit(COUNT_CAP + 1).subquery().c.id) for way in ways))
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    return list(ideas), min(total, COUNT_CAP + 1)


def _days(idea: Idea) -> int:
    return (utcnow() - idea.stage_changed_at).days


def over_their_limit() -> Stuck:
    limits = stage_limits()
    ideas, total = _rows(*over_limit_at(limits, utcnow()))
    return Stuck("Over their stage's time limit", "Ask whoever holds each one, or reassign its mentor.",
                 [(i, f"{_days(i)} days {i.stage.phrase}; the limit is {limits[Stage(i.stage)]}") for i in ideas],
                 total, url_for("dashboard.index", _anchor="over-limit"))


def _few(name: str, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    """Ideas that `where` picks, found first off their own index (they are few) and only then put in waiting order:
    asked for in waiting order, PostgreSQL's planner walked every idea by its stage date hoping to meet them early
    (25–32 ms at 100,000 ideas to find none)."""
    found = select(Idea.id).where(*where).cte(name).prefix_with("MATERIALIZED")
    return Idea.id.in_(select(found.c.id))


def without_a_mentor() -> Stuck:
    ideas, total = _rows(_few("without_a_mentor", Idea.stage.in_(MENTORED), Idea.mentor_id.is_(None)))
    return Stuck("Without a mentor", "Its mentor left and nobody took it over: assign one on the idea's page.",
                 [(i, f"{i.stage.label}, {_days(i)} days") for i in ideas], total)


def orphaned_by_a_leaver() -> Stuck:
    """Open ideas whose submitter or mentor was deactivated: read from the leavers' side (few), not the ideas'."""
    leavers = list(db.session.scalars(select(User.id).where(User.active.is_(False))))
    ideas, total = _rows(_few("orphaned", Idea.stage.not_in(CLOSED | {Stage.DRAFT}),
                              or_(Idea.submitter_id.in_(leavers), Idea.mentor_id.in_(leavers)))) \
        if leavers else ([], 0)
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
