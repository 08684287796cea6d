"""The published list as downloads: `list.csv` for spreadsheets and `list.json` for programs.

Both are made from a `PublicData` (what the redaction gate let through) and nothing else, hold one
entry per named member in list order, and carry no timestamps, so the same data always gives the
same bytes. `member_facts` is shared with the public database, so that both say the same thing.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from habeas.domain.dates import PartialDate
from habeas.domain.records import Charge, Citation, CustodyPeriod, Person, Source
from habeas.editions import Member
from habeas.errors import ValidationError
from habeas.ingest.exports import atomic_outputs, neutralise
from habeas.publishing.dataset import PublicData

__all__ = [
    "CSV_COLUMNS",
    "MemberFacts",
    "edtf",
    "list_csv",
    "list_json",
    "member_facts",
    "other_names",
    "write_downloads",
]

CSV_COLUMNS = (
    "person_id",
    "name",
    "other_names",
    "category",
    "custody_kind",
    "held_since",
    "facility",
    "charges",
    "sources",
)
# Published files are meant to be copied to a web server and read by anyone; the temporary files
# `atomic_outputs` makes are readable by their owner only, which suits private exports, not these.
PUBLIC_MODE = 0o644


@dataclass(frozen=True)
class MemberFacts:
    """What the list says of one named member: who, where held since when, charged with what, and on
    whose word."""

    member: Member
    person: Person
    custody: CustodyPeriod | None  # the custody period covering the list's day, where one certainly does
    facility: str
    charges: tuple[Charge, ...]
    citations: tuple[tuple[Citation, Source], ...]  # of the person, their custody periods and charges

    @property
    def charge_references(self) -> list[str]:
        """Each charge's code and article once, in the order brought: ["CC 206.3.2", "CC 233"]."""
        return list(dict.fromkeys(c.reference for c in self.charges))

    @property
    def source_count(self) -> int:
        return len({source.id for _, source in self.citations})


def edtf(value: PartialDate | None) -> str:
    """A partial date as its EDTF text; empty when nothing is known of it."""
    return "" if value is None or value.is_unknown else value.text


def other_names(person: Person) -> list[str]:
    """The person's names other than the one shown (other scripts and spellings), each once."""
    shown = person.display_name
    return [n for n in dict.fromkeys(name.value for name in person.names) if n != shown]


def member_facts(data: PublicData, member: Member) -> MemberFacts:
    person = data.people[member.person_id]
    custody = data.custody_on(person.id, data.listing.on_date)
    charges = tuple(data.charges.get(person.id, []))
    targets = [
        ("person", person.id),
        *(("custody_period", p.id) for p in data.custody.get(person.id, [])),
        *(("charge", c.id) for c in charges),
    ]
    cited = [pair for kind, record_id in targets for pair in data.sources_of(kind, record_id)]
    cited.sort(key=lambda pair: (pair[1].published.sort_key(), pair[1].id, pair[0].id))
    return MemberFacts(member, person, custody, data.facility_name(custody), charges, tuple(cited))


def write_downloads(data: PublicData, folder: Path) -> list[Path]:
    """Write `folder/list.csv` and `folder/list.json` (the folder is created); the paths written.

    Each file is written beside its place and renamed into it, so a reader finds the old file or
    the whole new one, never part of one.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(
            "folder", str(folder), f"it cannot be made ({exc.strerror}); choose a folder that can be"
        ) from None
    facts = [member_facts(data, m) for m in data.listing.members]
    table = list_csv(facts)
    document = list_json(data, facts)
    paths = [folder / "list.csv", folder / "list.json"]
    with atomic_outputs(*paths) as (csv_file, json_file):
        csv_file.write_text(table, encoding="utf-8", newline="")
        json_file.write_text(document, encoding="utf-8")
        for made in (csv_file, json_file):
            os.chmod(made, PUBLIC_MODE)
    return paths


# -- list.csv -------------------------------------------------------------------------


def list_csv(facts: Iterable[MemberFacts]) -> str:
    """One row per member under a header row, each cell neutralised so a spreadsheet runs nothing."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in facts:
        row = (
            f.person.id,
            f.person.display_name,
            "; ".join(other_names(f.person)),
            f.member.category,
            f.custody.kind if f.custody else "",
            edtf(f.custody.start) if f.custody else "",
            f.facility,
            "; ".join(f.charge_references),
            f.source_count,
        )
        writer.writerow([neutralise(value) for value in row])
    return out.getvalue()


# -- list.json ------------------------------------------------------------------------


def list_json(data: PublicData, facts: Iterable[MemberFacts]) -> str:
    """The list and its members as JSON text: sorted keys, no timestamps, so the same data gives
    the same text."""
    listing = data.listing
    document = {
        "list": {
            "edition_id": listing.edition_id,
            "on_date": listing.on_date.isoformat(),
            "rule": listing.rule.as_json(),
            "counts": listing.counts,
            "total": listing.total,
            # people whose names are withheld, by category where a category has enough of them to
            # name no one; the rest in `withheld_unsorted`, in the total and in no category
            "withheld": listing.withheld,
            "withheld_unsorted": listing.withheld_unsorted,
        },
        "members": [_member_json(f) for f in facts],
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def _member_json(f: MemberFacts) -> dict[str, Any]:
    custody = f.custody
    return {
        "person_id": f.person.id,
        "name": f.person.display_name,
        "names": [{"value": n.value, "script": n.script, "kind": n.kind} for n in f.person.names],
        "category": f.member.category,
        "custody": None
        if custody is None
        else {
            "kind": custody.kind,
            "held_since": edtf(custody.start),
            "facility": f.facility,
            "facility_id": custody.facility_id,
        },
        "charges": [
            {
                "code": c.code,
                "article": c.article,
                "label": c.label,
                "brought": edtf(c.brought),
                "status": c.status,
                "sentence": c.sentence,
            }
            for c in f.charges
        ],
        "citations": [
            {
                "source_id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "published": edtf(source.published),
                "url": source.url,
                "locator": citation.locator,
                "quote": citation.quote,
            }
            for citation, source in f.citations
        ],
    }
