"""The candidate queue: add, read, decide; pairs queued once; every change audited; every backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from habeas.domain.records import Person, PersonName
from habeas.errors import ValidationError
from habeas.linkage import queue
from habeas.linkage.queue import Candidate, Evidence
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import audit_entries, record_versions

EVIDENCE = (Evidence("surname", "same after transliteration", 6.1), Evidence("birth year", "different", -3.2))


def _people(service: Service, *names: str) -> list[str]:
    made = service.create(*(Person(names=[PersonName(value=n)], visibility="restricted") for n in names))
    return [p.id for p in made]


def test_round_trip_orders_pairs_and_skips_repeats(store: Store) -> None:
    service = Service(store, "tester")
    a, b, c = _people(service, "Anar Məmmədli", "Anar Mammadli", "Leyla Hüseynova")
    added = queue.add(
        service,
        [
            Candidate("", b, a, 0.97, 5.0, EVIDENCE),
            Candidate("", a, b, 0.97, 5.0, EVIDENCE),  # the same pair the other way round
            Candidate("", a, a, 1.0, 9.0),  # a person with herself
            Candidate("", a, c, 0.91, 3.3, origin="link:SRC"),
        ],
    )
    assert added == 2
    with store.reading() as conn:
        assert queue.count_pending(conn) == 2
        first, second = queue.pending(conn)
    assert (first.person_a, first.person_b) == tuple(sorted((a, b)))
    assert first.probability == pytest.approx(0.97)
    assert first.evidence == EVIDENCE
    assert first.explain()[0] == "surname: same after transliteration (+6.1)"
    assert second.origin == "link:SRC" and first.created_at is not None

    rejected = queue.mark(service, first.id, "rejected", "namesakes: different fathers")
    assert (rejected.status, rejected.decided_by, rejected.note) == (
        "rejected",
        "tester",
        "namesakes: different fathers",
    )
    assert queue.add(service, [Candidate("", a, b, 0.99, 6.0)]) == 0  # decided pairs are not proposed again
    with store.reading() as conn:
        assert queue.count_pending(conn) == 1
        assert queue.get(conn, first.id).status == "rejected"
        assert queue.get(conn, first.id).decided_at is not None
        versions = conn.execute(
            sa.select(record_versions.c.version, record_versions.c.action, record_versions.c.note)
            .where(record_versions.c.record_id == first.id)
            .order_by(record_versions.c.version)
        ).all()
        audited = conn.execute(
            sa.select(sa.func.count()).where(audit_entries.c.kind == "link_candidate")
        ).scalar_one()
    assert [tuple(v) for v in versions] == [(1, "create", "queued"), (2, "update", "rejected")]
    assert audited == 3


def test_pending_pages_by_probability(store: Store) -> None:
    service = Service(store, "tester")
    ids = _people(service, *(f"Person {i}" for i in range(6)))
    pairs = [Candidate("", ids[0], ids[i], 0.5 + i / 20, float(i)) for i in range(1, 6)]
    assert queue.add(service, pairs) == 5
    with store.reading() as conn:
        page_one = queue.pending(conn, limit=2)
        page_two = queue.pending(conn, limit=2, offset=2)
    assert [c.probability for c in page_one + page_two] == pytest.approx([0.75, 0.7, 0.65, 0.6])


def test_bad_ids_and_statuses_are_refused(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    a, b = _people(service, "Anar Məmmədli", "Anar Mammadli")
    queue.add(service, [Candidate("", a, b, 0.95, 4.0)])
    with sqlite_store.reading() as conn:
        (candidate,) = queue.pending(conn)
        with pytest.raises(ValidationError, match="no such candidate"):
            queue.get(conn, "01NOSUCHCANDIDATE000000000")
    with pytest.raises(ValidationError, match="status"):
        queue.mark(service, candidate.id, "maybe")
    assert queue.mark(service, candidate.id, "merged").status == "merged"
    assert queue.mark(service, candidate.id, "pending").decided_by is None  # an undone merge reopens it


def test_empty_queue(sqlite_store: Store) -> None:
    with sqlite_store.reading() as conn:
        assert queue.pending(conn) == [] and queue.count_pending(conn) == 0
    assert queue.add(Service(sqlite_store, "tester"), []) == 0
