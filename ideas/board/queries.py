"""Reading the board: which ideas a filter picks, each stage's count, and pages of a column or the list.

Flat at any size: every page is a fixed number of statements, and each reads a bounded number of
rows. Columns and the list are keyset-paged on the idea id, newest first (index `ix_ideas_stage_id`),
so "more" neither repeats nor skips an idea when others are added meanwhile. Counts are computed in
SQL, not kept as counters: exact up to COUNT_CAP, beyond that shown as "1,000+", so a count never
reads more than COUNT_CAP + 1 index entries however many ideas there are.
"""
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import false, func, or_, select, union_all
from sqlalchemy.orm import aliased

from ideas.accounts.models import Site, Unit, User, unit_label
from ideas.database import db
from ideas.pipeline.models import Category, Idea
from ideas.pipeline.numbers import idea_number, typed_number
from ideas.pipeline.visibility import visible_ideas
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


def board_conditions(user: User, board_filter: BoardFilter) -> list:
    """What the user may see (SPEC "Visibility", the SQL twin of `can_see`) and what they picked."""
    return [visible_ideas(user), *board_filter.conditions()]


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


def board(conditions: list) -> list[Column]:
    """Every stage's column: its (capped) count and its newest ideas. Two statements and the cards' loads."""
    counts = stage_counts(conditions)
    firsts = [select(Idea.id).where(Idea.stage == stage, *conditions).order_by(Idea.id.desc())
              .limit(PER_COLUMN + 1).subquery() for stage in Stage]
    ids = union_all(*(select(first.c.id) for first in firsts))
    by_stage: dict[Stage, list[Card]] = {stage: [] for stage in Stage}
    for idea in _cards(Idea.id.in_(ids)):
        by_stage[idea.stage].append(idea)
    return [Column(stage, counts[stage], by_stage[stage][:PER_COLUMN], len(by_stage[stage]) > PER_COLUMN)
            for stage in Stage]


def stage_counts(conditions: list) -> dict[Stage, int]:
    """Ideas per stage, each count stopping at COUNT_CAP + 1: one statement."""
    capped = [select(func.count()).select_from(select(Idea.id).where(Idea.stage == stage, *conditions)
                                               .limit(COUNT_CAP + 1).subquery()).scalar_subquery()
              for stage in Stage]
    return dict(zip(Stage, db.session.execute(select(*capped)).one(), strict=True))


def column_after(conditions: list, stage: Stage, after: int | None) -> tuple[list[Card], bool]:
    """The next ideas of one column, older than `after` (keyset), and whether there are more."""
    return _page(conditions + [Idea.stage == stage], after, PER_COLUMN)


def listing(conditions: list, after: int | None) -> tuple[list[Card], bool]:
    """The list view: every stage together, newest first, a page after `after`."""
    return _page(conditions, after, PER_LIST_PAGE)


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
