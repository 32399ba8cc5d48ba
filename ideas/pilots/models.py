"""What a running pilot records: PDSA cycles, observations per measure, and how each chart is read.

Every row belongs to an idea (`IdeaPart`): its audit events land on the idea's timeline. A
corrected or removed observation keeps its old value in the audit trail, not here.
"""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import User, string_enum
from ideas.clock import utcnow
from ideas.database import UTCDateTime, db
from ideas.pipeline.models import IdeaPart
from ideas.pilots.rules import Recommendation
from ideas.review.models import Measure


class RuleSet(StrEnum):
    """How a measure's chart is read: the IHI run-chart rules (SPEC's default) or NHS Making Data Count."""

    IHI = "ihi"
    MDC = "mdc"

    @property
    def label(self) -> str:
        return {"ihi": "IHI run-chart rules", "mdc": "NHS Making Data Count"}[self.value]


class PdsaCycle(IdeaPart, db.Model):
    """One Plan-Do-Study-Act cycle: the change tested and what the team learned."""

    __tablename__ = "pdsa_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    change_tested: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(Text, default="")
    do: Mapped[str] = mapped_column(Text, default="")
    study: Mapped[str] = mapped_column(Text, default="")
    act: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version}


class Observation(IdeaPart, db.Model):
    """One data point of a measure: a value, or a numerator and denominator for a proportion."""

    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_measure_id_observed_on", "measure_id", "observed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("pilot_measures.id"))
    observed_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None]
    numerator: Mapped[int | None]
    denominator: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")  # an annotation shown on the chart's point
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    measure: Mapped[Measure] = relationship()
    recorded_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ChartSettings(IdeaPart, db.Model):
    """How one measure's chart is read: its rule set and a frozen baseline (absent: the defaults)."""

    __tablename__ = "chart_settings"

    measure_id: Mapped[int] = mapped_column(ForeignKey("pilot_measures.id"), primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    rules: Mapped[RuleSet] = mapped_column(string_enum(RuleSet), default=RuleSet.IHI)
    baseline_points: Mapped[int | None]  # the first N points set the centre line and limits


class ChartPhase(IdeaPart, db.Model):
    """A change point: from this date the centre line and limits are calculated afresh."""

    __tablename__ = "chart_phases"
    __table_args__ = (UniqueConstraint("measure_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("pilot_measures.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    pdsa_cycle_id: Mapped[int | None] = mapped_column(ForeignKey("pdsa_cycles.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pdsa_cycle: Mapped[PdsaCycle | None] = relationship()


class PilotResult(IdeaPart, db.Model):
    """The team's results when they complete the pilot; a pilot extended and completed again has several."""

    __tablename__ = "pilot_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[Recommendation] = mapped_column(string_enum(Recommendation))
    impact_realised: Mapped[str] = mapped_column(Text)  # what changed for patients and staff, against the estimate
    completed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    completed_by: Mapped[User] = relationship()
