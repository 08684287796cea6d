"""The review queue of list-document entries, and published list editions (immutable).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

IMMUTABLE = ("list_editions", "list_edition_members")


def upgrade() -> None:
    op.create_table(
        "review_entries",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("source_id", sa.String(length=26), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.String(length=26), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_review_entries_source_id_sources"),
        sa.PrimaryKeyConstraint("id", name="pk_review_entries"),
    )
    op.create_index("ix_review_entries_source_id", "review_entries", ["source_id"], unique=False)
    op.create_index("ix_review_entries_status", "review_entries", ["status"], unique=False)
    op.create_table(
        "list_editions",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("rule_name", sa.String(length=60), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_list_editions"),
    )
    op.create_index("ix_list_editions_on_date", "list_editions", ["on_date"], unique=False)
    op.create_table(
        "list_edition_members",
        sa.Column("edition_id", sa.String(length=26), nullable=False),
        sa.Column("person_id", sa.String(length=26), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["list_editions.id"], name="fk_list_edition_members_edition_id_list_editions"
        ),
        sa.PrimaryKeyConstraint("edition_id", "person_id", name="pk_list_edition_members"),
    )
    _immutable_triggers(create=True)


def downgrade() -> None:
    _immutable_triggers(create=False)
    op.drop_table("list_edition_members")
    op.drop_index("ix_list_editions_on_date", table_name="list_editions")
    op.drop_table("list_editions")
    op.drop_index("ix_review_entries_status", table_name="review_entries")
    op.drop_index("ix_review_entries_source_id", table_name="review_entries")
    op.drop_table("review_entries")


def _immutable_triggers(*, create: bool) -> None:
    """Refuse UPDATE and DELETE on published editions (habeas_refuse_change comes from 0001)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in IMMUTABLE:
        if postgres:
            if create:
                op.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION habeas_refuse_change()"
                )
                op.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION habeas_refuse_change()"
                )
            else:
                op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
                op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            continue
        for statement in ("UPDATE", "DELETE"):
            name = f"{table}_no_{statement.lower()}"
            if create:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {statement} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            else:
                op.execute(f"DROP TRIGGER {name}")
