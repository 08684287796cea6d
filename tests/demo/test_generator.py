"""The demo generator: deterministic, realistic in shape, written in one transaction, real example cited."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from habeas.config import Settings
from habeas.demo import DemoSummary, amnesty, demo_records, estimate_records, generate
from habeas.demo.generator import UlidFactory
from habeas.demo.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, invent_name, to_english
from habeas.domain.records import CustodyPeriod, Event, Person
from habeas.domain.vocabulary import vocabulary
from habeas.errors import ConflictError, ValidationError
from habeas.security import audit
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store

TODAY = date(2025, 6, 2)
PEOPLE = 200
ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")


def open_store(path: Path) -> Store:
    store = Store.open(Settings(db=str(path)))
    store.init()
    return store


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary, list[int]]]:
    """One demo database shared by the read-only tests below (writing it takes a few seconds)."""
    store = open_store(tmp_path_factory.mktemp("demo") / "t.db")
    steps: list[int] = []
    summary = generate(Service(store, "test"), people=PEOPLE, seed=7, today=TODAY, progress=steps.append)
    yield store, summary, steps
    store.close()


def test_same_arguments_give_the_same_records_ids_included() -> None:
    first = list(demo_records(60, 3, TODAY))
    second = list(demo_records(60, 3, TODAY))
    assert first == second
    assert list(demo_records(60, 4, TODAY)) != first


def test_ids_are_unique_ulids() -> None:
    ids = [record.id for record in demo_records(100, 1, TODAY)]
    assert len(ids) == len(set(ids))
    assert all(ULID.match(i) for i in ids)
    assert ULID.match(UlidFactory(random.Random(0))())


def test_negative_people_is_refused() -> None:
    with pytest.raises(ValidationError, match="people"):
        demo_records(-1, 1, TODAY)


def test_names_come_in_three_spellings() -> None:
    assert len(MALE_NAMES) + len(FEMALE_NAMES) >= 60 and len(SURNAMES) >= 60
    assert (
        to_english("Məmmədov Xədicə Qasımlı Şükür Cəfər Ağa") == "Mammadov Khadija Gasimli Shukur Jafar Agha"
    )
    person = next(r for r in demo_records(5, 1, TODAY) if isinstance(r, Person) and r.groups)
    native, english, russian = person.names
    assert (native.script, native.language, native.kind) == ("Latn", "az", "native")
    assert (english.script, english.language, english.kind) == ("Latn", "en", "transliteration")
    assert (russian.script, russian.language, russian.kind) == ("Cyrl", "ru", "transliteration")
    assert re.fullmatch(r"[А-яЁё -]+", russian.value)


def test_women_take_the_female_surname_form() -> None:
    rng = random.Random(1)
    mammadov = next(s for s in SURNAMES if s.male.az == "Məmmədov")
    woman = invent_name(rng, "female", mammadov)
    assert woman.surname.az == "Məmmədova" and woman.surname.en == "Mammadova"
    assert woman.surname.ru == "Мамедова"


def test_every_custody_kind_and_a_partial_date_appear() -> None:
    periods = [r for r in demo_records(PEOPLE, 7, TODAY) if isinstance(r, CustodyPeriod)]
    assert {p.kind for p in periods} == set(vocabulary("custody_kind").codes())
    assert any(not p.start.is_exact_day for p in periods)
    open_pretrial = [p for p in periods if p.kind == "pre_trial_detention" and p.end is None]
    assert open_pretrial and all(p.authorised_until for p in open_pretrial)


def test_releases_never_precede_arrests() -> None:
    arrests: dict[str, date] = {}
    for record in demo_records(PEOPLE, 7, TODAY):
        if isinstance(record, Event) and record.type in ("arrest", "release"):
            victim = record.participants[0].person_id
            if record.type == "arrest":
                assert record.date.earliest is not None
                arrests.setdefault(victim, record.date.earliest)
            else:
                assert record.date.latest is not None and record.date.latest >= arrests[victim]


def test_generate_writes_everything_in_one_go(loaded: tuple[Store, DemoSummary, list[int]]) -> None:
    _, summary, steps = loaded
    assert summary.people == PEOPLE
    assert sum(steps) == summary.records == sum(1 for _ in demo_records(PEOPLE, 7, TODAY))
    assert 0.7 < summary.records / estimate_records(PEOPLE) < 1.3


def test_held_today_looks_like_a_real_list(loaded: tuple[Store, DemoSummary, list[int]]) -> None:
    store, _, _ = loaded
    with store.reading() as conn:
        report = queries.held_on(conn, TODAY)
    assert 0.2 * PEOPLE <= report.total <= 0.6 * PEOPLE
    assert next(iter(report.by_group)) == "religious_believer"
    assert {"pre_trial_detention", "imprisonment"} <= set(report.by_kind)
    assert report.restricted["total"] > 0


def test_hearings_this_week_and_terms_ending_soon(loaded: tuple[Store, DemoSummary, list[int]]) -> None:
    store, _, _ = loaded
    with store.reading() as conn:
        hearings = queries.hearings_between(conn, TODAY, TODAY + timedelta(days=7))
        terms = queries.terms_ending(conn, TODAY, 14)
    assert hearings and all(h.scheduled_at and h.court and h.people for h in hearings)
    assert terms


def test_the_amnesty_statement_is_loaded_and_cited(loaded: tuple[Store, DemoSummary, list[int]]) -> None:
    store, _, _ = loaded
    text = amnesty.statement_text()
    assert all(quote in text for quote in amnesty.QUOTES)
    with store.reading() as conn:
        source = store.get("source", amnesty.SOURCE_ID, conn)
        timeline = queries.person_timeline(conn, amnesty.PERSON_ID)
        cop29 = store.get("context_period", amnesty.COP29_ID, conn)
        period_citations = queries.citations_of(conn, [amnesty.COP29_ID])
    assert source.publisher == "Amnesty International" and source.text == text
    hearing = next(line for line in timeline if line.record_id == amnesty.HEARING_ID)
    assert hearing.date.text == "2024-11-20" and "refused_entry" in hearing.text
    assert [c.source_title for c in hearing.citations] == [amnesty.TITLE]
    assert "Anar Mammadli on 20 November 2024" in hearing.citations[0].quote
    assert any(line.record_id == amnesty.INTERVENTION_ID and line.citations for line in timeline)
    assert len(timeline) == 2  # nothing invented about a real person
    assert (cop29.start.text, cop29.end.text) == ("2024-11-11", "2024-11-22")
    assert period_citations[amnesty.COP29_ID][0].source_id == amnesty.SOURCE_ID


def test_some_facts_are_left_unsourced(loaded: tuple[Store, DemoSummary, list[int]]) -> None:
    store, _, _ = loaded
    with store.reading() as conn:
        gaps = Counter(fact.kind for fact in queries.unsourced(conn))
    assert gaps["event"] and gaps["custody_period"] and gaps["charge"]


def test_the_audit_chain_verifies(loaded: tuple[Store, DemoSummary, list[int]]) -> None:
    store, summary, _ = loaded
    with store.reading() as conn:
        verdict = audit.verify(store.audit_key, store.audit_entries(conn))
    assert verdict.ok and verdict.checked == summary.records


def test_loading_twice_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db")
    service = Service(store, "test")
    generate(service, people=3, seed=1, today=TODAY)
    with pytest.raises(ConflictError, match="already"):
        generate(service, people=3, seed=2, today=TODAY)
    store.close()
