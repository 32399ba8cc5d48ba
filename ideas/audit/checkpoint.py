"""The checkpoint: the latest (sequence, hash), keyed, in a file outside the database.

A chain alone cannot see its last events deleted; verify compares it with this file. It is
written after each commit that added events, atomically, and only ever moves forward.
"""
import fcntl
import hmac
import json
import os
from contextlib import contextmanager
from pathlib import Path

from ideas.audit.chain import BAD_KEY, CHECKPOINT, Problem, canonical, key_id, mac


def _mac(key: str, sequence: int, hash_: str, kid: str) -> str:
    return mac(key, canonical({"sequence": sequence, "hash": hash_, "key_id": kid}))


@contextmanager
def _locked(path: Path):
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


def advance(path: str | Path, key: str, sequence: int, hash_: str) -> bool:
    """Record (sequence, hash) unless the checkpoint is already there or beyond; True if written."""
    path = Path(path)
    with _locked(path):
        current = read(path) or {}
        if isinstance(current.get("sequence"), int) and current["sequence"] >= sequence:
            return False
        kid = key_id(key)
        document = {"sequence": sequence, "hash": hash_, "key_id": kid, "mac": _mac(key, sequence, hash_, kid)}
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    return True


def anchor(path: str | Path, key: str, have_events: bool) -> tuple[tuple[int, str] | None, Problem | None]:
    """The trusted (sequence, hash) from the checkpoint, or the problem with the checkpoint."""
    data = read(path)
    if data is None:
        if have_events:
            return None, Problem(None, CHECKPOINT, f"there is no checkpoint at {path}")
        return None, None
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
