"""Nothing confidential in any published byte.

Marker strings are seeded into every kind of record and field the public may not see (restricted and
confidential records, people without consent to publish and every record about them, relatives,
interviews, confidential citations, team-only fields, retracted records, earlier versions, the account
that wrote them). Every output is then built, in every language, and each of its bytes is searched for
every marker and for the id of every hidden record.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Case,
    Charge,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    PersonName,
    Record,
    Relationship,
    Source,
)
from habeas.editions import RULES, publish
from habeas.i18n import LANGUAGES
from habeas.ingest.exports import export_tables_csv, export_tables_xlsx
from habeas.ingest.jsonio import Selection, export_json
from habeas.ingest.uwazi import export_uwazi
from habeas.publishing.dataset import collect
from habeas.publishing.public_db import write_public_db
from habeas.publishing.site import build_site
from habeas.publishing.statement import FORMATS, render_statement
from habeas.service import Service
from habeas.storage.store import Store

DAY = date(2024, 11, 20)
START = PartialDate.parse("2024-03-02")
ACTOR = "MRKACTORNAME"


@dataclass
class Seeded:
    markers: list[str] = field(default_factory=list)
    hidden_ids: list[str] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # what must be published, to prove outputs are full

    def mark(self, name: str) -> str:
        marker = f"MRK{name.upper()}"
        self.markers.append(marker)
        return marker

    def hide(self, *records: Record) -> None:
        self.hidden_ids.extend(r.id for r in records)


def _name(value: str, script: str = "Latn") -> list[PersonName]:
    """A name of two words, as the names of hidden people are looked for in published text."""
    return [PersonName(value=f"{value} Əliyev", script=script)]


def _seed(store: Store) -> Seeded:
    s = Seeded()
    service = Service(store, ACTOR)
    # the one person who may be named, with team-only fields
    (named,) = service.create(
        Person(
            names=[PersonName(value="Leyla Qasımova"), PersonName(value="Лейла Гасымова", script="Cyrl")],
            groups=["journalist"],
            birth_date=PartialDate.parse("1986-07-23"),
            birth_place=s.mark("birthplace"),
            notes=s.mark("personnotes"),
            clarifications={"groups": s.mark("clarification")},
            visibility="public",
            consent_to_publish=True,
        )
    )
    s.markers.append("1986-07")  # a public birth date keeps only its year
    s.shown["name"] = "Leyla Qasımova"
    service.update("person", named.id, occupation="reporter")  # version 1 held no secret; see below
    old = service.create(
        Person(names=_name(s.mark("oldname")), visibility="public", consent_to_publish=True)
    )[0]
    service.update("person", old.id, names=[PersonName(value="Tural Babayev")])  # only the new name is public
    unnamed, relative, restricted, confidential, retracted = service.create(
        Person(names=_name(s.mark("noconsent")), groups=["blogger"], visibility="public"),
        Person(
            names=_name(s.mark("relative")),
            groups=["relative_of_critic"],
            visibility="public",
            consent_to_publish=True,
        ),
        Person(names=_name(s.mark("restrictedperson")), visibility="restricted", consent_to_publish=True),
        Person(names=_name(s.mark("confperson")), visibility="confidential", consent_to_publish=True),
        Person(names=_name(s.mark("retracted")), visibility="public", consent_to_publish=True),
    )
    service.retract("person", retracted.id)
    s.hide(unnamed, relative, restricted, confidential, retracted)

    prison, secret_org = service.create(
        Organisation(
            name="Baku Pre-trial Detention Facility No. 1",
            kind="detention_facility",
            visibility="public",
            notes=s.mark("orgnotes"),
        ),
        Organisation(name=s.mark("secretorg"), visibility="restricted"),
    )
    s.hide(secret_org)
    (secret_case,) = service.create(
        Case(title=s.mark("secretcase"), person_ids=[named.id], visibility="confidential")
    )
    s.hide(secret_case)

    held = dict(kind="pre_trial_detention", start=START, visibility="public")
    custody, unnamed_custody, secret_custody = service.create(
        CustodyPeriod(person_id=named.id, facility_id=prison.id, **held),  # type: ignore[arg-type]
        CustodyPeriod(person_id=unnamed.id, place=s.mark("noconsentplace"), **held),  # type: ignore[arg-type]
        CustodyPeriod(
            person_id=named.id,
            kind="travel_ban",
            start=START,
            place=s.mark("confplace"),
            visibility="confidential",
        ),
    )
    s.hide(unnamed_custody, secret_custody)
    hidden = service.create(
        Charge(
            person_id=named.id, article="206.3.2", label=s.mark("restrictedcharge"), visibility="restricted"
        ),
        Charge(person_id=unnamed.id, article="233", label=s.mark("noconsentcharge"), visibility="public"),
        Event(
            type="arrest",
            date=START,
            participants=[Participant(person_id=unnamed.id)],
            summary=s.mark("noconsentevent"),
            visibility="public",
        ),
        Event(type="search", date=START, summary=s.mark("restrictedevent"), visibility="restricted"),
        Relationship(person_id=named.id, other_person_id=relative.id, type="spouse", visibility="public"),
        Intervention(
            kind="prison_visit_request",
            person_id=unnamed.id,
            actor=s.mark("noconsentrequest"),
            visibility="public",
        ),
        Intervention(kind="statement", actor=s.mark("confintervention"), visibility="confidential"),
        ContextPeriod(name=s.mark("secretcontext"), start=START, visibility="restricted"),
    )
    s.hide(*hidden)
    (arrest,) = service.create(
        Event(
            type="arrest",
            date=START,
            participants=[Participant(person_id=named.id), Participant(person_id=old.id, role="witness")],
            visibility="public",
        )
    )
    service.create(
        Assessment(
            person_id=named.id,
            conclusion="political_prisoner",
            criteria=["fundamental_guarantee_violated"],
            decided_by=s.mark("decider"),
            decided_on=PartialDate.parse("2024-04"),
            visibility="public",
        )
    )
    news, secret_source, interview = service.create(
        Source(
            title="Journalist detained in Baku",
            publisher="Invented News",
            kind="news",
            text=s.mark("sourcetext"),
            author=s.mark("sourceauthor"),
            visibility="public",
        ),
        Source(title=s.mark("secretsource"), visibility="confidential"),
        Source(title=s.mark("interview"), kind="interview", visibility="public"),
    )
    s.shown["source"] = "Journalist detained in Baku"
    s.hide(secret_source, interview)
    cites = service.create(
        Citation(
            source_id=news.id,
            target_kind="person",
            target_id=named.id,
            note=s.mark("citenote"),
            visibility="public",
        ),
        Citation(
            source_id=news.id,
            target_kind="custody_period",
            target_id=custody.id,
            quote="held since March",
            visibility="public",
        ),
        Citation(source_id=news.id, target_kind="event", target_id=arrest.id, visibility="public"),
        Citation(
            source_id=news.id,
            target_kind="person",
            target_id=named.id,
            quote=s.mark("confquote"),
            visibility="confidential",
        ),
        Citation(source_id=secret_source.id, target_kind="person", target_id=named.id, visibility="public"),
        Citation(
            source_id=interview.id, target_kind="custody_period", target_id=custody.id, visibility="public"
        ),
        Citation(
            source_id=news.id,
            target_kind="person",
            target_id=unnamed.id,
            quote=s.mark("noconsentquote"),
            visibility="public",
        ),
    )
    s.hide(*cites[3:])
    # text of public records naming hidden people, and a quotation supporting a team-only field
    (naming, case) = service.create(
        Source(
            title="MRKNOCONSENT Əliyev and Leyla Qasımova detained in Baku",
            publisher="Invented News",
            visibility="public",
        ),
        Case(title="Case of MRKRESTRICTEDPERSON Əliyev", person_ids=[named.id], visibility="public"),
    )
    service.create(
        Citation(source_id=naming.id, target_kind="person", target_id=named.id, visibility="public"),
        Citation(
            source_id=news.id,
            target_kind="person",
            target_id=named.id,
            target_field="birth_place",
            quote=s.mark("birthplacequote"),
            visibility="public",
        ),
        Event(
            type="arrest",
            date=START,
            participants=[Participant(person_id=restricted.id)],
            summary=s.mark("restrictedvictimevent"),
            visibility="public",
        ),
    )
    # someone on an earlier edition who left it, for a reason only a confidential record gives
    (left,) = service.create(
        Person(names=_name("Vuqar"), groups=["journalist"], visibility="public", consent_to_publish=True)
    )
    service.create(
        CustodyPeriod(
            person_id=left.id,
            kind="pre_trial_detention",
            start=START,
            end=PartialDate.parse("2024-08-01"),
            visibility="public",
        ),
        Assessment(person_id=left.id, conclusion="political_prisoner", decided_on=START, visibility="public"),
        Event(
            type="death_in_custody",
            date=PartialDate.parse("2024-08-01"),
            participants=[Participant(person_id=left.id)],
            visibility="confidential",
        ),
    )
    # the person without consent is on the list too: counted, never named
    s.hide(
        *service.create(
            Assessment(
                person_id=unnamed.id, conclusion="political_prisoner", decided_on=START, visibility="public"
            )
        )
    )
    s.markers.extend(["died in custody", "death_in_custody"])
    publish(service, date(2024, 6, 1), RULES["pace"], note=s.mark("editionnote"))
    publish(service, DAY, RULES["pace"], note=s.mark("editionnote2"))
    return s


def _texts(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of a file and of everything inside it that a reader would see."""
    data = path.read_bytes()
    yield str(path), data
    if path.suffix in (".zip", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield f"{path}!{member}", archive.read(member)
    elif path.suffix == ".pdf":
        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        yield f"{path} (text)", text.encode("utf-8")
    elif path.suffix == ".db":
        with sqlite3.connect(path) as conn:
            yield f"{path} (dump)", "\n".join(conn.iterdump()).encode("utf-8")


def _outputs(store: Store, out: Path) -> list[Path]:
    data = collect(store)
    build_site(data, out / "site", list(LANGUAGES))
    (out / "db").mkdir()
    write_public_db(data, out / "db" / "public.db")
    export_tables_csv(store, out / "tables.zip", "public")
    export_tables_xlsx(store, out / "tables.xlsx", "public")
    export_json(store, out / "records.json", Selection(audience="public"))
    export_uwazi(store, out / "uwazi", "public")
    on_day = collect(store, on=DAY)
    for lang in LANGUAGES:
        for fmt in FORMATS:
            rendered = render_statement(on_day, fmt, lang)
            target = out / f"statement-{lang}.{fmt}"
            target.write_bytes(rendered if isinstance(rendered, bytes) else rendered.encode("utf-8"))
    return sorted(p for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_no_marker_and_no_hidden_id_in_any_output(store: Store, tmp_path: Path) -> None:
    seeded = _seed(store)
    out = tmp_path / "out"
    out.mkdir()
    files = _outputs(store, out)

    assert len(files) > 20
    everything = b"".join(data for path in files for _, data in _texts(path))
    for path in files:
        for name, data in _texts(path):
            for needle in [*seeded.markers, *seeded.hidden_ids, ACTOR]:
                assert needle.encode("utf-8") not in data, f"{needle} leaked into {name}"
    # and the outputs are not empty: what may be published is there
    for value in seeded.shown.values():
        assert value.encode("utf-8") in everything, value
