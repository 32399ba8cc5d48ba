"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Role, Site, Unit, User, UserRole, UserSession

__all__ = ["Role", "Site", "Unit", "User", "UserRole", "UserSession"]
