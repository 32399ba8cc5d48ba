"""pilots: PDSA cycles, observations, chart settings and phases; measures recorded as proportions, stop on a signal

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:38:36.714772

"""
from alembic import op
import sqlalchemy as sa

import ideas.database  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pdsa_cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('change_tested', sa.String(length=200), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('do', sa.Text(), nullable=False),
    sa.Column('study', sa.Text(), nullable=False),
    sa.Column('act', sa.Text(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_pdsa_cycles_idea_id_ideas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdsa_cycles'))
    )
    with op.batch_alter_table('pdsa_cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdsa_cycles_idea_id'), ['idea_id'], unique=False)

    op.create_table('chart_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('pdsa_cycle_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', ideas.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_chart_phases_idea_id_ideas')),
    sa.ForeignKeyConstraint(['measure_id'], ['pilot_measures.id'], name=op.f('fk_chart_phases_measure_id_pilot_measures')),
    sa.ForeignKeyConstraint(['pdsa_cycle_id'], ['pdsa_cycles.id'], name=op.f('fk_chart_phases_pdsa_cycle_id_pdsa_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chart_phases')),
    sa.UniqueConstraint('measure_id', 'starts_on', name=op.f('uq_chart_phases_measure_id'))
    )
    with op.batch_alter_table('chart_phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chart_phases_idea_id'), ['idea_id'], unique=False)

    op.create_table('chart_settings',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('rules', sa.Enum('ihi', 'mdc', name='ruleset', native_enum=False, length=30), nullable=False),
    sa.Column('baseline_points', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_chart_settings_idea_id_ideas')),
    sa.ForeignKeyConstraint(['measure_id'], ['pilot_measures.id'], name=op.f('fk_chart_settings_measure_id_pilot_measures')),
    sa.PrimaryKeyConstraint('measure_id', name=op.f('pk_chart_settings'))
    )
    with op.batch_alter_table('chart_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chart_settings_idea_id'), ['idea_id'], unique=False)

    op.create_table('observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('numerator', sa.Integer(), nullable=True),
    sa.Column('denominator', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_observations_idea_id_ideas')),
    sa.ForeignKeyConstraint(['measure_id'], ['pilot_measures.id'], name=op.f('fk_observations_measure_id_pilot_measures')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_observations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations'))
    )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observations_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index('ix_observations_measure_id_observed_on', ['measure_id', 'observed_on'], unique=False)

    with op.batch_alter_table('pilot_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stop_on_signal', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('proportion', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('pilot_measures', schema=None) as batch_op:
        batch_op.drop_column('proportion')
        batch_op.drop_column('stop_on_signal')

    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index('ix_observations_measure_id_observed_on')
        batch_op.drop_index(batch_op.f('ix_observations_idea_id'))

    op.drop_table('observations')
    with op.batch_alter_table('chart_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chart_settings_idea_id'))

    op.drop_table('chart_settings')
    with op.batch_alter_table('chart_phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chart_phases_idea_id'))

    op.drop_table('chart_phases')
    with op.batch_alter_table('pdsa_cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdsa_cycles_idea_id'))

    op.drop_table('pdsa_cycles')
