"""The seeded demo: sites with units, a user for every role, mentees paired with mentors."""
import click
from sqlalchemy import select

from ideas.accounts.models import Role, User
from ideas.accounts.operations import create_user
from ideas.accounts.pairings import pair_mentee
from ideas.accounts.units import create_site, create_unit
from ideas.database import db

DEMO_PASSWORD = "frontline-demo-2026"
DEMO_USERS = [
    ("mentee@demo.example", "Maya Okafor (staff nurse)", {Role.MENTEE}),
    ("mentee2@demo.example", "Sam Rivera (physiotherapist)", {Role.MENTEE}),
    ("mentor@demo.example", "Dr Priya Shah (mentor)", {Role.MENTOR}),
    ("mentor2@demo.example", "Tom Berg (senior nurse, mentor)", {Role.MENTOR, Role.MENTEE}),
    ("chair@demo.example", "Dr Ana Lopes (committee chair)", {Role.COMMITTEE}),
    ("committee@demo.example", "Grace Kim (committee)", {Role.COMMITTEE}),
    ("committee2@demo.example", "Omar Haddad (committee)", {Role.COMMITTEE}),
    ("admin@demo.example", "Quality Office (admin)", {Role.ADMIN}),
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
    db.session.commit()


def print_sign_in(address: str | None = None) -> None:
    if address:
        click.echo(f"\nFrontline Ideas demo is running at {address}")
    click.echo(f"Sign in with any of these e-mail addresses and the password {DEMO_PASSWORD}:")
    for email, name, roles in DEMO_USERS:
        click.echo(f"  {email:<26} {name}  [{', '.join(sorted(roles))}]")
