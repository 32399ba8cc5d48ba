"""The plain facts the workflow rules read, built from the models."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ideas.accounts.models import MentorPairing, User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.committee.queries import committee_facts, reviewers_of
from ideas.committee.rules import CommitteeFacts
from ideas.pilots.queries import pilot_facts
from ideas.pilots.rules import PilotFacts
from ideas.pipeline.workflow import GATES, ActorFacts, IdeaFacts, Stage
from ideas.review.queries import review_facts
from ideas.review.rules import ReviewFacts
from ideas.settings import get_setting
from ideas.spread.queries import spread_facts
from ideas.spread.rules import SpreadFacts

# Stages whose rules read the review: recommend in mentor review, risk acceptance at committee.
REVIEWED = frozenset({Stage.MENTOR_REVIEW, Stage.COMMITTEE_REVIEW})
FREE_TEXT = ("title", "problem", "proposed_change", "expected_benefit", "evidence", "resources")


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

    One idea's facts include its review, open voting round, pilot data and spread (what recommend,
    the committee, complete_pilot and mark_adopted check); a list's do not, so lists stay at a fixed number of queries. Both know the
    reviewers, which visibility reads.
    """
    single = queue is None
    review = review_facts(idea.id) if single and idea.stage in REVIEWED else ReviewFacts()
    # Recusals count for a hold's clearance too, whatever the stage.
    at_committee = idea.stage in GATES or idea.safety_hold
    committee = committee_facts(idea.id) if single and at_committee else CommitteeFacts()
    pilot = pilot_facts(idea.id) if single and idea.stage == Stage.PILOT else PilotFacts()
    spread = spread_facts(idea.id) if single and idea.stage == Stage.SCALE_UP else SpreadFacts()
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
        review=review,
        committee=committee,
        safety_hold=idea.safety_hold,
        pilot=pilot,
        spread=spread,
    )


def actor_facts(user: User | None) -> ActorFacts:
    """An active signed-in user's facts; `None` acts as the system."""
    if user is None:
        return ActorFacts(None, system=True)
    roles = frozenset(str(role) for role in user.roles) if user.active else frozenset()
    return ActorFacts(user.id, roles)
