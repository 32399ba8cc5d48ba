"""What each kind of audit event looks like on the idea page's timeline (no Flask, no queries).

Later features add their event kinds to EVENT_KINDS. A kind marked `private_detail` shows who
acted and what they chose only to committee and admin (SPEC: the team sees a vote's tally and
comment, not who voted what).
"""
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from collections.abc import Mapping
from enum import StrEnum

from ideas.pilots.labels import LABELS as PILOT_LABELS
from ideas.pipeline.models import Benefit, Category
from ideas.pipeline.workflow import FIELD_LABELS, Stage
from ideas.review.labels import LABELS as REVIEW_LABELS
from ideas.pilots.rules import Recommendation
from ideas.review.rules import Direction, MeasureType, Overall, StopDirection
from ideas.spread.labels import LABELS as SPREAD_LABELS
from ideas.spread.rules import CheckAnswer, UnitStatus


class Kind(StrEnum):
    """The timeline's filters."""

    ALL = "all"
    STAGES = "stages"
    EDITS = "edits"
    COMMENTS = "comments"
    REVIEWS = "reviews"

    @property
    def label(self) -> str:
        return {"all": "Everything", "stages": "Stage changes", "edits": "Edits", "comments": "Comments",
                "reviews": "Reviews and votes"}[self.value]


@dataclass(frozen=True)
class EventKind:
    kind: Kind
    label: str
    private_detail: bool = False


EVENT_KINDS = {
    "idea.created": EventKind(Kind.STAGES, "started the idea"),
    "idea.transition": EventKind(Kind.STAGES, "moved the idea"),
    "idea.edited": EventKind(Kind.EDITS, "edited the idea"),
    "comment.posted": EventKind(Kind.COMMENTS, "commented"),
    "review.saved": EventKind(Kind.REVIEWS, "saved a review"),
    "vote.cast": EventKind(Kind.REVIEWS, "voted", private_detail=True),
    "round.opened": EventKind(Kind.STAGES, "opened a committee voting round"),
    "plan.frozen": EventKind(Kind.STAGES, "froze the approved plan (its digest is kept)"),
    "committee.recused": EventKind(Kind.REVIEWS, "declared a conflict of interest and recused"),
    "condition.added": EventKind(Kind.REVIEWS, "set a condition of approval"),
    "condition.done": EventKind(Kind.REVIEWS, "marked a condition done"),
    "hazard.added": EventKind(Kind.REVIEWS, "added a hazard"),
    "hazard.updated": EventKind(Kind.REVIEWS, "changed a hazard"),
    "hazard.removed": EventKind(Kind.REVIEWS, "removed a hazard"),
    "pilot_plan.saved": EventKind(Kind.REVIEWS, "saved the pilot plan"),
    "co_author.invited": EventKind(Kind.EDITS, "invited a co-author"),
    "co_author.accepted": EventKind(Kind.EDITS, "accepted the invitation to co-author"),
    "co_author.declined": EventKind(Kind.EDITS, "declined the invitation to co-author"),
    "idea.safety_hold_placed": EventKind(Kind.STAGES, "put the idea on safety hold (a stop rule tripped)"),
    "idea.safety_hold_cleared": EventKind(Kind.STAGES, "cleared the safety hold"),
    "idea.mentor_reassigned": EventKind(Kind.STAGES, "gave the idea to another mentor"),
    "measure.added": EventKind(Kind.REVIEWS, "added a measure to the pilot plan"),
    "measure.updated": EventKind(Kind.REVIEWS, "changed a measure of the pilot plan"),
    "measure.removed": EventKind(Kind.REVIEWS, "removed a measure from the pilot plan"),
    "condition.reassigned": EventKind(Kind.REVIEWS, "gave a condition of approval to someone else"),
    "agenda.scheduled": EventKind(Kind.REVIEWS, "put the idea on a committee meeting's agenda"),
    "pdsa.recorded": EventKind(Kind.EDITS, "recorded a PDSA cycle"),
    "pdsa.updated": EventKind(Kind.EDITS, "updated a PDSA cycle"),
    "observation.added": EventKind(Kind.EDITS, "recorded an observation"),
    "observation.corrected": EventKind(Kind.EDITS, "corrected an observation"),
    "observation.removed": EventKind(Kind.EDITS, "removed an observation"),
    "observations.uploaded": EventKind(Kind.EDITS, "uploaded observations from a file"),
    "chart.settings_changed": EventKind(Kind.EDITS, "changed how a measure's chart is drawn"),
    "chart.phase_added": EventKind(Kind.EDITS, "started a new phase on a chart"),
    "chart.phase_removed": EventKind(Kind.EDITS, "removed a phase from a chart"),
    "pilot.completed": EventKind(Kind.STAGES, "completed the pilot with its results"),
    "target_unit.added": EventKind(Kind.STAGES, "named a unit the change spreads to"),
    "target_unit.updated": EventKind(Kind.EDITS, "updated a unit's scale-up"),
    "sustainment.scheduled": EventKind(Kind.EDITS, "scheduled a sustainment check"),
    "sustainment.answered": EventKind(Kind.EDITS, "answered a sustainment check"),
    "sustainment.missed": EventKind(Kind.STAGES, "flagged a sustainment check as missed"),
}
# A comment's edits and removal show on the comment itself ("edited", "comment removed"):
# listing them would put a removed comment's text back on the page.
NOT_SHOWN = frozenset({"comment.edited", "comment.deleted"})
OTHER = EventKind(Kind.ALL, "recorded a change")  # a kind a later feature forgot to name: never its code
CHANGE_LABELS = {**PILOT_LABELS, **REVIEW_LABELS, **SPREAD_LABELS, **FIELD_LABELS, "stage": "Stage", "mentor_id": "Mentor",
                 "unit_id": "Unit", "lead_id": "Unit lead", "sustainment_owner_id": "Sustainment owner",
                 "impact_realised": "Impact realised", "day": "Day after adoption", "due_on": "Due on",
                 "co_author": "Co-author", "safety_hold": "Safety hold", "gate": "Voting on"}
PERSON_FIELDS = frozenset({"owner_id", "mentor_id", "mentee_id", "user_id", "member_id", "author_id", "submitter_id",
                           "done_by_id", "recorded_by_id", "created_by_id", "updated_by_id", "redacted_by_id",
                           "lead_id", "sustainment_owner_id", "answered_by_id"})
NUMBERS = frozenset({"baseline", "target", "stop_threshold", "value", "numerator", "denominator"})
# Fields stored as a code, shown by their label.
CODED = {"stage": Stage, "gate": Stage, "category": Category, "kind": MeasureType, "direction": Direction,
         "stop_direction": StopDirection, "overall": Overall, "recommendation": Recommendation, "status": UnitStatus,
         "answer": CheckAnswer}
# Ids and bookkeeping a person has no use for: the entry's sentence already says what changed.
NOT_LISTED = frozenset({"mentor_id", "measure_id", "idea_id", "id", "version", "owner_id", "round_id", "phase_id",
                        "observation_id", "cycle_id", "hazard_id", "condition_id", "meeting_id", "assignee_id",
                        "answered_at"})


def actions_of(kind: Kind) -> list[str] | None:
    """The event actions a filter shows; None for everything."""
    return None if kind == Kind.ALL else [action for action, shown in EVENT_KINDS.items() if shown.kind == kind]


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    sequence: int
    occurred_at: datetime
    kind: Kind
    action: str
    actor_name: str | None  # None when the viewer may not see who it was
    label: str
    reason: str | None
    changes: tuple[Change, ...] = ()
    comment: object | None = None  # the Comment of a comment.posted event
    hidden_detail: bool = False
    saves: int = 1  # consecutive autosaves of one person, read as one entry


def grouped(entries: list[Entry]) -> list[Entry]:
    """Newest first; one person's consecutive edits read as one entry, each field from its first value to its last."""
    out: list[Entry] = []
    for older in entries:
        newer = out[-1] if out else None
        if (newer is None or not older.action == newer.action == "idea.edited"
                or older.actor_name != newer.actor_name or older.reason or newer.reason):
            out.append(older)
            continue
        latest = {change.field: change for change in newer.changes}
        merged = {change.field: replace(change, new=latest.pop(change.field).new) if change.field in latest else change
                  for change in older.changes}
        changes = tuple(c for c in (*merged.values(), *latest.values()) if c.old != c.new)
        out[-1] = replace(newer, changes=changes, saves=newer.saves + older.saves, occurred_at=newer.occurred_at)
    return out


def entry(event, comment, sees_private: bool, unit_labels: Mapping[int, str]) -> Entry:
    """The timeline entry for an audit event (with its values loaded), as this viewer may see it."""
    shown = EVENT_KINDS.get(event.action, OTHER)
    hidden = shown.private_detail and not sees_private
    changes = () if hidden or event.action == "comment.posted" else changes_of(event, unit_labels)
    return Entry(sequence=event.sequence, occurred_at=event.occurred_at, kind=shown.kind, action=event.action,
                 actor_name=None if hidden else event.actor_name, label=shown.label,
                 reason=event.reason, changes=changes, comment=comment, hidden_detail=hidden)


def unit_ids(events) -> set[int]:
    """The units a page of events names, to label them all at once."""
    found = set()
    for event in events:
        for value in event.values:
            if value.field in ("unit", "units", "home_unit_id", "unit_id") and not value.redacted:
                decoded = json.loads(value.value)
                found.update(item for item in (decoded if isinstance(decoded, list) else [decoded])
                             if isinstance(item, int))
    return found


def changes_of(event, unit_labels: Mapping[int, str], people: Mapping[int, str] | None = None,
               hidden: frozenset[str] = NOT_LISTED) -> tuple[Change, ...]:
    """An event's changed fields in words: labels for names, units and people by name, answers as yes or no."""
    sides: dict[str, dict[str, str]] = {}
    for value in event.values:
        sides.setdefault(value.field, {})[str(value.side)] = _text(value.field, value, unit_labels, people or {})
    return tuple(Change(name, _label(name), pair.get("old", ""), pair.get("new", ""))
                 for name, pair in sides.items() if name not in hidden)


def person_ids(events) -> set[int]:
    """The people a page of events names in its values, to name them all at once."""
    return {decoded for event in events for value in event.values if value.field in PERSON_FIELDS
            and not value.redacted and isinstance(decoded := json.loads(value.value), int)}


def _label(name: str) -> str:
    if name in CHANGE_LABELS:
        return CHANGE_LABELS[name]
    return (name[:-3] if name.endswith("_id") else name).replace("_", " ").capitalize()


def _text(name: str, value, unit_labels: Mapping[int, str], people: Mapping[int, str]) -> str:
    if value.redacted:
        return "(redacted)"
    decoded = json.loads(value.value)
    if decoded is None or decoded == "" or decoded == []:
        return ""
    if name in PERSON_FIELDS and isinstance(decoded, int):
        return people.get(decoded, "someone no longer listed")
    if name in ("unit", "home_unit_id", "unit_id") and isinstance(decoded, int):
        return unit_labels.get(decoded, "a unit since removed")
    if isinstance(decoded, bool):
        return "yes" if decoded else "no"
    if name in NUMBERS and isinstance(decoded, (int, float, str)) and re.fullmatch(r"-?\d+(\.\d+)?", str(decoded)):
        return f"{float(decoded):g}"  # 30.0 reads as 30
    if name in CODED and decoded in CODED[name]._value2member_map_:
        return CODED[name](decoded).label
    if name == "safety_hold":
        return "on hold" if decoded else "cleared"
    if name == "units" and isinstance(decoded, list):
        return ", ".join(unit_labels.get(item, "a unit since removed") for item in decoded)
    if name == "benefits":
        return ", ".join(Benefit(item).label for item in decoded)
    if isinstance(decoded, list):
        return ", ".join(str(item) for item in decoded)
    return str(decoded)
