"""Ideas whose title and problem read like the text being written, best match first.

The database's own full-text search: on SQLite the FTS5 table `ideas_fts` (porter stemming),
kept in step with `ideas` by triggers; on PostgreSQL `to_tsvector('english', …)` over the same
two fields, with a GIN expression index. Both are made by migration 0006, outside the models.
One statement, however many ideas there are.
"""
import re

from sqlalchemy import ColumnElement, column, literal_column, select, table, text

from ideas.accounts.models import User
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.visibility import visible_ideas

LIMIT = 5
CANDIDATES = 500  # the newest matching ideas, among which the best five are ranked
MAX_TERMS = 24
FTS_TABLE = "ideas_fts"
SEARCH_INDEX = "ix_ideas_search"
STOPWORDS = frozenset("""a an and are as at be but by for from has have in into is it its of on or so that the
their them then there these they this to was we were when where which who will with would our your you not
""".split())

_fts = table(FTS_TABLE, column("rowid"), column("rank"))
_PG_VECTOR = "to_tsvector('english'::regconfig, ideas.title || ' ' || ideas.problem)"


def in_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's `include_name`: the search table (and FTS5's shadow tables) and index live only in
    migrations, so comparing the models with the database leaves them out."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    return not (type_ == "index" and name == SEARCH_INDEX)


def search_terms(*texts: str) -> list[str]:
    """The words worth matching on (letters and digits only, so safe in either query language)."""
    words = re.findall(r"[^\W_]{3,}", " ".join(texts).lower())
    return list(dict.fromkeys(w for w in words if w not in STOPWORDS))[:MAX_TERMS]


def text_matches(typed: str) -> ColumnElement[bool] | None:
    """Ideas whose title or problem hold every word typed, the last one as the start of a word (search as you type).

    None when nothing worth matching was typed. One condition, answered from the search index.
    """
    terms = search_terms(typed)
    if not terms:
        return None
    if db.engine.dialect.name == "postgresql":
        wanted = " & ".join(f"{term}:*" for term in terms)
        return text(f"{_PG_VECTOR} @@ to_tsquery('english'::regconfig, :typed_terms)").bindparams(typed_terms=wanted)
    match = _every_word_typed(terms)
    # Read from the index once per statement, however many places of the statement ask (a board asks 24).
    found = select(_fts.c.rowid).where(match).cte("typed_match").prefix_with("MATERIALIZED")
    return Idea.id.in_(select(found.c.rowid))


def _every_word_typed(terms: list[str]) -> ColumnElement[bool]:
    """SQLite's FTS5 condition: every term, the last typed as the start of a word too."""
    return literal_column(FTS_TABLE).op("MATCH")(" AND ".join(f'"{term}"*' for term in terms))


def newest_typed(typed: str, limit: int):
    """The ids of the newest `limit` ideas `text_matches` finds, as a select (None when nothing worth matching).

    SQLite reads them straight off the FTS5 table newest first and stops after `limit`; PostgreSQL's
    GIN index gives matches in no order, so the newest are sorted out of all matches.
    """
    terms = search_terms(typed)
    if not terms:
        return None
    if db.engine.dialect.name == "sqlite":
        return select(_fts.c.rowid).where(_every_word_typed(terms)).order_by(_fts.c.rowid.desc()).limit(limit)
    return select(Idea.id).where(text_matches(typed)).order_by(Idea.id.desc()).limit(limit)


def similar_ideas(user: User, title: str, problem: str, leave_out: int | None = None) -> list[Idea]:
    """Up to five ideas this user may see whose text is like the title and problem given.

    Ranked among the newest CANDIDATES ideas that share a word with the text: ranking reads each
    idea's text, so ranking every match would grow with the data (44,000 matches at 100,000 ideas
    for common words); the newest matches come off the index in order, and an idea still in the
    pipeline is the one worth joining.
    """
    terms = search_terms(title, problem)
    if not terms:
        return []
    query = select(Idea).where(visible_ideas(user), Idea.id != (leave_out or 0)).limit(LIMIT)
    if db.engine.dialect.name == "postgresql":
        wanted = " | ".join(terms)
        match = text(f"{_PG_VECTOR} @@ to_tsquery('english'::regconfig, :terms)").bindparams(terms=wanted)
        newest = select(Idea.id).where(match).order_by(Idea.id.desc()).limit(CANDIDATES)
        rank = text(f"ts_rank({_PG_VECTOR}, to_tsquery('english'::regconfig, :rank_terms)) DESC")
        query = query.where(Idea.id.in_(newest.scalar_subquery())).order_by(rank.bindparams(rank_terms=wanted),
                                                                             Idea.id.desc())
    else:
        match = literal_column(FTS_TABLE).op("MATCH")(" OR ".join(f'"{term}"' for term in terms))
        newest = (select(_fts.c.rowid.label("id"), _fts.c.rank.label("score")).where(match)
                  .order_by(_fts.c.rowid.desc()).limit(CANDIDATES).subquery("newest"))
        query = query.join(newest, newest.c.id == Idea.id).order_by(newest.c.score, Idea.id.desc())
    return list(db.session.scalars(query))
