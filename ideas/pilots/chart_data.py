"""A measure's chart from the database: its observations, rule set, phases and the idea's PDSA cycles,
read in a fixed number of queries and handed to the SPC engine (`ideas.charts`)."""
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ideas.charts import CONTROL_CHART_FROM, Analysis, ChartInputError, analyse, series_of_proportions, \
    series_of_values
from ideas.database import db
from ideas.pilots.models import ChartPhase, ChartSettings, Observation, PdsaCycle, RuleSet
from ideas.pilots.svg import Labels, Marker
from ideas.review.models import Measure
from ideas.review.rules import Direction

RULE_WORDS = {"shift": "shift", "trend": "trend", "runs": "runs", "astronomical": "astronomical point",
              "beyond_limits": "beyond the limits", "two_of_three": "two of three near a limit"}


def day_label(day: date) -> str:
    """A date as the chart and its sentences name a point: 3 Mar 2027."""
    return f"{day.day} {day:%b %Y}"


@dataclass
class MeasureChart:
    """Everything the chart page, the CSV and the SVG show for one measure."""

    measure: Measure
    observations: list[Observation]
    rules: RuleSet
    baseline_points: int | None
    phases: list[ChartPhase]
    cycles: list[PdsaCycle]
    run: Analysis | None = None
    control: Analysis | None = None
    frozen: int | None = None  # the frozen baseline as applied (None until the first phase has its points)
    problem: str | None = None  # data the engine refused, in words
    notes: list[str] = field(default_factory=list)  # phases or a baseline that do not apply yet

    @property
    def direction(self) -> str:
        return "up" if self.measure.direction == Direction.INCREASE else "down"

    def reference(self, value: float | None) -> float | None:
        """A plan value on the chart's scale: a proportion's baseline and target are per cent."""
        if value is None:
            return None
        return value / 100 if self.measure.proportion else value

    def labels(self, analysis: Analysis) -> Labels:
        """The renderer's labels: names, dates, reference lines, PDSA markers, annotated points."""
        days = [o.observed_on for o in self.observations]
        kind = {"run": "Run chart", "xmr": "XmR chart", "p": "p chart"}[analysis.kind]
        flagged = [s.text for s in analysis.signals]
        desc = (f"{kind} of {len(days)} observations from {day_label(days[0])} to {day_label(days[-1])}. "
                + (f"Signals: {'; '.join(flagged)}." if flagged else "No signal: the variation is common cause."))
        cycles = tuple(Marker(bisect_left(days, c.started_on) - 0.5, f"PDSA {n}")
                       for n, c in enumerate(self.cycles, start=1))
        return Labels(title=f"{kind}: {self.measure.name} ({self.measure.unit_of_measure})", desc=desc,
                      dates=tuple(f"{d.day} {d:%b}" for d in days), percent=self.measure.proportion,
                      target=self.reference(self.measure.target), plan_baseline=self.reference(self.measure.baseline),
                      cycles=cycles, notes=tuple(i for i, o in enumerate(self.observations) if o.note),
                      frozen=self.frozen)

    def rows(self) -> list[dict]:
        """The numbers table: per point its date, value, median, phase, centre and limits, and flags."""
        if self.run is None:
            return []
        run_points = self.run.points()
        control_points = self.control.points() if self.control else [{}] * len(run_points)
        run_flags, control_flags = _flags(self.run), _flags(self.control)
        return [{"date": o.observed_on, "value": run_points[i]["value"], "numerator": o.numerator,
                 "denominator": o.denominator, "median": run_points[i]["centre"], "phase": run_points[i]["phase"],
                 "centre": control_points[i].get("centre"), "lower": control_points[i].get("lower"),
                 "upper": control_points[i].get("upper"), "run_flags": run_flags.get(i, []),
                 "control_flags": control_flags.get(i, []), "note": o.note}
                for i, o in enumerate(self.observations)]


def _flags(analysis: Analysis | None) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for rule, points in (analysis.flags() if analysis else {}).items():
        for i in points:
            found.setdefault(i, []).append(RULE_WORDS.get(rule, rule))
    return found


def phase_starts(days: list[date], phases: list[ChartPhase], notes: list[str]) -> list[int]:
    """Each change point as the index of its first observation; one that has none yet is noted."""
    starts: list[int] = []
    for phase in phases:
        at = bisect_left(days, phase.starts_on)
        when = day_label(phase.starts_on)
        if at == 0:
            notes.append(f"The phase from {when} starts at the first observation: it changes nothing.")
        elif at == len(days):
            notes.append(f"The phase from {when} has no observations yet: it starts with the first one.")
        elif at in starts:
            notes.append(f"The phase from {when} has no observations before the next change point: "
                         "it starts with the next one.")
        else:
            starts.append(at)
    return starts


def _baseline(wanted: int | None, first_phase: int, notes: list[str]) -> int | None:
    if wanted is None or 2 <= wanted <= first_phase:
        return wanted
    notes.append(f"The frozen baseline of {wanted} points waits for its data: the first phase has "
                 f"{first_phase} points, so the limits use them all for now.")
    return None


def _series(measure: Measure, observations: list[Observation]):
    labels = [day_label(o.observed_on) for o in observations]
    if measure.proportion:
        return series_of_proportions([o.numerator for o in observations], [o.denominator for o in observations],
                                     labels)
    return series_of_values([o.value for o in observations], labels)


def measure_chart(measure: Measure) -> MeasureChart:
    """Read the measure's data (four queries) and analyse it: the run chart, and a control chart when due."""
    observations = list(db.session.scalars(select(Observation).where(Observation.measure_id == measure.id)
                                           .order_by(Observation.observed_on, Observation.id)))
    settings = db.session.get(ChartSettings, measure.id)
    phases = list(db.session.scalars(select(ChartPhase).where(ChartPhase.measure_id == measure.id)
                                     .options(selectinload(ChartPhase.pdsa_cycle)).order_by(ChartPhase.starts_on)))
    cycles = list(db.session.scalars(select(PdsaCycle).where(PdsaCycle.idea_id == measure.idea_id)
                                     .order_by(PdsaCycle.started_on, PdsaCycle.id)))
    chart = MeasureChart(measure, observations, settings.rules if settings else RuleSet.IHI,
                         settings.baseline_points if settings else None, phases, cycles)
    if not observations:
        return chart
    days = [o.observed_on for o in observations]
    starts = phase_starts(days, phases, chart.notes)
    bounds = [0, *starts, len(days)]
    chart.frozen = baseline = _baseline(chart.baseline_points, bounds[1], chart.notes)
    try:
        series = _series(measure, observations)
        chart.run = analyse(series, kind="run", phase_at=starts, baseline=baseline)
        if chart.rules == RuleSet.MDC or max(b - a for a, b in zip(bounds, bounds[1:])) >= CONTROL_CHART_FROM:
            chart.control = analyse(series, kind="p" if measure.proportion else "xmr", rules=chart.rules.value,
                                    phase_at=starts, baseline=baseline, direction=chart.direction,
                                    target=chart.reference(measure.target))
    except ChartInputError as refused:
        chart.run = chart.control = chart.frozen = None
        chart.problem = refused.message
    return chart
