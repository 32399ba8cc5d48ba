"""Phases (a change point starts a new one) and a frozen baseline; what each phase found."""
from dataclasses import dataclass

from ideas.charts import rules, signals
from ideas.charts.control_chart import Limits
from ideas.charts.rules import Runs
from ideas.charts.series import ChartInputError


@dataclass(frozen=True)
class Phase:
    """Points start..stop-1; the first `baseline` of them set its centre line and limits."""

    number: int
    start: int
    stop: int
    baseline: int

    def take(self, column) -> list:
        return list(column[self.start:self.stop])

    def base(self, column) -> list:
        return list(column[self.start:self.start + self.baseline])

    def at(self, points) -> list[int]:
        """Phase-local indices as indices of the whole series."""
        return [self.start + p for p in points]


@dataclass(frozen=True)
class PhaseResult:
    """A phase's centre line, limits (None on a run chart), runs and signals."""

    phase: Phase
    centre: float
    limits: Limits | None
    runs: Runs
    signals: tuple[signals.Signal, ...]
    notes: tuple[str, ...] = ()


def split(n: int, phase_at=(), baseline: int | None = None) -> tuple[Phase, ...]:
    """Phases starting at 0 and at each `phase_at` index; `baseline` freezes the first phase's first N."""
    starts = sorted(set(phase_at))
    if len(starts) != len(phase_at) or any(not 0 < s < n for s in starts):
        raise ChartInputError(f"A new phase starts at a point after the first and before point {n}, "
                              f"each once; got {list(phase_at)}.")
    bounds = list(zip([0, *starts], [*starts, n]))
    if baseline is not None and not 2 <= baseline <= bounds[0][1]:
        raise ChartInputError(f"A frozen baseline takes 2 to {bounds[0][1]} points (the first phase); "
                              f"got {baseline}.")
    return tuple(Phase(k, start, stop, (baseline if k == 1 and baseline else stop - start))
                 for k, (start, stop) in enumerate(bounds, start=1))


def line_signals(phase: Phase, values, signs, labels, *, shift: int, trend: int, ties_break: bool,
                 line: str) -> list[signals.Signal]:
    """Shifts about the centre line and trends: IHI (ties ignored) or Making Data Count (ties break)."""
    found = [signals.shift(side, phase.at(points), line, labels, phase.number)
             for side, points in rules.shifts(signs, shift, on_line_breaks=ties_break)]
    trends = rules.strict_trends if ties_break else rules.trends_ignoring_ties
    found += [signals.trend(way, phase.at(points), labels, phase.number) for way, points in trends(values, trend)]
    return found
