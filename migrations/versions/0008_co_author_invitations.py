"""co-author invitations: a named co-author counts only once they accept

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Co-authors named before this change never accepted: they start as invited, so none counts unasked.
    with op.batch_alter_table('idea_co_authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('invited', 'accepted', 'declined', name='coauthorstatus',
                                                         native_enum=False, create_constraint=False, length=30),
                                      nullable=False, server_default='invited'))
    with op.batch_alter_table('idea_co_authors', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)


def downgrade():
    # Going back, only those who accepted stay co-authors.
    op.execute("DELETE FROM idea_co_authors WHERE status <> 'accepted'")
    with op.batch_alter_table('idea_co_authors', schema=None) as batch_op:
        batch_op.drop_column('status')
