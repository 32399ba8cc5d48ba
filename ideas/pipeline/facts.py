"""The plain facts the workflow rules read, built from the models.

Each feature registers how its own part of one idea's facts is read (`provide`), when the app
registers the feature, so the pipeline imports no feature's queries.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ideas.accounts.models import MentorPairing, User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.reviewers import reviewers_of
from ideas.pipeline.workflow import ActorFacts, IdeaFacts, Stage
from ideas.settings import get_setting

FREE_TEXT = ("title", "problem", "proposed_change", "expected_benefit", "evidence", "resources")


@dataclass(frozen=True)
class Provider:
    """How a feature reads its part of one idea's facts, and for which ideas the rules need it."""

    build: Callable[[int], object]  # idea id -> the plain facts dataclass
    needed: Callable[[Idea], bool]


PROVIDERS: dict[str, Provider] = {}


def provide(name: str, build: Callable[[int], object], needed: Callable[[Idea], bool] = lambda idea: True) -> None:
    """Register the reader of `IdeaFacts.<name>` for one idea (a list's facts keep the field's default)."""
    PROVIDERS[name] = Provider(build, needed)


@dataclass(frozen=True)
class Queues:
    """Who each submitter's ideas wait for first, for how long, and who reviewed each idea: read once for a list."""

    paired: dict[int, frozenset[int]]  # submitter id -> their paired mentor (none or one)
    wait: timedelta
    reviewers: dict[int, frozenset[int]]  # idea id -> the mentors who wrote part of its review

    def in_open_queue(self, idea: Idea) -> bool:
        """A submitted idea waits for its paired mentor first, then every mentor may claim it."""
        if not self.paired.get(idea.submitter_id) or idea.stage != Stage.SUBMITTED or idea.submitted_at is None:
            return True
        return utcnow() - idea.submitted_at >= self.wait


def queues(ideas: Iterable[Idea]) -> Queues:
    ideas = list(ideas)
    rows = db.session.execute(select(MentorPairing.mentee_id, MentorPairing.mentor_id).where(
        MentorPairing.mentee_id.in_({idea.submitter_id for idea in ideas}), MentorPairing.ended_at.is_(None)))
    return Queues({mentee_id: frozenset({mentor_id}) for mentee_id, mentor_id in rows},
                  timedelta(days=get_setting("open_queue_wait_days")), reviewers_of([idea.id for idea in ideas]))


def idea_facts(idea: Idea, queue: Queues | None = None) -> IdeaFacts:
    """The idea's facts; a list passes the `queues` of all its ideas, read once.

    One idea's facts include what the features provide where the rules need it (its review, open voting
    round, pilot data and spread: what recommend, the committee, complete_pilot and mark_adopted check);
    a list's do not, so lists stay at a fixed number of queries. Both know the reviewers, which
    visibility reads.
    """
    provided = {} if queue is not None else {
        name: provider.build(idea.id) for name, provider in PROVIDERS.items() if provider.needed(idea)}
    queue = queue or queues([idea])
    return IdeaFacts(
        stage=Stage(idea.stage),
        submitter_id=idea.submitter_id,
        co_author_ids=frozenset(user.id for user in idea.co_authors),
        invited_ids=frozenset(user.id for user in idea.invited),
        mentor_id=idea.mentor_id,
        paired_mentor_ids=queue.paired.get(idea.submitter_id, frozenset()),
        reviewer_ids=(queue.reviewers.get(idea.id, frozenset()) | {idea.mentor_id}) - {None},
        in_open_queue=queue.in_open_queue(idea),
        texts={name: getattr(idea, name) or "" for name in FREE_TEXT},
        unit_id=idea.unit_id,
        safety_hold=idea.safety_hold,
        **provided,
    )


def actor_facts(user: User | None) -> ActorFacts:
    """An active signed-in user's facts; `None` acts as the system."""
    if user is None:
        return ActorFacts(None, system=True)
    roles = frozenset(str(role) for role in user.roles) if user.active else frozenset()
    return ActorFacts(user.id, roles)
