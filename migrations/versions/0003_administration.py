"""administration: home units, mentor pairings, invites, settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import ideas.database  # noqa: F401  (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_home_unit_id'), ['home_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_home_unit_id_units'), 'units', ['home_unit_id'], ['id'])

    op.create_table('mentor_pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', ideas.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('mentee_id <> mentor_id', name=op.f('ck_mentor_pairings_not_self')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mentor_pairings_created_by_id_users')),
    sa.ForeignKeyConstraint(['mentee_id'], ['users.id'], name=op.f('fk_mentor_pairings_mentee_id_users')),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_mentor_pairings_mentor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_pairings'))
    )
    with op.batch_alter_table('mentor_pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_pairings_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_pairings_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index('uq_mentor_pairings_open_mentee', ['mentee_id'], unique=True,
                              sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('used_at', ideas.database.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', ideas.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invites_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invites_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invites_token_hash'))
    )
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invites_user_id'), ['user_id'], unique=False)

    op.create_table('settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', ideas.database.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settings')),
    sa.UniqueConstraint('name', name=op.f('uq_settings_name'))
    )


def downgrade():
    op.drop_table('settings')
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invites_user_id'))
    op.drop_table('invites')
    with op.batch_alter_table('mentor_pairings', schema=None) as batch_op:
        batch_op.drop_index('uq_mentor_pairings_open_mentee')
        batch_op.drop_index(batch_op.f('ix_mentor_pairings_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_pairings_mentee_id'))
    op.drop_table('mentor_pairings')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_home_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_home_unit_id'))
        batch_op.drop_column('home_unit_id')
