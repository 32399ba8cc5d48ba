"""What each kind of audit event looks like on the idea page's timeline (no Flask, no queries).

Later features add their event kinds to EVENT_KINDS. A kind marked `private_detail` shows who
acted and what they chose only to committee and admin (SPEC: the team sees a vote's tally and
comment, not who voted what).
"""
import json
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Mapping
from enum import StrEnum

from ideas.pipeline.models import Benefit, Category
from ideas.pipeline.workflow import FIELD_LABELS, Stage


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
}
# A comment's edits and removal show on the comment itself ("edited", "comment removed"):
# listing them would put a removed comment's text back on the page.
NOT_SHOWN = frozenset({"comment.edited", "comment.deleted"})
OTHER = EventKind(Kind.ALL, "")
CHANGE_LABELS = {**FIELD_LABELS, "stage": "Stage", "mentor_id": "Mentor", "co_author": "Co-author"}


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


def entry(event, comment, sees_private: bool, unit_labels: Mapping[int, str]) -> Entry:
    """The timeline entry for an audit event (with its values loaded), as this viewer may see it."""
    shown = EVENT_KINDS.get(event.action, OTHER)
    hidden = shown.private_detail and not sees_private
    changes = () if hidden or event.action == "comment.posted" else _changes(event, unit_labels)
    return Entry(sequence=event.sequence, occurred_at=event.occurred_at, kind=shown.kind, action=event.action,
                 actor_name=None if hidden else event.actor_name, label=shown.label or event.action,
                 reason=event.reason, changes=changes, comment=comment, hidden_detail=hidden)


def unit_ids(events) -> set[int]:
    """The units a page of events names, to label them all at once."""
    return {decoded for event in events for value in event.values if value.field == "unit" and not value.redacted
            and isinstance(decoded := json.loads(value.value), int)}


def _changes(event, unit_labels: Mapping[int, str]) -> tuple[Change, ...]:
    sides: dict[str, dict[str, str]] = {}
    for value in event.values:
        sides.setdefault(value.field, {})[str(value.side)] = _text(value.field, value, unit_labels)
    return tuple(Change(name, CHANGE_LABELS.get(name, name.replace("_", " ").capitalize()),
                        pair.get("old", ""), pair.get("new", "")) for name, pair in sides.items()
                 if name not in ("mentor_id", "measure_id"))


def _text(name: str, value, unit_labels: Mapping[int, str]) -> str:
    if value.redacted:
        return "(redacted)"
    decoded = json.loads(value.value)
    if decoded is None or decoded == "" or decoded == []:
        return ""
    if name == "stage":
        return Stage(decoded).label
    if name == "safety_hold":
        return "on hold" if decoded else "cleared"
    if name == "unit":
        return unit_labels.get(decoded, f"Unit {decoded}")
    if name == "category":
        return Category(decoded).label
    if name == "benefits":
        return ", ".join(Benefit(item).label for item in decoded)
    if isinstance(decoded, list):
        return ", ".join(str(item) for item in decoded)
    return str(decoded)
