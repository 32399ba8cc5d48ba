"""Taking a backup and restoring one: the database with the audit checkpoint and its history."""
import shutil
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from alembic.runtime.migration import MigrationContext
from flask import current_app
from flask_migrate import upgrade

from ideas.audit import SYSTEM, checkpoint, history, record
from ideas.audit.chain import key_id
from ideas.audit.queries import trail_head
from ideas.backup import archive
from ideas.backup.databases import MEMBER, dialect, dump, has_rows, load
from ideas.database import db
from ideas.errors import Conflict, Invalid

CHECKPOINT = "audit-checkpoint.json"
HISTORY = "audit-checkpoint.history.jsonl"


def _checkpoint_files() -> dict[str, Path]:
    """Archive name -> where the checkpoint and its history live on this server."""
    path = Path(current_app.config["AUDIT_CHECKPOINT_PATH"])
    return {CHECKPOINT: path, HISTORY: history.path_for(path)}


def take_backup(target: Path) -> dict:
    """Write the database, the checkpoint and its history to the archive `target`; its manifest."""
    engine, files = db.engine, _checkpoint_files()
    with TemporaryDirectory(prefix="ideas-backup-") as folder:
        members = {}
        # The checkpoint before the database: the copied chain then holds every event the copied
        # checkpoint and history name (the checkpoint only moves after its events commit).
        with checkpoint.locked(files[CHECKPOINT]):
            for name, path in files.items():
                if path.exists():
                    members[name] = shutil.copyfile(path, Path(folder) / name)
        database = MEMBER[dialect(engine)]
        dump(engine, Path(folder) / database)
        with engine.connect() as connection:
            migration = sorted(MigrationContext.configure(connection).get_current_heads())
        about = {"created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                 "database": dialect(engine), "migration": migration,
                 "audit_key_id": key_id(current_app.config["AUDIT_KEY"])}
        return archive.write(target, {database: Path(folder) / database, **members}, about)


def restore_backup(source: Path, force: bool) -> int:
    """Replace the database, the checkpoint and its history with the backup's; the last event restored.

    The archive is checked whole first: a damaged one, or one for another kind of database or
    another AUDIT_KEY, changes nothing. A `restored` event then names the event restored to.
    """
    engine, files = db.engine, _checkpoint_files()
    with TemporaryDirectory(prefix="ideas-restore-") as folder:
        try:
            manifest = archive.read(source, Path(folder))
        except archive.BadArchive as refusal:
            raise Invalid(f"{source} was not restored: {refusal}. Nothing was changed.", field="path") from None
        _check_fits(manifest, dialect(engine))
        if has_rows(engine) and not force:
            raise Conflict("The database already holds data; restoring replaces all of it. "
                           "Nothing was changed: use --force to replace it.")
        db.session.remove()
        load(engine, Path(folder) / MEMBER[manifest["database"]])
        _put_checkpoint(Path(folder), files)
    upgrade()  # a backup from an earlier release gains the later migrations
    through, _ = trail_head()
    record("restored", actor=SYSTEM, reason=f"restored from a backup taken at {manifest['created_at']}",
           changes={"restored_through_event": (None, through), "backup_taken_at": (None, manifest["created_at"])})
    db.session.commit()
    return through


def _check_fits(manifest: dict, database: str) -> None:
    if manifest["database"] != database:
        raise Invalid(f"The backup is of a {manifest['database']} database, but this app uses {database}. "
                      "Nothing was changed.", field="path")
    configured = key_id(current_app.config["AUDIT_KEY"])
    if manifest["audit_key_id"] != configured:
        raise Invalid(f"The backup's audit trail is sealed with key {manifest['audit_key_id']}, not the configured "
                      f"AUDIT_KEY ({configured}): set the key it was taken with. Nothing was changed.", field="path")


def _put_checkpoint(folder: Path, files: dict[str, Path]) -> None:
    """The backup's checkpoint and history in place; any found there are kept beside them, renamed."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with checkpoint.locked(files[CHECKPOINT]):
        for name, path in files.items():
            if path.exists():
                path.rename(path.with_name(f"{path.name}.before-restore-{stamp}"))
            if (folder / name).exists():
                shutil.copyfile(folder / name, path)
