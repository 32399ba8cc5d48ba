"""Audit exports (CSV and JSON) that an outside auditor holding AUDIT_KEY can verify on their own.

Each event carries its readable fields, its canonical bytes, its hashes and its values
(with salts), so the chain can be re-checked without the database. A seal over the
export's header and every (sequence, hash) it holds shows that nothing was added, removed
or reordered in the file. A CSV's seal is its last row, marked `#seal`.
"""
import csv
import hashlib
import hmac
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict

from ideas.audit.chain import BAD_KEY, EDITED, TRUNCATED, ChainCheck, Problem, Report, StoredEvent, StoredValue, \
    canonical, key_id, same, utc_text
from ideas.audit.models import EVENT_FIELDS
from ideas.audit.queries import AuditFilter, stream_events
from ideas.audit.writer import record
from ideas.clock import utcnow

EXPORT_FORMAT = "frontline-ideas/audit-export"
FORMATS = ("csv", "json")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CSV_COLUMNS = [*EVENT_FIELDS, "prev_hash", "hash", "canonical", "values"]
SEAL_ROW = "#seal"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")  # a spreadsheet would run these as formulas


def record_export(audit_filter: AuditFilter, fmt: str) -> int:
    """Record the export (itself an audit event); the export runs through it. Its sequence."""
    described = ", ".join(f"{name}={value}" for name, value in audit_filter.describe().items())
    event = record("audit.exported", idea_id=audit_filter.idea_id,
                   reason=f"{fmt.upper()} export of {described or 'the whole trail'}")
    return event.sequence


def export_chunks(audit_filter: AuditFilter, fmt: str, through: int, key: str, zone: str) -> Iterator[str]:
    """The export file, piece by piece, for the events that match, up to `through`."""
    header = {
        "format": EXPORT_FORMAT, "format_version": 1, "exported_at": utc_text(utcnow()), "key_id": key_id(key),
        "filter": audit_filter.describe(), "complete": audit_filter.is_empty, "through": through,
    }
    events = stream_events(audit_filter.conditions(zone), through)
    return (csv_chunks if fmt == "csv" else json_chunks)(header, events, key)


class Sealer:
    """HMAC over the export's header and each event's (sequence, hash), in file order."""

    def __init__(self, key: str, header: dict):
        self._mac = hmac.new(key.encode("utf-8"), canonical(header), hashlib.sha256)

    def add(self, event: StoredEvent) -> None:
        self._mac.update(f"{event.sequence}:{event.hash}\n".encode("ascii"))

    def hexdigest(self) -> str:
        return self._mac.hexdigest()


def json_chunks(header: dict, events: Iterable[StoredEvent], key: str) -> Iterator[str]:
    sealer = Sealer(key, header)
    yield '{"export": ' + json.dumps(header) + ',\n"events": ['
    for number, event in enumerate(events):
        sealer.add(event)
        yield ("," if number else "") + "\n" + json.dumps({
            "sequence": event.sequence, "prev_hash": event.prev_hash, "hash": event.hash,
            "canonical": event.canonical.decode("utf-8"), "fields": event.fields,
            "values": [asdict(value) for value in event.values],
        }, ensure_ascii=False)
    yield '\n],\n"seal": ' + json.dumps(sealer.hexdigest()) + "}\n"


def csv_cell(value) -> str:
    """A sealed field as its CSV cell: text, with formula-like text made inert by a leading '."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ",".join(map(str, value))
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_row(cells: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def csv_chunks(header: dict, events: Iterable[StoredEvent], key: str) -> Iterator[str]:
    sealer = Sealer(key, header)
    yield _csv_row(CSV_COLUMNS)
    for event in events:
        sealer.add(event)
        yield _csv_row([csv_cell(event.fields.get(name)) for name in EVENT_FIELDS] + [
            event.prev_hash, event.hash, event.canonical.decode("utf-8"),
            json.dumps([asdict(value) for value in event.values], ensure_ascii=False)])
    yield _csv_row([SEAL_ROW] + [""] * (len(EVENT_FIELDS) - 1)
                   + ["", sealer.hexdigest(), canonical(header).decode("utf-8"), ""])


def _stored(sequence, prev_hash, hash_, canonical_text: str, fields: dict, values: list) -> StoredEvent:
    if not isinstance(fields, dict) or not isinstance(values, list):
        raise ValueError(f"event {sequence} is not laid out as an export event")
    return StoredEvent(sequence=int(sequence), prev_hash=prev_hash, hash=hash_,
                       canonical=canonical_text.encode("utf-8"), fields=fields,
                       values=tuple(StoredValue(**value) for value in values))


def read_export(text: str) -> tuple[dict, list[StoredEvent], str, Callable]:
    """(header, events, seal, how a sealed field reads in this format) from an export's text."""
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        events = [_stored(e["sequence"], e["prev_hash"], e["hash"], e["canonical"], e["fields"], e["values"])
                  for e in data["events"]]
        return data["export"], events, data["seal"], same
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if not rows or rows[-1]["sequence"] != SEAL_ROW:
        raise ValueError("the CSV has no seal row")
    events = [_stored(row["sequence"], row["prev_hash"], row["hash"], row["canonical"],
                      {name: row[name] for name in EVENT_FIELDS}, json.loads(row["values"]))
              for row in rows[:-1]]
    return json.loads(rows[-1]["canonical"]), events, rows[-1]["hash"], csv_cell


def verify_export(text: str, key: str) -> Report:
    """Check an export file on its own: each event's seal and values, the links, the file's seal."""
    try:
        header, events, seal, render = read_export(text)
        if header.get("format") != EXPORT_FORMAT:
            raise ValueError("its header does not name the audit export format")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return Report(problems=[Problem(None, EDITED, f"this is not a readable audit export ({error})")])
    check = ChainCheck(key, complete=bool(header.get("complete")), render=render)
    sealer = Sealer(key, header)
    for event in events:
        sealer.add(event)
        if not check.add(event):
            return check.finish()
    report = check.finish()
    if report.ok and header.get("key_id") != key_id(key):
        report.problems.append(Problem(None, BAD_KEY, f"the export was sealed with key {header.get('key_id')}, "
                                                      f"not the configured AUDIT_KEY ({key_id(key)})"))
    elif report.ok and not hmac.compare_digest(str(seal), sealer.hexdigest()):
        report.problems.append(Problem(None, EDITED, "the export's seal does not match: events were added, "
                                                     "removed or reordered in the file, or its header was changed"))
    elif report.ok and header.get("complete") and (report.head or 0) != header.get("through"):
        report.problems.append(Problem((report.head or 0) + 1, TRUNCATED,
                                       f"the export should run through event {header.get('through')}"))
    return report
