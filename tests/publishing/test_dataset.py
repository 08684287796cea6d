"""The public dataset: the list as published, computed lists, withheld counts, the edition history."""

from __future__ import annotations

from datetime import date

from habeas.domain.dates import PartialDate
from habeas.domain.records import Assessment, CustodyPeriod, Person, PersonName
from habeas.editions import RULES, publish
from habeas.publishing.dataset import MIN_WITHHELD_SHOWN, collect
from habeas.service import Service
from habeas.storage.store import Store

DAY = date(2024, 6, 1)
START = PartialDate.parse("2024-01-10")


def _prisoner(
    service: Service,
    name: str,
    group: str,
    *,
    consent: bool = True,
    custody_visibility: str = "public",
) -> str:
    (person,) = service.create(
        Person(
            names=[PersonName(value=name)], groups=[group], visibility="public", consent_to_publish=consent
        )
    )
    service.create(
        CustodyPeriod(
            person_id=person.id, kind="pre_trial_detention", start=START, visibility=custody_visibility
        ),
        Assessment(
            person_id=person.id, conclusion="political_prisoner", decided_on=START, visibility="public"
        ),
    )
    return person.id


def test_a_computed_list_names_nobody_on_facts_it_does_not_publish(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    shown = _prisoner(service, "Leyla Qasımova", "journalist")
    _prisoner(service, "Tural Babayev", "journalist", custody_visibility="restricted")

    public = collect(sqlite_store, on=DAY)
    team = collect(sqlite_store, on=DAY, audience="restricted")

    assert [m.person_id for m in public.listing.members] == [shown]
    assert public.listing.total == 1 and team.listing.total == 2


def test_withheld_people_are_counted_by_category_only_when_there_are_enough(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    _prisoner(service, "Leyla Qasımova", "journalist")
    for i in range(MIN_WITHHELD_SHOWN):
        _prisoner(service, f"Blogger Number{i}", "blogger", consent=False)
    _prisoner(service, "Lone Believer", "religious_believer", consent=False)

    listing = collect(sqlite_store, on=DAY).listing

    assert listing.withheld == {"blogger": MIN_WITHHELD_SHOWN}
    assert listing.withheld_unsorted == 1
    assert listing.counts == {"journalist": 1, "blogger": MIN_WITHHELD_SHOWN}
    assert listing.total == 2 + MIN_WITHHELD_SHOWN and listing.withheld_total == 1 + MIN_WITHHELD_SHOWN


def test_an_edition_note_is_for_the_team_and_corrections_stay_out_of_earlier_history(
    sqlite_store: Store,
) -> None:
    service = Service(sqlite_store, "tester")
    _prisoner(service, "Leyla Qasımova", "journalist")
    first = publish(service, DAY, RULES["pace"], note="internal: first cut")
    correction = publish(service, DAY, RULES["pace"], note="internal: correction")

    public = collect(sqlite_store, edition_id=first.id)
    team = collect(sqlite_store, edition_id=first.id, audience="restricted")
    newest = collect(sqlite_store)

    assert public.listing.note == "" and team.listing.note == "internal: first cut"
    assert [h.edition_id for h in public.history] == [first.id]
    assert newest.listing.edition_id == correction.id
    assert [h.edition_id for h in newest.history] == [correction.id, first.id]
