"""The mentor's review of an idea and the pilot plan written with its team.

Every row belongs to an idea (`IdeaPart`): its audit events land on the idea's timeline.
The review and the plan are versioned, so a stale save is a conflict, never a lost edit.
"""
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import Unit, string_enum
from ideas.clock import utcnow
from ideas.database import UTCDateTime, db
from ideas.pipeline.models import IdeaPart
from ideas.review.rules import Direction, MeasureType, Overall, StopDirection
from ideas.review.risk import band, risk_score


class Review(IdeaPart, db.Model):
    """Feasibility scores, the safety statement and the QI-or-research triage of one idea."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), unique=True)
    score_evidence: Mapped[int | None]
    note_evidence: Mapped[str] = mapped_column(Text, default="")
    score_patient_experience: Mapped[int | None]
    note_patient_experience: Mapped[str] = mapped_column(Text, default="")
    score_resources: Mapped[int | None]
    note_resources: Mapped[str] = mapped_column(Text, default="")
    score_workload: Mapped[int | None]
    note_workload: Mapped[str] = mapped_column(Text, default="")
    score_alignment: Mapped[int | None]
    note_alignment: Mapped[str] = mapped_column(Text, default="")
    score_measurability: Mapped[int | None]
    note_measurability: Mapped[str] = mapped_column(Text, default="")
    overall: Mapped[Overall | None] = mapped_column(string_enum(Overall))
    overall_note: Mapped[str] = mapped_column(Text, default="")
    no_hazards: Mapped[bool] = mapped_column(default=False)  # the mentor's explicit statement
    triage_new_treatment: Mapped[bool | None]
    triage_randomises: Mapped[bool | None]
    triage_extra_data: Mapped[bool | None]
    triage_generalisable: Mapped[bool | None]
    ethics_reference: Mapped[str] = mapped_column(String(100), default="")
    ethics_referred_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    hazards: Mapped[list["Hazard"]] = relationship(
        primaryjoin="Review.idea_id == foreign(Hazard.idea_id)", order_by="Hazard.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    def score(self, criterion: str) -> int | None:
        return getattr(self, f"score_{criterion}")


class Hazard(IdeaPart, db.Model):
    """One hazard of the safety assessment."""

    __tablename__ = "hazards"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[int]
    likelihood: Mapped[int]
    mitigation: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def score(self) -> int:
        return risk_score(self.severity, self.likelihood)

    @property
    def band(self):
        return band(self.score)


pilot_plan_units = Table(
    "pilot_plan_units",
    db.metadata,
    Column("plan_id", ForeignKey("pilot_plans.id"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class PilotPlan(IdeaPart, db.Model):
    __tablename__ = "pilot_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), unique=True)
    aim: Mapped[str] = mapped_column(Text, default="")
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    data_collection: Mapped[str] = mapped_column(Text, default="")
    # What the pilot should change for patients and staff (falls per 1,000 bed-days, minutes, money):
    # frozen with the plan at approval, set beside what was realised when the pilot completes.
    estimated_impact: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    units: Mapped[list[Unit]] = relationship(secondary=pilot_plan_units, order_by=Unit.name)
    measures: Mapped[list["Measure"]] = relationship(
        primaryjoin="PilotPlan.idea_id == foreign(Measure.idea_id)", order_by="Measure.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class Measure(IdeaPart, db.Model):
    """One measure of the pilot plan, with an optional stop rule (balancing measures)."""

    __tablename__ = "pilot_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    kind: Mapped[MeasureType] = mapped_column(string_enum(MeasureType))
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    unit_of_measure: Mapped[str] = mapped_column(String(60))
    direction: Mapped[Direction] = mapped_column(string_enum(Direction))
    baseline: Mapped[float | None]
    target: Mapped[float]
    stop_threshold: Mapped[float | None]
    stop_direction: Mapped[StopDirection | None] = mapped_column(string_enum(StopDirection))
    stop_on_signal: Mapped[bool] = mapped_column(default=False)  # a special-cause signal also stops it
    proportion: Mapped[bool] = mapped_column(default=False)  # observed as numerator / denominator
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
