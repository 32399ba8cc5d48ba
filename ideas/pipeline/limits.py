"""How long an idea may stay at a stage before it is flagged (settings), and the SQL that finds those over it.

Shared by the administrator's home page and the dashboard; the conditions use the index on
(stage, stage_changed_at), so finding the ideas over their limit does not scan the table.
"""
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, union_all

from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import Stage
from ideas.settings import all_settings

STAGE_LIMITS = {
    Stage.SUBMITTED: "stage_limit_unclaimed_days",
    Stage.MENTOR_REVIEW: "stage_limit_mentor_review_days",
    Stage.REVISION: "stage_limit_revision_days",
    Stage.COMMITTEE_REVIEW: "stage_limit_committee_review_days",
    Stage.PILOT_REVIEW: "stage_limit_pilot_review_days",
}


def stage_limits() -> dict[Stage, int]:
    """Each limited stage's limit in days (one query)."""
    settings = all_settings()
    return {stage: settings[name] for stage, name in STAGE_LIMITS.items()}


def over_limit_at(limits: dict[Stage, int], now: datetime) -> list[ColumnElement[bool]]:
    """Ideas that entered their stage longer ago than its limit, a condition per stage (each one index range)."""
    return [and_(Idea.stage == stage, Idea.stage_changed_at < now - timedelta(days=days))
            for stage, days in limits.items()]


def over_limit(limits: dict[Stage, int], now: datetime) -> ColumnElement[bool]:
    """Ideas that entered their stage longer ago than its limit."""
    return or_(*over_limit_at(limits, now))


def longest_waiting(ways: list[ColumnElement[bool]], limit: int):
    """The ids of up to `limit` ideas per way that entered their stage longest ago: each way read on its own, in
    order off its index (an OR of them makes the database gather every match before it sorts)."""
    return union_all(*(select(select(Idea.id).where(way).order_by(Idea.stage_changed_at, Idea.id).limit(limit)
                              .subquery().c.id) for way in ways))
