"""Comments on an idea and the people they @mention (kept so notifications can use them)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.accounts.models import User
from ideas.clock import utcnow
from ideas.database import Audited, UTCDateTime, db


class Comment(Audited, db.Model):
    """One comment in an idea's discussion; deleting it keeps the row as a "comment removed" placeholder."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_idea_id_created_at", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)  # Markdown; emptied when the comment is removed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(nullable=False)

    author: Mapped[User] = relationship()
    mentions: Mapped[list["CommentMention"]] = relationship(back_populates="comment", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def audit_owner(self) -> tuple[str, str]:
        return "ideas", str(self.idea_id)

    @property
    def removed(self) -> bool:
        return self.deleted_at is not None


class CommentMention(Audited, db.Model):
    """A person @mentioned in a comment."""

    __tablename__ = "comment_mentions"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    comment: Mapped[Comment] = relationship(back_populates="mentions")

    def audit_owner(self) -> tuple[str, str]:
        return self.comment.audit_owner()

    def audit_idea_id(self) -> int:
        return self.comment.idea_id
