"""The committee member's side of the agenda on the home page: where they stand on each item, and re-approvals."""
from dataclasses import dataclass

from sqlalchemy import select

from ideas.accounts.models import User
from ideas.committee.models import ApprovedPlan, CommitteeVote, Recusal
from ideas.committee.queries import AgendaItem
from ideas.database import db
from ideas.pipeline.models import CoAuthor, CoAuthorStatus
from ideas.pipeline.reviewers import reviewers_of
from ideas.pipeline.workflow import Stage


@dataclass(frozen=True)
class Standing:
    """How one agenda item stands for this member."""

    vote: str | None  # the vote they cast in the open round
    recused: bool
    conflicted: bool  # their own idea, or one they reviewed: they do not vote on it
    reapproval: bool  # approved before and changed since: back for re-approval

    @property
    def needs_vote(self) -> bool:
        return self.vote is None and not self.recused and not self.conflicted


def standing(items: list[AgendaItem], member: User) -> dict[int, Standing]:
    """For each item's round id, the member's standing: five queries however long the agenda."""
    idea_ids = [item.idea.id for item in items]
    votes = dict(db.session.execute(select(CommitteeVote.round_id, CommitteeVote.vote).where(
        CommitteeVote.member_id == member.id, CommitteeVote.round_id.in_([item.round.id for item in items]))).all())
    recused = set(db.session.scalars(select(Recusal.idea_id).where(
        Recusal.member_id == member.id, Recusal.idea_id.in_(idea_ids))))
    co_written = set(db.session.scalars(select(CoAuthor.idea_id).where(
        CoAuthor.user_id == member.id, CoAuthor.status == CoAuthorStatus.ACCEPTED, CoAuthor.idea_id.in_(idea_ids))))
    approved = set(db.session.scalars(select(ApprovedPlan.idea_id).distinct().where(ApprovedPlan.idea_id.in_(idea_ids))))
    reviewers = reviewers_of(idea_ids)
    return {item.round.id: Standing(
        vote=votes.get(item.round.id), recused=item.idea.id in recused,
        conflicted=(item.idea.submitter_id == member.id or item.idea.id in co_written
                    or member.id in reviewers.get(item.idea.id, frozenset()) | {item.idea.mentor_id}),
        reapproval=item.round.gate == Stage.COMMITTEE_REVIEW and item.idea.id in approved) for item in items}
