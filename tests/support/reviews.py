"""Test helpers for reviews: a complete review and pilot plan, written through the operations."""
from datetime import date

from ideas.accounts.models import User
from ideas.pipeline.models import Idea
from ideas.review import operations as ops
from ideas.review.queries import plan_of, review_of
from ideas.review.rules import CRITERIA

FEASIBILITY = {**{f"score_{c}": "4" for c in CRITERIA}, **{f"note_{c}": "Sound." for c in CRITERIA},
               "overall": "proceed", "overall_note": "A good small test of change."}
HIGH_HAZARD = {"description": "Checklist delays the evening drug round.", "severity": "3", "likelihood": "3",
               "mitigation": "Do the checklist after the drug round.", "owner": "Ward manager"}
MEASURES = [
    {"kind": "outcome", "name": "Night-time falls", "definition": "Falls between 22:00 and 06:00 per 1,000 bed days.",
     "unit_of_measure": "per 1,000 bed days", "direction": "decrease", "baseline": "6.5", "target": "4"},
    {"kind": "process", "name": "Checklist done", "definition": "Share of patients with the checklist ticked.",
     "unit_of_measure": "%", "direction": "increase", "baseline": "0", "target": "90"},
    {"kind": "balancing", "name": "Handover length", "definition": "Minutes the evening handover takes.",
     "unit_of_measure": "minutes", "direction": "decrease", "baseline": "30", "target": "30",
     "stop_threshold": "45", "stop_direction": "above"},
]
TRIAGE_QI = {"triage_new_treatment": "no", "triage_randomises": "no", "triage_extra_data": "no",
             "triage_generalisable": "no"}


def version(row) -> int:
    return row.version if row is not None else 0


def write_plan(idea: Idea, author: User, unit_id: int) -> None:
    ops.save_plan(idea, author, {"aim": "Reduce night-time falls on 4B by 30% by 31 March.", "units": [unit_id],
                                 "planned_start": date(2027, 1, 4), "planned_end": date(2027, 3, 31),
                                 "data_collection": "Night nurse in charge tallies each shift."},
                  version(plan_of(idea.id)))
    for measure in MEASURES:
        ops.add_measure(idea, author, measure)


def complete_review(idea: Idea, mentor: User, unit_id: int | None = None, hazards=(HIGH_HAZARD,),
                    plan_author: User | None = None) -> None:
    """Feasibility, safety (the hazards given, or the no-hazards statement), QI triage and the plan; flushes."""
    ops.save_feasibility(idea, mentor, FEASIBILITY, version(review_of(idea.id)))
    for hazard in hazards:
        ops.add_hazard(idea, mentor, hazard)
    if not hazards:
        ops.save_safety_statement(idea, mentor, True, version(review_of(idea.id)))
    ops.save_triage(idea, mentor, TRIAGE_QI, version(review_of(idea.id)))
    write_plan(idea, plan_author or mentor, unit_id or idea.unit_id)
