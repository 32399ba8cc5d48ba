"""Reading reviews and plans for pages and rules."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ideas.database import db
from ideas.review.models import Hazard, Measure, PilotPlan, Review
from ideas.review.risk import worst_band
from ideas.review.rules import (
    FEASIBILITY_NEEDED,
    PLAN_NEEDED,
    REFERRAL_NEEDED,
    TRIAGE,
    TRIAGE_NEEDED,
    ReviewFacts,
    filled,
    plan_missing,
)


def review_of(idea_id: int) -> Review | None:
    return db.session.scalar(select(Review).where(Review.idea_id == idea_id))


def plan_of(idea_id: int) -> PilotPlan | None:
    return db.session.scalar(select(PilotPlan).where(PilotPlan.idea_id == idea_id)
                             .options(selectinload(PilotPlan.units)))


def hazards_of(idea_id: int) -> list[Hazard]:
    return list(db.session.scalars(select(Hazard).where(Hazard.idea_id == idea_id).order_by(Hazard.id)))


def measures_of(idea_id: int) -> list[Measure]:
    return list(db.session.scalars(select(Measure).where(Measure.idea_id == idea_id).order_by(Measure.id)))


def holds(row, names) -> bool:
    """The row (a review, a plan) has each of these fields filled."""
    return row is not None and all(filled(getattr(row, name)) for name in names)


def feasibility_complete(review: Review | None) -> bool:
    return holds(review, FEASIBILITY_NEEDED)


def triage_answers(review: Review | None) -> dict[str, bool | None]:
    return {name: getattr(review, f"triage_{name}") if review else None for name in TRIAGE}


def review_facts(idea_id: int) -> ReviewFacts:
    """The plain facts recommend reads, from the idea's review, hazards, plan and measures."""
    review, hazards, plan, measures = review_of(idea_id), hazards_of(idea_id), plan_of(idea_id), measures_of(idea_id)
    answers = triage_answers(review)
    return ReviewFacts(
        feasibility_complete=feasibility_complete(review),
        safety_complete=bool(hazards) or bool(review and review.no_hazards),
        plan_missing=plan_missing({name: getattr(plan, name) for names in PLAN_NEEDED.values() for name in names}
                                  if plan else {}, {str(m.kind) for m in measures}),
        band=worst_band(h.score for h in hazards),
        hazards_unmitigated=sum(1 for h in hazards if not (h.mitigation.strip() and h.owner.strip())),
        triage_answered=holds(review, TRIAGE_NEEDED),
        research=any(answers.values()),
        referral_recorded=holds(review, REFERRAL_NEEDED),
    )
