"""Demo reviews: a partial review of the idea in mentor review, and one idea recommended to the committee."""
from datetime import timedelta

from sqlalchemy import select

from ideas.accounts.models import Unit, User
from ideas.clock import utcnow
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action, create_draft
from ideas.review import operations as ops
from ideas.review.rules import CRITERIA

RECOMMENDED = {
    "title": "Red trays for patients who need help to eat",
    "problem": "Meals go cold on the table of patients who cannot open packs or cut food; nobody notices in time.",
    "proposed_change": "A red tray marks every patient who needs help; the nurse in charge assigns a helper "
                       "before each meal is served.",
    "expected_benefit": "More meals eaten, fewer patients losing weight during their stay.",
    "benefits": ["patient_experience", "quality"], "category": "other", "tags": "nutrition, mealtimes",
    "evidence": "Hospital nutrition audit last spring; national guidance on protected mealtimes.",
}
MEASURES = [
    {"kind": "outcome", "name": "Meals mostly eaten", "definition": "Share of red-tray meals with at least half "
     "eaten, from the food chart.", "unit_of_measure": "%", "direction": "increase", "baseline": "48", "target": "75"},
    {"kind": "process", "name": "Helper assigned", "definition": "Share of red-tray patients with a named helper "
     "at meal service.", "unit_of_measure": "%", "direction": "increase", "baseline": "0", "target": "95"},
    {"kind": "balancing", "name": "Late medicine rounds", "definition": "Lunchtime medicine rounds finishing after "
     "13:30, per week.", "unit_of_measure": "rounds per week", "direction": "decrease", "baseline": "1",
     "target": "1", "stop_threshold": "4", "stop_direction": "above"},
]


def seed_demo_reviews(users: dict[str, User], units: dict[str, Unit]) -> None:
    mentor, mentee, mentor2 = users["mentor@demo.example"], users["mentee@demo.example"], users["mentor2@demo.example"]
    in_review = db.session.scalar(select(Idea).where(Idea.title == "Walk to lunch"))
    ops.save_feasibility(in_review, mentor2, {"score_evidence": 3, "note_evidence": "Good local sense; find a study.",
                                              "score_patient_experience": 5, "score_resources": 4}, 0)
    ops.add_hazard(in_review, mentor2, {"description": "A frail patient falls on the way to the day room.",
                                        "severity": 4, "likelihood": 3})

    idea = create_draft(mentee, {**RECOMMENDED, "unit": units["Ward 4B – Acute Medicine"].id})
    apply_action(idea, mentee, "submit", idea.version)
    apply_action(idea, mentor, "start_review", idea.version)
    ops.save_feasibility(idea, mentor, {**{f"score_{c}": 4 for c in CRITERIA}, "score_evidence": 3,
                                        "overall": "proceed", "overall_note": "A simple, cheap test of change."}, 0)
    ops.add_hazard(idea, mentor, {"description": "Helpers drawn from the medicine round delay it.", "severity": 2,
                                  "likelihood": 3, "mitigation": "Helpers come from the housekeeping team first.",
                                  "owner": "Ward manager, 4B"})
    ops.save_triage(idea, mentor, {"triage_new_treatment": "no", "triage_randomises": "no",
                                   "triage_extra_data": "no", "triage_generalisable": "no"}, 1)
    start = utcnow().date() + timedelta(days=14)
    ops.save_plan(idea, mentee, {"aim": "At least 75% of red-tray meals half eaten on 4B within 8 weeks.",
                                 "units": [units["Ward 4B – Acute Medicine"].id], "planned_start": start,
                                 "planned_end": start + timedelta(weeks=8),
                                 "data_collection": "Food charts tallied daily by the nurse in charge."}, 0)
    for measure in MEASURES:
        ops.add_measure(idea, mentee, measure)
    apply_action(idea, mentor, "recommend", idea.version)
