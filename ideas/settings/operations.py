"""The only code that changes settings; each change is an audit event with old and new value."""
from sqlalchemy import select

from ideas.accounts.actor import acting_user
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db
from ideas.errors import Invalid
from ideas.settings import all_settings
from ideas.settings.definitions import DEFINITIONS
from ideas.settings.models import Setting


def change_settings(raw_values: dict[str, str]) -> list[str]:
    """Parse and store the given settings; returns the names that changed (flushes)."""
    parsed = {}
    for name, raw in raw_values.items():
        try:
            parsed[name] = DEFINITIONS[name].parse(raw)
        except ValueError as error:
            raise Invalid(str(error), field=name) from error
    current = all_settings()
    changed = [name for name, value in parsed.items() if value != current[name]]
    for name in changed:
        row = db.session.scalar(select(Setting).where(Setting.name == name))
        if row is None:
            row = Setting(name=name)
            db.session.add(row)
        row.value = str(parsed[name])
        row.updated_at = utcnow()
        row.updated_by = acting_user()
        db.session.flush()
        record("setting.changed", entity=row, changes={name: (current[name], parsed[name])})
    return changed
