"""The review queue: THE LIST queued, accepted, counted on 2014-08-10 by its sections; attach; reject."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import Habeas
from habeas.domain.records import Person, PersonName
from habeas.errors import ConflictError, NotFound, ValidationError
from habeas.ingest import review
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store
from habeas.storage.tables import citations, review_entries

THE_LIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "the-list-2014"
HTML = THE_LIST / "the-list-aug-2014.html"
SECTIONS = {
    "A. Journalists and bloggers": 13,
    "B. Human rights defenders": 10,
    "C. Youth activists": 9,
    "D. Politicians": 2,
    "E. Religious activists": 52,
    "F. Lifetime prisoners": 3,
    "G. Other cases": 9,
}
pytestmark = pytest.mark.skipif(not THE_LIST.exists(), reason="THE LIST 2014 is not in ../shared/data")


def _held(store: Store, source_id: str) -> tuple[queries.HeldReport, review.SectionCounts]:
    with store.reading() as conn:
        report = queries.held_on(conn, date(2014, 8, 10))
        return report, review.held_by_section(conn, report, source_id)


def test_queue_accept_all_and_count_by_section(service: Service, store: Store) -> None:
    queued = review.queue_document(service, HTML)
    assert queued.by_section() == SECTIONS
    source = store.get("source", queued.source_id)
    assert (source.visibility, source.kind) == ("public", "report")  # type: ignore[attr-defined]
    assert len(review.pending(store, queued.source_id)) == 98
    result = review.accept_all(service, queued.source_id)
    assert (result.created, result.attached) == (98, 0)
    report, sections = _held(store, queued.source_id)
    assert report.total == 98
    assert sections.by_section == SECTIONS
    assert (sections.listed, sections.held) == (98, 98)
    assert review.pending(store, queued.source_id) == []
    assert (
        store.verify_audit().ok
        if hasattr(store.verify_audit(), "ok")
        else store.verify_audit().first_bad_seq is None
    )


def test_accepting_an_entry_creates_its_facts_each_cited_with_the_page(
    service: Service, store: Store
) -> None:
    queued = review.queue_document(service, HTML)
    first = review.pending(store, queued.source_id)[0]
    person_id = review.accept(service, first.id)
    person = store.get("person", person_id)
    assert isinstance(person, Person)
    assert [n.value for n in person.names] == ["Abdul Abdulmanaf oglu Abilov"]
    assert person.groups == ["journalist", "blogger"]
    with store.reading() as conn:
        cited = conn.execute(
            sa.select(citations.c.target_kind, citations.c.locator, citations.c.note).where(
                citations.c.source_id == queued.source_id
            )
        ).all()
        timeline = queries.person_timeline(conn, person_id)
    kinds = sorted(kind for kind, _, _ in cited)
    assert kinds == ["charge", "custody_period", "event", "organisation", "person"]
    assert {locator for _, locator, _ in cited} == {"p. 8"}
    assert {note for _, _, note in cited} == {"A. Journalists and bloggers, no. 1"}
    assert timeline  # the arrest and the custody period are on the person's timeline
    accepted = review.get_entry(store, first.id)
    assert (accepted.status, accepted.person_id, accepted.version) == ("accepted", person_id, 2)
    assert [v["action"] for v in store.history(first.id)] == ["create", "accept"]
    with pytest.raises(ConflictError, match="already accepted"):
        review.accept(service, first.id)


def test_a_split_name_becomes_two_names_and_facilities_are_shared(service: Service, store: Store) -> None:
    queued = review.queue_document(service, HTML)
    by_number = {e.entry.number: e for e in review.pending(store, queued.source_id)}
    leyla = store.get("person", review.accept(service, by_number[20].id))
    assert [n.value for n in leyla.names] == ["Leyla Yunus", "Leyla Islam qızı Yunusova"]  # type: ignore[attr-defined]
    review.accept(service, by_number[25].id)
    review.accept(service, by_number[26].id)  # the same facility, written the same way
    with store.reading() as conn:
        facilities = conn.execute(sa.text("SELECT count(*) FROM organisations")).scalar_one()
    assert facilities == 2


def test_attach_to_an_existing_person(service: Service, store: Store) -> None:
    existing = service.create(Person(names=[PersonName(value="Abdul Abilov")], groups=["journalist"]))[0]
    queued = review.queue_document(service, HTML)
    first = review.pending(store, queued.source_id)[0]
    found = review.candidates(store, first)
    assert [(c.person_id, c.how) for c in found] == [(existing.id, "same name without patronymic")]
    assert review.accept(service, first.id, existing.id) == existing.id
    person = store.get("person", existing.id)
    assert [n.value for n in person.names] == ["Abdul Abilov", "Abdul Abdulmanaf oglu Abilov"]  # type: ignore[attr-defined]
    assert person.groups == ["journalist", "blogger"]  # type: ignore[attr-defined]


def test_accept_all_attaches_only_to_a_single_same_name(service: Service, store: Store) -> None:
    same = service.create(Person(names=[PersonName(value="Abdul Abdulmanaf oglu Abilov")]))[0]
    queued = review.queue_document(service, HTML)
    result = review.accept_all(service, queued.source_id)
    assert (result.created, result.attached) == (97, 1)
    assert review.entries(store, queued.source_id)[0].person_id == same.id


def test_reject_keeps_the_reason(service: Service, store: Store) -> None:
    queued = review.queue_document(service, HTML)
    entry = review.pending(store, queued.source_id)[1]
    with pytest.raises(ValidationError, match="reason"):
        review.reject(service, entry.id, " ")
    review.reject(service, entry.id, "released before the list was published")
    rejected = review.get_entry(store, entry.id)
    assert rejected.status == "rejected"
    assert rejected.data["rejection_reason"] == "released before the list was published"
    assert len(review.pending(store, queued.source_id)) == 97


def test_the_same_document_is_not_queued_twice(service: Service, store: Store) -> None:
    queued = review.queue_document(service, HTML)
    with pytest.raises(ValidationError, match="already queued"):
        review.queue_document(service, HTML)
    with pytest.raises(ValidationError, match="already has 98 entries"):
        review.queue_document(service, THE_LIST / "the-list-aug-2014.pdf", source_id=queued.source_id)


def test_nothing_is_half_written_when_an_accept_fails(
    service: Service, store: Store, count_rows: Callable[[Store], dict[str, int]]
) -> None:
    queued = review.queue_document(service, HTML)
    waiting = review.pending(store, queued.source_id)
    # One entry's article is made invalid behind the queue's back: accept_all must write nothing.
    with store.atomic() as conn:
        broken = {**waiting[50].data, "articles": ["not-an-article"]}
        conn.execute(
            review_entries.update()
            .where(review_entries.c.id == waiting[50].id)
            .values(data=json.dumps(broken))
        )
    before = count_rows(store)
    with pytest.raises(ValidationError, match="charge.article"):
        review.accept_all(service, queued.source_id)
    assert count_rows(store) == before
    assert len(review.pending(store, queued.source_id)) == 98
    with pytest.raises(NotFound, match="person"):
        review.accept(service, waiting[0].id, "01ARZ3NDEKTSV4RRFFQ69G5FAV")  # no such person
    assert count_rows(store) == before


def test_cli_import_review_and_held_by_section(habeas: Habeas) -> None:
    out = habeas("import", "list-document", str(HTML)).stdout
    assert "E. Religious activists" in out and "98" in out
    listed = habeas("review", "--list", "--format", "json").stdout
    source_id = json.loads(listed)[0]["source_id"]
    again = habeas("import", "list-document", str(HTML), ok=False)
    assert again.returncode == 2 and "already queued" in again.stderr
    assert "accepted: 98 new people" in habeas("review", "--accept-all", "--source", source_id).stdout
    held = json.loads(habeas("held", "--on", "2014-08-10", "--source", source_id, "--format", "json").stdout)
    assert held["total"] == 98
    assert held["by_section"]["by_section"] == SECTIONS
    interactive = habeas("review", ok=False)
    assert interactive.returncode != 0 and "--accept-all" in interactive.stderr
