"""IHI rules on a control chart (XmR or p): a point beyond the limits, plus shift 6 and trend 5 about the
centre line, as qicharts2 marks `sigma.signal` beside its runs analysis (both reported)."""
import statistics

from ideas.charts import rules, signals
from ideas.charts.control_chart import Limits, beyond, phase_limits
from ideas.charts.phases import Phase, PhaseResult, line_signals

RELIABLE_FROM = 20


def centre_and_limits(series, phase: Phase, proportion: bool) -> tuple[float, Limits | None]:
    """The phase's limits, and its centre line (the baseline mean when one point gives no limits)."""
    limits = phase_limits(series, phase, proportion)
    return (limits.centre if limits else statistics.fmean(phase.base(series.values))), limits


def outside_signals(phase: Phase, values, limits: Limits | None, labels) -> list[signals.Signal]:
    """One signal a point strictly beyond the 3-sigma limits."""
    if limits is None:
        return []
    found = []
    for i in beyond(values, limits):
        limit = limits.upper(i) if values[i] > limits.centre else limits.lower(i)
        found.append(signals.outside("beyond_limits", phase.start + i, values[i], limit, labels, phase.number))
    return found


def limits_notes(phase: Phase, limits: Limits | None, reliable_from: int) -> list[str]:
    """Say when limits are missing or rest on too few points to trust."""
    if limits is None:
        return [f"phase {phase.number}: one point gives no limits."]
    if phase.baseline < reliable_from:
        return [f"phase {phase.number}: limits from {phase.baseline} points are trial limits "
                f"({reliable_from} or more make them reliable)."]
    return []


def analyse_phase(series, phase: Phase, proportion: bool) -> PhaseResult:
    """Beyond the limits, shift 6 (points on the line ignored), trend 5 (ties ignored)."""
    values, labels = phase.take(series.values), series.labels
    centre, limits = centre_and_limits(series, phase, proportion)
    signs = rules.sides(values, [centre] * len(values))
    line = "centre line" if proportion else "mean"
    found = outside_signals(phase, values, limits, labels)
    found += line_signals(phase, values, signs, labels, shift=6, trend=5, ties_break=False, line=line)
    return PhaseResult(phase, centre, limits, rules.count_runs(signs), tuple(found),
                       tuple(limits_notes(phase, limits, RELIABLE_FROM)))
