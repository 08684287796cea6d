"""Every query keeps records the caller may not see out of what it returns, counts and names.

One small world holds public, restricted and confidential records; a viewer
sees public and restricted only. Each test checks the exact answer for the
viewer and that the same query over everything does show the hidden records,
so a filter that stopped working would fail here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Affiliation,
    Assessment,
    Case,
    Charge,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    PersonName,
    Relationship,
    Source,
)
from habeas.security.roles import ALL_VISIBILITY
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store
from habeas.storage.tables import RECORD_TABLES, people

P = PartialDate.parse
D = date
VIEWER = frozenset({"public", "restricted"})
PUB, RES, CONF = "public", "restricted", "confidential"
HIDDEN_WORD = "Secret"  # every confidential name and title has it; nothing the viewer sees does


@dataclass
class World:
    """The ids of the records below, by name, and which the viewer must not meet.

    `hidden`: the confidential records, the public ones about the confidential
    person (`of_secret`), and the public ones met only through a confidential
    record (a hidden relative's reprisal, a citation of a hidden source or fact).
    """

    ids: dict[str, str]
    hidden: set[str]
    of_secret: set[str]

    def __getattr__(self, name: str) -> str:
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def person(name: str, visibility: str, *groups: str) -> Person:
    return Person(names=[PersonName(value=name)], groups=list(groups), visibility=visibility)


@pytest.fixture
def world(store: Store, service: Service) -> World:
    ids: dict[str, str] = {}

    def add(**records: Any) -> None:
        created = service.create(*records.values())
        ids.update({key: record.id for key, record in zip(records, created, strict=True)})

    add(
        pub=person("Anar Publicov", PUB, "journalist"),
        res=person("Rauf Restrictov", RES, "blogger"),
        secret=person("Zafar Secretov", CONF, "journalist", "blogger"),
        pub2=person("Nigar Hiddenperiod", PUB, "blogger"),
        court=Organisation(name="Public Court", kind="court", visibility=PUB),
        outlet=Organisation(name="Public Outlet", kind="media_outlet", visibility=PUB),
        facility=Organisation(name="Secret Facility", kind="detention_facility", visibility=CONF),
        src_p=Source(title="Public report", visibility=PUB),
        src_c=Source(title="Secret dossier", visibility=CONF),
        ctx_p=ContextPeriod(name="Public summit", start=P("2024-11-11"), end=P("2024-11-22"), visibility=PUB),
        ctx_c=ContextPeriod(
            name="Secret period", start=P("2024-05-01"), end=P("2024-05-31"), visibility=CONF
        ),
    )
    w = World(ids, set(), set())
    add(
        case_p=Case(title="Public case", person_ids=[w.pub, w.secret], visibility=PUB),
        case_c=Case(title="Secret case", person_ids=[w.pub], visibility=CONF),
    )

    def period(who: str, kind: str, start: str, until: date, visibility: str, **more: Any) -> CustodyPeriod:
        return CustodyPeriod(
            person_id=who, kind=kind, start=P(start), authorised_until=until, visibility=visibility, **more
        )

    def victim(type_: str, day: str, visibility: str, *who: str, **more: Any) -> Event:
        parts = [Participant(person_id=p, role="victim") for p in who]
        return Event(type=type_, date=P(day), participants=parts, visibility=visibility, **more)

    add(
        cp_pub=period(
            w.pub,
            "pre_trial_detention",
            "2024-01-01",
            D(2024, 7, 10),
            PUB,
            facility_id=w.facility,
            case_id=w.case_p,
            place="Baku",
        ),
        cp_res=period(w.res, "imprisonment", "2023-01-01", D(2024, 7, 5), RES),
        cp_sec_pub=period(w.secret, "imprisonment", "2023-06-01", D(2024, 7, 8), PUB, case_id=w.case_p),
        cp_sec_ban=period(w.secret, "travel_ban", "2022", D(2030, 1, 1), PUB),
        cp_hidden=period(w.pub2, "pre_trial_detention", "2024-02-01", D(2024, 7, 9), CONF),
        cp_pub2_ban=period(w.pub2, "travel_ban", "2022", D(2030, 1, 1), PUB),
        ch_pub=Charge(person_id=w.pub, article="206.3.2", brought=P("2024-01"), visibility=PUB),
        ch_conf=Charge(
            person_id=w.pub, article="999.9", case_id=w.case_p, brought=P("2024-02"), visibility=CONF
        ),
        arrest_p=victim("arrest", "2024-01-01", PUB, w.pub),
        hearing_p=victim(
            "trial_hearing",
            "2024-06-10",
            PUB,
            w.pub,
            w.secret,
            w.res,
            organisation_id=w.court,
            case_id=w.case_c,
        ),
        hearing_c=victim("trial_hearing", "2024-06-11", CONF, w.pub, case_id=w.case_p),
        ev_res=victim("search", "2024-03-01", PUB, w.res),
        ev_sec=victim("search", "2024-03-02", PUB, w.secret),
        ev_pub2=victim("search", "2024-03-03", PUB, w.pub2),
        iv_p=Intervention(kind="prison_visit_request", person_id=w.pub, actor="monitors", visibility=PUB),
        iv_c=Intervention(
            kind="prison_visit_request", person_id=w.pub, actor="Secret envoy", visibility=CONF
        ),
        as_p=Assessment(
            person_id=w.pub, conclusion="political_prisoner", decided_on=P("2024"), visibility=PUB
        ),
        as_c=Assessment(person_id=w.pub, decided_on=P("2023"), visibility=CONF),
        rel_r=Relationship(person_id=w.pub, other_person_id=w.res, visibility=RES),
        rel_s=Relationship(person_id=w.secret, other_person_id=w.pub, visibility=RES),
        rel_c=Relationship(person_id=w.pub, other_person_id=w.pub2, visibility=CONF),
        af_p=Affiliation(person_id=w.pub, organisation_id=w.outlet, visibility=PUB),
        af_c=Affiliation(person_id=w.res, organisation_id=w.outlet, visibility=CONF),
        af_sec=Affiliation(person_id=w.secret, organisation_id=w.outlet, visibility=PUB),
    )
    for key, source, kind, target, visibility in [
        ("cit_pp", w.src_p, "custody_period", w.cp_pub, PUB),
        ("cit_pc", w.src_p, "custody_period", w.cp_pub, CONF),
        ("cit_cp", w.src_c, "custody_period", w.cp_pub, PUB),
        ("cit_p_hidden", w.src_p, "custody_period", w.cp_hidden, PUB),
        ("cit_p_sec", w.src_p, "person", w.secret, PUB),
    ]:
        ids[key] = service.cite(source, kind, target, locator=f"p. {key}", visibility=visibility).id
    # The confidential records, and the public records that belong to the confidential person or
    # are reached only through a confidential record.
    w.of_secret = {w.cp_sec_pub, w.cp_sec_ban, w.rel_s, w.af_sec}
    w.hidden = {
        w.secret,
        w.facility,
        w.src_c,
        w.ctx_c,
        w.case_c,
        w.cp_sec_pub,
        w.cp_sec_ban,
        w.cp_hidden,
        w.ch_conf,
        w.hearing_c,
        w.ev_sec,
        w.ev_pub2,
        w.iv_c,
        w.as_c,
        w.rel_s,
        w.rel_c,
        w.af_c,
        w.af_sec,
        w.cit_pc,
        w.cit_cp,
        w.cit_p_hidden,
        w.cit_p_sec,
    }
    with store.reading() as conn:
        stored = {v for (v,) in conn.execute(sa.select(people.c.visibility))}
    assert stored == {PUB, RES, CONF}
    return w


def assert_nothing_hidden(w: World, answer: object) -> None:
    """Neither a hidden record's id nor any confidential name or title shows anywhere in `answer`."""
    text = repr(answer)
    assert HIDDEN_WORD not in text
    assert [key for key, record_id in w.ids.items() if record_id in w.hidden and record_id in text] == []


def assert_shows_hidden(w: World, answer: object) -> None:
    text = repr(answer)
    assert HIDDEN_WORD in text or any(record_id in text for record_id in w.hidden)


def both(store: Store, query: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """The answer for the viewer, and the answer over every visibility."""
    with store.reading() as conn:
        return query(conn, *args, visible=VIEWER, **kwargs), query(
            conn, *args, visible=ALL_VISIBILITY, **kwargs
        )


# -- held on a date -----------------------------------------------------------------------


def test_held_on_counts_and_names_only_visible_people_and_periods(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.held_on, D(2024, 6, 1))
    assert [p.id for p in seen.people] == [w.pub, w.res]
    assert (seen.total, seen.by_group) == (2, {"journalist": 1, "blogger": 1})
    assert seen.by_kind == {"pre_trial_detention": 1, "imprisonment": 1}
    # pub2's only detention is confidential, so for the viewer they are under a travel ban only.
    assert seen.restricted == {"total": 1, "by_kind": {"travel_ban": 1}}
    assert_nothing_hidden(w, seen.as_json())
    assert (everything.total, everything.by_group) == (4, {"blogger": 3, "journalist": 2})
    assert everything.restricted == {"total": 0, "by_kind": {}}
    assert_shows_hidden(w, everything)


def test_held_per_month_counts_only_what_held_on_counts(store: Store, world: World) -> None:
    seen, everything = both(store, queries.held_per_month, D(2023, 12, 15), D(2024, 3, 1))
    assert seen == [(D(2023, 12, 1), 1), (D(2024, 1, 1), 2), (D(2024, 2, 1), 2), (D(2024, 3, 1), 2)]
    assert everything == [(D(2023, 12, 1), 2), (D(2024, 1, 1), 3), (D(2024, 2, 1), 4), (D(2024, 3, 1), 4)]
    with store.reading() as conn:
        for day, count in seen:
            assert queries.held_on(conn, day, visible=VIEWER).total == count


# -- people ---------------------------------------------------------------------------------


def test_people_list_and_count_leave_out_hidden_people(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.search_people)
    assert {row.id for row in seen} == {w.pub, w.res, w.pub2}
    assert_nothing_hidden(w, seen)
    assert w.secret in {row.id for row in everything}
    assert both(store, queries.count_people) == (3, 4)
    assert both(store, queries.search_people, "secretov") == (
        [],
        [queries.PersonRow(w.secret, "Zafar Secretov", [], ["journalist", "blogger"])],
    )
    assert both(store, queries.count_people, "secretov") == (0, 1)


# (filters, people the viewer finds, people found over everything); "_id" values are keys of World.ids.
PEOPLE_FILTERS: list[tuple[dict[str, Any], list[str], list[str]]] = [
    ({"group": "journalist"}, ["pub"], ["pub", "secret"]),
    ({"kind": "travel_ban"}, ["pub2"], ["pub2", "secret"]),
    ({"kind": "pre_trial_detention"}, ["pub"], ["pub", "pub2"]),
    ({"held_on": D(2024, 6, 1)}, ["pub", "res"], ["pub", "res", "pub2", "secret"]),
    ({"kind": "imprisonment", "held_on": D(2023, 7, 1)}, ["res"], ["res", "secret"]),
    ({"case_id": "case_p"}, ["pub"], ["pub", "secret"]),
    ({"case_id": "case_c"}, [], ["pub"]),
    ({"organisation_id": "outlet"}, ["pub"], ["pub", "res", "secret"]),
    ({"organisation_id": "facility"}, [], ["pub"]),
]


def test_people_filters_use_only_visible_records(store: Store, world: World) -> None:
    w = world
    for filters, for_viewer, for_all in PEOPLE_FILTERS:
        resolved = {k: w.ids[v] if k.endswith("_id") else v for k, v in filters.items()}
        seen, everything = both(store, queries.search_people, **resolved)
        assert sorted(row.id for row in seen) == sorted(w.ids[k] for k in for_viewer), filters
        assert sorted(row.id for row in everything) == sorted(w.ids[k] for k in for_all), filters
        assert both(store, queries.count_people, **resolved) == (len(for_viewer), len(for_all)), filters
        assert_nothing_hidden(w, seen)


def test_person_record_ids_only_visible(store: Store, world: World) -> None:
    w = world
    for kind, for_viewer, for_all in [
        ("custody_period", ["cp_pub"], ["cp_pub"]),
        ("charge", ["ch_pub"], ["ch_pub", "ch_conf"]),
        ("assessment", ["as_p"], ["as_c", "as_p"]),  # 2023, then 2024
        ("intervention", ["iv_p"], ["iv_p", "iv_c"]),  # both undated: by id
        ("affiliation", ["af_p"], ["af_p"]),
        ("relationship", ["rel_r"], ["rel_r", "rel_s", "rel_c"]),
    ]:
        seen, everything = both(store, queries.person_record_ids, w.pub, kind)
        assert seen == [w.ids[k] for k in for_viewer], kind
        assert everything == [w.ids[k] for k in for_all], kind
        assert both(store, queries.person_record_ids, w.secret, kind)[0] == [], kind


def test_visible_ids(store: Store, world: World) -> None:
    w = world
    everyone = [w.pub, w.res, w.secret, w.pub2, "01JUNKNOWNUNKNOWNUNKNOWN00"]
    assert both(store, queries.visible_ids, "person", everyone) == (
        {w.pub, w.res, w.pub2},
        {w.pub, w.res, w.secret, w.pub2},
    )
    assert both(store, queries.visible_ids, "source", [w.src_p, w.src_c]) == ({w.src_p}, {w.src_p, w.src_c})


# -- timelines and citations -------------------------------------------------------------------


def test_person_timeline_drops_hidden_lines_relatives_and_citations(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.person_timeline, w.pub)
    assert {line.record_id for line in seen} == {
        w.cp_pub,
        w.ch_pub,
        w.arrest_p,
        w.hearing_p,
        w.iv_p,
        w.as_p,
        w.ev_res,
    }
    assert_nothing_hidden(w, [line.as_json() for line in seen])
    custody = next(line for line in seen if line.record_id == w.cp_pub)
    assert custody.text == "pre_trial_detention begins at Baku"  # the facility is not named
    assert [c.citation_id for c in custody.citations] == [w.cit_pp]
    every_id = {line.record_id for line in everything}
    assert {w.ch_conf, w.hearing_c, w.iv_c, w.as_c, w.ev_sec, w.ev_pub2} <= every_id
    assert_shows_hidden(w, everything)
    assert both(store, queries.person_timeline, w.secret)[0] == []


def test_case_timeline_and_members(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.case_timeline, w.case_p)
    assert {line.record_id for line in seen} == {w.cp_pub}
    assert {line.record_id for line in everything} == {w.cp_pub, w.cp_sec_pub, w.ch_conf, w.hearing_c}
    assert_nothing_hidden(w, seen)
    assert both(store, queries.case_timeline, w.case_c)[0] == []
    assert both(store, queries.case_members, w.case_p) == ([w.pub], [w.pub, w.secret])
    assert both(store, queries.case_members, w.case_c) == ([], [w.pub])


def test_citations_only_visible_citations_of_visible_sources(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.citations_of, [w.cp_pub])
    assert [c.citation_id for c in seen[w.cp_pub]] == [w.cit_pp]
    assert sorted(c.citation_id for c in everything[w.cp_pub]) == sorted([w.cit_pp, w.cit_pc, w.cit_cp])
    assert_nothing_hidden(w, seen)


def test_records_citing_only_visible_citations_with_visible_targets(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.records_citing, w.src_p)
    assert seen == [queries.CitingRow(w.cit_pp, "custody_period", w.cp_pub, "p. cit_pp", "")]
    assert sorted(row.citation_id for row in everything) == sorted(
        [w.cit_pp, w.cit_pc, w.cit_p_hidden, w.cit_p_sec]
    )
    assert both(store, queries.records_citing, w.src_c) == (
        [],
        [queries.CitingRow(w.cit_cp, "custody_period", w.cp_pub, "p. cit_cp", "")],
    )


# -- hearings, terms, gaps, context, changes, lists --------------------------------------------------


def test_hearings_name_only_visible_people_courts_and_cases(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.hearings_between, D(2024, 6, 1), D(2024, 6, 30))
    assert [(h.id, h.court, h.case, h.people) for h in seen] == [
        (w.hearing_p, "Public Court", "", ["Anar Publicov", "Rauf Restrictov"])
    ]
    assert [(h.id, h.case, h.people) for h in everything] == [
        (w.hearing_p, "Secret case", ["Anar Publicov", "Zafar Secretov", "Rauf Restrictov"]),
        (w.hearing_c, "Public case", ["Anar Publicov"]),
    ]
    assert_nothing_hidden(w, seen)


def test_terms_ending_only_visible_periods_of_visible_people(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.terms_ending, D(2024, 7, 1), 14)
    assert [t.custody_id for t in seen] == [w.cp_res, w.cp_pub]
    assert [t.custody_id for t in everything] == [w.cp_res, w.cp_sec_pub, w.cp_hidden, w.cp_pub]
    assert_nothing_hidden(w, seen)


def test_unsourced_lists_only_visible_facts(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.unsourced)
    # Public events stay public records though their victim is hidden; only no one is named.
    assert {w.ev_sec, w.ev_pub2} <= {f.id for f in seen}
    assert_nothing_hidden(w, [f for f in seen if f.id not in (w.ev_sec, w.ev_pub2)])
    assert {(f.kind, f.id) for f in seen if f.kind in ("person", "custody_period")} == {
        ("person", w.pub),
        ("person", w.res),
        ("person", w.pub2),
        ("custody_period", w.cp_res),
        ("custody_period", w.cp_pub2_ban),
    }
    # cp_pub is cited by a confidential source: sourced, even for a viewer who cannot see the source.
    assert w.cp_pub not in {f.id for f in seen}
    assert {w.cp_sec_ban, w.ch_conf, w.iv_c} <= {f.id for f in everything}


def test_context_periods_only_visible(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.context_periods_between, D(2024, 1, 1), D(2024, 12, 31))
    assert seen == [queries.ContextRow(w.ctx_p, "Public summit", D(2024, 11, 11), D(2024, 11, 22))]
    assert [row.id for row in everything] == [w.ctx_c, w.ctx_p]


def test_recent_changes_only_of_visible_records(store: Store, service: Service, world: World) -> None:
    w = world
    service.update("person", w.secret, occupation="editor")
    with store.atomic() as conn:
        service.log_versions(conn, [("user", "01JUSERUSERUSERUSERUSERUSE", 1, "{}")], "create", "")
    seen, everything = both(store, queries.recent_changes, 1000)
    confidential: set[str] = set()
    with store.reading() as conn:
        for table in RECORD_TABLES.values():
            query = sa.select(table.c.id).where(table.c.visibility == CONF)
            confidential.update(conn.execute(query).scalars())
    # Every record's changes show but those of confidential records and of facts about the
    # confidential person; public records met only through hidden ones are public records.
    assert {c.record_id for c in seen} == set(w.ids.values()) - confidential - w.of_secret
    public_but_met_through_hidden = {w.ev_sec, w.ev_pub2, w.cit_cp, w.cit_p_hidden, w.cit_p_sec}
    assert_nothing_hidden(w, [c for c in seen if c.record_id not in public_but_met_through_hidden])
    assert {c.record_id for c in everything} == set(w.ids.values())
    assert all(c.kind != "user" for c in everything)
    assert both(store, queries.recent_changes, 1)[1][0].record_id == w.secret  # the newest change
    assert len(both(store, queries.recent_changes, 3)[0]) == 3


def test_record_lists_and_counts_only_visible(store: Store, world: World) -> None:
    w = world
    for kind, for_viewer, for_all in [
        ("case", ["case_p"], ["case_p", "case_c"]),
        ("organisation", ["court", "outlet"], ["court", "outlet", "facility"]),
        ("source", ["src_p"], ["src_p", "src_c"]),
    ]:
        seen, everything = both(store, queries.list_records, kind)
        assert [row.id for row in seen] == [w.ids[k] for k in for_viewer], kind
        assert sorted(row.id for row in everything) == sorted(w.ids[k] for k in for_all), kind
        assert both(store, queries.count_records, kind) == (len(for_viewer), len(for_all)), kind
        assert both(store, queries.count_records, kind, "secret") == (0, 1), kind
        assert both(store, queries.list_records, kind, "secret")[0] == [], kind
        assert_nothing_hidden(w, seen)


def test_id_lists_and_counts_only_visible(store: Store, world: World) -> None:
    w = world
    seen, everything = both(store, queries.list_ids, "custody_period", 100)
    assert seen == sorted([w.cp_pub, w.cp_res, w.cp_pub2_ban])  # ULIDs: in the order made
    assert everything == sorted([w.cp_pub, w.cp_res, w.cp_sec_pub, w.cp_sec_ban, w.cp_hidden, w.cp_pub2_ban])
    assert both(store, queries.count_ids, "custody_period") == (3, 6)
    assert (
        both(store, queries.list_ids, "custody_period", 2, 1)[0]
        == sorted([w.cp_pub, w.cp_res, w.cp_pub2_ban])[1:]
    )
    assert both(store, queries.count_ids, "relationship") == (1, 3)
    assert both(store, queries.count_ids, "context_period") == (1, 2)
