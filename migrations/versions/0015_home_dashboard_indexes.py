"""home and dashboard indexes: a home page's open checks read from the checks (in due order) and an owner's target
units, not from every idea at scale-up or adopted; the dashboard's latest changed pilots, by stage

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 20:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_stage_updated_at', ['stage', 'updated_at', 'id'], unique=False)
    with op.batch_alter_table('target_units', schema=None) as batch_op:
        batch_op.create_index('ix_target_units_sustainment_owner_id', ['sustainment_owner_id'], unique=False)
    with op.batch_alter_table('sustainment_checks', schema=None) as batch_op:
        batch_op.create_index('ix_sustainment_checks_answered_at_due_on', ['answered_at', 'due_on', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('sustainment_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_sustainment_checks_answered_at_due_on')
    with op.batch_alter_table('target_units', schema=None) as batch_op:
        batch_op.drop_index('ix_target_units_sustainment_owner_id')
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_stage_updated_at')
