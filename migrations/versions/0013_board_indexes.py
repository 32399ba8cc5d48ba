"""board and queue indexes: a stage's ideas by id (the board's keyset pages) and by submission (the mentor queue)

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01 13:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_stage_id', ['stage', 'id'], unique=False)
        batch_op.create_index('ix_ideas_stage_submitted_at', ['stage', 'submitted_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_stage_submitted_at')
        batch_op.drop_index('ix_ideas_stage_id')
