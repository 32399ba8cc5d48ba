"""What changed between two snapshots of an approved plan, in words. Pure: no Flask, no database.

A snapshot is plain JSON data: sections of fields, and lists of hazards and measures that are
matched by their name, so removing one does not report every later one as changed.
"""
from dataclasses import dataclass

# How each section's items are named and matched: (section label, key of a list item or None).
SECTIONS = {
    "idea": ("Idea", None),
    "feasibility": ("Feasibility review", None),
    "safety": ("Safety assessment", None),
    "hazards": ("Hazard", "description"),
    "triage": ("QI or research", None),
    "plan": ("Pilot plan", None),
    "measures": ("Measure", "name"),
}


@dataclass(frozen=True)
class Change:
    """One difference: where it is, and the approved and current values (None: absent)."""

    where: str
    approved: object
    current: object

    def __str__(self) -> str:
        if self.approved is None:
            return f"{self.where}: added ({_shown(self.current)})"
        if self.current is None:
            return f"{self.where}: removed (was {_shown(self.approved)})"
        return f"{self.where}: {_shown(self.approved)} → {_shown(self.current)}"


def _shown(value: object, limit: int = 120) -> str:
    if isinstance(value, dict):
        value = "; ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
    elif isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = "—" if value in (None, "") else str(value)
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _fields(label: str, approved: dict, current: dict) -> list[Change]:
    return [Change(f"{label} · {name.replace('_', ' ')}", approved.get(name), current.get(name))
            for name in dict.fromkeys([*approved, *current]) if approved.get(name) != current.get(name)]


def _named(items: list[dict], key: str) -> dict[str, dict]:
    """Items by name; a repeated name gets its occurrence ("Falls (2)"), so none hides another."""
    named, seen = {}, {}
    for item in items:
        seen[item[key]] = seen.get(item[key], 0) + 1
        named[item[key] if seen[item[key]] == 1 else f"{item[key]} ({seen[item[key]]})"] = item
    return named


def difference(approved: dict, current: dict) -> list[Change]:
    """Every material change from the approved snapshot to the current one, section by section."""
    changes = []
    for section, (label, key) in SECTIONS.items():
        old, new = approved.get(section), current.get(section)
        if old == new:
            continue
        if key is None:
            changes += _fields(label, old or {}, new or {})
            continue
        old_items, new_items = _named(old or [], key), _named(new or [], key)
        for name in dict.fromkeys([*old_items, *new_items]):
            where = f"{label} “{name[:80]}”"
            if name not in new_items:
                changes.append(Change(where, old_items[name], None))
            elif name not in old_items:
                changes.append(Change(where, None, new_items[name]))
            else:
                changes += _fields(where, old_items[name], new_items[name])
    return changes


def summary(changes: list[Change], limit: int = 3900) -> str:
    """The changes as lines of text, cut to fit an audit reason."""
    text = "\n".join(str(change) for change in changes)
    return text if len(text) <= limit else text[:limit] + "\n…"
