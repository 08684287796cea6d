"""The public data as a plain SQLite file, with a `metadata.json` so that Datasette serves it well.

`write_public_db` takes a `PublicData` (what the redaction gate let through) and writes it as
tables a journalist can browse, facet and search: people and their names, the list and its
counts, custody periods, charges, events, assessments, the facilities, sources and citations
behind them, context periods and list editions. Each table is declared once in `TABLES`, with the
words that describe it in Datasette; partial dates become their EDTF text plus first and last
possible days, so that they sort and facet. The file and its metadata are written beside their
places and renamed into them, so a reader never meets half a database.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from habeas.errors import ValidationError
from habeas.ingest.exports import atomic_outputs
from habeas.publishing.dataset import PublicData
from habeas.publishing.downloads import PUBLIC_MODE, member_facts, other_names
from habeas.publishing.public_schema import APPLICATION_ID, TABLES, metadata_json

__all__ = ["PublicDbSummary", "write_public_db"]

Row = dict[str, Any]


@dataclass(frozen=True)
class PublicDbSummary:
    tables: dict[str, int]  # table -> rows written, in the order written
    metadata: Path


def write_public_db(data: PublicData, out: Path) -> PublicDbSummary:
    """Write the public data to the SQLite file `out` and `metadata.json` beside it.

    The folder must exist. An existing `out` is replaced only when it is a public database written
    here before: a habeas working database given by mistake is refused, never overwritten.
    """
    _check_out(out)
    metadata = out.parent / "metadata.json"
    counts: dict[str, int] = {}
    with atomic_outputs(out, metadata) as (db_file, metadata_file):
        conn = sqlite3.connect(db_file)
        try:
            counts = _fill(conn, data)
            conn.commit()
        finally:
            conn.close()
        metadata_file.write_text(metadata_json(data, out.stem), encoding="utf-8")
        for made in (db_file, metadata_file):
            os.chmod(made, PUBLIC_MODE)
    return PublicDbSummary(counts, metadata)


def _check_out(out: Path) -> None:
    if not out.parent.is_dir():
        raise ValidationError("OUT", str(out), f"the folder {out.parent} does not exist; create it first")
    if out.is_dir():
        raise ValidationError("OUT", str(out), "it is a folder; name a file in it, e.g. public.db")
    if out.exists() and out.stat().st_size > 0 and _application_id(out) != APPLICATION_ID:
        raise ValidationError(
            "OUT",
            str(out),
            "it exists and is not a public database written by habeas publish sqlite, so it is"
            " not replaced; choose another file name",
        )


def _application_id(path: Path) -> int | None:
    """The application id in a SQLite file's header (bytes 68-71), or None for another kind of file."""
    with path.open("rb") as handle:
        header = handle.read(72)
    if len(header) < 72 or not header.startswith(b"SQLite format 3\x00"):
        return None
    return int.from_bytes(header[68:72], "big")


# -- writing tables -------------------------------------------------------------------


def _fill(conn: sqlite3.Connection, data: PublicData) -> dict[str, int]:
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA foreign_keys = ON")  # the gate keeps references whole; this proves it
    counts: dict[str, int] = {}
    for table in TABLES:
        conn.executescript(table.ddl())
        rows = [table.cells(row) for row in ROWS[table.name](data)]
        columns = ", ".join(f'"{name}"' for name in table.column_names)
        placeholders = ", ".join("?" for _ in table.column_names)
        conn.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})", rows)
        counts[table.name] = len(rows)
    conn.execute(
        'CREATE VIRTUAL TABLE people_fts USING fts5(name, other_names, content="people",'
        ' tokenize="unicode61 remove_diacritics 2")'
    )
    conn.execute("INSERT INTO people_fts(people_fts) VALUES ('rebuild')")
    return counts


def _facilities(data: PublicData) -> Iterator[Row]:
    used = {p.facility_id for periods in data.custody.values() for p in periods}
    used |= {e.organisation_id for e in data.events}
    for org_id in sorted(i for i in used if i and i in data.organisations):
        org = data.organisations[org_id]
        yield {"id": org.id, "name": org.name, "kind": org.kind, "place": org.place}


def _sources(data: PublicData) -> Iterator[Row]:
    for s in sorted(data.sources.values(), key=lambda s: (s.published.sort_key(), s.id)):
        yield {
            "id": s.id,
            "title": s.title,
            "kind": s.kind,
            "publisher": s.publisher,
            "published": s.published,
            "url": s.url,
            "language": s.language,
        }


def _cases(data: PublicData) -> Iterator[Row]:
    for case in sorted(data.cases.values(), key=lambda c: c.id):
        yield {"id": case.id, "title": case.title, "summary": case.summary}


def _people(data: PublicData) -> Iterator[Row]:
    category = {m.person_id: m.category for m in data.listing.members}
    for p in sorted(data.people.values(), key=lambda p: (p.display_name.casefold(), p.id)):
        yield {
            "id": p.id,
            "name": p.display_name,
            "other_names": "; ".join(other_names(p)),
            "sex": p.sex,
            "birth_year": p.birth_date.earliest.year if p.birth_date.earliest else None,
            "citizenship": p.citizenship,
            "occupation": p.occupation,
            "groups": json.dumps(p.groups, ensure_ascii=False),
            "on_list": int(p.id in category),
            "category": category.get(p.id),
        }


def _person_names(data: PublicData) -> Iterator[Row]:
    for person_id in sorted(data.people):
        for position, n in enumerate(data.people[person_id].names, start=1):
            yield {
                "person_id": person_id,
                "position": position,
                "value": n.value,
                "script": n.script,
                "language": n.language,
                "kind": n.kind,
            }


def _custody_periods(data: PublicData) -> Iterator[Row]:
    for person_id in sorted(data.custody):
        for p in data.custody[person_id]:
            yield {
                "id": p.id,
                "person_id": p.person_id,
                "kind": p.kind,
                "start": p.start,
                "end": p.end,
                "ongoing": int(p.end is None),
                "authorised_until": p.authorised_until.isoformat() if p.authorised_until else None,
                "facility_id": p.facility_id,
                "facility": data.facility_name(p),
                "case_id": p.case_id,
            }


def _charges(data: PublicData) -> Iterator[Row]:
    for person_id in sorted(data.charges):
        for c in data.charges[person_id]:
            yield {
                "id": c.id,
                "person_id": c.person_id,
                "case_id": c.case_id,
                "code": c.code,
                "article": c.article,
                "reference": c.reference,
                "label": c.label,
                "brought": c.brought,
                "status": c.status,
                "sentence": c.sentence,
                "sentence_months": c.sentence_months,
            }


def _assessments(data: PublicData) -> Iterator[Row]:
    for person_id in sorted(data.assessments):
        for a in data.assessments[person_id]:
            yield {
                "id": a.id,
                "person_id": a.person_id,
                "conclusion": a.conclusion,
                "criteria": json.dumps(a.criteria),
                "decided_on": a.decided_on,
                "rationale": a.rationale,
            }


def _list_members(data: PublicData) -> Iterator[Row]:
    for position, member in enumerate(data.listing.members, start=1):
        f = member_facts(data, member)
        yield {
            "person_id": member.person_id,
            "position": position,
            "name": f.person.display_name,
            "category": member.category,
            "custody_kind": f.custody.kind if f.custody else None,
            "held_since": f.custody.start if f.custody else None,
            "facility": f.facility,
            "custody_period_id": f.custody.id if f.custody else None,
            "charges": "; ".join(f.charge_references),
            "sources": f.source_count,
        }


def _list_summary(data: PublicData) -> Iterator[Row]:
    """A row per category, then one with no category for the people withheld in too small ones."""
    listing = data.listing
    named = listing.rule.counts(listing.members)
    for position, (category, count) in enumerate(listing.counts.items(), start=1):
        yield {
            "category": category,
            "position": position,
            "count": count,
            "named": named.get(category, 0),
            "withheld": listing.withheld.get(category, 0),
        }
    if listing.withheld_unsorted:
        yield {
            "category": None,
            "position": len(listing.counts) + 1,
            "count": listing.withheld_unsorted,
            "named": 0,
            "withheld": listing.withheld_unsorted,
        }


def _events(data: PublicData) -> Iterator[Row]:
    for e in data.events:
        yield {
            "id": e.id,
            "type": e.type,
            "date": e.date,
            "scheduled_at": e.scheduled_at.isoformat() if e.scheduled_at else None,
            "place": e.place,
            "organisation_id": e.organisation_id,
            "case_id": e.case_id,
            "outcome": e.outcome,
            "monitoring_outcome": e.monitoring_outcome,
            "summary": e.summary,
        }


def _event_participants(data: PublicData) -> Iterator[Row]:
    for e in data.events:
        # one row per person and role: the same person named twice in one role is one fact
        for person_id, role in dict.fromkeys((p.person_id, p.role) for p in e.participants):
            yield {"event_id": e.id, "person_id": person_id, "role": role}


def _citations(data: PublicData) -> Iterator[Row]:
    cited = [c for items in data.citations.values() for c in items]
    for c in sorted(cited, key=lambda c: (c.target_kind, c.target_id, c.id)):
        yield {
            "id": c.id,
            "source_id": c.source_id,
            "target_kind": c.target_kind,
            "target_id": c.target_id,
            "target_field": c.target_field,
            "locator": c.locator,
            "quote": c.quote,
        }


def _context_periods(data: PublicData) -> Iterator[Row]:
    for c in data.context_periods:
        yield {"id": c.id, "name": c.name, "start": c.start, "end": c.end, "description": c.description}


def _editions(data: PublicData) -> Iterator[Row]:
    for e in reversed(data.history):  # oldest first: each refers to the one before it
        yield {
            "id": e.edition_id,
            "on_date": e.on_date.isoformat(),
            "previous_id": e.previous_id,
            "is_this_list": int(e.edition_id == data.listing.edition_id),
            "total": e.total,
            "added": len(e.added) + e.unnamed_added,
            "left": len(e.left) + e.unnamed_left,
            "recategorised": len(e.recategorised),
        }


def _edition_changes(data: PublicData) -> Iterator[Row]:
    for e in reversed(data.history):
        for change_kind, changes in (
            ("added", e.added),
            ("left", e.left),
            ("recategorised", e.recategorised),
        ):
            for c in changes:
                yield {
                    "edition_id": e.edition_id,
                    "person_id": c.person_id,
                    "change": change_kind,
                    "before": c.before,
                    "after": c.after,
                    "reason": c.text,
                }


ROWS = {
    "facilities": _facilities,
    "sources": _sources,
    "cases": _cases,
    "people": _people,
    "person_names": _person_names,
    "custody_periods": _custody_periods,
    "charges": _charges,
    "assessments": _assessments,
    "list_members": _list_members,
    "list_summary": _list_summary,
    "events": _events,
    "event_participants": _event_participants,
    "citations": _citations,
    "context_periods": _context_periods,
    "editions": _editions,
    "edition_changes": _edition_changes,
}
