"""An idea and its place in the pipeline.

Edits keep history through the audit trail: every change is an `idea.edited` event with each
field's old and new value, every stage change an `idea.transition` event (from, to, reason,
version), so there is no separate revision table to keep in step. The models are `Audited`:
a change no operation recorded still reaches the trail through the audit backstop.
"""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import Unit, User, string_enum
from ideas.clock import utcnow
from ideas.database import Audited, UTCDateTime, db
from ideas.pipeline.numbers import idea_number
from ideas.pipeline.workflow import Stage
from ideas.review.risk import RiskBand


class Benefit(StrEnum):
    PATIENT_EXPERIENCE = "patient_experience"
    SAFETY = "safety"
    QUALITY = "quality"
    EFFICIENCY = "efficiency"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Category(StrEnum):
    FALLS = "falls"
    MEDICATION = "medication"
    INFECTION = "infection"
    PRESSURE_CARE = "pressure_care"
    COMMUNICATION = "communication"
    PATIENT_FLOW = "patient_flow"
    EQUIPMENT = "equipment"
    DOCUMENTATION = "documentation"
    STAFF_WELLBEING = "staff_wellbeing"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "falls": "Falls prevention", "medication": "Medication safety", "infection": "Infection prevention",
            "pressure_care": "Pressure care", "communication": "Communication and handover",
            "patient_flow": "Patient flow and discharge", "equipment": "Equipment and environment",
            "documentation": "Documentation", "staff_wellbeing": "Staff wellbeing", "other": "Other",
        }[self.value]


class IdeaPart(Audited):
    """A row that belongs to an idea: the idea's audit event accounts for changing it."""

    def audit_owner(self) -> tuple[str, str]:
        return "ideas", str(self.idea_id)


class IdeaBenefit(IdeaPart, db.Model):
    """One ticked benefit of an idea (a multi-select kept as rows, so lists can filter by it)."""

    __tablename__ = "idea_benefits"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), primary_key=True)
    benefit: Mapped[Benefit] = mapped_column(string_enum(Benefit), primary_key=True)


class IdeaTag(IdeaPart, db.Model):
    """One tag of an idea, lower-cased."""

    __tablename__ = "idea_tags"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class CoAuthorStatus(StrEnum):
    """A named colleague counts as a co-author only once they accept (SPEC "Visibility")."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class CoAuthor(IdeaPart, db.Model):
    """A colleague the submitter named as a co-author, and their answer."""

    __tablename__ = "idea_co_authors"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    status: Mapped[CoAuthorStatus] = mapped_column(string_enum(CoAuthorStatus), default=CoAuthorStatus.INVITED)

    user: Mapped[User] = relationship(lazy="joined")


class Idea(Audited, db.Model):
    __tablename__ = "ideas"
    __table_args__ = (
        Index("ix_ideas_stage_stage_changed_at", "stage", "stage_changed_at"),
        Index("ix_ideas_stage_id", "stage", "id"),  # the board's columns, newest first, paged by id
        Index("ix_ideas_stage_submitted_at", "stage", "submitted_at", "id"),  # the mentor queue, oldest first
        Index("ix_ideas_submitter_id_stage", "submitter_id", "stage", "id"),  # a user's own ideas in a column
        Index("ix_ideas_mentor_id_stage", "mentor_id", "stage", "id"),  # a mentor's ideas in a column
        # The board filtered by unit, category or risk band: a column's matches read newest first off the index,
        # so a filter that picks few ideas does not walk the whole column testing each (bench/README.md).
        Index("ix_ideas_stage_unit_id", "stage", "unit_id", "id"),
        Index("ix_ideas_stage_unit_id_category", "stage", "unit_id", "category", "id"),  # a ward's ideas of a kind
        Index("ix_ideas_stage_category", "stage", "category", "id"),
        Index("ix_ideas_stage_risk_band", "stage", "risk_band", "id"),
        Index("ix_ideas_stage_updated_at", "stage", "updated_at", "id"),  # the dashboard's latest changed pilots
        # The few ideas on safety hold (the committee's home), found without reading the others.
        Index("ix_ideas_on_safety_hold", "stage", sqlite_where=text("safety_hold IS 1"),
              postgresql_where=text("safety_hold IS true")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    proposed_change: Mapped[str] = mapped_column(Text, default="")
    expected_benefit: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[Category | None] = mapped_column(string_enum(Category))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[Stage] = mapped_column(string_enum(Stage), default=Stage.DRAFT)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    safety_hold: Mapped[bool] = mapped_column(default=False)
    # The worst band of its hazards (None: no hazard), kept by the review's hazard operations so the board can
    # filter by it from an index instead of computing max(severity × likelihood) for each idea it reads.
    risk_band: Mapped[RiskBand | None] = mapped_column(string_enum(RiskBand))
    version: Mapped[int] = mapped_column(nullable=False)

    unit: Mapped[Unit | None] = relationship()
    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    named: Mapped[list[CoAuthor]] = relationship(cascade="all, delete-orphan", order_by=CoAuthor.user_id)
    benefit_rows: Mapped[list[IdeaBenefit]] = relationship(
        cascade="all, delete-orphan", order_by=IdeaBenefit.benefit
    )
    tag_rows: Mapped[list[IdeaTag]] = relationship(cascade="all, delete-orphan", order_by=IdeaTag.tag)

    __mapper_args__ = {"version_id_col": version}

    @property
    def benefits(self) -> list[Benefit]:
        return [row.benefit for row in self.benefit_rows]

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @property
    def co_authors(self) -> list[User]:
        """The co-authors who accepted: only they count (see, edit, are conflicted)."""
        return self._named(CoAuthorStatus.ACCEPTED)

    @property
    def invited(self) -> list[User]:
        """Colleagues named as co-authors who have not answered yet."""
        return self._named(CoAuthorStatus.INVITED)

    def _named(self, status: CoAuthorStatus) -> list[User]:
        return sorted((row.user for row in self.named if row.status == status), key=lambda user: user.name)

    @property
    def number(self) -> str:
        """How people name the idea: FI-142."""
        return idea_number(self.id)

    def audit_idea_id(self) -> int | None:
        return self.id

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.stage}>"
