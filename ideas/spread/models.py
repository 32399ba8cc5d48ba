"""What a scale-up records: the target units with their status, and each adopted unit's sustainment checks.

Every row belongs to an idea (`IdeaPart`): its audit events land on the idea's timeline.
"""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import Unit, User, string_enum
from ideas.clock import utcnow
from ideas.database import UTCDateTime, db
from ideas.pipeline.models import Idea, IdeaPart
from ideas.spread.rules import CheckAnswer, UnitStatus


class TargetUnit(IdeaPart, db.Model):
    """A unit the committee named at approve_scale_up (any site): where the change is spreading."""

    __tablename__ = "target_units"
    __table_args__ = (UniqueConstraint("idea_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[UnitStatus] = mapped_column(string_enum(UnitStatus), default=UnitStatus.PLANNED)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    planned_start: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    adopted_on: Mapped[date | None] = mapped_column(Date)  # a local date: the checks count from it
    notes: Mapped[str] = mapped_column(Text, default="")
    adaptations: Mapped[str] = mapped_column(Text, default="")  # what the unit changed to make it fit
    sustainment_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # their home page
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    unit: Mapped[Unit] = relationship()
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    sustainment_owner: Mapped[User | None] = relationship(foreign_keys=[sustainment_owner_id])

    __mapper_args__ = {"version_id_col": version}


class SustainmentCheck(IdeaPart, db.Model):
    """Did the change hold on an adopted unit, asked of its sustainment owner at day 30, 90 or 180."""

    __tablename__ = "sustainment_checks"
    __table_args__ = (UniqueConstraint("target_unit_id", "day"),
                      Index("ix_sustainment_checks_due_on_answered_at", "due_on", "answered_at"),
                      # the open checks in the order home pages list them, whatever the number of ideas
                      Index("ix_sustainment_checks_answered_at_due_on", "answered_at", "due_on", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    target_unit_id: Mapped[int] = mapped_column(ForeignKey("target_units.id"))
    day: Mapped[int]  # 30, 90 or 180 local days after adoption
    due_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[CheckAnswer | None] = mapped_column(string_enum(CheckAnswer))
    note: Mapped[str] = mapped_column(Text, default="")
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("pilot_measures.id"))  # a fresh measurement
    value: Mapped[float | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when flagged as missed: flagged once
    version: Mapped[int] = mapped_column(nullable=False)

    idea: Mapped[Idea] = relationship()
    target_unit: Mapped[TargetUnit] = relationship()
    answered_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
