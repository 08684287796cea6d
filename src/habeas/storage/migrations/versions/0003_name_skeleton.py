"""Name skeletons: person_names.skeleton, the cross-script search key, filled in for existing names.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

# The key as habeas defines it today. A later change to skeleton() needs a migration of its
# own that fills the column again, as this one does.
from habeas.domain.names import skeleton

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5000
# Only the columns this migration reads and writes, as they are at this revision.
names = sa.table(
    "person_names",
    sa.column("person_id", sa.String(26)),
    sa.column("position", sa.Integer()),
    sa.column("value", sa.Text()),
    sa.column("skeleton", sa.Text()),
)


def upgrade() -> None:
    # Added as nullable, filled, then made NOT NULL: existing rows have no value to start with.
    with op.batch_alter_table("person_names", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skeleton", sa.Text(), nullable=True))
    _fill_skeletons(op.get_bind())
    with op.batch_alter_table("person_names", schema=None) as batch_op:
        batch_op.alter_column("skeleton", existing_type=sa.Text(), nullable=False)
        batch_op.create_index(batch_op.f("ix_person_names_skeleton"), ["skeleton"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_names_skeleton"))
        batch_op.drop_column("skeleton")


def _fill_skeletons(conn: sa.Connection) -> None:
    """Compute the skeleton of every stored name, BATCH names at a time, in key order."""
    last: tuple[str, int] | None = None
    while True:
        query = sa.select(names.c.person_id, names.c.position, names.c.value)
        if last is not None:
            query = query.where(sa.tuple_(names.c.person_id, names.c.position) > sa.tuple_(*last))
        rows = conn.execute(query.order_by(names.c.person_id, names.c.position).limit(BATCH)).all()
        if not rows:
            return
        changes: list[dict[str, Any]] = [
            {"key_person": person_id, "key_position": position, "skeleton": skeleton(value)}
            for person_id, position, value in rows
        ]
        conn.execute(
            names.update()
            .where(
                names.c.person_id == sa.bindparam("key_person"),
                names.c.position == sa.bindparam("key_position"),
            )
            .values(skeleton=sa.bindparam("skeleton")),
            changes,
        )
        last = (rows[-1].person_id, rows[-1].position)
