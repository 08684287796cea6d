"""The queue of candidate pairs of people who may be one person (duplicates, linked lists).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_candidates",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("person_a", sa.String(length=26), nullable=False),
        sa.Column("person_b", sa.String(length=26), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_candidates"),
        sa.UniqueConstraint("person_a", "person_b", name="uq_link_candidates_person_a_person_b"),
    )
    op.create_index("ix_link_candidates_person_a", "link_candidates", ["person_a"], unique=False)
    op.create_index("ix_link_candidates_person_b", "link_candidates", ["person_b"], unique=False)
    op.create_index(
        "ix_link_candidates_status_probability", "link_candidates", ["status", "probability"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_link_candidates_status_probability", table_name="link_candidates")
    op.drop_index("ix_link_candidates_person_b", table_name="link_candidates")
    op.drop_index("ix_link_candidates_person_a", table_name="link_candidates")
    op.drop_table("link_candidates")
