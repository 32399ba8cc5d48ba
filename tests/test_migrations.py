"""Models and migrations agree (what `flask db check` checks), on the suite's database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ideas.extensions import db
from ideas.similar.search import in_models


def test_models_match_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": in_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
