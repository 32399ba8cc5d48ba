"""Every model, imported once so SQLAlchemy and Alembic see the whole schema."""
from ideas.accounts.models import Invite, MentorPairing, Role, Site, Unit, User, UserRole, UserSession
from ideas.audit.models import AuditEvent, AuditValue
from ideas.committee.models import ApprovedPlan, CommitteeVote, Condition, Meeting, Recusal, VotingRound
from ideas.discussion.models import Comment, CommentMention
from ideas.notifications.models import Notification, NotificationPreference, OutboxMessage
from ideas.pilots.models import ChartPhase, ChartSettings, Observation, PdsaCycle, PilotResult
from ideas.pipeline.models import Idea, IdeaBenefit, IdeaTag
from ideas.review.models import Hazard, Measure, PilotPlan, Review
from ideas.settings.models import Setting
from ideas.spread.models import SustainmentCheck, TargetUnit

__all__ = ["ChartPhase", "ChartSettings", "Observation", "PdsaCycle", "PilotResult", "SustainmentCheck", "TargetUnit", "ApprovedPlan", "CommitteeVote", "Condition", "Meeting", "Recusal", "VotingRound",
           "AuditEvent", "AuditValue", "Comment", "CommentMention", "Hazard", "Idea", "IdeaBenefit", "IdeaTag",
           "Invite", "Measure", "MentorPairing", "Notification", "NotificationPreference", "OutboxMessage", "PilotPlan", "Review", "Role", "Setting", "Site", "Unit", "User",
           "UserRole", "UserSession"]
