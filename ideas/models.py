"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Role, Site, Unit, User, UserRole, UserSession
from ideas.audit.models import AuditEvent, AuditValue

__all__ = ["AuditEvent", "AuditValue", "Role", "Site", "Unit", "User", "UserRole", "UserSession"]
