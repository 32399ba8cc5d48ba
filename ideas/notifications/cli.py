"""`flask --app ideas notify send | due`."""
import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from ideas.database import db, is_locked
from ideas.notifications.due import queue_digests, raise_due
from ideas.notifications.outbox import send_outbox

notify = click.Group("notify", help="Send the e-mail outbox; raise due and overdue reminders.")


@notify.command("send")
@click.option("--limit", type=click.IntRange(1, 100_000), help="Send at most this many messages.")
@with_appcontext
def send_command(limit: int | None) -> None:
    """Send the outbox's due messages over SMTP; a failed one waits longer each time."""
    try:
        run = send_outbox(limit)
    except OperationalError as error:
        if not is_locked(error):
            raise
        raise click.ClickException("Another sender holds the database; try again in a moment.") from None
    click.echo(f"Sent {run.sent}, failed {run.failed}.")
    for error in dict.fromkeys(run.errors):
        click.echo(f"  {error}", err=True)


@notify.command("due")
@with_appcontext
def due_command() -> None:
    """Raise due and overdue reminders and queue the daily digests (for cron; safe to run twice)."""
    told = raise_due()
    digests = queue_digests()
    db.session.commit()
    click.echo(f"Reminded {told}; queued {digests} digest(s).")
