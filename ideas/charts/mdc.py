"""NHS England "Making Data Count" rules, as NHSRplotthedots codes them (R/ptd_spc_standard.R,
R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R, R/ptd_add_short_group_warnings.R):
a point beyond the limits; 7 points on one side of the mean; 7 points each rising (or falling);
two of three points on one side beyond two sigma but inside the limits (only those flagged). A point
on the mean, or a tie, breaks a run. Variation and assurance are read at the last point.
"""
from dataclasses import dataclass

from ideas.charts import rules, signals
from ideas.charts.phases import Phase, PhaseResult, line_signals
from ideas.charts.shewhart import centre_and_limits, limits_notes, outside_signals

SHORT_GROUP = 12
IMPROVEMENT = {"up": 1, "down": -1}
# Which signal names the last point's variation when several cover it (ptd_special_cause_type).
PRECEDENCE = ("beyond_limits", "trend", "two_of_three", "shift")
KIND_SIDE = {"above": 1, "rising": 1, "below": -1, "falling": -1}


@dataclass(frozen=True)
class Summary:
    """A Making Data Count icon as a code and in words."""

    code: str
    text: str

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text}


def two_of_three(phase: Phase, values, signs, limits, labels) -> list[signals.Signal]:
    """Windows of three points on one side with two or more between two and three sigma."""
    near = []
    for i, y in enumerate(values):
        inner_low, inner_high = limits.band(i, 2)
        outer_low, outer_high = limits.band(i, 3)
        near.append(outer_low <= y < inner_low or inner_high < y <= outer_high)
    groups = []
    for w in range(len(values) - 2):
        window = range(w, w + 3)
        side = signs[w]
        if not side or any(signs[i] != side for i in window) or sum(near[i] for i in window) < 2:
            continue
        flagged = [i for i in window if near[i]]
        if groups and groups[-1][0] == side and w <= groups[-1][1] + 2:
            groups[-1] = (side, w, sorted(set(groups[-1][2]) | set(flagged)))
        else:
            groups.append((side, w, flagged))
    return [signals.two_of_three(side, phase.at(points), labels, phase.number) for side, _, points in groups]


def analyse_phase(series, phase: Phase, proportion: bool) -> PhaseResult:
    """The four Making Data Count rules on one phase (a rebase group in NHSRplotthedots)."""
    values, labels = phase.take(series.values), series.labels
    centre, limits = centre_and_limits(series, phase, proportion)
    signs = rules.sides(values, [centre] * len(values))
    found = outside_signals(phase, values, limits, labels)
    found += line_signals(phase, values, signs, labels, shift=7, trend=7, ties_break=True,
                          line="centre line" if proportion else "mean")
    if limits is not None:
        found += two_of_three(phase, values, signs, limits, labels)
    return PhaseResult(phase, centre, limits, rules.count_runs(signs), tuple(found),
                       tuple(limits_notes(phase, limits, SHORT_GROUP)))


def variation(last: PhaseResult, direction: str | None) -> Summary:
    """The variation icon: the last point's special cause, oriented by the direction of improvement."""
    point = last.phase.stop - 1
    covering = [s for s in last.signals if point in s.points]
    if not covering:
        return Summary("common_cause", "common cause variation")
    signal = min(covering, key=lambda s: PRECEDENCE.index(s.rule))
    side = KIND_SIDE[signal.kind]
    if direction is None:
        high_low = "high" if side == 1 else "low"
        return Summary(f"special_cause_neutral_{high_low}", f"special cause variation ({high_low}): {signal.text}")
    better = side == IMPROVEMENT[direction]
    word = "improving" if better else "concerning"
    return Summary(f"special_cause_{word}", f"special cause variation, {word}: {signal.text}")


def assurance(last: PhaseResult, direction: str | None, target: float | None) -> Summary | None:
    """The assurance icon: the target beyond the last point's limits (met or failed) or inside them."""
    if target is None or direction is None or last.limits is None:
        return None
    point = last.phase.stop - 1 - last.phase.start
    lower, upper = last.limits.lower(point), last.limits.upper(point)
    if lower <= target <= upper:
        return Summary("inconsistent", f"the target {signals.number(target)} lies inside the limits: "
                                       "hit and miss, it will be met only some of the time")
    met = (target < lower) == (direction == "up")
    if met:
        return Summary("consistently_met", f"the process will consistently meet the target {signals.number(target)}")
    return Summary("consistently_failed", f"the process will consistently fail the target {signals.number(target)} "
                                          "unless it changes")
