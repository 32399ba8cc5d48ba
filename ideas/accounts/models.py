"""Accounts: users with roles, the sites and units they work in, their sign-in sessions,
mentor pairings and invitations."""
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ideas.clock import utcnow
from ideas.database import Audited, UTCDateTime, db


class Role(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    COMMITTEE = "committee"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"mentee": "Mentee", "mentor": "Mentor", "committee": "Quality committee",
                "admin": "Administrator"}[self.value]


def string_enum(enum_cls: type[StrEnum]) -> Enum:
    """An enum stored as a plain string: a new value needs no ALTER TYPE."""
    return Enum(enum_cls, native_enum=False, create_constraint=False, length=30,
                values_callable=lambda e: [m.value for m in e])


class Site(Audited, db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    units: Mapped[list["Unit"]] = relationship(back_populates="site", order_by="Unit.name")


class Unit(Audited, db.Model):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    site: Mapped[Site] = relationship(back_populates="units")

    @property
    def label(self) -> str:
        return unit_label(self.name, self.site.name)


def unit_label(unit_name: str, site_name: str) -> str:
    """How a unit is named wherever sites are mixed: "Ward 4B (Riverside General)"."""
    return f"{unit_name} ({site_name})"


class UserRole(Audited, db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(string_enum(Role), primary_key=True)

    def audit_owner(self) -> tuple[str, str]:
        return "users", str(self.user_id)  # a user's audit event covers their roles


class User(Audited, UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    home_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    home_unit: Mapped[Unit | None] = relationship()
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]  # the last accepted time step: a code works once
    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=UserRole.role
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def set_roles(self, roles: set[Role]) -> None:
        keep = [row for row in self.role_rows if row.role in roles]
        have = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=r) for r in sorted(roles - have)]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """A signed-in session, kept on the server so sign-out and timeouts really end it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(30))
    client_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    totp_candidate: Mapped[str | None] = mapped_column(String(64))  # a code generator being set up
    user: Mapped[User] = relationship()


class RecoveryCode(Audited, db.Model):
    """A single-use code that stands in for the authenticator app at sign-in; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def audit_owner(self) -> tuple[str, str]:
        return "users", str(self.user_id)  # the user's two-factor events cover their codes


class MentorPairing(Audited, db.Model):
    """A mentee's mentor from `created_at` until `ended_at`; one open pairing per mentee."""

    __tablename__ = "mentor_pairings"
    __table_args__ = (
        CheckConstraint("mentee_id <> mentor_id", name="not_self"),
        Index("uq_mentor_pairings_open_mentee", "mentee_id", unique=True,
              sqlite_where="ended_at IS NULL", postgresql_where="ended_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Invite(Audited, db.Model):
    """A one-time link that lets a user set their password; only the token's hash is kept."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def audit_owner(self) -> tuple[str, str]:
        return "users", str(self.user_id)  # the user's invited and password events cover their links

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at and self.user.active
