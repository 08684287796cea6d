"""Token scopes (a calendar-feed token opens the feed only, never the JSON API); recent-changes index.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=20), server_default="api", nullable=False))
    op.create_index("ix_record_versions_at", "record_versions", ["at", "record_id", "version"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_record_versions_at", table_name="record_versions")
    # Without a scope, older habeas takes any live token for the API: revoke the calendar feeds'
    # tokens first, so that a feed address (often copied to a cloud calendar) never opens it.
    op.execute("UPDATE api_tokens SET revoked = TRUE WHERE scope = 'calendar'")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("scope")
