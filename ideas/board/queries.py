"""Reading the board: which ideas a filter picks, each stage's count, and pages of a column or the list.

Flat at any size: every page is a fixed number of statements, and each reads a bounded number of
rows. Columns and the list are keyset-paged on the idea id, newest first (index `ix_ideas_stage_id`),
so "more" neither repeats nor skips an idea when others are added meanwhile. Counts are computed in
SQL, not kept as counters: exact up to COUNT_CAP, beyond that shown as "1,000+", so a count never
reads more than COUNT_CAP + 1 index entries however many ideas there are.
"""
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cached_property

from sqlalchemy import false, func, or_, select, union, union_all
from sqlalchemy.orm import aliased

from ideas.accounts.models import Site, Unit, User, unit_label
from ideas.database import db
from ideas.pipeline.models import Category, Idea
from ideas.pipeline.numbers import idea_number, typed_number
from ideas.pipeline.visibility import visible_at, visible_ideas
from ideas.pipeline.workflow import Stage
from ideas.review.models import Hazard
from ideas.review.risk import RiskBand, band
from ideas.similar.search import text_matches

PER_COLUMN = 8
PER_LIST_PAGE = 50
COUNT_CAP = 1000
# Each band's lowest and highest risk score, read off the 5×5 matrix's own banding.
BAND_SCORES = {b: (min(s for s in range(1, 26) if band(s) == b), max(s for s in range(1, 26) if band(s) == b))
               for b in RiskBand}


@dataclass(frozen=True)
class BoardFilter:
    """What the user picked; every part optional."""

    site: int | None = None
    unit: int | None = None
    category: Category | None = None
    mentor: int | None = None
    risk: RiskBand | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def conditions(self) -> list:
        found = []
        if self.site:
            found.append(Idea.unit_id.in_(select(Unit.id).where(Unit.site_id == self.site)))
        if self.unit:
            found.append(Idea.unit_id == self.unit)
        if self.category:
            found.append(Idea.category == self.category)
        if self.mentor:
            found.append(Idea.mentor_id == self.mentor)
        if self.risk:
            worst = (select(func.max(Hazard.severity * Hazard.likelihood)).where(Hazard.idea_id == Idea.id)
                     .scalar_subquery())
            found.append(worst.between(*BAND_SCORES[self.risk]))
        if self.text.strip():
            found.append(_typed(self.text))
        return found


def _typed(text: str):
    """An idea number (FI-142, 142) finds that idea; words find ideas whose title or problem hold them.

    Text with neither (under three letters, or only punctuation) finds nothing.
    """
    number, words = typed_number(text), text_matches(text)
    found = ([Idea.id == number] if number is not None else []) + ([words] if words is not None else [])
    return or_(*found) if found else false()


@dataclass(frozen=True)
class Scope:
    """Whose board, and what they picked: the ideas it may show are those the user may see (SPEC "Visibility",
    through `visible_ideas` and its per-stage terms `visible_at`) that the filter picks."""

    user: User
    board_filter: BoardFilter

    @cached_property
    def picked(self) -> list:
        """The filter's conditions, made once: every part of a statement shares them (and the text search's CTE)."""
        return self.board_filter.conditions()

    def conditions(self) -> list:
        return [visible_ideas(self.user), *self.picked]

    def newest_at(self, stage: Stage, limit: int, after: int | None = None):
        """The ids of the stage's newest `limit` ideas in scope (older than `after`): one index search per
        way the user may see an idea there, merged, so no column is read through to find a user's few."""
        picked = self.picked + ([Idea.id < after] if after is not None else [])
        ways = [select(Idea.id).where(Idea.stage == stage, way, *picked).order_by(Idea.id.desc()).limit(limit)
                for way in visible_at(self.user, stage)]
        if len(ways) == 1:
            return ways[0]
        merged = union(*(select(way.subquery().c.id) for way in ways)).subquery()
        return select(merged.c.id).order_by(merged.c.id.desc()).limit(limit)


@dataclass(frozen=True)
class Card:
    """What the board shows of an idea, read as plain rows (no ORM objects: the board is read, never changed)."""

    id: int
    title: str
    stage: Stage
    category: Category | None
    unit_name: str | None
    site_name: str | None
    mentor_name: str | None
    stage_changed_at: datetime

    @property
    def number(self) -> str:
        return idea_number(self.id)

    @property
    def unit_label(self) -> str | None:
        return unit_label(self.unit_name, self.site_name) if self.unit_name else None


@dataclass(frozen=True)
class Column:
    stage: Stage
    count: int  # exact up to COUNT_CAP; COUNT_CAP + 1 means "more than COUNT_CAP"
    ideas: list[Card]
    more: bool

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.count > COUNT_CAP else f"{self.count:,}"


def board(scope: Scope) -> list[Column]:
    """Every stage's column: its (capped) count and its newest ideas. Two statements."""
    counts = stage_counts(scope)
    firsts = [scope.newest_at(stage, PER_COLUMN + 1).subquery() for stage in Stage]
    ids = union_all(*(select(first.c.id) for first in firsts))
    by_stage: dict[Stage, list[Card]] = {stage: [] for stage in Stage}
    for idea in _cards(Idea.id.in_(ids)):
        by_stage[idea.stage].append(idea)
    return [Column(stage, counts[stage], by_stage[stage][:PER_COLUMN], len(by_stage[stage]) > PER_COLUMN)
            for stage in Stage]


def stage_counts(scope: Scope) -> dict[Stage, int]:
    """Ideas per stage, each count stopping at COUNT_CAP + 1: one statement."""
    capped = [select(func.count()).select_from(scope.newest_at(stage, COUNT_CAP + 1).subquery()).scalar_subquery()
              for stage in Stage]
    return dict(zip(Stage, db.session.execute(select(*capped)).one(), strict=True))


def column_after(scope: Scope, stage: Stage, after: int | None) -> tuple[list[Card], bool]:
    """The next ideas of one column, older than `after` (keyset), and whether there are more."""
    found = _cards(Idea.id.in_(scope.newest_at(stage, PER_COLUMN + 1, after).scalar_subquery()))
    return found[:PER_COLUMN], len(found) > PER_COLUMN


def listing(scope: Scope, after: int | None) -> tuple[list[Card], bool]:
    """The list view: every stage together, newest first, a page after `after`."""
    return _page(scope.conditions(), after, PER_LIST_PAGE)


def _page(conditions: list, after: int | None, size: int) -> tuple[list[Card], bool]:
    if after is not None:
        conditions = conditions + [Idea.id < after]
    page = select(Idea.id).where(*conditions).order_by(Idea.id.desc()).limit(size + 1)
    found = _cards(Idea.id.in_(page.scalar_subquery()))
    return found[:size], len(found) > size


def _cards(which) -> list[Card]:
    """The ideas as cards (title, stage, category, unit and site, mentor's name), newest first: one statement."""
    mentor = aliased(User)
    rows = db.session.execute(
        select(Idea.id, Idea.title, Idea.stage, Idea.category, Unit.name, Site.name, mentor.name, Idea.stage_changed_at)
        .outerjoin(Unit, Unit.id == Idea.unit_id).outerjoin(Site, Site.id == Unit.site_id)
        .outerjoin(mentor, mentor.id == Idea.mentor_id).where(which).order_by(Idea.id.desc()))
    return [Card(*row) for row in rows]
