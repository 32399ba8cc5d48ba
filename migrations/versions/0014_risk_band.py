"""board filters from an index: each idea's worst risk band kept on it; a stage's ideas by unit (and category), category, band

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# SPEC's 5×5 banding of the worst hazard's score (ideas/review/risk.py `band`), for the ideas that have hazards.
BACKFILL = """
UPDATE ideas SET risk_band = (
    SELECT CASE WHEN max(h.severity * h.likelihood) <= 3 THEN 'low'
                WHEN max(h.severity * h.likelihood) <= 6 THEN 'moderate'
                WHEN max(h.severity * h.likelihood) <= 12 THEN 'high'
                ELSE 'extreme' END
    FROM hazards h WHERE h.idea_id = ideas.id)
WHERE EXISTS (SELECT 1 FROM hazards h WHERE h.idea_id = ideas.id)
"""


def upgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_band', sa.Enum('low', 'moderate', 'high', 'extreme', name='riskband',
                                                           native_enum=False, create_constraint=False, length=30),
                                      nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_stage_unit_id', ['stage', 'unit_id', 'id'], unique=False)
        batch_op.create_index('ix_ideas_stage_unit_id_category', ['stage', 'unit_id', 'category', 'id'], unique=False)
        batch_op.create_index('ix_ideas_stage_category', ['stage', 'category', 'id'], unique=False)
        batch_op.create_index('ix_ideas_stage_risk_band', ['stage', 'risk_band', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_stage_risk_band')
        batch_op.drop_index('ix_ideas_stage_category')
        batch_op.drop_index('ix_ideas_stage_unit_id_category')
        batch_op.drop_index('ix_ideas_stage_unit_id')
        batch_op.drop_column('risk_band')
