"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Role, Site, Unit, User, UserRole, UserSession
from ideas.pipeline.models import Idea, IdeaBenefit, IdeaTag

__all__ = ["Role", "Site", "Unit", "User", "UserRole", "UserSession", "Idea", "IdeaBenefit", "IdeaTag"]
