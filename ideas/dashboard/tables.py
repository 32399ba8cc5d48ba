"""Each dashboard figure as one table: the page draws its chart and its table from it, and its CSV is it."""
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import datetime

from ideas.dashboard.pilots import pilot_signals
from ideas.dashboard.spread import spread_progress
from ideas.dashboard.queries import (THROUGHPUT, Scope, funnel, median_days, over_their_limit, running_pilots,
                                     stage_counts, throughput)
from ideas.pipeline.numbers import idea_number


@dataclass(frozen=True)
class Table:
    """A figure's numbers: a row a bar; `bars` (label, value) is what its chart draws, beside the table."""

    name: str  # the page anchor and the CSV file's name
    title: str
    caption: str  # what the numbers mean
    headers: tuple[str, ...]
    rows: list[tuple]
    bars: list[tuple[str, float]] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # what the page shows beside the table (listed ideas)
    empty: str = "None."  # what the table says when it has no rows

    @property
    def top(self) -> float:
        """The largest bar (1 when all are zero), which the chart draws full width."""
        return max((value for _, value in self.bars), default=0) or 1


def stages_table(scope: Scope, now: datetime) -> Table:
    counts = stage_counts(scope)
    rows = [(stage.label, count) for stage, count in counts.items()]
    return Table("stages", "Ideas at each stage", "How many ideas are at each stage now.",
                 ("Stage", "Ideas"), rows, bars=rows)


def funnel_table(scope: Scope, now: datetime) -> Table:
    reached = funnel(scope)
    submitted = reached[0][1]
    rows = [(stage.label, count, f"{100 * count / submitted:.0f}%" if submitted else "") for stage, count in reached]
    return Table("funnel", "The funnel from submitted to adopted",
                 "How many ideas ever reached each stage (from the audit trail), and their share of those submitted.",
                 ("Stage reached", "Ideas", "Of submitted"), rows, bars=[(label, count) for label, count, _ in rows])


def median_table(scope: Scope, now: datetime) -> Table:
    rows = [(stage.label, total, "" if days is None else days) for stage, total, days in median_days(scope, now)]
    return Table("median-days", "Median days at each stage",
                 "For the ideas at each open stage now: how many, and the median of the days each has been there.",
                 ("Stage", "Ideas there now", "Median days there"), rows,
                 bars=[(label, days or 0) for label, _, days in rows])


def over_limit_table(scope: Scope, now: datetime) -> Table:
    over = over_their_limit(scope, now)
    rows = [(stage.label, over.limits[stage], count) for stage, count in over.counts.items()]
    return Table("over-limit", "Ideas over their stage's time limit",
                 f"How many ideas have been at a stage longer than its limit (settings); {over.total} in all.",
                 ("Stage", "Limit (days)", "Over the limit"), rows,
                 bars=[(label, count) for label, _, count in rows], extra={"ideas": over.ideas, "total": over.total})


def throughput_table(scope: Scope, now: datetime) -> Table:
    months = throughput(scope, now)
    rows = [(month, *(counts[stage] for stage in THROUGHPUT)) for month, counts in months]
    return Table("throughput", "Throughput per month",
                 "How many ideas entered each stage in each of the last twelve months (UTC months); "
                 "the chart shows those submitted.",
                 ("Month", *(f"To {stage.label.lower()}" for stage in THROUGHPUT)), rows,
                 bars=[(month, counts[THROUGHPUT[0]]) for month, counts in months])


def pilots_table(scope: Scope, now: datetime) -> Table:
    ideas, total = running_pilots(scope)
    rows = []
    for pilot in pilot_signals(ideas):
        idea = pilot.idea
        head = (idea.id, idea.title, idea.stage.label, idea.unit.label if idea.unit else "",
                "On safety hold" if idea.safety_hold else "")
        for m in pilot.measures or [None]:
            rows.append((*head, m.measure.name if m else "", m.points if m else "",
                         "; ".join(m.signals) or (m.problem or "No signal") if m else ""))
    return Table("pilots", "Pilots and their latest signals",
                 f"Pilots running, in review or spreading, those on safety hold first ({len(ideas)} of {total} shown); "
                 "each measure's signals in its latest phase, as its chart reads them.",
                 ("Idea", "Title", "Stage", "Unit", "Safety hold", "Measure", "Observations", "Latest signals"),
                 rows, extra={"total": total})


def spread_table(scope: Scope, now: datetime) -> Table:
    spread = spread_progress(scope)
    rows = [(idea_number(idea.idea_id), idea.title, idea.stage.label, *astuple(idea.counts)) for idea in spread.ideas]
    if spread.ideas:
        rows.append(("All", f"{spread.total_ideas} idea{'' if spread.total_ideas == 1 else 's'}", "",
                     *astuple(spread.totals)))
    where = " there" if scope.site_id or scope.unit_id else ""
    totals = spread.totals
    return Table("spread", "Spread progress",
                 f"Per idea at scale-up or adopted: its target units{where} by status, the sites where one adopted, "
                 "and its sustainment checks (not held: answered partly or no; missed: flagged overdue, still unanswered). "
                 f"Missed checks first, then the latest to change stage: {len(spread.ideas)} of {spread.total_ideas} "
                 "shown; the last row and the chart cover all of them (a site reached by two ideas counts once).",
                 ("Idea", "Title", "Stage", "Target units", "Adopted", "In progress", "Planned", "Declined",
                  "Sites reached", "Checks answered", "Not held", "Checks missed"), rows,
                 bars=[("Adopted", totals.adopted), ("In progress", totals.in_progress), ("Planned", totals.planned),
                       ("Declined", totals.declined)] if spread.ideas else [],
                 empty="No idea at scale-up or adopted has a target unit at this site or unit." if where else
                 "No idea is at scale-up or adopted yet.")


TABLES: dict[str, Callable[[Scope, datetime], Table]] = {
    "stages": stages_table, "funnel": funnel_table, "median-days": median_table, "over-limit": over_limit_table,
    "throughput": throughput_table, "pilots": pilots_table, "spread": spread_table,
}
