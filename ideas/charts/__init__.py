"""Statistical process control for pilot measures: run charts, XmR and p charts, IHI and Making Data
Count rules, phases and frozen baselines. Pure functions and frozen values; no Flask, no database."""
from dataclasses import dataclass
from functools import partial

from ideas.charts import mdc, run_chart, shewhart
from ideas.charts.mdc import Summary
from ideas.charts.phases import PhaseResult, split
from ideas.charts.series import ChartInputError, Series, read_csv, series_of_proportions, series_of_values
from ideas.charts.signals import Signal

__all__ = ["Analysis", "ChartInputError", "Series", "Signal", "analyse", "read_csv", "series_of_proportions",
           "series_of_values"]

KINDS = ("run", "xmr", "p")
RULE_SETS = ("ihi", "mdc")
CONTROL_CHART_FROM = 20


@dataclass(frozen=True)
class Analysis:
    """A measure's chart: per point its centre line and limits; per phase its runs; every signal."""

    kind: str
    rules: str
    series: Series
    phases: tuple[PhaseResult, ...]
    notes: tuple[str, ...]
    variation: Summary | None = None
    assurance: Summary | None = None

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for result in self.phases for s in result.signals)

    def flags(self) -> dict[str, list[int]]:
        """For each rule, the indices of the points it flags."""
        flagged: dict[str, set[int]] = {}
        for signal in self.signals:
            flagged.setdefault(signal.rule, set()).update(signal.points)
        return {rule: sorted(points) for rule, points in sorted(flagged.items())}

    def points(self) -> list[dict]:
        """Each point: label, value, phase, centre line and limits (None on a run chart)."""
        rows = []
        for result in self.phases:
            phase, limits = result.phase, result.limits
            for i in range(phase.start, phase.stop):
                local = i - phase.start
                rows.append({"index": i, "label": self.series.labels[i], "value": self.series.values[i],
                             "phase": phase.number, "centre": result.centre,
                             "lower": limits.lower(local) if limits else None,
                             "upper": limits.upper(local) if limits else None})
        return rows

    def as_dict(self) -> dict:
        """The document `chart analyse` prints and the analysis endpoint returns."""
        summary = {"variation": self.variation, "assurance": self.assurance}
        return {
            "kind": self.kind, "rules": self.rules, "points": self.points(),
            "phases": [{"phase": r.phase.number, "start": r.phase.start, "stop": r.phase.stop,
                        "baseline": r.phase.baseline, "centre": r.centre, **r.runs.as_dict(),
                        "notes": list(r.notes)} for r in self.phases],
            "flags": self.flags(), "signals": [s.as_dict() for s in self.signals], "notes": list(self.notes),
            **{key: value.as_dict() if value else None for key, value in summary.items()},
        }


def analyse(series: Series, *, kind: str = "run", rules: str = "ihi", phase_at=(), baseline: int | None = None,
            direction: str | None = None, target: float | None = None) -> Analysis:
    """Chart a measure: kind run, xmr or p; rules ihi (default) or mdc; phases and a frozen baseline."""
    if kind not in KINDS or rules not in RULE_SETS or direction not in (None, "up", "down"):
        raise ChartInputError(f"Unknown chart: kind {kind!r}, rules {rules!r}, direction {direction!r}.")
    if kind == "p" and not series.is_proportion:
        raise ChartInputError("A p chart needs a numerator and a denominator for each point.")
    if rules == "mdc" and kind == "run":
        raise ChartInputError("Making Data Count rules read a control chart: choose the xmr or p chart.")
    per_phase = {
        ("run", "ihi"): run_chart.analyse_phase,
        ("xmr", "ihi"): partial(shewhart.analyse_phase, proportion=False),
        ("p", "ihi"): partial(shewhart.analyse_phase, proportion=True),
        ("xmr", "mdc"): partial(mdc.analyse_phase, proportion=False),
        ("p", "mdc"): partial(mdc.analyse_phase, proportion=True),
    }[kind, rules]
    results = tuple(per_phase(series, phase) for phase in split(len(series.values), phase_at, baseline))
    notes = [note for result in results for note in result.notes]
    if kind != "run" and len(series.values) < CONTROL_CHART_FROM:
        notes.insert(0, f"{len(series.values)} points: a control chart is usual from {CONTROL_CHART_FROM}; "
                        "read these limits as provisional.")
    if rules == "ihi":
        return Analysis(kind, rules, series, results, tuple(notes))
    return Analysis(kind, rules, series, results, tuple(notes), mdc.variation(results[-1], direction),
                    mdc.assurance(results[-1], direction, target))
