"""The IHI run chart of one phase: median, shift 6, trend 5, too few or too many runs, astronomical point.

Astronomical point (our definition, as the issue asks): a point beyond the phase's control limits
(XmR for measurements, p chart for proportions, from the same baseline), looked for once the phase
has 20 points; with fewer the result says it was not looked for.
"""
import statistics

from ideas.charts import rules, signals
from ideas.charts.control_chart import beyond, phase_limits
from ideas.charts.phases import Phase, PhaseResult, line_signals

ASTRONOMICAL_FROM = 20
RUNS_FROM = 10


def analyse_phase(series, phase: Phase) -> PhaseResult:
    """Median of the baseline points; the four IHI run-chart rules on the phase's points."""
    values, labels = phase.take(series.values), series.labels
    centre = statistics.median(phase.base(series.values))
    signs = rules.sides(values, [centre] * len(values))
    found = line_signals(phase, values, signs, labels, shift=6, trend=5, ties_break=False, line="median")
    runs = rules.count_runs(signs)
    found += _runs_signals(phase, signs, runs)
    notes = [*_runs_notes(phase, runs)]
    if len(values) >= ASTRONOMICAL_FROM:
        limits = phase_limits(series, phase, series.is_proportion)
        for i in beyond(values, limits):
            limit = limits.upper(i) if values[i] > centre else limits.lower(i)
            found.append(signals.outside("astronomical", phase.start + i, values[i], limit, labels, phase.number))
    else:
        notes.append(f"phase {phase.number}: astronomical points are looked for from {ASTRONOMICAL_FROM} "
                     f"points (beyond the control limits); it has {len(values)}.")
    return PhaseResult(phase, centre, None, runs, tuple(found), tuple(notes))


def _runs_signals(phase: Phase, signs, runs: rules.Runs) -> list[signals.Signal]:
    limits = rules.runs_limits(runs.useful)
    if limits is None:
        return []
    useful = phase.at(i for i, s in enumerate(signs) if s)
    fewest, most = limits
    if runs.runs < fewest:
        return [signals.runs("too few", runs.runs, runs.useful, fewest, useful, phase.number)]
    if runs.runs > most:
        return [signals.runs("too many", runs.runs, runs.useful, most, useful, phase.number)]
    return []


def _runs_notes(phase: Phase, runs: rules.Runs) -> list[str]:
    if runs.useful < RUNS_FROM:
        return [f"phase {phase.number}: the runs rule is not applied: {runs.useful} points off the median, "
                f"fewer than {RUNS_FROM}."]
    if rules.runs_limits(runs.useful) is None:
        return [f"phase {phase.number}: the runs rule is not applied: {runs.useful} points off the median, "
                f"beyond the published table (10 to 60); see Anhøj's crossings."]
    return []
