"""The database tables (SQLAlchemy Core), the same on SQLite, SQLCipher and PostgreSQL.

A partial date `start` is three columns: `start` (its EDTF text),
`start_earliest` and `start_latest` (the first and last day it can mean), so
that "held on D" stays a plain comparison. Lists inside a record (a person's
names, an event's participants) live in child tables listed in `CHILDREN`.
Changing a table here needs a new migration in `storage/migrations/versions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from habeas.domain.names import search_key, skeleton

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(26)  # a ULID


def _partial_date(name: str, *, nullable: bool = True) -> list[Column[object]]:
    return [
        Column(name, String(40), nullable=nullable),
        Column(f"{name}_earliest", Date),
        Column(f"{name}_latest", Date),
    ]


def _record_columns() -> list[Column[object]]:
    return [
        Column("id", ID, primary_key=True),
        Column("visibility", String(12), nullable=False),
        Column("clarifications", Text, nullable=False, default="{}"),
        Column("version", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("retracted", Boolean, nullable=False, default=False),
    ]


def _fk(name: str, table: str, *, nullable: bool = True) -> Column[object]:
    return Column(name, ID, ForeignKey(f"{table}.id"), nullable=nullable, index=True)


people = Table(
    "people",
    metadata,
    *_record_columns(),
    Column("sex", String(12), nullable=False),
    *_partial_date("birth_date"),
    Column("birth_place", Text, nullable=False),
    Column("citizenship", Text, nullable=False),
    Column("occupation", Text, nullable=False),
    Column("consent_to_publish", Boolean, nullable=False),
    Column("notes", Text, nullable=False),
)

person_names = Table(
    "person_names",
    metadata,
    Column("person_id", ID, ForeignKey("people.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("value", Text, nullable=False),
    Column("script", String(8), nullable=False),
    Column("language", String(12), nullable=False),
    Column("kind", String(20), nullable=False),
    # casefolded and accent-stripped, as written; see habeas.domain.names.search_key
    Column("search_key", Text, nullable=False, index=True),
    # the coarse cross-script key (Мамедли and Mammadli meet); see habeas.domain.names.skeleton
    Column("skeleton", Text, nullable=False, index=True),
)

person_groups = Table(
    "person_groups",
    metadata,
    Column("person_id", ID, ForeignKey("people.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("code", String(40), nullable=False, index=True),
)

organisations = Table(
    "organisations",
    metadata,
    *_record_columns(),
    Column("name", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("place", Text, nullable=False),
    Column("notes", Text, nullable=False),
)

organisation_statuses = Table(
    "organisation_statuses",
    metadata,
    Column("organisation_id", ID, ForeignKey("organisations.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    *_partial_date("since"),
    Column("note", Text, nullable=False),
)

affiliations = Table(
    "affiliations",
    metadata,
    *_record_columns(),
    _fk("person_id", "people", nullable=False),
    _fk("organisation_id", "organisations", nullable=False),
    Column("role", Text, nullable=False),
    *_partial_date("start"),
    *_partial_date("end"),
)

relationships = Table(
    "relationships",
    metadata,
    *_record_columns(),
    _fk("person_id", "people", nullable=False),
    _fk("other_person_id", "people", nullable=False),
    Column("type", String(20), nullable=False),
    *_partial_date("start"),
    *_partial_date("end"),
)

cases = Table(
    "cases",
    metadata,
    *_record_columns(),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
)

case_people = Table(
    "case_people",
    metadata,
    Column("case_id", ID, ForeignKey("cases.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("person_id", ID, ForeignKey("people.id"), nullable=False, index=True),
)

charges = Table(
    "charges",
    metadata,
    *_record_columns(),
    _fk("person_id", "people", nullable=False),
    _fk("case_id", "cases"),
    Column("code", String(10), nullable=False),
    Column("article", String(30), nullable=False),
    Column("label", Text, nullable=False),
    *_partial_date("brought"),
    Column("status", String(20), nullable=False),
    Column("sentence", Text, nullable=False),
    Column("sentence_months", Integer),
)

custody_periods = Table(
    "custody_periods",
    metadata,
    *_record_columns(),
    _fk("person_id", "people", nullable=False),
    Column("kind", String(40), nullable=False),
    *_partial_date("start"),
    *_partial_date("end"),
    Column("authorised_until", Date),
    _fk("facility_id", "organisations"),
    _fk("case_id", "cases"),
    Column("place", Text, nullable=False),
    # "held on D": the kind, then the bounds, so the index alone answers the range test
    Index("ix_custody_periods_held", "kind", "start_latest", "end_earliest"),
)

events = Table(
    "events",
    metadata,
    *_record_columns(),
    Column("type", String(40), nullable=False),
    *_partial_date("date"),
    Column("scheduled_at", DateTime),  # local time at the court
    Column("place", Text, nullable=False),
    _fk("organisation_id", "organisations"),
    _fk("case_id", "cases"),
    Column("outcome", Text, nullable=False),
    Column("monitoring_outcome", String(20), nullable=False),
    Column("summary", Text, nullable=False),
    Index("ix_events_type_date", "type", "date_earliest"),
    Index("ix_events_scheduled", "scheduled_at"),
)

event_participants = Table(
    "event_participants",
    metadata,
    Column("event_id", ID, ForeignKey("events.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("person_id", ID, ForeignKey("people.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
)

interventions = Table(
    "interventions",
    metadata,
    *_record_columns(),
    Column("kind", String(40), nullable=False),
    _fk("person_id", "people"),
    _fk("event_id", "events"),
    Column("actor", Text, nullable=False),
    Column("target", Text, nullable=False),
    *_partial_date("date"),
    Column("request", Text, nullable=False),
    Column("response", String(20), nullable=False),
    Column("outcome", Text, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    *_record_columns(),
    _fk("person_id", "people", nullable=False),
    Column("conclusion", String(40), nullable=False),
    Column("decided_by", Text, nullable=False),
    *_partial_date("decided_on"),
    Column("rationale", Text, nullable=False),
)

assessment_criteria = Table(
    "assessment_criteria",
    metadata,
    Column("assessment_id", ID, ForeignKey("assessments.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("code", String(60), nullable=False),
)

sources = Table(
    "sources",
    metadata,
    *_record_columns(),
    Column("title", Text, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("publisher", Text, nullable=False),
    Column("author", Text, nullable=False),
    *_partial_date("published"),
    Column("url", Text, nullable=False),
    Column("language", String(12), nullable=False),
    Column("reliability", String(1), nullable=False),
    Column("credibility", String(1), nullable=False),
    Column("text", Text, nullable=False),
)

citations = Table(
    "citations",
    metadata,
    *_record_columns(),
    _fk("source_id", "sources", nullable=False),
    Column("target_kind", String(30), nullable=False),
    Column("target_id", ID, nullable=False),
    Column("target_field", String(40), nullable=False),
    Column("locator", Text, nullable=False),
    Column("quote", Text, nullable=False),
    Column("note", Text, nullable=False),
    Index("ix_citations_target", "target_id", "target_kind"),
)

context_periods = Table(
    "context_periods",
    metadata,
    *_record_columns(),
    Column("name", Text, nullable=False),
    *_partial_date("start"),
    *_partial_date("end"),
    Column("description", Text, nullable=False),
)

# Every version of every record, as the JSON the service layer wrote; append-only.
record_versions = Table(
    "record_versions",
    metadata,
    Column("record_id", ID, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("action", String(12), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("note", Text, nullable=False),
    Column("data", Text, nullable=False),
    # Newest first for "recent changes", without sorting the whole history.
    Index("ix_record_versions_at", "at", "record_id", "version"),
)

# The hash-chained audit log; append-only (triggers refuse UPDATE and DELETE).
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),  # ISO 8601 UTC text, hashed as written
    Column("actor", String(80), nullable=False),
    Column("action", String(12), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


# -- accounts (habeas.accounts writes these; changes to users are audited) ----

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("totp_secret", String(64)),  # None until two-factor sign-in is set up
    Column("totp_last_step", Integer),  # the last accepted TOTP time step: a replayed code is refused
    Column("disabled", Boolean, nullable=False, default=False),
    Column("language", String(5), nullable=False, default="en"),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Failed sign-ins, for throttling (at most 100 an hour per account, with a growing delay).
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index(None, "user_id", "at"),
)

# Server-side sessions; only a SHA-256 of the cookie's value is stored.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("second_factor_done", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)

# Tokens; only a SHA-256 of each is stored. `scope` says what a token opens: "api" (/api/v1)
# or "calendar" (one user's iCalendar feed of hearings, and nothing else).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("scope", String(20), nullable=False, server_default="api"),
)


# -- ingest and publishing ------------------------------------------------------

# Entries read from a published list document (habeas.ingest.listdoc), waiting for review. Accepting
# one writes records through the service layer; each change of an entry is audited as kind
# "review_entry".
review_entries = Table(
    "review_entries",
    metadata,
    Column("id", ID, primary_key=True),
    Column("source_id", ID, ForeignKey("sources.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # order in the document, from 1
    Column("section", Text, nullable=False),  # the heading the entry was found under
    Column("name", Text, nullable=False),
    Column("page", Integer),  # the page where the entry starts
    Column("data", Text, nullable=False),  # JSON: the fields read (dates, articles, place, background)
    Column("status", String(10), nullable=False, index=True),  # pending, accepted, rejected
    Column("person_id", ID),  # the person the entry was accepted as
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Published editions of the political-prisoner list; immutable once written (triggers refuse
# UPDATE and DELETE). `rule` is the inclusion rule as JSON, `counts` the members per category.
list_editions = Table(
    "list_editions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("on_date", Date, nullable=False, index=True),
    Column("rule_name", String(60), nullable=False),
    Column("rule", Text, nullable=False),
    Column("counts", Text, nullable=False),
    Column("member_count", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("published_by", String(80), nullable=False),
)

list_edition_members = Table(
    "list_edition_members",
    metadata,
    Column("edition_id", ID, ForeignKey("list_editions.id"), primary_key=True),
    Column("person_id", ID, primary_key=True),
    Column("category", String(40), nullable=False),
)


@dataclass(frozen=True)
class Child:
    """How a list field of a record is stored: its table, the key column, the item columns."""

    table: Table
    parent_key: str
    value_column: str | None = None  # for a list of plain codes or ids; None for a list of dataclasses
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # columns computed from an item


# In dependency order: each kind comes after every kind it refers to (Store.insert relies on it).
RECORD_TABLES: dict[str, Table] = {
    "person": people,
    "organisation": organisations,
    "affiliation": affiliations,
    "relationship": relationships,
    "case": cases,
    "charge": charges,
    "custody_period": custody_periods,
    "event": events,
    "intervention": interventions,
    "assessment": assessments,
    "source": sources,
    "citation": citations,
    "context_period": context_periods,
}

CHILDREN: dict[tuple[str, str], Child] = {
    ("person", "names"): Child(
        person_names,
        "person_id",
        derive=lambda name: {"search_key": search_key(name["value"]), "skeleton": skeleton(name["value"])},
    ),
    ("person", "groups"): Child(person_groups, "person_id", "code"),
    ("organisation", "statuses"): Child(organisation_statuses, "organisation_id"),
    ("case", "person_ids"): Child(case_people, "case_id", "person_id"),
    ("event", "participants"): Child(event_participants, "event_id"),
    ("assessment", "criteria"): Child(assessment_criteria, "assessment_id", "code"),
}

APPEND_ONLY_TABLES = ("audit_entries", "record_versions")
# Published list editions never change: the same triggers refuse UPDATE and DELETE.
IMMUTABLE_TABLES = ("list_editions", "list_edition_members")


# -- linkage ----------------------------------------------------------------------

# Pairs of people that may be one person (habeas.linkage.queue): found by `habeas dedupe` or
# `habeas link`, waiting for a person to decide. A work queue like `review_entries`: each change is
# audited as kind "link_candidate". `person_a` < `person_b`, so a pair is queued once.
link_candidates = Table(
    "link_candidates",
    metadata,
    Column("id", ID, primary_key=True),
    Column("person_a", ID, nullable=False, index=True),
    Column("person_b", ID, nullable=False, index=True),
    Column("probability", Float, nullable=False),  # Splink's match probability, 0..1
    Column("match_weight", Float, nullable=False),  # log2 Bayes factor, summed over comparisons
    Column("evidence", Text, nullable=False),  # JSON: [{"comparison", "level", "weight"}, ...]
    Column("status", String(10), nullable=False),  # pending, merged, rejected, linked
    Column("origin", String(40), nullable=False),  # "dedupe" or "link:<source id>"
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(80)),
    Column("note", Text, nullable=False),
    UniqueConstraint("person_a", "person_b"),
    Index("ix_link_candidates_status_probability", "status", "probability"),
)
