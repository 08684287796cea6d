"""The tables of the public database, declared once: their SQL and the words Datasette shows for them.

Each table is a list of lines `name DECLARATION | what the column holds`. A column declared `EDTF`
holds a partial date and becomes three: its EDTF text (`2023-02`, `2019?`, `2024-XX-XX`) and the
first and last days it may be, as ISO text, so that Datasette can sort and facet by them. Every
column that refers to another table gets an index, since those are the columns joins go through.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from habeas.domain.dates import PartialDate
from habeas.publishing.dataset import MIN_WITHHELD_SHOWN, PublicData

__all__ = ["APPLICATION_ID", "TABLES", "Column", "Table", "metadata_json"]

#: Written in the file's header, so that a later run knows the file is a public database it may
#: replace (and refuses any other file, such as the working database given by mistake).
APPLICATION_ID = 0x48425055  # "HBPU"
TITLE = "Political prisoners: the public list and its records"
#: Why a person on the list is counted but not named (`habeas.publishing.redact`).
_WITHHELD_WHY = "no consent to publication, or relatives of critics"


@dataclass(frozen=True)
class Column:
    name: str
    declaration: str  # SQL type and constraints
    description: str


@dataclass(frozen=True)
class Table:
    """A table of the public database: its columns, extra indexes and how Datasette shows it."""

    name: str
    description: str
    spec: tuple[Column, ...]  # as declared; an EDTF column is one here and three in the file
    key: str = ""  # a primary key over several columns
    indexes: tuple[str, ...] = ()  # beyond one per referencing column, e.g. "target_kind, target_id"
    datasette: Mapping[str, Any] = field(default_factory=dict)  # label_column, sort, facets…

    @property
    def columns(self) -> list[Column]:
        out: list[Column] = []
        for c in self.spec:
            if c.declaration != "EDTF":
                out.append(c)
                continue
            out += [
                Column(c.name, "TEXT", f"{c.description} (EDTF: 2023-02-14, 2023-02, 2023, 2023?, 202X)"),
                Column(f"{c.name}_earliest", "TEXT", f"The first day {c.name} may be, YYYY-MM-DD"),
                Column(f"{c.name}_latest", "TEXT", f"The last day {c.name} may be, YYYY-MM-DD"),
            ]
        return out

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ddl(self) -> str:
        """CREATE TABLE and CREATE INDEX statements."""
        lines = [f'"{c.name}" {c.declaration}' for c in self.columns]
        if self.key:
            lines.append(f"PRIMARY KEY ({self.key})")
        body = ",\n  ".join(lines)
        statements = [f"CREATE TABLE {self.name} (\n  {body}\n);"]
        # a primary key's own index already serves joins through its (first) column
        keyed = {self.key.split(",")[0]} if self.key else set()
        joins = [
            c.name
            for c in self.columns
            if "REFERENCES" in c.declaration and "PRIMARY KEY" not in c.declaration and c.name not in keyed
        ]
        for columns in (*joins, *self.indexes):
            suffix = columns.replace(", ", "_")
            statements.append(f"CREATE INDEX idx_{self.name}_{suffix} ON {self.name} ({columns});")
        return "\n".join(statements)

    def cells(self, row: Mapping[str, Any]) -> list[Any]:
        """A row's values in column order, each partial date spread over its three columns."""
        out: list[Any] = []
        for c in self.spec:
            value = row[c.name]
            if c.declaration == "EDTF":
                out += _date_cells(value)
            else:
                out.append(value)
        return out


def _date_cells(value: PartialDate | None) -> list[str | None]:
    if value is None or value.is_unknown:
        return [None, None, None]
    bounds = (value.earliest, value.latest)
    return [value.text, *(d.isoformat() if d else None for d in bounds)]


def table(name: str, description: str, lines: str, **options: Any) -> Table:
    """A table from its lines `name DECLARATION | description`; options as `Table`'s fields."""
    spec = []
    for line in filter(None, (raw.strip() for raw in lines.splitlines())):
        declared, description_text = (part.strip() for part in line.split(" | ", 1))
        column, declaration = declared.split(" ", 1)
        spec.append(Column(column, declaration, description_text))
    return Table(name, description, tuple(spec), **options)


ID = "TEXT PRIMARY KEY"
PERSON = "TEXT NOT NULL REFERENCES people(id)"

TABLES: tuple[Table, ...] = (
    table(
        "facilities",
        "Prisons, detention centres and courts named as where someone is held or where an event happened.",
        f"""
        id {ID} | The facility's id
        name TEXT NOT NULL | Its name
        kind TEXT | detention_facility, court, state_body…
        place TEXT | Town or address
        """,
        datasette={"label_column": "name", "sort": "name", "facets": ["kind", "place"]},
    ),
    table(
        "sources",
        "The public sources facts are cited to: reports, news, court documents, official statements.",
        f"""
        id {ID} | The source's id
        title TEXT NOT NULL | Its title
        kind TEXT | report, news, court_document, official_statement, social_media, other
        publisher TEXT | Who published it
        published EDTF | When it was published
        url TEXT | Where it can be read
        language TEXT | Its language (ISO 639-1)
        """,
        datasette={
            "label_column": "title",
            "sort_desc": "published_earliest",
            "facets": ["kind", "publisher"],
        },
    ),
    table(
        "cases",
        "Prosecutions, alone or grouped (the case of one outlet's journalists).",
        f"""
        id {ID} | The case's id
        title TEXT NOT NULL | Its usual name
        summary TEXT | A short account
        """,
        datasette={"label_column": "title", "sort": "title"},
    ),
    table(
        "people",
        "Each person the public may read about by name. People on the list whose names are withheld"
        f" ({_WITHHELD_WHY}) are counted in list_summary, never named.",
        f"""
        id {ID} | The person's id, the same in every edition
        name TEXT NOT NULL | The name shown (the first name given)
        other_names TEXT | Other spellings and scripts, separated by "; "
        sex TEXT | female, male, other, unknown
        birth_year INTEGER | Year of birth (the day is never published)
        citizenship TEXT | Citizenship (ISO 3166 code)
        occupation TEXT | Occupation
        groups TEXT | Groups the person belongs to, as a JSON array of codes (journalist, blogger…)
        on_list INTEGER NOT NULL | 1 when the person is on this list, else 0
        category TEXT | The person's category on this list; empty when not on it
        """,
        datasette={
            "label_column": "name",
            "sort": "name",
            "facets": ["on_list", "category", {"array": "groups"}, "sex"],
            "fts_table": "people_fts",
            "fts_pk": "rowid",
        },
    ),
    table(
        "person_names",
        "Every name of every person, in each script and spelling.",
        f"""
        person_id {PERSON} | Whose name
        position INTEGER NOT NULL | 1 for the name shown, then the others in order
        value TEXT NOT NULL | The name as written
        script TEXT | Latn, Cyrl, Arab…
        language TEXT | The language the spelling belongs to
        kind TEXT | native, transliteration, alias, former
        """,
        key="person_id, position",
        datasette={"sort": "value", "facets": ["script", "kind"]},
    ),
    table(
        "custody_periods",
        "Spans of time a person's liberty was restricted: detention, imprisonment, house arrest…",
        f"""
        id {ID} | The period's id
        person_id {PERSON} | Who was held
        kind TEXT NOT NULL | pre_trial_detention, imprisonment, house_arrest, administrative_detention…
        start EDTF | When it began
        end EDTF | When it ended; empty while it goes on
        ongoing INTEGER NOT NULL | 1 while the period goes on
        authorised_until TEXT | The day a court authorised detention until, YYYY-MM-DD
        facility_id TEXT REFERENCES facilities(id) | Where it is spent
        facility TEXT | The facility's name, or the place where there is no facility
        case_id TEXT REFERENCES cases(id) | The case it belongs to
        """,
        datasette={"sort_desc": "start_earliest", "facets": ["kind", "ongoing", "facility"]},
    ),
    table(
        "charges",
        "Charges brought against people, by legal code and article.",
        f"""
        id {ID} | The charge's id
        person_id {PERSON} | Who is charged
        case_id TEXT REFERENCES cases(id) | The case it belongs to
        code TEXT | The legal code: CC (Criminal Code), CAO (Code of Administrative Offences)…
        article TEXT NOT NULL | The article, e.g. 206.3.2
        reference TEXT NOT NULL | Code and article together, e.g. CC 206.3.2
        label TEXT | What the article is about
        brought EDTF | When the charge was brought
        status TEXT | pending, convicted, acquitted, dropped, requalified
        sentence TEXT | The sentence as pronounced
        sentence_months INTEGER | The sentence in months, where it is a prison term
        """,
        datasette={"sort": "reference", "facets": ["reference", "status"]},
    ),
    table(
        "assessments",
        "Whether a person is a political prisoner under the PACE Resolution 1900 (2012) criteria.",
        f"""
        id {ID} | The assessment's id
        person_id {PERSON} | Who was assessed
        conclusion TEXT | political_prisoner, not_political_prisoner, under_review…
        criteria TEXT | The PACE criteria met, as a JSON array of codes
        decided_on EDTF | When it was decided
        rationale TEXT | Why
        """,
        datasette={"sort_desc": "decided_on_earliest", "facets": ["conclusion", {"array": "criteria"}]},
    ),
    table(
        "list_members",
        "The list: the people on it by name, in the list's order.",
        """
        person_id TEXT PRIMARY KEY REFERENCES people(id) | Who
        position INTEGER NOT NULL | Place on the list (by category, then name)
        name TEXT NOT NULL | The name shown
        category TEXT NOT NULL | The list category (the first of the rule's categories among their groups)
        custody_kind TEXT | How the person is held on the list's day
        held_since EDTF | When that custody began
        facility TEXT | Where the person is held
        custody_period_id TEXT REFERENCES custody_periods(id) | The custody period behind these columns
        charges TEXT | The charges' codes and articles, separated by "; "
        sources INTEGER NOT NULL | How many public sources are cited for the person, their custody and charges
        """,
        datasette={
            "label_column": "name",
            "sort": "position",
            "facets": ["category", "custody_kind", "facility"],
        },
    ),
    table(
        "list_summary",
        "How many people the list holds per category, named and not named, adding up to its total. People"
        f" whose names are withheld count in their category only where it has at least {MIN_WITHHELD_SHOWN}"
        " of them; the rest in the last row, with no category, so that a small count points at no one.",
        f"""
        category TEXT UNIQUE | The list category; empty in the last row (people withheld in no category)
        position INTEGER PRIMARY KEY | The row's place: the rule's order of categories, then that row
        count INTEGER NOT NULL | People on the list counted in this row
        named INTEGER NOT NULL | Of them, those named in list_members
        withheld INTEGER NOT NULL | Of them, those whose names are withheld ({_WITHHELD_WHY})
        """,
        datasette={"sort": "position"},
    ),
    table(
        "events",
        "Arrests, searches, hearings, verdicts, releases and other dated events.",
        f"""
        id {ID} | The event's id
        type TEXT NOT NULL | arrest, search, remand_hearing, trial_hearing, verdict, release…
        date EDTF | When it happened
        scheduled_at TEXT | For hearings: the local time set by the court
        place TEXT | Where
        organisation_id TEXT REFERENCES facilities(id) | The court or facility where it happened
        case_id TEXT REFERENCES cases(id) | The case it belongs to
        outcome TEXT | What came of it
        monitoring_outcome TEXT | For hearings: whether monitors were let in
        summary TEXT | A short account
        """,
        datasette={"sort_desc": "date_earliest", "facets": ["type", "monitoring_outcome", "place"]},
    ),
    table(
        "event_participants",
        "Who took part in each event, and in which role (witnesses are never published).",
        f"""
        event_id TEXT NOT NULL REFERENCES events(id) | The event
        person_id {PERSON} | The person
        role TEXT NOT NULL | victim, judge, prosecutor, investigator, lawyer, monitor…
        """,
        key="event_id, person_id, role",
        datasette={"facets": ["role"]},
    ),
    table(
        "citations",
        "Which source supports which fact: target_kind names the table (person, custody_period, charge,"
        " event…) and target_id the row.",
        f"""
        id {ID} | The citation's id
        source_id TEXT NOT NULL REFERENCES sources(id) | The source
        target_kind TEXT NOT NULL | The kind of record the source supports
        target_id TEXT NOT NULL | The id of that record
        target_field TEXT | The field it supports, where only one
        locator TEXT | Where in the source: page, paragraph, entry
        quote TEXT | The words quoted from the source
        """,
        indexes=("target_kind, target_id",),
        datasette={"facets": ["target_kind"]},
    ),
    table(
        "context_periods",
        "Major events and elections, to read the figures around them (COP29…).",
        f"""
        id {ID} | The period's id
        name TEXT NOT NULL | Its name
        start EDTF | When it began
        end EDTF | When it ended
        description TEXT | What it was
        """,
        datasette={"label_column": "name", "sort": "start_earliest"},
    ),
    table(
        "editions",
        "The list's editions up to this one, under the same rule, and how many changed (public people only).",
        f"""
        id {ID} | The edition's id
        on_date TEXT NOT NULL | The day the edition speaks of, YYYY-MM-DD
        previous_id TEXT REFERENCES editions(id) | The edition before it
        is_this_list INTEGER NOT NULL | 1 for the edition this database holds
        total INTEGER NOT NULL | People on the list, named and not named
        added INTEGER NOT NULL | People who joined since the edition before, named or with names withheld
        left INTEGER NOT NULL | People who left since the edition before, named or with names withheld
        recategorised INTEGER NOT NULL | Named people whose category changed
        """,
        datasette={"label_column": "on_date", "sort_desc": "on_date"},
    ),
    table(
        "edition_changes",
        "Named people who joined, left or changed category in each edition, and why.",
        """
        edition_id TEXT NOT NULL REFERENCES editions(id) | The edition
        person_id TEXT NOT NULL REFERENCES people(id) | Who
        change TEXT NOT NULL | added, left or recategorised
        before TEXT | The category before; empty for someone added
        after TEXT | The category after; empty for someone who left
        reason TEXT | Why, as far as the records say
        """,
        key="edition_id, person_id, change",
        datasette={"facets": ["change"]},
    ),
)


def metadata_json(data: PublicData, stem: str) -> str:
    """Datasette 0.65 metadata for the database file named `stem`: what it is, table by table."""
    tables: dict[str, Any] = {
        t.name: {
            "title": t.name.replace("_", " ").capitalize(),
            "description": t.description,
            "columns": {c.name: c.description for c in t.columns},
            **t.datasette,
        }
        for t in TABLES
    }
    tables["people_fts"] = {"hidden": True}
    document = {
        "title": TITLE,
        "description": _description(data),
        "databases": {stem: {"title": TITLE, "description": _description(data), "tables": tables}},
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def _description(data: PublicData) -> str:
    listing = data.listing
    edition = f"edition {listing.edition_id}" if listing.edition_id else "the list computed"
    rule = f'the rule "{listing.rule.name}"' + (
        f": {listing.rule.description}" if listing.rule.description else ""
    )
    withheld = listing.withheld_total
    unnamed = f" {withheld} of them are counted but not named ({_WITHHELD_WHY})." if withheld else ""
    if listing.withheld_unsorted:
        unnamed += f" Those in too small categories ({listing.withheld_unsorted} in all) are in no category."
    return (
        "The public part of the records kept on people held for political reasons. The list is"
        f" {edition} of {listing.on_date.isoformat()}, under {rule}. {listing.total} people are on it."
        f"{unnamed} Confidential records, sources and fields are never included. Every fact's public"
        " sources are in the citations table."
    )
