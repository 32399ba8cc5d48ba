"""The board, rendered once for each version of the data and shown again until it changes.

The board is the page people leave open and reload; building its filter and rendering its 12 columns costs more
than everything else a request does, and between two changes to the pipeline it comes out the same. Every change to what the board
shows (an idea's stage, title, unit, category, mentor or risk band, a unit's or a person's name, who may see what)
writes an audit event in the same transaction, and the audit backstop records even a change no operation
recorded. So the newest event (its sequence number and hash) is the data's version: a change makes a new key, and there is
nothing to invalidate. Visibility that changes with time alone (an idea opens to every mentor once the paired
mentor's wait is over) is caught by the minute in the key: such an idea shows at most a minute late, never early.

Per process (each gunicorn worker keeps its own), the most recently used MAX_ENTRIES; keyed by the user, since
what they may see is theirs, and by the query string as sent (only boards that answered 200 are kept).
"""
from collections.abc import Callable
from threading import Lock
from typing import TypeVar

from cachetools import LRUCache
from werkzeug.datastructures import MultiDict

from ideas.accounts.models import User
from ideas.audit.queries import trail_head
from ideas.clock import utcnow

Built = TypeVar("Built")

MAX_ENTRIES = 512  # ~15 KB a board: under 8 MB per worker

_boards: LRUCache = LRUCache(maxsize=MAX_ENTRIES)
_lock = Lock()


def remembered_board(user: User, args: MultiDict, build: Callable[[], tuple[Built, int]]) -> tuple[Built, int]:
    """What `build()` makes of the board (and its status) for this user and query string at the data's current
    version: built only on a miss, and kept only when the status is 200."""
    key = (user.id, tuple(sorted(args.items(multi=True))), trail_head(), utcnow().replace(second=0, microsecond=0))
    with _lock:
        found = _boards.get(key)
    if found is None:
        found = build()
        if found[1] == 200:
            with _lock:
                _boards[key] = found
    return found


def forget_all() -> None:
    """Empty the cache (tests that change rows underneath the operations, e.g. with bulk inserts)."""
    with _lock:
        _boards.clear()
