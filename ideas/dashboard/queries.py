"""The dashboard's figures, each computed in SQL (GROUP BY, reads in index order) so the rows the page reads
stay a handful however many ideas and audit events there are.

Index use: counts per stage, median days and ideas over their limit read `ix_ideas_stage_stage_changed_at`, the
pilots listed `ix_ideas_on_safety_hold` and `ix_ideas_stage_updated_at`;
the funnel and throughput read the idea.transition events (`ix_audit_events_action`) and their stage
values (the unique index on event, field and side); a site or unit filter reads `ix_ideas_unit_id`.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select, true, union_all
from sqlalchemy.orm import joinedload

from ideas.accounts.models import Unit
from ideas.audit.chain import value_text
from ideas.audit.models import AuditEvent, AuditValue, Side
from ideas.database import db
from ideas.pipeline.limits import longest_waiting, over_limit, over_limit_at, stage_limits
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import CLOSED, RUNNING, Stage

# The funnel: every idea that reached each of these stages, from the audit trail's transitions.
FUNNEL = (Stage.SUBMITTED, Stage.MENTOR_REVIEW, Stage.COMMITTEE_REVIEW, Stage.PILOT, Stage.SCALE_UP, Stage.ADOPTED)
# Throughput: ideas that entered these stages in each month.
THROUGHPUT = (Stage.SUBMITTED, Stage.PILOT, Stage.ADOPTED, Stage.DECLINED, Stage.WITHDRAWN, Stage.STOPPED)
MONTHS = 12
LISTED = 50  # ideas over their limit listed by name at most
PILOTS_LISTED = 10  # pilots listed with their measures' signals (each measure's chart is read)


@dataclass(frozen=True)
class Scope:
    """The site and unit the dashboard is filtered by (None: every one)."""

    site_id: int | None = None
    unit_id: int | None = None

    def units(self, unit_id: ColumnElement[int]) -> ColumnElement[bool]:
        """The rows whose unit (the column `unit_id`) is the chosen unit and at the chosen site."""
        conditions = []
        if self.unit_id is not None:
            conditions.append(unit_id == self.unit_id)
        if self.site_id is not None:
            conditions.append(unit_id.in_(select(Unit.id).where(Unit.site_id == self.site_id)))
        return and_(true(), *conditions)

    def ideas(self) -> ColumnElement[bool]:
        """The ideas in scope, by their origin unit."""
        return self.units(Idea.unit_id)


def stage_counts(scope: Scope) -> dict[Stage, int]:
    """How many ideas are at each stage now: one GROUP BY."""
    rows = db.session.execute(select(Idea.stage, func.count(Idea.id)).where(scope.ideas()).group_by(Idea.stage))
    found = {Stage(stage): count for stage, count in rows}
    return {stage: found.get(stage, 0) for stage in Stage}


def _entered(stages, scope: Scope):
    """idea.transition events into `stages` of ideas in scope, with the stage each entered."""
    texts = {value_text("stage", stage.value): stage for stage in stages}
    query = (select(AuditValue.value, AuditEvent.idea_id, AuditEvent.occurred_at)
             .join(AuditEvent, AuditEvent.sequence == AuditValue.event_sequence)
             .join(Idea, Idea.id == AuditEvent.idea_id)
             .where(AuditEvent.action == "idea.transition", AuditEvent.outcome == "success",
                    AuditValue.field == "stage", AuditValue.side == Side.NEW, AuditValue.value.in_(texts),
                    scope.ideas()))
    return query.subquery(), texts


def funnel(scope: Scope) -> list[tuple[Stage, int]]:
    """How many ideas ever reached each stage from submitted to adopted: one GROUP BY over the transitions."""
    entered, texts = _entered(FUNNEL, scope)
    rows = db.session.execute(select(entered.c.value, func.count(func.distinct(entered.c.idea_id)))
                              .group_by(entered.c.value))
    found = {texts[value]: count for value, count in rows}
    return [(stage, found.get(stage, 0)) for stage in FUNNEL]


def median_days(scope: Scope, now: datetime) -> list[tuple[Stage, int, float | None]]:
    """For each open stage: how many ideas are there and the median of their days there so far.

    Counted by one GROUP BY; then each stage's middle one or two entry times are read off
    `ix_ideas_stage_stage_changed_at` at their offset (the database steps over the index entries before them
    rather than reading and sorting every open idea), all stages in one statement. The median age is now less
    the median entry time.
    """
    counts = stage_counts(scope)
    middles = [select(Idea.stage, Idea.stage_changed_at).where(Idea.stage == stage, scope.ideas())
               .order_by(Idea.stage_changed_at, Idea.id).offset((counts[stage] - 1) // 2)
               .limit(2 - counts[stage] % 2).subquery()
               for stage in Stage if stage not in CLOSED and counts[stage]]
    found: dict[Stage, list[datetime]] = {}
    if middles:
        for stage, changed_at in db.session.execute(union_all(*(select(middle.c.stage, middle.c.stage_changed_at)
                                                                for middle in middles))):
            found.setdefault(Stage(stage), []).append(changed_at)
    result = []
    for stage in Stage:
        if stage in CLOSED:
            continue
        ages = [(now - moment) / timedelta(days=1) for moment in found.get(stage, [])]
        result.append((stage, counts[stage], round(sum(ages) / len(ages), 1) if ages else None))
    return result


@dataclass(frozen=True)
class OverLimit:
    limits: dict[Stage, int]
    counts: dict[Stage, int]  # over the limit, per limited stage
    ideas: list[Idea]  # the longest waiting first, at most LISTED

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def over_their_limit(scope: Scope, now: datetime) -> OverLimit:
    """Ideas at a stage longer than its limit: the settings, a GROUP BY, and the first LISTED by name."""
    limits = stage_limits()
    where = and_(over_limit(limits, now), scope.ideas())
    found = dict(db.session.execute(select(Idea.stage, func.count(Idea.id)).where(where).group_by(Idea.stage)).all())
    first = longest_waiting([and_(way, scope.ideas()) for way in over_limit_at(limits, now)], LISTED)
    ideas = db.session.scalars(select(Idea).where(Idea.id.in_(first))
                               .options(joinedload(Idea.unit).joinedload(Unit.site))
                               .order_by(Idea.stage_changed_at, Idea.id).limit(LISTED))
    return OverLimit(limits, {stage: found.get(stage, 0) for stage in limits}, list(ideas))


def _month(column):
    """The UTC month of a time as YYYY-MM, in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def month_names(now: datetime) -> list[str]:
    """The last MONTHS months, oldest first, as YYYY-MM."""
    year, month = now.year, now.month
    names = []
    for _ in range(MONTHS):
        names.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return names[::-1]


def throughput(scope: Scope, now: datetime) -> list[tuple[str, dict[Stage, int]]]:
    """Per month (UTC) of the last MONTHS, how many ideas entered each THROUGHPUT stage: one GROUP BY."""
    months = month_names(now)
    start = datetime(int(months[0][:4]), int(months[0][5:]), 1, tzinfo=now.tzinfo)
    entered, texts = _entered(THROUGHPUT, scope)
    month = _month(entered.c.occurred_at)
    rows = db.session.execute(select(month, entered.c.value, func.count(func.distinct(entered.c.idea_id)))
                              .where(entered.c.occurred_at >= start).group_by(month, entered.c.value))
    found = {(name, texts[value]): count for name, value, count in rows}
    return [(name, {stage: found.get((name, stage), 0) for stage in THROUGHPUT}) for name in months]


def running_pilots(scope: Scope) -> tuple[list[Idea], int]:
    """Pilots running, reviewed or spreading: those on safety hold first, then the latest changed; and how many.

    The first PILOTS_LISTED are among those on hold (`ix_ideas_on_safety_hold`: a few) and each stage's latest
    changed, read in that order off `ix_ideas_stage_updated_at` (over all three stages at once the database would
    read and sort every one)."""
    in_scope = and_(Idea.stage.in_(RUNNING), scope.ideas())
    # "not at any other stage" rather than "at a running stage": offered a stage to search by, SQLite would walk
    # every running idea for the few on hold instead of reading the partial index of those on hold
    held = select(Idea.id).where(Idea.stage.not_in(set(Stage) - set(RUNNING)), scope.ideas(),
                                 Idea.safety_hold.is_(True))
    latest = (select(select(Idea.id).where(Idea.stage == stage, scope.ideas())
                     .order_by(Idea.updated_at.desc(), Idea.id.desc()).limit(PILOTS_LISTED).subquery().c.id)
              for stage in RUNNING)
    ideas = db.session.scalars(select(Idea).where(Idea.id.in_(union_all(held, *latest)))
                               .options(joinedload(Idea.unit).joinedload(Unit.site))
                               .order_by(Idea.safety_hold.desc(), Idea.updated_at.desc(), Idea.id.desc())
                               .limit(PILOTS_LISTED))
    return list(ideas), db.session.scalar(select(func.count(Idea.id)).where(in_scope))
