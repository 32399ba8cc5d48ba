"""`flask --app ideas spread …`: the scale-up's commands for cron."""
import click
from flask.cli import with_appcontext

from ideas.database import db
from ideas.pilots.operations import hospital_today
from ideas.spread.operations import flag_missed

spread = click.Group("spread", help="Scale-up and sustainment.")


@spread.command("flag-missed")
@with_appcontext
def flag_missed_command() -> None:
    """Flag each sustainment check not answered by its due date (once; safe to run twice)."""
    flagged = flag_missed(hospital_today())
    db.session.commit()
    click.echo(f"{flagged} missed sustainment check{'' if flagged == 1 else 's'} flagged.")
