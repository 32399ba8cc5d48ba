"""Spread progress on the dashboard: for the ideas at scale-up or adopted, their target units by status, the
sites reached, and the sustainment checks answered, not held and missed; two statements whatever the data.

A site or unit filter picks target units, not origin units: "how far has spread got on my site?" counts the
units there (and their checks), and lists the ideas with at least one target unit there, wherever they began.
"""
from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select

from ideas.accounts.models import Unit
from ideas.dashboard.queries import Scope
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.spread.models import SustainmentCheck, TargetUnit
from ideas.spread.rules import CheckAnswer, UnitStatus

SPREADING = (Stage.SCALE_UP, Stage.ADOPTED)
SPREAD_LISTED = 20  # ideas listed one by one; the totals take in every one


@dataclass(frozen=True)
class SpreadCounts:
    """Target units by status, the sites with an adopted unit, and the units' sustainment checks."""

    units: int
    adopted: int
    in_progress: int
    planned: int
    declined: int
    sites_reached: int
    answered: int
    not_held: int  # answered "partly" or "no"
    missed: int  # flagged missed and still unanswered


@dataclass(frozen=True)
class IdeaSpread:
    idea_id: int
    title: str
    stage: Stage
    counts: SpreadCounts


@dataclass(frozen=True)
class Spread:
    ideas: list[IdeaSpread]  # at most SPREAD_LISTED: those with missed checks first, then the latest moved
    total_ideas: int
    totals: SpreadCounts  # over every idea in scope; sites reached counted once however many ideas reach them


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _units(scope: Scope):
    """Per idea: its target units in scope by status, and the sites of the adopted ones."""
    adopted = TargetUnit.status == UnitStatus.ADOPTED
    return (select(TargetUnit.idea_id, func.count(TargetUnit.id).label("units"), _count(adopted).label("adopted"),
                   _count(TargetUnit.status == UnitStatus.IN_PROGRESS).label("in_progress"),
                   _count(TargetUnit.status == UnitStatus.PLANNED).label("planned"),
                   _count(TargetUnit.status == UnitStatus.DECLINED).label("declined"),
                   func.count(func.distinct(case((adopted, Unit.site_id)))).label("sites_reached"))
            .join(Unit, Unit.id == TargetUnit.unit_id).where(scope.units(TargetUnit.unit_id))
            .group_by(TargetUnit.idea_id).subquery())


def _checks(scope: Scope):
    """Per idea: the sustainment checks of its target units in scope, answered, not held and missed."""
    answered = SustainmentCheck.answered_at.is_not(None)
    return (select(SustainmentCheck.idea_id, _count(answered).label("answered"),
                   _count(SustainmentCheck.answer.in_([CheckAnswer.PARTLY, CheckAnswer.NO])).label("not_held"),
                   _count(SustainmentCheck.missed_at.is_not(None) & ~answered).label("missed"))
            .join(TargetUnit, TargetUnit.id == SustainmentCheck.target_unit_id)
            .where(scope.units(TargetUnit.unit_id)).group_by(SustainmentCheck.idea_id).subquery())


def spread_progress(scope: Scope) -> Spread:
    """The listed ideas' spread (one statement) and the totals over every idea in scope (one more)."""
    units, checks = _units(scope), _checks(scope)
    unit_columns = [units.c[name] for name in ("units", "adopted", "in_progress", "planned", "declined",
                                               "sites_reached")]
    check_columns = [func.coalesce(checks.c[name], 0) for name in ("answered", "not_held", "missed")]
    spreading = (select().select_from(Idea).join(units, units.c.idea_id == Idea.id)
                 .outerjoin(checks, checks.c.idea_id == Idea.id).where(Idea.stage.in_(SPREADING)))
    listed = db.session.execute(
        spreading.add_columns(Idea.id, Idea.title, Idea.stage, *unit_columns, *check_columns)
        .order_by((check_columns[2] > 0).desc(), Idea.stage_changed_at.desc(), Idea.id.desc())
        .limit(SPREAD_LISTED))
    ideas = [IdeaSpread(idea_id, title, Stage(stage), SpreadCounts(*numbers))
             for idea_id, title, stage, *numbers in listed]
    # Counted apart from the sum over ideas: a site two ideas reached is one site reached.
    sites = (select(func.count(func.distinct(Unit.site_id))).select_from(TargetUnit)
             .join(Unit, Unit.id == TargetUnit.unit_id).join(Idea, Idea.id == TargetUnit.idea_id)
             .where(TargetUnit.status == UnitStatus.ADOPTED, Idea.stage.in_(SPREADING),
                    scope.units(TargetUnit.unit_id))
             .correlate(None).scalar_subquery())
    total, *sums = db.session.execute(spreading.add_columns(
        func.count(Idea.id), *(cast(func.coalesce(func.sum(column), 0), Integer) for column in unit_columns[:5]),
        sites, *(cast(func.coalesce(func.sum(column), 0), Integer) for column in check_columns))).one()
    return Spread(ideas, total, SpreadCounts(*sums))
