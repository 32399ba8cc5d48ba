"""`flask --app ideas audit verify | export | verify-export`."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ideas.audit.export import FORMATS, export_chunks, record_export, verify_export
from ideas.audit.queries import AuditFilter
from ideas.audit.verify import verify_trail
from ideas.database import db

audit = click.Group("audit", help="Verify and export the audit trail.")


@audit.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check the chain and the checkpoint; exit 1 naming the first bad sequence number."""
    report = verify_trail()
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="csv or json.")
@click.option("--idea", "idea_id", type=click.IntRange(1, 2**31 - 1), help="Only this idea's events.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="A file (default: standard output).")
@with_appcontext
def export_command(fmt: str, idea_id: int | None, output: str | None) -> None:
    """Export events with their hashes and canonical bytes; the export is itself an audit event."""
    audit_filter = AuditFilter(idea_id=idea_id)
    through = record_export(audit_filter, fmt)
    db.session.commit()
    cfg = current_app.config
    chunks = export_chunks(audit_filter, fmt, through, cfg["AUDIT_KEY"], cfg["HOSPITAL_TIME_ZONE"])
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as handle:
        handle.writelines(chunks)
    click.echo(f"Exported the audit trail through event {through} to {output}.", err=True)


@audit.command("verify-export")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def verify_export_command(path: str) -> None:
    """Verify an export file on its own (needs the same AUDIT_KEY); exit 1 if it does not hold."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} is not UTF-8 text, so not an audit export.") from error
    report = verify_export(text, current_app.config["AUDIT_KEY"])
    click.echo(report.summary("Export"))
    if not report.ok:
        raise SystemExit(1)
