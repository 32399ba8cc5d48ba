"""Reading the board: which ideas a filter picks, each stage's count, and pages of a column or the list.

Flat at any size: every page is a fixed number of statements, and each reads a bounded number of
rows. Columns and the list are keyset-paged on the idea id, newest first (index `ix_ideas_stage_id`),
so "more" neither repeats nor skips an idea when others are added meanwhile. Counts are computed in
SQL, not kept as counters: exact up to COUNT_CAP, beyond that shown as "1,000+", so a count never
reads more than COUNT_CAP + 1 index entries however many ideas there are.
"""
from dataclasses import dataclass, fields, replace
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
from ideas.review.risk import RiskBand
from ideas.similar.search import newest_typed, text_matches

PER_COLUMN = 4  # 48 cards a page: rendering cards is most of the board's cost; "More" shows the rest
PER_LIST_PAGE = 50
COUNT_CAP = 1000
TEXT_WINDOW = 1000  # with words typed, the board counts among the newest this many ideas holding them


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

    def conditions(self, words: bool = True) -> list:
        """What the filter picks (`words` False: all but the text typed)."""
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
            found.append(Idea.risk_band == self.risk)  # kept by the hazard operations, indexed with the stage
        if words and self.text.strip():
            found.append(_typed(self.text))
        return found


def _typed(text: str):
    """An idea number (FI-142, 142) finds that idea; words find ideas whose title or problem hold them.

    Text with neither (under three letters, or only punctuation) finds nothing.
    """
    number, words = typed_number(text), text_matches(text)
    found = ([Idea.id == number] if number is not None else []) + ([words] if words is not None else [])
    return or_(*found) if found else false()


def _newest_typed(text: str, limit: int):
    """What `_typed` finds, only the newest `limit` ideas holding the words (and the idea numbered, if any).

    On SQLite read straight off the FTS5 table newest first (0.5 ms for 1,000 of the 17,000 ideas holding
    "night" at 100,000; through `ideas` every match is read: 6 ms): `newest_typed` in ideas/similar/search.py.
    """
    number, newest = typed_number(text), newest_typed(text, limit)
    ways = [select(Idea.id).where(Idea.id == number)] if number is not None else []
    if newest is not None:
        ways.append(newest)
    if not ways:
        return select(Idea.id).where(false())
    return union(*(select(way.subquery().c[0].label("id")) for way in ways))


@dataclass(frozen=True)
class Scope:
    """Whose board, and what they picked: the ideas it may show are those the user may see (SPEC "Visibility",
    through `visible_ideas` and its per-stage terms `visible_at`) that the filter picks."""

    user: User
    board_filter: BoardFilter
    window: int | None = None  # counts and first cards with words typed: among the newest `window` ideas holding them

    @cached_property
    def picked(self) -> list:
        """The filter's conditions, made once: every part of a statement shares them (and the text search's CTE)."""
        return self.board_filter.conditions()

    @cached_property
    def typed(self):
        """With words typed: the ideas holding them (only the newest `window` of them if set)."""
        if self.window:
            return _newest_typed(self.board_filter.text, self.window).cte("board_typed").prefix_with("MATERIALIZED")
        return select(Idea.id).where(_typed(self.board_filter.text)).cte("board_typed").prefix_with("MATERIALIZED")

    @cached_property
    def matched(self):
        """With words typed: the ideas every part of the filter picks, (id, stage), read once per statement.

        The full-text index is the most selective way in: the words' matches, then site, category, …
        tested once on each. Without this, each of the 12 columns' count and cards walked the words'
        matches again through the stage index (24 walks a page: 202 ms at 100,000 ideas on SQLite).
        The board's counts and first cards read only the newest `window` matches, so a page reads a
        bounded number of rows however common the words are (17,000 ideas hold "night" at 100,000);
        a column's "more" pages and the list read every match, keyset-paged.
        None without words: there the stage index, read newest first, is the way in.
        """
        if not self.board_filter.text.strip():
            return None
        return (select(Idea.id, Idea.stage).where(Idea.id.in_(select(self.typed.c.id)),
                                                  *self.board_filter.conditions(words=False))
                .cte("board_matched").prefix_with("MATERIALIZED"))

    def picked_at(self, stage: Stage | None) -> list:
        """The filter's conditions for one column (every column when `stage` is None)."""
        if self.matched is None:
            return self.picked
        at_stage = [self.matched.c.stage == stage] if stage is not None else []
        return [Idea.id.in_(select(self.matched.c.id).where(*at_stage))]

    def conditions(self) -> list:
        return [visible_ideas(self.user), *self.picked_at(None)]

    def newest_at(self, stage: Stage, limit: int, after: int | None = None, newest_first: bool = True):
        """The ids of the stage's newest `limit` ideas in scope (older than `after`): one index search per
        way the user may see an idea there, merged, so no column is read through to find a user's few.

        `newest_first` False: any `limit` of them, for counting. The database may then read them off whichever
        index the filter is in (unit, category, risk band) instead of walking the stage newest first and
        testing every idea until `limit` match (30 ms for a site's ideas at 100,000 on SQLite)."""
        picked = self.picked_at(stage) + ([Idea.id < after] if after is not None else [])
        order = [Idea.id.desc()] if newest_first else []
        ways = [select(Idea.id).where(Idea.stage == stage, way, *picked).order_by(*order).limit(limit)
                for way in visible_at(self.user, stage)]
        if len(ways) == 1:
            return ways[0]
        merged = union(*(select(way.subquery().c.id) for way in ways)).subquery()
        return select(merged.c.id).order_by(*(merged.c.id.desc() for _ in order)).limit(limit)


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
    # Words typed and more ideas hold them than the board's window: `count` is those among the newest
    # TEXT_WINDOW, a lower bound, and "more" goes on from `next_after` (the last card, else the window's oldest).
    at_least: bool = False
    next_after: int | None = None

    @property
    def count_label(self) -> str:
        if self.count > COUNT_CAP:
            return f"{COUNT_CAP:,}+"
        return f"{self.count:,}+" if self.at_least else f"{self.count:,}"


def board(scope: Scope) -> list[Column]:
    """Every stage's column: its (capped) count and its newest ideas. Two statements."""
    scope = replace(scope, window=TEXT_WINDOW)
    counts, oldest_read = stage_counts(scope)
    firsts = [scope.newest_at(stage, PER_COLUMN + 1).subquery() for stage in Stage]
    ids = union_all(*(select(first.c.id) for first in firsts))
    by_stage: dict[Stage, list[Card]] = {stage: [] for stage in Stage}
    for idea in _cards(Idea.id.in_(ids)):
        by_stage[idea.stage].append(idea)
    columns = []
    for stage in Stage:
        cards, more = by_stage[stage][:PER_COLUMN], len(by_stage[stage]) > PER_COLUMN
        cut = oldest_read is not None  # older ideas holding the words were not read
        next_after = cards[-1].id if cards else oldest_read
        columns.append(Column(stage, counts[stage], cards, more or cut, at_least=cut, next_after=next_after))
    return columns


def stage_counts(scope: Scope) -> tuple[dict[Stage, int], int | None]:
    """Ideas per stage, each count stopping at COUNT_CAP + 1, and, when words were typed and the scope's window
    of their matches was full (so older ones may hold them too), the oldest idea read: one statement."""
    capped = [select(func.count()).select_from(scope.newest_at(stage, COUNT_CAP + 1, newest_first=False).subquery())
              .scalar_subquery() for stage in Stage]
    if scope.matched is None or not scope.window:
        return dict(zip(Stage, db.session.execute(select(*capped)).one(), strict=True)), None
    read = select(func.count(), func.min(scope.typed.c.id)).select_from(scope.typed).subquery()
    *counts, how_many, oldest = db.session.execute(select(*capped, *read.c)).one()
    # Exactly `window` matches in all reads as full too: those counts then say "N+" when they are exact.
    return dict(zip(Stage, counts, strict=True)), oldest if how_many >= scope.window else None


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
