"""The seeded demo: a site with units and a user for every role."""
import click
from sqlalchemy import select

from ideas.accounts.models import Role, Site, Unit, User
from ideas.accounts.operations import create_user
from ideas.audit import record
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


def seed_demo() -> None:
    """Add the demo data once; running it again changes nothing."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])) is not None:
        return
    for site_name, unit_names in DEMO_UNITS.items():
        site = Site(name=site_name)
        db.session.add(site)
        record("site.created", entity=site, changes={"name": (None, site_name)})
        for name in unit_names:
            unit = Unit(site=site, name=name)
            db.session.add(unit)
            record("unit.created", entity=unit, changes={"name": (None, name), "site_id": (None, site.id)})
    for email, name, roles in DEMO_USERS:
        create_user(email, name, roles, DEMO_PASSWORD)
    db.session.commit()


def print_sign_in(address: str | None = None) -> None:
    if address:
        click.echo(f"\nFrontline Ideas demo is running at {address}")
    click.echo(f"Sign in with any of these e-mail addresses and the password {DEMO_PASSWORD}:")
    for email, name, roles in DEMO_USERS:
        click.echo(f"  {email:<26} {name}  [{', '.join(sorted(roles))}]")
