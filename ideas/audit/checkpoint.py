"""The checkpoint: the latest (sequence, hash), keyed, in a file outside the database, and its history.

A chain alone cannot see its last events deleted; verify compares it with this file. It is
written after each commit that added events, atomically, and only ever moves forward: never
past an event the chain no longer holds, so deleting the last events and letting the chain
grow again stays visible.
"""
import fcntl
import hmac
import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ideas.audit import history
from ideas.audit.chain import BAD_KEY, CHECKPOINT, GENESIS, HISTORY, Problem, canonical, key_id, mac


class Refused(Exception):
    """The checkpoint may not move: what it or its history recorded no longer holds."""


@dataclass
class Recorded:
    """What the checkpoint and its history say the chain holds, and what is wrong with them."""

    checkpoint: int | None = None
    anchors: dict[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _mac(key: str, sequence: int, hash_: str, kid: str) -> str:
    return mac(key, canonical({"sequence": sequence, "hash": hash_, "key_id": kid}))


@contextmanager
def locked(path: Path):
    """One writer at a time across processes, so two commits cannot move it backwards."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read(path: str | Path) -> dict | None:
    """The checkpoint as stored, or None when there is none (or it is not JSON)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _trusted(path: Path, key: str) -> tuple[tuple[int, str] | None, Problem | None]:
    """The checkpoint's (sequence, hash) once its MAC holds, or the problem with it."""
    data = read(path)
    if data is None:
        return None, Problem(None, CHECKPOINT, f"there is no checkpoint at {path}")
    try:
        sequence, hash_, kid, seal = data["sequence"], data["hash"], data["key_id"], data["mac"]
    except KeyError:
        return None, Problem(None, CHECKPOINT, f"the checkpoint at {path} is not readable")
    if kid != key_id(key):
        return None, Problem(None, BAD_KEY, f"the checkpoint was sealed with key {kid}, "
                                            f"not the configured AUDIT_KEY ({key_id(key)})")
    if not isinstance(sequence, int) or not hmac.compare_digest(str(seal), _mac(key, sequence, hash_, kid)):
        return None, Problem(None, CHECKPOINT, f"the checkpoint at {path} was altered (its MAC does not match)")
    return (sequence, hash_), None


def _against_history(path: Path, at: tuple[int, str], last: dict | None) -> Problem | None:
    """The checkpoint must be its history's last entry."""
    if last is None:
        return Problem(None, HISTORY, f"the checkpoint at {path} has no history at {history.path_for(path)}")
    if (last["sequence"], last["hash"]) != at:
        return Problem(None, CHECKPOINT, f"the checkpoint (event {at[0]}) is not the last entry of its history "
                                         f"(event {last['sequence']}): an older checkpoint was put back")
    return None


def _link(path: Path, key: str, hash_at: Callable[[int], str | None], sequence: int, hash_: str) -> str | None:
    """The MAC the new history entry chains onto, None when the checkpoint is already there; or Refused."""
    try:
        last = history.last(history.path_for(path), key)
    except ValueError as error:
        raise Refused(str(error)) from None
    if last is None and not path.exists():
        return GENESIS  # the first checkpoint
    at, problem = _trusted(path, key)
    if problem is not None:
        raise Refused(problem.detail)
    if at[0] > sequence:
        return None  # a later commit got here first
    problem = _against_history(path, at, last)
    if problem is not None:
        raise Refused(problem.detail)
    if (hash_ if at[0] == sequence else hash_at(at[0])) != at[1]:
        raise Refused(f"event {at[0]} in the chain is no longer the event the checkpoint recorded: "
                      "the last events were deleted and the chain grew again")
    return None if at[0] == sequence else last["mac"]


def advance(path: str | Path, key: str, sequence: int, hash_: str, hash_at: Callable[[int], str | None]) -> bool:
    """Record (sequence, hash) in the history, then the checkpoint, unless it is already there or beyond.

    True if written. `hash_at(n)` is the chain's hash of event n now; Refused, with nothing
    written, when it no longer matches the checkpoint or the checkpoint is not its history's last entry.
    """
    path = Path(path)
    with locked(path):
        prev = _link(path, key, hash_at, sequence, hash_)
        if prev is None:
            return False
        history.append(history.path_for(path), history.seal_entry(key, sequence, hash_, prev))
        kid = key_id(key)
        document = {"sequence": sequence, "hash": hash_, "key_id": kid, "mac": _mac(key, sequence, hash_, kid)}
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    return True


def recorded(path: str | Path, key: str, have_events: bool) -> Recorded:
    """The checkpoint and every history entry as sequence -> hash, with every problem found in them."""
    path = Path(path)
    anchors, last, history_problem = history.read(history.path_for(path), key)
    found = Recorded(anchors=anchors, problems=[history_problem] if history_problem else [])
    if not (have_events or path.exists() or last or history_problem):
        return found  # nothing written yet, and nothing to write
    at, problem = _trusted(path, key)
    if problem is None:
        found.checkpoint = at[0]
        anchors.setdefault(*at)
        problem = None if history_problem else _against_history(path, at, last)
    if problem is not None:
        found.problems.append(problem)
    return found
