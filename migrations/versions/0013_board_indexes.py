"""board and queue indexes: a stage's ideas by id (the board's keyset pages), by submission (the mentor queue), a submitter's and a mentor's ideas by stage, and the ideas on safety hold

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 13:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_stage_id', ['stage', 'id'], unique=False)
        batch_op.create_index('ix_ideas_stage_submitted_at', ['stage', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_ideas_submitter_id_stage', ['submitter_id', 'stage', 'id'], unique=False)
        batch_op.create_index('ix_ideas_mentor_id_stage', ['mentor_id', 'stage', 'id'], unique=False)
        batch_op.create_index('ix_ideas_on_safety_hold', ['stage'], unique=False,
                              sqlite_where=sa.text('safety_hold IS 1'), postgresql_where=sa.text('safety_hold IS true'))


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_on_safety_hold')
        batch_op.drop_index('ix_ideas_mentor_id_stage')
        batch_op.drop_index('ix_ideas_submitter_id_stage')
        batch_op.drop_index('ix_ideas_stage_submitted_at')
        batch_op.drop_index('ix_ideas_stage_id')
