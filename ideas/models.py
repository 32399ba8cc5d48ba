"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Role, Site, Unit, User, UserRole, UserSession
from ideas.audit.models import AuditEvent, AuditValue
from ideas.pipeline.models import Idea, IdeaBenefit, IdeaTag

__all__ = ["AuditEvent", "AuditValue", "Idea", "IdeaBenefit", "IdeaTag", "Role", "Site", "Unit", "User", "UserRole",
           "UserSession"]
