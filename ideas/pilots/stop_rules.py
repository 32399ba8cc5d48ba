"""Stop rules (SPEC "Safeguards"): an observation that trips one puts the idea on safety hold.

A measure's stop rule is a threshold (a value, or a proportion in per cent, above or below
`stop_threshold`) and, on a balancing measure that asks for it, a special-cause signal against
its direction of improvement. `stop_reasons` decides (pure, no database); the receiver reads the
measure's observations when the pilot announces a change and places the hold through the
workflow core, inside the sender's transaction.

Signals that count, on the unfavourable side only: a point beyond the control limits (or an
astronomical point on a run chart), a shift, a trend, and Making Data Count's two of three near a
limit. The runs rule has no direction and does not count. The chart is read as the chart page
reads it: IHI rules on a run chart below 20 points and on the control chart from 20; Making Data
Count rules always on the control chart (limits provisional below 20). Every observation is
checked, not only the newest, so a breach inside an uploaded file is not hidden; points of a
frozen baseline came before the change and trip nothing.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ideas.charts import analyse, series_of_proportions, series_of_values
from ideas.charts.signals import number
from ideas.database import db
from ideas.pilots.models import ChartPhase, ChartSettings, Observation, RuleSet
from ideas.pilots.signals import observations_changed
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import place_safety_hold
from ideas.review.models import Measure
from ideas.review.rules import Direction, MeasureType, StopDirection

CONTROL_CHART_FROM = 20
COUNTED = frozenset({"beyond_limits", "astronomical", "shift", "trend", "two_of_three"})
UNFAVOURABLE = {"increase": frozenset({"below", "falling"}), "decrease": frozenset({"above", "rising"})}
RULES = {"ihi": "IHI rules", "mdc": "Making Data Count rules"}


@dataclass(frozen=True)
class Point:
    """One observation: a value, or a numerator and denominator."""

    day: date
    value: float | None = None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class StopRule:
    """A measure's stop rule and how its chart is read."""

    measure: str
    unit: str
    better: str  # the direction of improvement: "increase" or "decrease"
    threshold: float | None = None
    above: bool = True  # the threshold trips above it (else below)
    on_signal: bool = False  # a balancing measure that stops on an unfavourable special-cause signal
    proportion: bool = False
    rules: str = "ihi"
    baseline: int | None = None  # a frozen baseline: its first N points come before the change
    phase_starts: tuple[date, ...] = ()


def _label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _value(rule: StopRule, point: Point) -> float:
    """The value compared with the threshold: a proportion in per cent."""
    if rule.proportion:
        return 100 * point.numerator / point.denominator
    return point.value


def _shown(rule: StopRule, point: Point) -> str:
    if rule.proportion:
        return f"{number(_value(rule, point))}% ({point.numerator} of {point.denominator})"
    return f"{number(point.value)} {rule.unit}".strip()


def _threshold_reasons(rule: StopRule, points: list[Point], first: int) -> list[str]:
    side = "above" if rule.above else "below"
    limit = f"{number(rule.threshold)}{'%' if rule.proportion else ' ' + rule.unit}".strip()
    return [f"Stop rule on “{rule.measure}”: {_shown(rule, p)} on {_label(p.day)} is {side} the stop threshold "
            f"({limit})." for p in points[first:]
            if (_value(rule, p) > rule.threshold if rule.above else _value(rule, p) < rule.threshold)]


def _phases(rule: StopRule, points: list[Point]) -> tuple[list[int], int | None]:
    """Phase starts as point indices (those that split the data), and a baseline that fits the first phase."""
    starts = sorted({next((i for i, p in enumerate(points) if p.day >= start), 0) for start in rule.phase_starts}
                    - {0})
    first = starts[0] if starts else len(points)
    return starts, rule.baseline if rule.baseline and 2 <= rule.baseline <= first else None


def _signal_reasons(rule: StopRule, points: list[Point], baseline: int | None, starts: list[int]) -> list[str]:
    labels = [_label(p.day) for p in points]
    if rule.proportion:
        series = series_of_proportions([p.numerator for p in points], [p.denominator for p in points], labels)
    else:
        series = series_of_values([p.value for p in points], labels)
    control = rule.rules == "mdc" or len(points) >= CONTROL_CHART_FROM
    kind = ("p" if rule.proportion else "xmr") if control else "run"
    analysis = analyse(series, kind=kind, rules=rule.rules, phase_at=starts, baseline=baseline)
    bad = UNFAVOURABLE[rule.better]
    return [f"Stop rule on “{rule.measure}”: a special-cause signal against its direction of improvement "
            f"({RULES[rule.rules]}, {kind} chart): {signal.text}." for signal in analysis.signals
            if signal.rule in COUNTED and signal.kind in bad and max(signal.points) >= (baseline or 0)]


def stop_reasons(rule: StopRule, points: list[Point]) -> list[str]:
    """Every trip of the rule in these observations, each naming the measure, the rule and the point."""
    if not points:
        return []
    starts, baseline = _phases(rule, points)
    reasons = _threshold_reasons(rule, points, baseline or 0) if rule.threshold is not None else []
    if rule.on_signal:
        reasons += _signal_reasons(rule, points, baseline, starts)
    return reasons


# --- the receiver: reads the measure, decides, places the hold --------------------------------------

def stop_rule_of(measure: Measure) -> StopRule | None:
    """The measure's stop rule with its chart's rule set, frozen baseline and phases; None when it has none."""
    on_signal = measure.stop_on_signal and measure.kind == MeasureType.BALANCING
    if measure.stop_threshold is None and not on_signal:
        return None
    settings = db.session.get(ChartSettings, measure.id)
    starts = db.session.scalars(select(ChartPhase.starts_on).where(ChartPhase.measure_id == measure.id))
    return StopRule(measure.name, measure.unit_of_measure, Direction(measure.direction).value,
                    measure.stop_threshold, measure.stop_direction != StopDirection.BELOW, on_signal,
                    measure.proportion, RuleSet(settings.rules).value if settings else "ihi",
                    settings.baseline_points if settings else None, tuple(starts))


@observations_changed.connect
def check_stop_rules(measure: Measure, **_) -> None:
    """After the measure's observations changed: put the idea on safety hold for each new trip."""
    rule = stop_rule_of(measure)
    if rule is None:
        return
    rows = db.session.execute(select(Observation.observed_on, Observation.value, Observation.numerator,
                                     Observation.denominator).where(Observation.measure_id == measure.id)
                              .order_by(Observation.observed_on, Observation.id))
    idea = db.session.get(Idea, measure.idea_id)
    for reason in stop_reasons(rule, [Point(*row) for row in rows]):
        place_safety_hold(idea, reason, measure=measure)
