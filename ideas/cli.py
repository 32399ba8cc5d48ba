"""Command line: `flask --app ideas …` (or the `ideas` console script)."""
import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from ideas.accounts.models import Role
from ideas.accounts.operations import create_user
from ideas.audit.cli import audit
from ideas.backup.cli import backup_command, restore_command
from ideas.charts.cli import chart
from ideas.database import db
from ideas.errors import Refusal
from ideas.extensions import talisman
from ideas.notifications.cli import notify
from ideas.spread.cli import spread

ROLE_CHOICE = click.Choice([r.value for r in Role])

users = click.Group("users", help="Create users and pair mentees with mentors.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE, help="Repeat for several roles.")
@click.option("--password", help="Prompted for (hidden) when not given.")
@with_appcontext
def users_create(email: str, name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create a user with one or more roles."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise click.BadParameter(f"use at least {current_app.config['PASSWORD_MIN_LENGTH']} characters", param_hint="--password")
    try:
        user = create_user(email, name, {Role(r) for r in roles}, password)
    except Refusal as refusal:
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))}).")


@users.command("pair")
@click.argument("mentee_email")
@click.argument("mentor_email")
@with_appcontext
def users_pair(mentee_email: str, mentor_email: str) -> None:
    """Make MENTOR_EMAIL the mentor of MENTEE_EMAIL, ending any earlier pairing."""
    from ideas.accounts.pairings import pair_mentee
    from ideas.accounts.views import find_user_by_email

    people = []
    for email in (mentee_email, mentor_email):
        if (user := find_user_by_email(email)) is None:
            raise click.ClickException(f"No user has the e-mail address {email}.")
        people.append(user)
    mentee, mentor = people
    try:
        pair_mentee(mentee, mentor)
    except Refusal as refusal:
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(f"{mentor.name} ({mentor.email}) is now the mentor of {mentee.name} ({mentee.email}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Users for every role and ideas in every stage; prints how to sign in."""
    from ideas.demo import print_sign_in, seed_demo

    seed_demo()
    print_sign_in()


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """Migrate, seed the demo and serve it locally (development server, plain HTTP)."""
    from ideas.demo import print_sign_in, seed_demo

    upgrade()
    seed_demo()
    db.session.remove()  # the seeding transaction must not hold SQLite's write lock while the server runs
    print_sign_in(f"http://{host}:{port}/")
    app = current_app._get_current_object()
    app.config["SESSION_COOKIE_SECURE"] = talisman.session_cookie_secure = False  # local plain HTTP only
    app.config["TOTP_REQUIRED_ROLES"] = ""  # two-step sign-in stays optional in the local demo
    click.echo("Two-step sign-in is optional in this demo; in production admin and committee must enrol.")
    run_simple(host, port, app, threaded=True)


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(audit)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(chart)
    app.cli.add_command(notify)
    app.cli.add_command(spread)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_command)


def main() -> None:
    """The `ideas` console script, mirroring `flask --app ideas`."""
    from ideas import create_app

    FlaskGroup(create_app=create_app)()
