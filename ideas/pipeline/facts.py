"""The plain facts the workflow rules read, built from the models."""
from datetime import timedelta

from ideas.accounts.models import User
from ideas.accounts.pairings import mentor_of
from ideas.clock import utcnow
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import ActorFacts, IdeaFacts, Stage
from ideas.settings import get_setting

FREE_TEXT = ("title", "problem", "proposed_change", "expected_benefit", "evidence", "resources")


def paired_mentor_ids(submitter: User) -> frozenset[int]:
    """The submitter's paired mentor, if they have one."""
    mentor = mentor_of(submitter)
    return frozenset({mentor.id}) if mentor is not None else frozenset()


def in_open_queue(idea: Idea, paired: frozenset[int]) -> bool:
    """A submitted idea waits for its paired mentor first, then every mentor may claim it."""
    if not paired or idea.stage != Stage.SUBMITTED or idea.submitted_at is None:
        return True
    return utcnow() - idea.submitted_at >= timedelta(days=get_setting("open_queue_wait_days"))


def idea_facts(idea: Idea) -> IdeaFacts:
    paired = paired_mentor_ids(idea.submitter)
    return IdeaFacts(
        stage=Stage(idea.stage),
        submitter_id=idea.submitter_id,
        co_author_ids=frozenset(user.id for user in idea.co_authors),
        mentor_id=idea.mentor_id,
        paired_mentor_ids=paired,
        reviewer_ids=frozenset({idea.mentor_id}) - {None},
        in_open_queue=in_open_queue(idea, paired),
        texts={name: getattr(idea, name) or "" for name in FREE_TEXT},
        unit_id=idea.unit_id,
    )


def actor_facts(user: User | None) -> ActorFacts:
    """An active signed-in user's facts; `None` acts as the system."""
    if user is None:
        return ActorFacts(None, system=True)
    roles = frozenset(str(role) for role in user.roles) if user.active else frozenset()
    return ActorFacts(user.id, roles)
