"""Reading reviews and plans for pages and rules."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ideas.database import db
from ideas.review.models import Hazard, Measure, PilotPlan, Review
from ideas.review.risk import worst_band
from ideas.review.rules import CRITERIA, TRIAGE, ReviewFacts, plan_missing


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
