"""`flask --app ideas backup PATH` and `restore PATH [--force]`."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from ideas.backup.databases import ToolFailed
from ideas.backup.operations import restore_backup, take_backup
from ideas.errors import Refusal


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back up the database, the audit checkpoint and its history to one archive file at PATH."""
    try:
        manifest = take_backup(path)
    except ToolFailed as failure:
        raise click.ClickException(str(failure)) from failure
    click.echo(f"Backed up the {manifest['database']} database with the audit checkpoint and its history "
               f"to {path} ({path.stat().st_size:,} bytes, taken {manifest['created_at']}).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore the archive at PATH into the configured database (stop the app servers first)."""
    try:
        through = restore_backup(path, force)
    except (Refusal, ToolFailed) as refusal:
        raise click.ClickException(getattr(refusal, "message", str(refusal))) from refusal
    click.echo(f"Restored {path}: the audit trail holds events 1 to {through}, then the `restored` event. "
               "Run `flask --app ideas audit verify` to check it.")
