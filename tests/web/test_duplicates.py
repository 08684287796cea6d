"""The duplicates review page over real HTTP: the queue, a pair side by side, merge, undo, reject, roles."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.domain.records import Person
from habeas.linkage import queue
from habeas.service import Service

from .conftest import csrf_from
from .test_access import Sessions, sessions_fixture  # noqa: F401 - fixtures


def queued_pair(app: FastAPI, offset: int = 0) -> queue.Candidate:
    """Two demo people (the last ones, from `offset`) queued as a likely pair, evidence for and against."""
    store = app.state.web.store
    with store.reading() as conn:
        ids = [p.id for p in store.get_many("person", _people(conn, offset), conn) if isinstance(p, Person)]
    evidence = (
        queue.Evidence("surname", "same after transliteration", 6.5),
        queue.Evidence("birth year", "different", -2.0),
    )
    queue.add(Service(store, "editor1"), [queue.Candidate("", ids[0], ids[1], 0.93, 4.5, evidence)])
    with store.reading() as conn:
        return next(c for c in queue.pending(conn) if {c.person_a, c.person_b} == set(ids))


def _people(conn, offset: int) -> list[str]:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from habeas.storage.tables import people

    query = sa.select(people.c.id).where(people.c.retracted.is_(False), people.c.visibility != "confidential")
    return list(conn.execute(query.order_by(people.c.id.desc()).offset(offset).limit(2)).scalars())


def test_editor_merges_undoes_and_rejects(app: FastAPI, sessions: Sessions) -> None:
    pair = queued_pair(app)
    client, _ = sessions.browser("editor")
    listing = client.get("/review/duplicates")
    assert listing.status_code == 200 and f"/review/duplicates/{pair.id}" in listing.text
    page = client.get(f"/review/duplicates/{pair.id}")
    assert "same after transliteration" in page.text and 'id="evidence-against"' in page.text
    merged = client.post(
        "/review/duplicates/merge",
        data={"candidate_id": pair.id, "keep": "a", "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert merged.status_code == 200 and 'action="/review/duplicates/undo"' in merged.text
    store = app.state.web.store
    assert store.get("person", pair.person_b).retracted
    undone = client.post(
        "/review/duplicates/undo",
        data={
            "candidate_id": pair.id,
            "merge_id": _merge_id(merged.url.query),
            "csrf_token": csrf_from(merged.text),
        },
        follow_redirects=True,
    )
    assert undone.status_code == 200 and not store.get("person", pair.person_b).retracted
    assert store.verify_audit().ok
    rejected = client.post(
        "/review/duplicates/reject", data={"candidate_id": pair.id, "csrf_token": csrf_from(undone.text)}
    )
    assert rejected.status_code == 200 and f"/review/duplicates/{pair.id}" not in rejected.text


def _merge_id(query: bytes | str) -> str:
    text = query.decode() if isinstance(query, bytes) else query
    return text.split("merged=")[1].split("&")[0]


def test_viewer_reads_but_cannot_merge(app: FastAPI, sessions: Sessions) -> None:
    pair = queued_pair(app)
    client, token = sessions.browser("viewer")
    page = client.get(f"/review/duplicates/{pair.id}")
    assert page.status_code == 200 and "merge-form" not in page.text
    refused = client.post(
        "/review/duplicates/merge", data={"candidate_id": pair.id, "keep": "a", "csrf_token": token}
    )
    assert refused.status_code == 403
    assert not app.state.web.store.get("person", pair.person_b).retracted


def test_unknown_pair_is_not_found(sessions: Sessions) -> None:
    client: TestClient = sessions.browser("editor")[0]
    assert client.get("/review/duplicates/01JNOPAIR00000000000000000").status_code == 404
