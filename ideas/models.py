"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Invite, MentorPairing, Role, Site, Unit, User, UserRole, UserSession
from ideas.audit.models import AuditEvent, AuditValue
from ideas.discussion.models import Comment, CommentMention
from ideas.pipeline.models import Idea, IdeaBenefit, IdeaTag
from ideas.settings.models import Setting

__all__ = ["AuditEvent", "AuditValue", "Comment", "CommentMention", "Idea", "IdeaBenefit", "IdeaTag", "Invite",
           "MentorPairing", "Role", "Setting", "Site", "Unit", "User", "UserRole", "UserSession"]
