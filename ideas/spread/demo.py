"""The demo's late stages: pilots whose charts show real signals (a shift, a trend, an astronomical point),
one at pilot review, one in scale-up, one adopted with its units and sustainment checks (one answered, one
missed), and one stopped by the committee after a stop rule held it, with its lesson. Everything goes
through the operations, signed with the demo password."""
from datetime import date, timedelta

from sqlalchemy import select

from ideas.accounts.models import Unit, User
from ideas.committee.operations import cast_vote, decide
from ideas.pilots.completion import complete_pilot
from ideas.pilots.operations import add_observation, hospital_today, record_pdsa, upload_observations
from ideas.database import db
from ideas.pipeline.models import Idea
from ideas.pipeline.operations import apply_action
from ideas.review.demo import recommend_demo_idea
from ideas.review.queries import measures_of
from ideas.spread.models import TargetUnit
from ideas.spread.operations import answer_check, flag_missed, update_unit
from ideas.spread.queries import checks_by_unit

FEASIBILITY = {"score_evidence": 4, "score_patient_experience": 4, "score_resources": 4, "score_workload": 3,
               "score_alignment": 4, "score_measurability": 4, "overall": "proceed",
               "overall_note": "Small, cheap and measurable: a good test of change."}


def _spec(idea: dict, hazard: tuple[str, str, str], aim: str, measures: list[tuple]) -> dict:
    """A demo idea's review and plan: one moderate hazard; measures as (kind, name, unit, direction, baseline,
    target, stop threshold or None)."""
    description, mitigation, owner = hazard
    return {"idea": idea, "feasibility": FEASIBILITY,
            "hazards": [{"description": description, "severity": 2, "likelihood": 2, "mitigation": mitigation,
                         "owner": owner}],
            "plan": {"aim": aim, "weeks": 8, "data_collection": "The nurse in charge counts it on each shift; "
                                                                 "the ward clerk enters the figures daily."},
            "measures": [{"kind": kind, "name": name, "definition": f"{name}, counted each day.",
                          "unit_of_measure": unit, "direction": direction, "baseline": baseline, "target": target,
                          **({"stop_threshold": stop, "stop_direction": "above"} if stop else {})}
                         for kind, name, unit, direction, baseline, target, stop in measures]}


MEALTIMES = _spec(
    {"title": "Protected mealtimes on Ward 4B", "problem": "Ward rounds and tests interrupt lunch, so frail "
     "patients leave half their meal.", "proposed_change": "No routine rounds, tests or calls from 12:00 to 13:00; "
     "a helper for every patient who needs one.", "expected_benefit": "Patients eat more and recover sooner.",
     "benefits": ["patient_experience", "quality"], "category": "other", "tags": "nutrition, mealtimes"},
    ("A sick patient's review is delayed by the protected hour.", "Urgent reviews always go ahead.",
     "Nurse in charge"),
    "Three in four patients finish most of their lunch within 8 weeks.",
    [("outcome", "Meals mostly eaten", "%", "increase", "60", "75", None), ("process", "Lunches uninterrupted", "%", "increase", "50", "90", None),
     ("balancing", "Delayed reviews", "per day", "decrease", "1", "1", None)])
COMFORT_ROUNDS = _spec(
    {"title": "Hourly comfort rounds at night", "problem": "Call bells ring all night; patients wait and some try "
     "to get up alone.", "proposed_change": "A nurse visits each bay every hour from 22:00 to 06:00 and asks the "
     "same four questions: pain, position, toilet, reach.", "expected_benefit": "Fewer call bells, fewer falls.",
     "benefits": ["safety", "patient_experience"], "category": "falls", "tags": "rounding, nights"},
    ("Patients are woken by the rounds.", "Sleeping patients are checked from the door only.", "Night sister"),
    "Halve night-time call bells on the Emergency Department's observation ward within 8 weeks.",
    [("outcome", "Call bells per night", "per night", "decrease", "30", "15", None),
     ("process", "Rounds done on time", "%", "increase", "0", "90", None),
     ("balancing", "Patients woken", "per night", "decrease", "1", "1", None)])
BEDSIDE_HANDOVER = _spec(
    {"title": "Bedside handover with the patient", "problem": "Handover in the office misses what the patient "
     "knows, and omissions reach the next shift.", "proposed_change": "Handover at the bedside, with the patient "
     "invited to add or correct, using a short printed structure.", "expected_benefit": "Fewer omissions at "
     "handover; patients know their plan.", "benefits": ["safety", "patient_experience"],
     "category": "communication", "tags": "handover"},
    ("Confidential details are overheard in a shared bay.", "Sensitive items are handed over away from the bay.",
     "Ward manager"),
    "Cut handover omissions by half within 8 weeks.",
    [("outcome", "Handover omissions", "per week", "decrease", "5", "2", None),
     ("process", "Handovers at the bedside", "%", "increase", "0", "80", None),
     ("balancing", "Handover length", "minutes", "decrease", "30", "30", None)])
CHAIR_EXERCISES = _spec(
    {"title": "Chair exercises before breakfast", "problem": "Patients on the rehabilitation ward sit still until "
     "physiotherapy in the afternoon.", "proposed_change": "Ten minutes of seated exercises led by a healthcare "
     "assistant at 07:30.", "expected_benefit": "Stronger patients, earlier discharge.",
     "benefits": ["quality"], "category": "patient_flow", "tags": "mobility, exercise"},
    ("Patients feel dizzy exercising before they have eaten.", "A drink and a biscuit first; stop at any dizziness.",
     "Physiotherapy lead"),
    "Every able patient exercises each morning within 8 weeks.",
    [("outcome", "Patients exercising", "%", "increase", "20", "80", None),
     ("process", "Classes held", "per week", "increase", "0", "5", None),
     ("balancing", "Dizzy spells", "per week", "decrease", "1", "1", "3")])

# 24 daily points each: the outcome shows the idea's signal; the others hover (no stop rule tripped).
SHIFT = [62, 58, 65, 60, 63, 59, 61, 64, 60, 62, 61, 63, 78, 80, 76, 82, 79, 81, 77, 83, 80, 78, 84, 79]
TREND = [30, 31, 29, 32, 30, 31, 29, 30, 31, 30, 28, 27, 25, 23, 21, 19, 18, 17, 18, 17, 16, 17, 16, 15]
ASTRONOMICAL = [5, 4, 6, 5, 4, 5, 3, 4, 5, 4, 3, 4, 3, 4, 19, 3, 4, 3, 2, 3, 4, 3, 2, 3]
STEADY = [70, 72, 69, 74, 71, 73, 70, 72, 75, 71, 73, 72, 74, 70, 73, 72, 71, 74, 72, 73, 71, 72, 74, 73]
LOW = [1, 0, 1, 2, 1, 0, 1, 1, 2, 1, 0, 1, 1, 2, 1, 0, 1, 1, 0, 1, 2, 1, 1, 0]
RESULTS = {"summary": "The outcome moved as the plan predicted and held for the last weeks of the pilot; the "
                      "balancing measure stayed where it was.",
           "recommendation": "adopt", "impact": "Estimated at approval and realised: see the charts beside this."}


def _pilot(users: dict[str, User], submitter: str, mentor: str, unit: Unit, spec: dict, outcome: list[int],
           ended_days_ago: int, password: str) -> Idea:
    """Reviewed, approved by three members, and 24 days of observations ending `ended_days_ago`."""
    members = [users[e] for e in ("chair@demo.example", "committee@demo.example", "committee2@demo.example")]
    first_day = hospital_today() - timedelta(days=ended_days_ago + len(outcome) - 1)
    idea = recommend_demo_idea(users[submitter], users[mentor], unit, spec, start=first_day + timedelta(days=10))
    for member in members:
        cast_vote(idea, member, "approve", "", password)
    decide(idea, members[0], "approve_pilot", idea.version, password=password)
    record_pdsa(idea, users[submitter], {"change_tested": spec["idea"]["proposed_change"][:200],
                                         "started_on": first_day + timedelta(days=10)})
    for measure, values in zip(measures_of(idea.id), (outcome, STEADY, LOW), strict=True):
        rows = "".join(f"{first_day + timedelta(days=i)},{value}\n" for i, value in enumerate(values))
        upload_observations(idea, users[submitter], measure.id, f"date,value\n{rows}".encode(), "ward-tally.csv")
    return idea


def _scale_up(idea: Idea, users: dict[str, User], units: list[Unit], password: str) -> list:
    members = [users[e] for e in ("chair@demo.example", "committee@demo.example", "committee3@demo.example")]
    complete_pilot(idea, idea.submitter, RESULTS, idea.version)
    for member in members:
        cast_vote(idea, member, "approve", "The run chart speaks for itself.", password)
    decide(idea, members[0], "approve_scale_up", idea.version, password=password,
           target_units=[unit.id for unit in units])
    return list(db.session.scalars(select(TargetUnit).where(TargetUnit.idea_id == idea.id).order_by(TargetUnit.id)))


def _unit(idea: Idea, target, actor: User, **fields) -> None:
    update_unit(idea, actor, target.id, {"status": "planned", **fields}, target.version)


def seed_demo_spread(users: dict[str, User], units: dict[str, Unit], password: str) -> None:
    """Ideas at pilot review, in scale-up, adopted and stopped."""
    today: date = hospital_today()
    maya, sam, tom = (users[e] for e in ("mentee@demo.example", "mentee2@demo.example", "mentor2@demo.example"))
    ward, emergency, icu, rehab, day_surgery = (units[n] for n in (
        "Ward 4B – Acute Medicine", "Emergency Department", "Intensive Care", "Rehabilitation Ward", "Day Surgery"))

    mealtimes = _pilot(users, "mentee@demo.example", "mentor@demo.example", ward, MEALTIMES, SHIFT, 2, password)
    complete_pilot(mealtimes, maya, RESULTS, mealtimes.version)
    cast_vote(mealtimes, users["committee3@demo.example"], "approve", "A clear shift after the change.", password)

    rounds = _pilot(users, "mentee2@demo.example", "mentor2@demo.example", emergency, COMFORT_ROUNDS, TREND, 30,
                    password)
    first, second, third = _scale_up(rounds, users, [ward, icu, rehab], password)
    _unit(rounds, first, sam, status="in_progress", lead=maya.id, started_on=today - timedelta(days=12),
          notes="Started on the night shift; the day team joins next month.")
    _unit(rounds, second, sam, planned_start=today + timedelta(days=21), lead=tom.id)
    _unit(rounds, third, sam, status="declined", notes="Single rooms: the ward already checks every hour.")

    handover = _pilot(users, "mentee@demo.example", "mentor@demo.example", ward, BEDSIDE_HANDOVER, ASTRONOMICAL,
                      150, password)
    adopted_early, adopted_late = _scale_up(handover, users, [emergency, rehab], password)
    _unit(handover, adopted_early, maya, status="adopted", lead=tom.id, started_on=today - timedelta(days=120),
          adopted_on=today - timedelta(days=100), sustainment_owner=tom.id,
          adaptations="Handover at the trolley bay for patients on corridor care.")
    _unit(handover, adopted_late, maya, status="adopted", lead=sam.id, started_on=today - timedelta(days=40),
          adopted_on=today - timedelta(days=20), sustainment_owner=maya.id)
    apply_action(handover, users["chair@demo.example"], "mark_adopted", handover.version, password=password)
    day_30 = checks_by_unit(handover.id)[adopted_early.id][0]
    answer_check(handover, tom, day_30.id, {"answer": "yes", "note": "Every handover at the bedside this month."},
                 day_30.version)
    flag_missed(today)  # the early unit's day-90 check was not answered

    exercises = _pilot(users, "mentee2@demo.example", "mentor2@demo.example", day_surgery, CHAIR_EXERCISES, STEADY,
                       5, password)
    dizzy = measures_of(exercises.id)[2]
    add_observation(exercises, sam, dizzy.id, {"observed_on": today, "value": 5})  # trips the stop rule
    decide(exercises, users["committee@demo.example"], "stop", exercises.version, password=password,
           reason="Lesson: exercise before breakfast made frail patients dizzy. Try it after breakfast, "
                        "with a drink first, as a new idea.")
