"""Settings a hospital changes without a deploy: `get_setting("quorum")` and friends."""
from flask import current_app
from sqlalchemy import select

from ideas.database import db
from ideas.settings.definitions import DEFINITIONS
from ideas.settings.models import Setting


def default_value(name: str) -> object:
    definition = DEFINITIONS[name]
    if definition.config_default:
        return definition.parse(current_app.config[definition.config_default])
    return definition.default


def get_setting(name: str) -> object:
    """The setting's typed value: the stored one, else its default."""
    definition = DEFINITIONS[name]  # an unknown name is a programming error: KeyError
    stored = db.session.scalar(select(Setting.value).where(Setting.name == name))
    return default_value(name) if stored is None else definition.parse(stored)


def all_settings() -> dict[str, object]:
    """Every setting's typed value, in one query."""
    stored = dict(db.session.execute(select(Setting.name, Setting.value)).all())
    return {name: d.parse(stored[name]) if name in stored else default_value(name)
            for name, d in DEFINITIONS.items()}
