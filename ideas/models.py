"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Invite, MentorPairing, Role, Site, Unit, User, UserRole, UserSession
from ideas.audit.models import AuditEvent, AuditValue
from ideas.settings.models import Setting

__all__ = ["AuditEvent", "AuditValue", "Invite", "MentorPairing", "Role", "Setting", "Site", "Unit", "User",
           "UserRole", "UserSession"]
