"""Demo reviews: a partial review of the idea in mentor review, and ideas recommended to the committee
after a complete review (feasibility, hazards, QI triage, pilot plan with its measures)."""
from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import select

from ideas.accounts.models import Unit, User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, create_draft
from ideas.review import operations as ops
from ideas.review.queries import review_of
from ideas.review.rules import CRITERIA

QI_TRIAGE = {"triage_new_treatment": "no", "triage_randomises": "no", "triage_extra_data": "no",
             "triage_generalisable": "no"}

RED_TRAYS = {
    "idea": {
        "title": "Red trays for patients who need help to eat",
        "problem": "Meals go cold on the table of patients who cannot open packs or cut food; nobody notices in "
                   "time.",
        "proposed_change": "A red tray marks every patient who needs help; the nurse in charge assigns a helper "
                           "before each meal is served.",
        "expected_benefit": "More meals eaten, fewer patients losing weight during their stay.",
        "benefits": ["patient_experience", "quality"], "category": "other", "tags": "nutrition, mealtimes",
        "evidence": "Hospital nutrition audit last spring; national guidance on protected mealtimes.",
    },
    "feasibility": {**{f"score_{c}": 4 for c in CRITERIA}, "score_evidence": 3, "overall": "proceed",
                    "overall_note": "A simple, cheap test of change."},
    "hazards": [{"description": "Helpers drawn from the medicine round delay it.", "severity": 2, "likelihood": 3,
                 "mitigation": "Helpers come from the housekeeping team first.", "owner": "Ward manager, 4B"}],
    "plan": {"aim": "At least 75% of red-tray meals half eaten on 4B within 8 weeks.", "weeks": 8,
             "data_collection": "Food charts tallied daily by the nurse in charge."},
    "measures": [
        {"kind": "outcome", "name": "Meals mostly eaten", "definition": "Share of red-tray meals with at least half "
         "eaten, from the food chart.", "unit_of_measure": "%", "direction": "increase", "baseline": "48",
         "target": "75"},
        {"kind": "process", "name": "Helper assigned", "definition": "Share of red-tray patients with a named "
         "helper at meal service.", "unit_of_measure": "%", "direction": "increase", "baseline": "0",
         "target": "95"},
        {"kind": "balancing", "name": "Late medicine rounds", "definition": "Lunchtime medicine rounds finishing "
         "after 13:30, per week.", "unit_of_measure": "rounds per week", "direction": "decrease", "baseline": "1",
         "target": "1", "stop_threshold": "4", "stop_direction": "above"},
    ],
}


def recommend_demo_idea(submitter: User, mentor: User, unit: Unit, spec: Mapping, start: date | None = None) -> Idea:
    """An idea written, claimed, fully reviewed and planned (by its submitter) and recommended, through the
    operations; `spec` holds the idea, feasibility, hazards, plan and measures; the pilot starts on `start`."""
    idea = create_draft(submitter, {**spec["idea"], "unit": unit.id})
    apply_action(idea, submitter, "submit", idea.version)
    apply_action(idea, mentor, "start_review", idea.version)
    ops.save_feasibility(idea, mentor, spec["feasibility"], 0)
    for hazard in spec["hazards"]:
        ops.add_hazard(idea, mentor, hazard)
    ops.save_triage(idea, mentor, QI_TRIAGE, review_of(idea.id).version)
    start = start or utcnow().date() + timedelta(days=14)
    plan = spec["plan"]
    ops.save_plan(idea, submitter, {"aim": plan["aim"], "units": [unit.id], "planned_start": start,
                                    "planned_end": start + timedelta(weeks=plan["weeks"]),
                                    "data_collection": plan["data_collection"]}, 0)
    for measure in spec["measures"]:
        ops.add_measure(idea, submitter, measure)
    apply_action(idea, mentor, "recommend", idea.version)
    return idea


def seed_demo_reviews(users: dict[str, User], units: dict[str, Unit]) -> Idea:
    """A partial review of "Walk to lunch"; "Red trays" recommended to the committee (returned)."""
    mentor, mentee, mentor2 = users["mentor@demo.example"], users["mentee@demo.example"], users["mentor2@demo.example"]
    in_review = db.session.scalar(select(Idea).where(Idea.title == "Walk to lunch"))
    ops.save_feasibility(in_review, mentor2, {"score_evidence": 3, "note_evidence": "Good local sense; find a study.",
                                              "score_patient_experience": 5, "score_resources": 4}, 0)
    ops.add_hazard(in_review, mentor2, {"description": "A frail patient falls on the way to the day room.",
                                        "severity": 4, "likelihood": 3})
    return recommend_demo_idea(mentee, mentor, units["Ward 4B – Acute Medicine"], RED_TRAYS)
