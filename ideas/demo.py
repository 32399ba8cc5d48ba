"""The seeded demo: sites with units, a user for every role, mentees paired with mentors, ideas in every
stage, the committee's votes, decisions, conditions and meetings, pilots, scale-up and sustainment."""
import click
from sqlalchemy import select

from ideas.accounts.models import Role, Unit, User
from ideas.accounts.operations import create_user
from ideas.accounts.pairings import pair_mentee
from ideas.accounts.units import create_site, create_unit
from ideas.committee.demo import seed_demo_committee
from ideas.database import db
from ideas.pipeline.operations import apply_action, create_draft
from ideas.review.demo import seed_demo_reviews
from ideas.spread.demo import seed_demo_spread

DEMO_PASSWORD = "frontline-demo-2026"
DEMO_USERS = [
    ("mentee@demo.example", "Maya Okafor", {Role.MENTEE}),
    ("mentee2@demo.example", "Sam Rivera", {Role.MENTEE}),
    ("mentor@demo.example", "Dr Priya Shah", {Role.MENTOR}),
    ("mentor2@demo.example", "Tom Berg", {Role.MENTOR, Role.MENTEE}),
    ("chair@demo.example", "Dr Ana Lopes", {Role.COMMITTEE}),
    ("committee@demo.example", "Grace Kim", {Role.COMMITTEE}),
    ("committee2@demo.example", "Omar Haddad", {Role.COMMITTEE}),
    ("committee3@demo.example", "Joy Adeyemi", {Role.COMMITTEE}),
    ("admin@demo.example", "Quality Office", {Role.ADMIN}),
]
DEMO_UNITS = {
    "Riverside General Hospital": ["Ward 4B – Acute Medicine", "Emergency Department", "Intensive Care"],
    "Hillcrest Community Hospital": ["Rehabilitation Ward", "Day Surgery"],
}

DEMO_HOME_UNITS = {
    "mentee@demo.example": "Ward 4B – Acute Medicine",
    "mentee2@demo.example": "Rehabilitation Ward",
    "mentor@demo.example": "Intensive Care",
    "mentor2@demo.example": "Emergency Department",
}
DEMO_PAIRINGS = [("mentee@demo.example", "mentor@demo.example"), ("mentee2@demo.example", "mentor2@demo.example")]


def seed_demo() -> None:
    """Add the demo data once; running it again changes nothing."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])) is not None:
        return
    units = {}
    for site_name, unit_names in DEMO_UNITS.items():
        site = create_site(site_name)
        units.update((name, create_unit(site, name)) for name in unit_names)
    users = {email: create_user(email, name, roles, DEMO_PASSWORD, home_unit=units.get(DEMO_HOME_UNITS.get(email)))
             for email, name, roles in DEMO_USERS}
    for mentee, mentor in DEMO_PAIRINGS:
        pair_mentee(users[mentee], users[mentor])
    seed_demo_ideas(users, units)
    red_trays = seed_demo_reviews(users, units)
    seed_demo_committee(users, units, red_trays, DEMO_PASSWORD)
    seed_demo_spread(users, units, DEMO_PASSWORD)
    db.session.commit()


# (submitter, unit, fields, [(actor, action, inputs), …]): each idea reaches its stage through the operations.
DEMO_IDEAS = [
    ("mentee@demo.example", "Ward 4B – Acute Medicine", {
        "title": "Quiet hours after 22:00 on Ward 4B",
        "problem": "Patients tell us they cannot sleep: phones, bins and the drug trolley are loud at night.",
        "proposed_change": "Soft-close bins, phones on vibrate and a dimmed corridor from 22:00 to 06:00.",
        "benefits": ["patient_experience"], "category": "other", "tags": "sleep, noise",
    }, []),
    ("mentee@demo.example", "Ward 4B – Acute Medicine", {
        "title": "Night-time falls checklist",
        "problem": "Most of our falls happen between 02:00 and 05:00 on the way to the toilet.",
        "proposed_change": "A five-point bedside check at the evening handover: call bell, glasses, "
                           "footwear, commode, bed height.",
        "expected_benefit": "Fewer night-time falls and fewer injuries from falls.",
        "benefits": ["safety", "quality"], "category": "falls", "tags": "falls, nights, handover",
        "evidence": "NICE guideline on falls in older people; our falls audit for the last quarter.",
        "co_authors": ["mentee2@demo.example"],
    }, [("mentee@demo.example", "submit", {})]),
    ("mentee2@demo.example", "Rehabilitation Ward", {
        "title": "Walk to lunch",
        "problem": "Patients who eat in bed lose strength; many could walk to the day room with help.",
        "proposed_change": "Staff walk every able patient to the day room for lunch, with a simple mobility score.",
        "expected_benefit": "More steps per day, shorter stays, better mood.",
        "benefits": ["patient_experience", "quality"], "category": "patient_flow", "tags": "mobility, nutrition",
        "resources": "Two extra chairs for the day room; ten minutes of training at the huddle.",
    }, [("mentee2@demo.example", "submit", {}), ("mentor2@demo.example", "start_review", {})]),
    ("mentee@demo.example", "Emergency Department", {
        "title": "Pre-filled sepsis screening stickers",
        "problem": "Sepsis screening is often incomplete at triage when the department is busy.",
        "proposed_change": "A sticker with the screening questions, placed on every triage card.",
        "expected_benefit": "Earlier antibiotics for patients with sepsis.",
        "benefits": ["safety"], "category": "documentation", "tags": "sepsis, triage",
    }, [("mentee@demo.example", "submit", {}), ("mentor@demo.example", "start_review", {}),
        ("mentor@demo.example", "request_changes",
         {"comment": "Say how you will measure completion before and after, and who prints the stickers."})]),
    ("mentee2@demo.example", "Day Surgery", {
        "title": "Text reminders for fasting times",
        "problem": "Some patients arrive not fasted and their operation is cancelled.",
        "proposed_change": "An automatic text message the evening before with the fasting times.",
        "expected_benefit": "Fewer cancellations on the day.",
        "benefits": ["efficiency", "patient_experience"], "category": "communication",
    }, [("mentee2@demo.example", "submit", {}),
        ("mentee2@demo.example", "withdraw", {"reason": "The hospital is rolling out a text service already."})]),
]


def seed_demo_ideas(users: dict[str, User], units: dict[str, Unit]) -> None:
    """Ideas in draft, submitted, mentor review (with a mentor), revision and withdrawn."""
    for submitter, unit, fields, steps in DEMO_IDEAS:
        idea = create_draft(users[submitter], {**fields, "unit": units[unit].id})
        for actor, action, inputs in steps:
            apply_action(idea, users[actor], action, idea.version, **inputs)


def print_sign_in(address: str | None = None) -> None:
    if address:
        click.echo(f"\nFrontline Ideas demo is running at {address}")
    click.echo(f"Sign in with any of these e-mail addresses and the password {DEMO_PASSWORD}:")
    for email, name, roles in DEMO_USERS:
        click.echo(f"  {email:<26} {name}  [{', '.join(sorted(roles))}]")
