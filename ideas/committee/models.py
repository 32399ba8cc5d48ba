"""What the quality committee holds: voting rounds, signed votes, recusals, conditions of approval,
the frozen approved plan, and the meetings that take agenda items.

Rows that belong to an idea are `IdeaPart`s: their audit events land on the idea's timeline.
"""
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import User, string_enum
from ideas.clock import utcnow
from ideas.committee.tally import Vote
from ideas.database import Audited, UTCDateTime, db
from ideas.pipeline.models import Idea, IdeaPart
from ideas.pipeline.workflow import Stage

meeting_attendees = Table(
    "meeting_attendees",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Meeting(Audited, db.Model):
    """A committee meeting: its date, who attended, its minutes; agenda items are assigned to it."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(nullable=False)

    attendees: Mapped[list[User]] = relationship(secondary=meeting_attendees, order_by=User.name)
    rounds: Mapped[list["VotingRound"]] = relationship(back_populates="meeting", order_by="VotingRound.opened_at")

    __mapper_args__ = {"version_id_col": version}


class VotingRound(IdeaPart, db.Model):
    """One gate's round of votes on an idea: opened when it reaches the gate, closed by its decision or a return.

    The open round is the idea's item on the committee agenda; at most one is open per idea.
    """

    __tablename__ = "voting_rounds"
    __table_args__ = (
        Index("uq_voting_rounds_open_per_idea", "idea_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    gate: Mapped[Stage] = mapped_column(string_enum(Stage))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(30))  # the action that closed it
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)

    meeting: Mapped[Meeting | None] = relationship(back_populates="rounds")
    votes: Mapped[list["CommitteeVote"]] = relationship(back_populates="round", order_by="CommitteeVote.cast_at")


class CommitteeVote(IdeaPart, db.Model):
    """A member's signed vote in a round; one per member per round, never changed."""

    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("round_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_rounds.id"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    vote: Mapped[Vote] = mapped_column(string_enum(Vote))
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[VotingRound] = relationship(back_populates="votes")
    member: Mapped[User] = relationship()


class Recusal(IdeaPart, db.Model):
    """A member's declared conflict of interest on an idea: they no longer vote or decide on it."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("idea_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[User] = relationship()


class Condition(IdeaPart, db.Model):
    """A condition of approval: an owner, a due date (local), tracked to done."""

    __tablename__ = "conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_rounds.id"))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_on < today


class ApprovedPlan(IdeaPart, db.Model):
    """The frozen snapshot of an idea, its reviews and its pilot plan at an approval (canonical JSON)."""

    __tablename__ = "approved_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_rounds.id"))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of `content`, also in the audit event
