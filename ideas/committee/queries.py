"""Reading the committee's data: the open round, its facts for the rules, the agenda, conditions."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, exists, func, select, true
from sqlalchemy.orm import joinedload, selectinload

from ideas.accounts.models import Unit
from ideas.audit.models import AuditEvent
from ideas.clock import utcnow
from ideas.committee.models import ApprovedPlan, CommitteeVote, Condition, Meeting, Recusal, VotingRound
from ideas.committee.rules import CommitteeFacts
from ideas.committee.tally import Tally, Vote, tally
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.workflow import CLOSED
from ideas.review.models import Hazard, Review
from ideas.review.risk import RiskBand, worst_band
from ideas.review.rules import Overall
from ideas.settings import get_setting

def open_round(idea_id: int, lock: bool = False) -> VotingRound | None:
    """The idea's open round; `lock` holds its row until commit, so votes and decisions take turns."""
    query = select(VotingRound).where(VotingRound.idea_id == idea_id, VotingRound.closed_at.is_(None))
    return db.session.scalar(query.with_for_update() if lock else query)


def recusals_of(idea_id: int) -> list[Recusal]:
    return list(db.session.scalars(select(Recusal).where(Recusal.idea_id == idea_id)
                                   .options(joinedload(Recusal.member)).order_by(Recusal.declared_at)))


def votes_in(round_id: int) -> list[CommitteeVote]:
    return list(db.session.scalars(select(CommitteeVote).where(CommitteeVote.round_id == round_id)
                                   .options(joinedload(CommitteeVote.member)).order_by(CommitteeVote.cast_at)))


def counted(votes: list[CommitteeVote], recused_ids: frozenset[int], quorum: int) -> Tally:
    """The round's tally: a member who recused after voting no longer counts."""
    return tally((v.vote for v in votes if v.member_id not in recused_ids), quorum)


def committee_facts(idea_id: int) -> CommitteeFacts:
    current = open_round(idea_id)
    recused = frozenset(r.member_id for r in recusals_of(idea_id))
    quorum = get_setting("quorum")
    if current is None:
        return CommitteeFacts(tally=Tally(0, 0, 0, quorum), recused_ids=recused)
    votes = votes_in(current.id)
    return CommitteeFacts(tally=counted(votes, recused, quorum), voter_ids=frozenset(v.member_id for v in votes),
                          recused_ids=recused, round_open=True)


def frozen_plan(idea_id: int) -> ApprovedPlan | None:
    """The latest approved snapshot of the idea, if it was ever approved."""
    return db.session.scalar(select(ApprovedPlan).where(ApprovedPlan.idea_id == idea_id)
                             .order_by(ApprovedPlan.id.desc()).limit(1))


def conditions_of(idea_id: int) -> list[Condition]:
    return list(db.session.scalars(select(Condition).where(Condition.idea_id == idea_id)
                                   .options(joinedload(Condition.owner), joinedload(Condition.done_by))
                                   .order_by(Condition.done_at.is_not(None), Condition.due_on, Condition.id)))


def conditions_owned(user_id: int, limit: int | None = None,
                     visible: ColumnElement[bool] = true()) -> list[Condition]:
    """Open conditions this person owns on the ideas `visible` picks, soonest due first (one query)."""
    return list(db.session.scalars(
        select(Condition).join(Idea, Idea.id == Condition.idea_id)
        .where(Condition.owner_id == user_id, Condition.done_at.is_(None), visible)
        .options(joinedload(Condition.idea)).order_by(Condition.due_on, Condition.id).limit(limit)))


def rounds_of(idea_id: int) -> list[VotingRound]:
    """Every round of the idea, newest first, with votes and voters."""
    return list(db.session.scalars(
        select(VotingRound).where(VotingRound.idea_id == idea_id)
        .options(selectinload(VotingRound.votes).joinedload(CommitteeVote.member), joinedload(VotingRound.meeting))
        .order_by(VotingRound.opened_at.desc(), VotingRound.id.desc())))


# --- meetings and their agenda ----------------------------------------------------------------------

def meetings_by_date(today: date) -> Select:
    """Every meeting: upcoming ones first (soonest first), then past ones (latest first), with their items."""
    upcoming = case((Meeting.held_on >= today, Meeting.held_on))
    return (select(Meeting).options(selectinload(Meeting.rounds))
            .order_by(upcoming.asc().nulls_last(), Meeting.held_on.desc(), Meeting.id.desc()))


def agenda_of(meeting_id: int) -> list[tuple[VotingRound, Idea]]:
    """The rounds assigned to the meeting with their ideas: open items first, then decided ones."""
    return list(db.session.execute(
        select(VotingRound, Idea).join(Idea, Idea.id == VotingRound.idea_id)
        .where(VotingRound.meeting_id == meeting_id)
        .order_by(VotingRound.closed_at.is_not(None), VotingRound.opened_at, VotingRound.id)).all())


def unscheduled_rounds() -> list[tuple[VotingRound, Idea]]:
    """Open rounds on no meeting's agenda yet, with their ideas, longest waiting first."""
    return list(db.session.execute(
        select(VotingRound, Idea).join(Idea, Idea.id == VotingRound.idea_id)
        .where(VotingRound.closed_at.is_(None), VotingRound.meeting_id.is_(None))
        .order_by(VotingRound.opened_at, VotingRound.id)).all())
# --- the agenda and the story of an idea's rounds ----------------------------------------------------

@dataclass(frozen=True)
class AgendaItem:
    """An open round on the agenda, with what the committee reads first about its idea."""

    round: VotingRound
    idea: Idea
    band: RiskBand | None  # the worst hazard's band; None when no hazard is listed
    no_hazards: bool  # the mentor stated that there are none
    overall: Overall | None  # the mentor's overall recommendation
    tally: Tally  # votes of recused members left out
    days: int  # since the round opened
    overdue: bool  # over the committee's time limit (setting)


@dataclass(frozen=True)
class Agenda:
    items: list[AgendaItem]
    total: int
    page: int
    per_page: int
    limit_days: int  # an item waiting longer is flagged

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _counted_votes(choice: Vote):
    """A round's votes of one kind, leaving out members recused from its idea (a correlated count)."""
    recused = exists().where(Recusal.idea_id == CommitteeVote.idea_id, Recusal.member_id == CommitteeVote.member_id)
    return (select(func.count(CommitteeVote.id))
            .where(CommitteeVote.round_id == VotingRound.id, CommitteeVote.vote == choice, ~recused)
            .scalar_subquery())


def agenda(page: int = 1, per_page: int = 50) -> Agenda:
    """Every open round, oldest first, with its idea, meeting, risk band, mentor's recommendation and tally.

    A fixed number of statements however long the agenda: two settings, the count, one page of rows.
    """
    quorum, limit_days = get_setting("quorum"), get_setting("stage_limit_committee_review_days")
    page = max(page, 1)
    is_open = VotingRound.closed_at.is_(None)
    total = db.session.scalar(select(func.count(VotingRound.id)).where(is_open))
    worst = (select(func.max(Hazard.severity * Hazard.likelihood)).where(Hazard.idea_id == VotingRound.idea_id)
             .scalar_subquery())
    rows = db.session.execute(
        select(VotingRound, Idea, worst, Review.no_hazards, Review.overall, *(_counted_votes(v) for v in Vote))
        .join(Idea, Idea.id == VotingRound.idea_id).outerjoin(Review, Review.idea_id == VotingRound.idea_id)
        .where(is_open)
        .options(joinedload(VotingRound.meeting), joinedload(Idea.submitter), joinedload(Idea.mentor),
                 joinedload(Idea.unit).joinedload(Unit.site))
        .order_by(VotingRound.opened_at, VotingRound.id).limit(per_page).offset((page - 1) * per_page)).all()
    now = utcnow()
    items = []
    for round_, idea, score, no_hazards, overall, approve, reject, abstain in rows:
        days = (now - round_.opened_at).days
        items.append(AgendaItem(round_, idea, worst_band([score] if score else []), bool(no_hazards), overall,
                                Tally(approve, reject, abstain, quorum), days, days > limit_days))
    return Agenda(items, total, page, per_page, limit_days)


def on_hold(limit: int) -> dict:
    """Open ideas on safety hold, most recently changed first, with their units; and how many there are."""
    held = Idea.safety_hold.is_(True) & Idea.stage.not_in(CLOSED)
    ideas = db.session.scalars(select(Idea).where(held).options(joinedload(Idea.unit).joinedload(Unit.site))
                               .order_by(Idea.updated_at.desc(), Idea.id.desc()).limit(limit))
    return {"ideas": list(ideas), "total": db.session.scalar(select(func.count(Idea.id)).where(held))}


def round_deciders(idea_id: int) -> dict[int, AuditEvent]:
    """For each closed round of the idea, the transition that closed it: who, when, and the reason given.

    A round opens right after the transition into its gate; the next transition of the idea closes it.
    """
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.idea_id == idea_id, AuditEvent.outcome == "success",
                                 AuditEvent.action.in_(("round.opened", "idea.transition")))
        .order_by(AuditEvent.sequence))
    deciders, waiting = {}, None
    for event in events:
        if event.action == "round.opened":
            waiting = int(event.entity_id)
        elif waiting is not None:
            deciders[waiting], waiting = event, None
    return deciders
