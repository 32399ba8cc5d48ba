"""Pilots on the dashboard: each listed pilot's measures with the signals of their latest phase, read as the
chart page reads them (`measure_chart`), and the pilot's safety hold.

Reading a chart costs four queries a measure: the dashboard lists PILOTS_LISTED pilots at most, so the
cost is bounded by what is shown, not by how many ideas there are.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ideas.database import db
from ideas.pilots.chart_data import measure_chart
from ideas.pipeline.models import Idea
from ideas.review.models import Measure


@dataclass(frozen=True)
class MeasureSignals:
    measure: Measure
    points: int
    signals: tuple[str, ...]  # the latest phase's signals, in words: each rule's latest, and how many more
    problem: str | None  # data the chart engine refused


@dataclass(frozen=True)
class PilotSignals:
    idea: Idea
    measures: list[MeasureSignals]


def pilot_signals(ideas: list[Idea]) -> list[PilotSignals]:
    """Each pilot with its measures' latest signals."""
    measures = db.session.scalars(select(Measure).where(Measure.idea_id.in_([idea.id for idea in ideas]))
                                  .order_by(Measure.idea_id, Measure.id))
    by_idea: dict[int, list[MeasureSignals]] = {}
    for measure in measures:
        chart = measure_chart(measure)
        analysis = chart.control or chart.run
        latest = analysis.phases[-1].signals if analysis else ()
        by_idea.setdefault(measure.idea_id, []).append(
            MeasureSignals(measure, len(chart.observations), summarised(latest), chart.problem))
    return [PilotSignals(idea, by_idea.get(idea.id, [])) for idea in ideas]


def summarised(signals) -> tuple[str, ...]:
    """One sentence a rule and direction: its latest finding, and how many more like it (a table cell listing
    every point beyond the limits ran to 2,500 px on a phone; the chart page lists them all)."""
    found: dict[tuple[str, str], list] = {}
    for signal in signals:
        found.setdefault((signal.rule, signal.kind), []).append(signal)
    return tuple(same[-1].text + (f" (and {len(same) - 1} more like it)" if len(same) > 1 else "")
                 for same in found.values())
