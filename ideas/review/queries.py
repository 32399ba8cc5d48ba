"""Reading reviews and plans for pages and rules; the mentor's queue."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ideas.accounts.models import MentorPairing, User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea, idea_co_authors
from ideas.pipeline.workflow import Stage
from ideas.review.models import Hazard, Measure, PilotPlan, Review
from ideas.review.risk import worst_band
from ideas.review.rules import CRITERIA, TRIAGE, ReviewFacts, plan_missing
from ideas.settings import get_setting


def review_of(idea_id: int) -> Review | None:
    return db.session.scalar(select(Review).where(Review.idea_id == idea_id))


def plan_of(idea_id: int) -> PilotPlan | None:
    return db.session.scalar(select(PilotPlan).where(PilotPlan.idea_id == idea_id)
                             .options(selectinload(PilotPlan.units)))


def hazards_of(idea_id: int) -> list[Hazard]:
    return list(db.session.scalars(select(Hazard).where(Hazard.idea_id == idea_id).order_by(Hazard.id)))


def measures_of(idea_id: int) -> list[Measure]:
    return list(db.session.scalars(select(Measure).where(Measure.idea_id == idea_id).order_by(Measure.id)))


def feasibility_complete(review: Review | None) -> bool:
    return review is not None and review.scored == len(CRITERIA) and review.overall is not None


def triage_answers(review: Review | None) -> dict[str, bool | None]:
    return {name: getattr(review, f"triage_{name}") if review else None for name in TRIAGE}


def review_facts(idea_id: int) -> ReviewFacts:
    """The plain facts recommend reads, from the idea's review, hazards, plan and measures."""
    review, hazards, plan, measures = review_of(idea_id), hazards_of(idea_id), plan_of(idea_id), measures_of(idea_id)
    answers = triage_answers(review)
    return ReviewFacts(
        feasibility_complete=feasibility_complete(review),
        safety_complete=bool(hazards) or bool(review and review.no_hazards),
        plan_missing=plan_missing(plan.aim if plan else "", len(plan.units) if plan else 0,
                                  plan.planned_start if plan else None, plan.planned_end if plan else None,
                                  {str(m.kind) for m in measures}),
        band=worst_band(h.score for h in hazards),
        hazards_unmitigated=sum(1 for h in hazards if not (h.mitigation.strip() and h.owner.strip())),
        triage_answered=None not in answers.values(),
        research=any(answers.values()),
        referral_recorded=bool(review and review.ethics_reference.strip() and review.ethics_referred_on),
    )


@dataclass(frozen=True)
class Waiting:
    """An idea in a mentor's queue, with how long it has waited for a mentor."""

    idea: Idea
    days: int
    overdue: bool
    mine: bool  # from one of the mentor's own mentees


@dataclass(frozen=True)
class MentorQueue:
    mentees: list[Waiting]
    open: list[Waiting]
    in_progress: list[Idea]


def mentor_queue(mentor: User, limit: int | None = None) -> MentorQueue:
    """Submitted ideas of the mentor's mentees, then the open queue, then their reviews in progress.

    A fixed number of queries however many ideas wait: two settings, one list, one for reviews in progress.
    """
    now = utcnow()
    wait_days, limit_days = get_setting("open_queue_wait_days"), get_setting("stage_limit_unclaimed_days")
    open_pairings = select(MentorPairing.mentee_id).where(MentorPairing.ended_at.is_(None))
    my_mentees = open_pairings.where(MentorPairing.mentor_id == mentor.id)
    co_written = select(idea_co_authors.c.idea_id).where(idea_co_authors.c.user_id == mentor.id)
    cutoff = now - timedelta(days=wait_days)
    waiting = db.session.execute(
        select(Idea, Idea.submitter_id.in_(my_mentees).label("mine"))
        .where(Idea.stage == Stage.SUBMITTED, Idea.submitter_id != mentor.id, Idea.id.not_in(co_written),
               or_(Idea.submitter_id.in_(my_mentees), Idea.submitter_id.not_in(open_pairings),
                   Idea.submitted_at <= cutoff))
        .options(joinedload(Idea.submitter), joinedload(Idea.unit))
        .order_by(Idea.submitter_id.in_(my_mentees).desc(), Idea.submitted_at, Idea.id).limit(limit)).all()
    rows = [Waiting(idea, (now - idea.submitted_at).days, (now - idea.submitted_at).days > limit_days, bool(mine))
            for idea, mine in waiting]
    in_progress = list(db.session.scalars(
        select(Idea).where(Idea.mentor_id == mentor.id, Idea.stage.in_((Stage.MENTOR_REVIEW, Stage.REVISION)))
        .options(joinedload(Idea.submitter)).order_by(Idea.stage_changed_at, Idea.id).limit(limit)))
    return MentorQueue([r for r in rows if r.mine], [r for r in rows if not r.mine], in_progress)

