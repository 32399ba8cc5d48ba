"""A signal named in words: the rule, its kind, the points it flags and a sentence for the team."""
from dataclasses import dataclass

SIDE = {1: "above", -1: "below"}
WAY = {1: "rising", -1: "falling"}


@dataclass(frozen=True)
class Signal:
    """One rule's finding: e.g. rule "shift", kind "above", points (3, 4, …), and its sentence."""

    rule: str
    kind: str
    points: tuple[int, ...]
    text: str
    phase: int = 1

    def as_dict(self) -> dict:
        return {"rule": self.rule, "kind": self.kind, "points": list(self.points), "text": self.text,
                "phase": self.phase}


def number(x: float) -> str:
    """A value as a nurse reads it: four significant figures, no trailing zeros."""
    return f"{x:.4g}"


def span(labels, points) -> str:
    return f"from {labels[points[0]]} to {labels[points[-1]]}"


def shift(side: int, points, line: str, labels, phase: int) -> Signal:
    text = f"shift: {len(points)} points {SIDE[side]} the {line} {span(labels, points)}"
    return Signal("shift", SIDE[side], tuple(points), text, phase)


def trend(way: int, points, labels, phase: int) -> Signal:
    text = f"trend: {len(points)} points {WAY[way]} {span(labels, points)}"
    return Signal("trend", WAY[way], tuple(points), text, phase)


def runs(kind: str, count: int, useful: int, limit: int, points, phase: int) -> Signal:
    bound = f"fewer than {limit}" if kind == "too few" else f"more than {limit}"
    text = (f"{kind} runs: {count} runs in {useful} points off the median "
            f"({bound} is unlikely by chance)")
    return Signal("runs", kind, tuple(points), text, phase)


def outside(rule: str, i: int, value: float, limit: float, labels, phase: int) -> Signal:
    """A point beyond a control limit: rule "beyond_limits", or "astronomical" on a run chart."""
    side = 1 if value > limit else -1
    where = "above the upper" if side == 1 else "below the lower"
    name = "astronomical point" if rule == "astronomical" else "beyond the limits"
    text = f"{name}: {labels[i]} ({number(value)}) is {where} limit ({number(limit)})"
    return Signal(rule, SIDE[side], (i,), text, phase)


def two_of_three(side: int, points, labels, phase: int) -> Signal:
    near = "upper" if side == 1 else "lower"
    named = ", ".join(labels[i] for i in points)
    text = f"two of three points near the {near} limit (beyond two sigma): {named}"
    return Signal("two_of_three", SIDE[side], tuple(points), text, phase)
