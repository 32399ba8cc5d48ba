"""The demo committee: signed votes on the idea at committee review, a recusal, a pilot approved with
two conditions (one overdue), an idea the committee declined, and meetings with their agendas.
Everything goes through the committee's operations, signed with the demo password."""
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from ideas import clock
from ideas.accounts.models import Unit, User
from ideas.committee.operations import (
    cast_vote,
    create_meeting,
    decide,
    recuse,
    schedule,
    update_meeting,
)
from ideas.committee.queries import open_round
from ideas.pipeline.models import Idea
from ideas.review.demo import recommend_demo_idea
from ideas.settings import get_setting

APPROVED_DAYS_AGO = 21  # the pilot was approved three weeks ago; its first condition fell due a week ago

TURNING_CLOCK = {
    "idea": {
        "title": "Turning clock at the bedside",
        "problem": "Pressure injuries on heels and the lower back appear when turns are missed; the turning chart "
                   "lives in the office, so nobody sees a missed turn in time.",
        "proposed_change": "A wipe-clean turning clock on the bed of every patient at high risk, set at each turn, "
                           "so anyone passing sees when the next turn is due.",
        "expected_benefit": "Fewer pressure injuries acquired on the ward.",
        "benefits": ["safety", "quality"], "category": "pressure_care", "tags": "pressure injuries, skin care",
        "evidence": "Ward pressure-injury audit for the last two quarters; the tissue-viability team's guidance.",
    },
    "feasibility": {"score_evidence": 4, "score_patient_experience": 4, "score_resources": 5, "score_workload": 3,
                    "score_alignment": 5, "score_measurability": 4, "overall": "proceed",
                    "overall_note": "Cheap, visible, and the tissue-viability nurse will support it."},
    "hazards": [{"description": "Patients are woken at night for turns and sleep badly.", "severity": 2,
                 "likelihood": 3, "mitigation": "At night, turn only at the planned times, and skip a turn for a "
                 "patient asleep on an air mattress.", "owner": "Nurse in charge, each night"}],
    "plan": {"aim": "Halve new pressure injuries on the Rehabilitation Ward within 12 weeks.", "weeks": 12,
             "data_collection": "The tissue-viability link nurse counts new injuries weekly; turns are checked on "
                                "five beds at every handover."},
    "measures": [
        {"kind": "outcome", "name": "New pressure injuries", "definition": "Pressure injuries first found on the "
         "ward, per 1,000 bed days.", "unit_of_measure": "per 1,000 bed days", "direction": "decrease",
         "baseline": "3.1", "target": "1.5"},
        {"kind": "process", "name": "Turns on time", "definition": "Share of checked beds whose last turn was "
         "within the planned time.", "unit_of_measure": "%", "direction": "increase", "baseline": "40",
         "target": "90"},
        {"kind": "balancing", "name": "Poor nights", "definition": "Share of patients who say they slept badly, "
         "asked at the morning round.", "unit_of_measure": "%", "direction": "decrease", "baseline": "20",
         "target": "20", "stop_threshold": "35", "stop_direction": "above"},
    ],
}

GREETERS = {
    "idea": {
        "title": "Volunteer greeters in the Emergency Department waiting room",
        "problem": "People waiting do not know where they are in the queue, so they ask the triage nurse and "
                   "interrupt triage.",
        "proposed_change": "Volunteers greet every arrival, explain how waiting works and call the triage nurse "
                           "if someone looks worse.",
        "expected_benefit": "Calmer waiting room, fewer interruptions of triage.",
        "benefits": ["patient_experience", "staff"], "category": "communication", "tags": "waiting, volunteers",
    },
    "feasibility": {**{f"score_{c}": 3 for c in ("evidence", "patient_experience", "workload", "alignment",
                                                 "measurability")}, "score_resources": 2, "overall": "proceed_with_changes",
                    "overall_note": "Worth asking the committee: it depends on volunteers in the evening."},
    "hazards": [{"description": "A volunteer gives clinical advice or does not notice a patient getting worse.",
                 "severity": 4, "likelihood": 2, "mitigation": "Volunteers never give clinical advice; they follow "
                 "a script and call the triage nurse with a red card.", "owner": "ED matron"}],
    "plan": {"aim": "Halve interruptions of triage in the evening within 6 weeks.", "weeks": 6,
             "data_collection": "The triage nurse tallies interruptions on two evenings a week."},
    "measures": [
        {"kind": "outcome", "name": "Triage interruptions", "definition": "Interruptions of the triage nurse per "
         "evening by people asking about their wait.", "unit_of_measure": "per evening", "direction": "decrease",
         "baseline": "14", "target": "7"},
        {"kind": "process", "name": "Evenings with a greeter", "definition": "Share of evenings with a volunteer "
         "on shift from 17:00 to 22:00.", "unit_of_measure": "%", "direction": "increase", "baseline": "0",
         "target": "80"},
        {"kind": "balancing", "name": "Left without being seen", "definition": "Patients who leave before being "
         "seen, per week.", "unit_of_measure": "per week", "direction": "decrease", "baseline": "12",
         "target": "12"},
    ],
}

HOME_BY_LUNCH = {
    "idea": {
        "title": "Home by lunch: the discharge checklist the day before",
        "problem": "Patients who are ready to go home wait until the afternoon for medicines and transport, so "
                   "beds free up too late for the day's admissions.",
        "proposed_change": "The day before discharge the team completes a checklist — medicines ordered, transport "
                           "booked, family told — and the patient leaves by 11:00.",
        "expected_benefit": "Earlier discharges, shorter waits for a bed, less rush in the afternoon.",
        "benefits": ["efficiency", "patient_experience"], "category": "patient_flow", "tags": "discharge",
    },
    "feasibility": {**{f"score_{c}": 4 for c in ("evidence", "patient_experience", "resources", "alignment",
                                                 "measurability")}, "score_workload": 3, "overall": "proceed",
                    "overall_note": "Pharmacy agrees to turn round next-day discharge medicines by 10:00."},
    "hazards": [{"description": "A patient is sent home before they are ready, to meet the 11:00 goal.",
                 "severity": 4, "likelihood": 2, "mitigation": "11:00 is a goal, never a rule: the nurse in charge "
                 "can hold any discharge, and holds are not counted against the ward.",
                 "owner": "Ward manager, Rehabilitation"}],
    "plan": {"aim": "Half of planned discharges leave the ward by 11:00 within 10 weeks.", "weeks": 10,
             "data_collection": "Discharge times from the bed board, counted weekly by the ward clerk."},
    "measures": [
        {"kind": "outcome", "name": "Discharged by 11:00", "definition": "Share of planned discharges leaving "
         "the ward by 11:00.", "unit_of_measure": "%", "direction": "increase", "baseline": "15", "target": "50"},
        {"kind": "process", "name": "Checklist done the day before", "definition": "Share of planned discharges "
         "with the checklist complete by 18:00 the day before.", "unit_of_measure": "%", "direction": "increase",
         "baseline": "0", "target": "80"},
        {"kind": "balancing", "name": "Readmissions within 7 days", "definition": "Patients readmitted within "
         "7 days of discharge, per month.", "unit_of_measure": "per month", "direction": "decrease",
         "baseline": "3", "target": "3", "stop_threshold": "6", "stop_direction": "above"},
    ],
}


@contextmanager
def today_was(days_ago: int) -> Iterator[None]:
    """While seeding a decision taken `days_ago`: the hospital's "today" (`clock.local_today`, which checks
    due dates) is that day. Only the seed uses this, before any request is served; audit times stay real."""
    real = clock.utcnow
    clock.utcnow = lambda: real() - timedelta(days=days_ago)
    try:
        yield
    finally:
        clock.utcnow = real


def seed_demo_committee(users: dict[str, User], units: dict[str, Unit], red_trays: Idea, password: str) -> None:
    """Meetings, votes, a recusal, an approved pilot with conditions, and a declined idea; `password` signs."""
    chair, grace, omar, joy = (users[e] for e in ("chair@demo.example", "committee@demo.example",
                                                  "committee2@demo.example", "committee3@demo.example"))
    today = clock.local_today(get_setting("time_zone"))
    last_month, yesterday, next_week = (
        create_meeting(chair, {"title": title, "held_on": today + timedelta(days=days)})
        for title, days in (("Monthly quality committee", -APPROVED_DAYS_AGO), ("Quality committee: mealtimes", -1),
                            ("Monthly quality committee", 7)))

    sam, tom = users["mentee2@demo.example"], users["mentor2@demo.example"]
    pilot = recommend_demo_idea(sam, tom, units["Rehabilitation Ward"], TURNING_CLOCK,
                                start=today - timedelta(days=APPROVED_DAYS_AGO - 7))
    schedule(open_round(pilot.id), last_month, chair)
    for member, comment in ((chair, "Cheap and visible."), (grace, "Good balancing measure on sleep."),
                            (omar, "")):
        cast_vote(pilot, member, "approve", comment, password)
    with today_was(APPROVED_DAYS_AGO):
        approved = clock.local_today(get_setting("time_zone"))
        decide(pilot, chair, "approve_pilot", pilot.version, password=password, conditions=[
            {"text": "Train the night staff on the turning clock before their first night on the pilot.",
             "owner": sam.id, "due_on": approved + timedelta(days=14)},
            {"text": "Bring the first month's pressure-injury count and the sleep answers to the committee.",
             "owner": tom.id, "due_on": today + timedelta(days=20)},
        ])

    maya, priya = users["mentee@demo.example"], users["mentor@demo.example"]
    greeters = recommend_demo_idea(maya, priya, units["Emergency Department"], GREETERS)
    schedule(open_round(greeters.id), last_month, chair)
    for member, vote, comment in ((chair, "reject", "No volunteers in the evening, when the waits are longest."),
                                  (grace, "reject", "Try the waiting-time screen on its own first."),
                                  (omar, "abstain", "")):
        cast_vote(greeters, member, vote, comment, password)
    decide(greeters, chair, "decline", greeters.version, password=password,
           reason="The volunteer service cannot staff evenings, when the waits are longest. The committee invites "
                  "a new idea for the waiting-time screen alone.")
    update_meeting(last_month, chair, {
        "title": last_month.title, "held_on": last_month.held_on, "attendees": [chair.id, grace.id, omar.id],
        "minutes": "Turning clock at the bedside: approved for a 12-week pilot on the Rehabilitation Ward, with two "
                   "conditions (night-staff training; the first month's results).\n\nVolunteer greeters in the "
                   "Emergency Department: declined; a new idea for the waiting-time screen is welcome."},
        last_month.version)

    schedule(open_round(red_trays.id), yesterday, chair)
    cast_vote(red_trays, chair, "approve", "Simple, cheap, and the balancing measure protects the medicine round.",
              password)
    cast_vote(red_trays, grace, "approve", "", password)
    update_meeting(yesterday, chair, {
        "title": yesterday.title, "held_on": yesterday.held_on, "attendees": [chair.id, grace.id],
        "minutes": "Red trays: discussed; two members voted to approve. Not quorate at the meeting: the members "
                   "who were away cast their votes on the agenda page."}, yesterday.version)

    home_by_lunch = recommend_demo_idea(sam, tom, units["Rehabilitation Ward"], HOME_BY_LUNCH)
    recuse(home_by_lunch, omar, "I manage the discharge team whose work this idea changes.")
    cast_vote(home_by_lunch, joy, "approve", "Pharmacy's support makes this workable.", password)
    schedule(open_round(home_by_lunch.id), next_week, chair)

