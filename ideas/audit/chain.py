"""The audit chain's rules, with no Flask or database: canonical bytes, keyed hashes, checking.

Each event is sealed as `hash = HMAC-SHA256(key, prev_hash || canonical)`. The canonical
bytes are sorted-key compact UTF-8 JSON of the event's fields, with each changed value
replaced by a salted, keyed digest; the values themselves are stored beside the event, so
one can be redacted (value and salt removed) while the chain still verifies.
"""
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum

FORMAT_VERSION = 1
GENESIS = "0" * 64
WITHHELD = "(withheld)"
# A field whose name has one of these parts never has its value stored (SECURITY.md).
SECRET_PARTS = frozenset({"password", "passphrase", "secret", "token", "session", "sid", "totp", "otp",
                          "recovery"})

EDITED, MISSING, REORDERED, TRUNCATED, REGROWN, BAD_KEY, CHECKPOINT, HISTORY, TRIGGERS = (
    "edited", "missing", "reordered", "truncated", "regrown", "bad key", "checkpoint", "checkpoint history",
    "triggers")


def canonical(document: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8, and nothing JSON cannot say exactly (no NaN)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, ending in Z."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in an audit event")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value):
    """A value as JSON can hold it exactly: no floats (decimals and floats become text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def is_secret(field_name: str) -> bool:
    """A password, token, session id or key by its name (a time, `…_at`, is never secret)."""
    parts = field_name.lower().split("_")
    return parts[-1] != "at" and any(part in SECRET_PARTS for part in parts)


def value_text(field_name: str, value) -> str:
    """The stored text of one changed value: canonical JSON, or a marker for a secret."""
    return canonical(WITHHELD if is_secret(field_name) else plain(value)).decode("utf-8")


def mac(key: str, *parts: bytes) -> str:
    return hmac.digest(key.encode("utf-8"), b"".join(parts), "sha256").hex()


def seal(key: str, prev_hash: str, data: bytes) -> str:
    """The event's own hash: HMAC-SHA256(key, prev_hash || canonical bytes)."""
    return mac(key, prev_hash.encode("ascii"), data)


def value_digest(key: str, salt: str, text: str) -> str:
    """What the chain holds for a value; without the salt it cannot be guessed back."""
    return mac(key, bytes.fromhex(salt), text.encode("utf-8"))


def key_id(key: str) -> str:
    """A short fingerprint naming the key, so a wrong key is told apart from an edit."""
    return mac(key, b"frontline-ideas audit key")[:16]


def same(value):
    return value


@dataclass(frozen=True)
class StoredValue:
    """One old or new value as stored (value and salt are None once redacted)."""

    field: str
    side: str
    value: str | None
    salt: str | None
    digest: str
    redacted_at: str | None = None
    redacted_by: int | None = None
    redacted_in: int | None = None

    @property
    def redacted(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored or exported: its readable fields, its seal, its values."""

    sequence: int
    prev_hash: str
    hash: str
    canonical: bytes
    fields: dict
    values: tuple[StoredValue, ...] = ()


@dataclass(frozen=True)
class Problem:
    sequence: int | None
    kind: str
    detail: str

    def line(self, subject: str) -> str:
        """`<subject> FAILED at sequence N: <kind> — <detail>` (no sequence when none applies)."""
        where = f" at sequence {self.sequence}" if self.sequence is not None else ""
        return f"{subject} FAILED{where}: {self.kind} — {self.detail}"


@dataclass
class Report:
    """What a check of the chain found: the chain's first bad event, then any other problem."""

    events: int = 0
    first: int | None = None
    head: int | None = None
    head_hash: str = GENESIS
    redacted: int = 0
    checkpoint: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def summary(self, subject: str = "Audit trail") -> str:
        """What was verified in one line, or one line per problem naming where and what is wrong."""
        if self.problems:
            return "\n".join(problem.line(subject) for problem in self.problems)
        if not self.events:
            return f"{subject} verified: no events yet."
        text = (f"{subject} verified: {self.events} events ({self.first}–{self.head}), "
                f"head hash {self.head_hash[:16]}")
        if self.checkpoint is not None:
            text += f", checkpoint at {self.checkpoint}"
        if self.redacted:
            text += f", {self.redacted} values redacted"
        return text + "."


@dataclass
class ChainCheck:
    """Walks events in sequence order and names the first that does not hold.

    `complete`: the events must run gap-free from 1 (the database, a full export);
    otherwise (a filtered export) links are checked only between consecutive events.
    `render`: how a sealed field looks where the events come from (CSV cells are text).
    `anchors`: trusted sequence -> hash from the checkpoint and its history, each of which the
    chain must still hold.
    """

    key: str
    complete: bool = True
    render: Callable = same
    anchors: Mapping[int, str] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    _claims: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    def __post_init__(self):
        self._key_id = key_id(self.key)

    def add(self, event: StoredEvent) -> bool:
        """Check one event; False once a problem is found (then stop feeding)."""
        report = self.report
        if report.ok:
            try:
                problem = self._check(event)
            except (AttributeError, KeyError, TypeError, ValueError) as error:  # stored values are not sealed
                problem = Problem(event.sequence, EDITED, f"it is malformed ({error})")
            if problem is not None:
                report.problems.append(problem)
            else:
                report.events += 1
                report.first = report.first or event.sequence
                report.head, report.head_hash = event.sequence, event.hash
        return report.ok

    def finish(self) -> Report:
        report = self.report
        if report.ok and self.complete and self._claims:
            redacted_in = min(self._claims)
            sequence, name = self._claims[redacted_in][0]
            report.problems.append(Problem(sequence, EDITED, f"the value of {name!r} was removed, but event "
                                           f"{redacted_in}, which it names as its redaction, does not exist"))
        if report.ok and self.anchors:
            last, head = max(self.anchors), report.head or 0
            if last > head:
                gone = (f"the trail is empty, but the checkpoint records events 1–{last}" if not head else
                        f"the checkpoint records event {last} but the chain ends at {head}: "
                        f"events {head + 1}–{last} were removed")
                report.problems.append(Problem(head + 1, TRUNCATED, gone))
        return report

    def _check(self, event: StoredEvent) -> Problem | None:
        n, report = event.sequence, self.report
        expected = (report.head or 0) + 1
        consecutive = report.head is not None and n == expected
        if n < expected:
            return Problem(n, REORDERED, f"it comes after event {report.head}")
        if self.complete and n > expected:
            gap = f"event {expected} is" if n == expected + 1 else f"events {expected}–{n - 1} are"
            return Problem(expected, MISSING, f"{gap} missing from the chain")
        try:
            document = json.loads(event.canonical.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return Problem(n, EDITED, "its stored canonical bytes are not valid JSON")
        if not isinstance(document, dict) or "sequence" not in document:
            return Problem(n, EDITED, "its stored canonical bytes are not an audit event")
        if document.get("key_id") != self._key_id:
            return Problem(n, BAD_KEY, f"it was sealed with key {document.get('key_id')}, "
                                       f"not the configured AUDIT_KEY ({self._key_id})")
        if document["sequence"] != n:
            return Problem(n, REORDERED, f"the row holds the sealed record of event {document['sequence']}")
        if (self.complete or consecutive) and event.prev_hash != report.head_hash:
            return Problem(n, EDITED, "its previous hash does not match the hash of the event before it")
        if not hmac.compare_digest(seal(self.key, event.prev_hash, event.canonical), event.hash):
            return Problem(n, EDITED, "its hash does not match its contents")
        changes = document.pop("changes", {})
        return (self._check_fields(n, document, event.fields)
                or self._check_values(n, changes, event.values)
                or self._check_claims(n, document)
                or self._check_anchor(event))

    def _check_fields(self, n: int, document: dict, fields: dict) -> Problem | None:
        sealed = document if self.render is same else {name: self.render(value) for name, value in document.items()}
        if sealed == fields:
            return None
        name = min(name for name in sealed.keys() | fields.keys() if sealed.get(name) != fields.get(name))
        return Problem(n, EDITED, f"{name} reads {fields.get(name)!r} but was sealed as {sealed.get(name)!r}")

    def _check_values(self, n: int, changes: dict, values: tuple[StoredValue, ...]) -> Problem | None:
        stored = {(v.field, v.side): v for v in values}
        sealed = {(name, side): digest for name, sides in changes.items() for side, digest in sides.items()}
        if stored.keys() != sealed.keys():
            names = sorted({name for name, _ in stored.keys() ^ sealed.keys()})
            return Problem(n, EDITED, f"its stored values do not match the sealed fields ({', '.join(names)})")
        for (name, side), value in sorted(stored.items()):
            if value.digest != sealed[(name, side)]:
                return Problem(n, EDITED, f"the {side} value of {name!r} has a digest it was not sealed with")
            if value.redacted:
                if value.salt is not None or not (value.redacted_at and value.redacted_by and value.redacted_in):
                    return Problem(n, EDITED, f"the {side} value of {name!r} is missing without a recorded redaction")
                if value.redacted_in <= n:
                    return Problem(n, EDITED, f"the {side} value of {name!r} names event {value.redacted_in} as "
                                              "its redaction, which does not come after it")
                self.report.redacted += 1
                self._claims.setdefault(value.redacted_in, []).append((n, name))
            elif value.salt is None or not hmac.compare_digest(
                    value_digest(self.key, value.salt, value.value), value.digest):
                return Problem(n, EDITED, f"the stored {side} value of {name!r} was changed")
        return None

    def _check_claims(self, n: int, document: dict) -> Problem | None:
        for claimed_by, name in self._claims.pop(n, []):
            if document.get("action") != "audit.redacted" or document.get("entity_id") != str(claimed_by):
                return Problem(claimed_by, EDITED, f"the value of {name!r} was removed, but event {n}, which it "
                                                   "names as its redaction, is not a redaction of this event")
        return None

    def _check_anchor(self, event: StoredEvent) -> Problem | None:
        recorded = self.anchors.get(event.sequence)
        if recorded is not None and recorded != event.hash:
            return Problem(event.sequence, REGROWN, f"it is not the event the checkpoint recorded (hash "
                           f"{recorded[:16]}, now {event.hash[:16]}): the events up to it were deleted "
                           "and the chain grew again")
        return None
