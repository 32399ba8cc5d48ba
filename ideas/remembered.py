"""Pages built once for each version of the data and shown again until it changes: the board, the dashboard and
the administrators' "what is stuck" card on their home page.

The board is the page people leave open and reload, the dashboard's figures read every idea and the stuck card's
counts up to a thousand ideas a list; between two changes to the pipeline each comes out the same. Every change to
what they show (an idea's stage, title, unit, category, mentor or risk band, a unit's or a person's name, who may
see what, a setting) writes an audit event in the same transaction, and the audit backstop records even a change no
operation recorded. So the newest event (its sequence number and hash) is the data's version: a change makes a new
key, and there is nothing to invalidate. What changes with time alone (an idea opening to every mentor once the
paired mentor's wait is over; days at a stage) is caught by the minute in the key: at most a minute late.

Per process (each gunicorn worker keeps its own), the most recently used MAX_ENTRIES; keyed by whose view it is
(the user, for the board: what they may see is theirs) and the query string as sent. Only what answered 200 is
kept.
"""
from collections.abc import Callable
from threading import Lock
from typing import TypeVar

from cachetools import LRUCache
from werkzeug.datastructures import MultiDict

from ideas.audit.queries import trail_head
from ideas.clock import utcnow

Built = TypeVar("Built")

MAX_ENTRIES = 512  # ~15 KB a board: under 8 MB per worker

_pages: LRUCache = LRUCache(maxsize=MAX_ENTRIES)
_lock = Lock()


def remembered(whose: tuple, args: MultiDict, build: Callable[[], tuple[Built, int]]) -> tuple[Built, int]:
    """What `build()` makes (and its status) for this view (`whose`: the page and, where it differs by user, the
    user) and query string at the data's current version: built only on a miss, kept only when the status is 200."""
    key = (whose, tuple(sorted(args.items(multi=True))), trail_head(), utcnow().replace(second=0, microsecond=0))
    with _lock:
        found = _pages.get(key)
    if found is None:
        found = build()
        if found[1] == 200:
            with _lock:
                _pages[key] = found
    return found


def forget_all() -> None:
    """Empty the cache (tests that change rows underneath the operations, e.g. with bulk inserts)."""
    with _lock:
        _pages.clear()
