"""The checkpoint's history: every checkpoint written, one keyed JSON line each, chained.

It lives beside the checkpoint (its path derives from AUDIT_CHECKPOINT_PATH, so a backup
carries both). Each entry's MAC covers the previous entry's, so none can be dropped, edited
or reordered unseen; the checkpoint must be the last entry, so an older checkpoint file put
back is caught; and verify checks that the chain still holds every entry.
"""
import hmac
import json
import os
from pathlib import Path

from ideas.audit.chain import GENESIS, HISTORY, Problem, canonical, key_id, mac

FIELDS = ("sequence", "hash", "key_id", "prev")
TAIL_BYTES = 4096  # an entry is about 300 bytes


def path_for(checkpoint_path: str | Path) -> Path:
    """`audit-checkpoint.json` → `audit-checkpoint.history.jsonl` in the same folder."""
    path = Path(checkpoint_path)
    return path.with_name(f"{path.stem}.history.jsonl")


def _mac(key: str, entry: dict) -> str:
    return mac(key, canonical({name: entry[name] for name in FIELDS}))


def seal_entry(key: str, sequence: int, hash_: str, prev: str) -> dict:
    """The entry recording (sequence, hash), chained onto the previous entry's MAC."""
    entry = {"sequence": sequence, "hash": hash_, "key_id": key_id(key), "prev": prev}
    return {**entry, "mac": _mac(key, entry)}


def append(path: Path, entry: dict) -> None:
    """Add one entry at the end, on disk before the checkpoint moves."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def unseal(text: str, key: str) -> dict:
    """One entry checked against its MAC; ValueError saying what is wrong with it."""
    try:
        entry = json.loads(text)
        sealed = {name: entry[name] for name in FIELDS} | {"mac": str(entry["mac"])}
    except (ValueError, KeyError, TypeError):
        raise ValueError("is not readable") from None
    if sealed["key_id"] != key_id(key):
        raise ValueError(f"was sealed with key {sealed['key_id']}, not the configured AUDIT_KEY ({key_id(key)})")
    if not isinstance(sealed["sequence"], int) or not hmac.compare_digest(sealed["mac"], _mac(key, sealed)):
        raise ValueError("was altered (its MAC does not match)")
    return sealed


def last(path: Path, key: str) -> dict | None:
    """The last entry, checked against its MAC (ValueError if it does not hold); None without a history."""
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            lines = handle.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return None
    if not lines:
        raise ValueError(f"the checkpoint history at {path} is empty")
    try:
        return unseal(lines[-1], key)
    except ValueError as error:
        raise ValueError(f"the last entry of the checkpoint history at {path} {error}") from None


def read(path: Path, key: str) -> tuple[dict[int, str], dict | None, Problem | None]:
    """sequence -> hash of each entry up to the first that does not hold, the last good entry, the problem."""
    recorded, previous = {}, None
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return recorded, None, None
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                entry = unseal(line, key)
                if entry["prev"] != (previous["mac"] if previous else GENESIS):
                    raise ValueError("does not follow the entry before it: entries were dropped or reordered")
                if previous and entry["sequence"] <= previous["sequence"]:
                    raise ValueError(f"goes back from event {previous['sequence']} to {entry['sequence']}")
            except ValueError as error:
                return recorded, previous, Problem(None, HISTORY, f"entry {number} of {path} {error}")
            recorded[entry["sequence"]], previous = entry["hash"], entry
    if previous is None:
        return recorded, None, Problem(None, HISTORY, f"the checkpoint history at {path} is empty")
    return recorded, previous, None
