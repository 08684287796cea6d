"""The review page for list-document entries: the documents, the queue, accept / attach / reject / accept all.

Each test queues a small generated HTML list (invented people) into its own copy
of the demo database, then drives the pages over real HTTP as a signed-in editor.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.domain.records import CustodyPeriod, Person, PersonName
from habeas.ingest import review
from habeas.service import Service
from habeas.storage import tables as t

from .conftest import csrf_from

Client = Callable[[str], TestClient]
THE_LIST = Path(__file__).resolve().parents[3] / "shared/data/real/the-list-2014/the-list-aug-2014.html"

#: (section heading, [(name, arrest date as written, charge, place)]) of the generated list.
SECTIONS = [
    (
        "A. JOURNALISTS AND BLOGGERS",
        [
            ("Tofiq Xəyaliyev", "22.11.2013", "Article 234.4.3", "Baku Investigative Prison"),
            ("Samirə Uydurmaliyeva", "5 March 2014", "Articles 178.3.2, 192.2.2", "Penitentiary No. 12"),
        ],
    ),
    (
        "B. HUMAN RIGHTS DEFENDERS",
        [("Elnur Quraşdırılmış", "noyabr 2013", "Article 308.2", "Penitentiary No. 12")],
    ),
]


def list_html(sections: list[tuple[str, list[tuple[str, str, str, str]]]], title: str) -> str:
    """A list document as pdftohtml writes one: a page anchor per section, numbered entries with labels."""
    lines = [f"<html><head><title>{title}</title></head><body>"]
    for page, (heading, people) in enumerate(sections, start=1):
        lines += [f"<a name={page}></a><p>{page}</p>", f"<p>{heading}</p>"]
        for number, (name, day, charge, place) in enumerate(people, start=1):
            lines += [
                f"<p>{number}. {name}</p>",
                f"<p>Date of arrest: {day}</p>",
                f"<p>Charge: {charge}</p>",
                f"<p>Place of detention: {place}</p>",
                f"<p>Background: Listed person number {number}, {'who wrote about roads. ' * 40}</p>",
            ]
    return "\n".join([*lines, "</body></html>"])


def queue(app: FastAPI, tmp_path: Path, sections: Any = SECTIONS, title: str = "Test list 2014") -> str:
    """Queue a generated list into the app's database; returns the source id."""
    path = tmp_path / "list.html"
    path.write_text(list_html(sections, title), encoding="utf-8")
    return review.queue_document(Service(app.state.web.store, "editor1"), path).source_id


def entries(app: FastAPI, source_id: str) -> list[review.QueuedEntry]:
    return review.entries(app.state.web.store, source_id)


def writes(app: FastAPI) -> int:
    with app.state.web.store.reading() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.audit_entries)).scalar_one())


def post(client: TestClient, path: str, page: str, **form: str) -> Any:
    return client.post(path, data={**form, "csrf_token": csrf_from(page)}, follow_redirects=False)


def done_of(response: Any) -> dict[str, str]:
    assert response.status_code == 303, response.text[-800:]
    location = urlsplit(response.headers["location"])
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def test_the_documents_page_lists_the_document_with_its_counts(
    app: FastAPI, client: Client, tmp_path: Path
) -> None:
    source_id = queue(app, tmp_path)
    editor = client("editor")
    page = editor.get("/review/documents")
    assert page.status_code == 200
    row = page.text.split(f'id="document-{source_id}"')[1].split("</tr>")[0]
    assert f'href="/review/documents/{source_id}"' in row and "Test list 2014" in row
    assert re.findall(r'class="n">(\d+)<', row) == ["3", "0", "0"]
    # the unsourced-facts review page and the navigation lead to it
    assert 'href="/review/documents"' in editor.get("/review").text


def test_the_queue_shows_each_entry_and_its_candidates(app: FastAPI, client: Client, tmp_path: Path) -> None:
    [existing] = Service(app.state.web.store, "editor1").create(
        Person(names=[PersonName(value="Tofiq Xəyaliyev")], groups=["journalist"])
    )
    source_id = queue(app, tmp_path)
    first, second, third = entries(app, source_id)
    html = client("editor").get(f"/review/documents/{source_id}").text
    card = html.split(f'id="entry-{first.id}"')[1].split("</section>")[0]
    assert "1. Tofiq Xəyaliyev" in card and "A. Journalists and bloggers" in card
    assert "22.11.2013" in card and "2013-11-22" in card  # as written and as read
    assert "234.4.3" in card and "Baku Investigative Prison" in card
    assert "Listed person number 1" in card and "…" in card  # the background, shortened
    assert f'href="/people/{existing.id}"' in card and "Journalist" in card
    assert f'name="person_id" value="{existing.id}"' in card and "Attach to candidate 1" in card
    noyabr = html.split(f'id="entry-{third.id}"')[1].split("</section>")[0]
    assert "noyabr 2013" in noyabr and "2013-11" in noyabr and "no background found" not in noyabr
    assert "None: accepting records a new person." in html.split(f'id="entry-{second.id}"')[1]


def test_accept_as_a_new_person(app: FastAPI, client: Client, tmp_path: Path) -> None:
    source_id = queue(app, tmp_path)
    first = entries(app, source_id)[0]
    editor = client("editor")
    page = editor.get(f"/review/documents/{source_id}").text
    done = done_of(
        post(editor, f"/review/documents/{source_id}/accept", page, entry_id=first.id, person_id="")
    )
    assert done["done"] == "accepted"
    person_id = done["person"]
    accepted = review.get_entry(app.state.web.store, first.id)
    assert (accepted.status, accepted.person_id) == ("accepted", person_id)
    back = editor.get(f"/review/documents/{source_id}?done=accepted&person={person_id}").text
    assert 'id="review-done"' in back and f'href="/people/{person_id}"' in back
    assert f'id="entry-{first.id}"' not in back  # no longer pending
    person = editor.get(f"/people/{person_id}")
    assert person.status_code == 200 and "Tofiq Xəyaliyev" in person.text
    assert [h["actor"] for h in app.state.web.store.history(first.id)] == ["editor1", "editor1"]


def test_attach_to_a_candidate(app: FastAPI, client: Client, tmp_path: Path) -> None:
    [existing] = Service(app.state.web.store, "editor1").create(
        Person(names=[PersonName(value="Samirə Uydurmaliyeva")], groups=["blogger"])
    )
    source_id = queue(app, tmp_path)
    second = entries(app, source_id)[1]
    editor = client("editor")
    page = editor.get(f"/review/documents/{source_id}").text
    response = post(
        editor, f"/review/documents/{source_id}/accept", page, entry_id=second.id, person_id=existing.id
    )
    assert done_of(response) == {"done": "attached", "person": existing.id}
    store = app.state.web.store
    assert review.get_entry(store, second.id).person_id == existing.id
    with store.reading() as conn:
        periods = conn.execute(
            sa.select(t.custody_periods.c.id).where(t.custody_periods.c.person_id == existing.id)
        ).all()
    assert len(periods) == 1
    custody = store.get("custody_period", periods[0][0])
    assert isinstance(custody, CustodyPeriod) and custody.start.text == "2014-03-05"


def test_reject_needs_a_reason_and_keeps_it(app: FastAPI, client: Client, tmp_path: Path) -> None:
    source_id = queue(app, tmp_path)
    third = entries(app, source_id)[2]
    editor = client("editor")
    page = editor.get(f"/review/documents/{source_id}").text
    before = writes(app)
    refused = post(editor, f"/review/documents/{source_id}/reject", page, entry_id=third.id, reason="  ")
    assert refused.status_code == 422 and 'id="review-error"' in refused.text
    assert "<code>reason</code>" in refused.text and writes(app) == before
    response = post(
        editor, f"/review/documents/{source_id}/reject", page, entry_id=third.id, reason="released in 2013"
    )
    assert done_of(response) == {"done": "rejected"}
    rejected = review.get_entry(app.state.web.store, third.id)
    assert (rejected.status, rejected.data["rejection_reason"]) == ("rejected", "released in 2013")
    counts = editor.get("/review/documents").text.split(f'id="document-{source_id}"')[1].split("</tr>")[0]
    assert re.findall(r'class="n">(\d+)<', counts) == ["2", "0", "1"]


def test_accept_all_needs_the_box_ticked(app: FastAPI, client: Client, tmp_path: Path) -> None:
    source_id = queue(app, tmp_path)
    editor = client("editor")
    page = editor.get(f"/review/documents/{source_id}").text
    assert 'name="confirm" value="yes" required' in page
    before = writes(app)
    unticked = post(editor, f"/review/documents/{source_id}/accept-all", page)
    assert unticked.status_code == 422 and "<code>confirm</code>" in unticked.text
    assert writes(app) == before and len(review.pending(app.state.web.store, source_id)) == 3
    done = done_of(post(editor, f"/review/documents/{source_id}/accept-all", page, confirm="yes"))
    assert done == {"done": "all", "created": "3", "attached": "0"}
    assert {q.status for q in entries(app, source_id)} == {"accepted"}
    after = editor.get(f"/review/documents/{source_id}?done=all&created=3&attached=0").text
    assert "3 new people" in after and 'id="review-empty"' in after and 'id="accept-all"' not in after


def test_refusals_are_shown_and_change_nothing(app: FastAPI, client: Client, tmp_path: Path) -> None:
    source_id = queue(app, tmp_path)
    other_source = queue(
        app, tmp_path, [("A. JOURNALISTS", [("Vüqar Başqa", "2014", "Article 1", "")])], "Other"
    )
    first, second, _ = entries(app, source_id)
    stranger = entries(app, other_source)[0]
    review.accept(Service(app.state.web.store, "editor1"), first.id)
    editor = client("editor")
    page = editor.get(f"/review/documents/{source_id}").text
    accept = f"/review/documents/{source_id}/accept"
    before = writes(app)
    decided = post(editor, accept, page, entry_id=first.id)
    assert decided.status_code == 409 and "already accepted" in decided.text
    not_a_person = post(editor, accept, page, entry_id=second.id, person_id=source_id)
    assert not_a_person.status_code == 422 and "<code>person_id</code>" in not_a_person.text
    elsewhere = post(editor, accept, page, entry_id=stranger.id)
    assert elsewhere.status_code == 422 and "<code>entry_id</code>" in elsewhere.text
    missing = post(editor, accept, page)
    assert missing.status_code == 422
    assert writes(app) == before
    assert review.get_entry(app.state.web.store, second.id).status == "pending"
    unknown = editor.get("/review/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert unknown.status_code == 404


def test_the_queue_is_paged(app: FastAPI, client: Client, tmp_path: Path) -> None:
    people = [(f"Uydurma Adam{chr(97 + i)}ov", "2014", "Article 1", "") for i in range(23)]
    source_id = queue(app, tmp_path, [("A. JOURNALISTS", people)])
    editor = client("editor")
    first = editor.get(f"/review/documents/{source_id}").text
    second = editor.get(f"/review/documents/{source_id}?page=2").text
    assert first.count('class="card review-entry"') == 20 and second.count('class="card review-entry"') == 3
    assert f'href="/review/documents/{source_id}?page=2"' in first and "Page 2 / 2" in second


def test_a_missing_csrf_token_is_refused(app: FastAPI, client: Client, tmp_path: Path) -> None:
    source_id = queue(app, tmp_path)
    first = entries(app, source_id)[0]
    editor = client("editor")
    before = writes(app)
    for action, form in (("accept", {"entry_id": first.id}), ("accept-all", {"confirm": "yes"})):
        response = editor.post(f"/review/documents/{source_id}/{action}", data=form, follow_redirects=False)
        assert response.status_code == 403
    assert writes(app) == before


@pytest.mark.parametrize("role", ["viewer", "monitor", "documenter"])
def test_roles_without_edit_are_refused(app: FastAPI, client: Client, tmp_path: Path, role: str) -> None:
    source_id = queue(app, tmp_path)
    first = entries(app, source_id)[0]
    who = client(role)
    assert who.get("/review/documents").status_code == 403
    assert who.get(f"/review/documents/{source_id}").status_code == 403
    csrf = csrf_from(who.get("/").text)
    response = who.post(
        f"/review/documents/{source_id}/accept",
        data={"entry_id": first.id, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert review.get_entry(app.state.web.store, first.id).status == "pending"
    assert 'href="/review/documents"' not in who.get("/review").text


def pending_entry(app: FastAPI, source_id: str) -> str:
    """A pending entry of `source_id`, queueing the generated list for it first if it has none (test_csrf)."""
    store = app.state.web.store
    if not review.entries(store, source_id):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "list.html"
            path.write_text(list_html(SECTIONS, "A list for the CSRF test"), encoding="utf-8")
            review.queue_document(Service(store, "editor1"), path, source_id=source_id)
    return review.pending(store, source_id)[0].id


@pytest.mark.skipif(not THE_LIST.exists(), reason="THE LIST 2014 is not in ../shared/data")
def test_the_real_list_of_august_2014_is_shown_in_five_pages(app: FastAPI, client: Client) -> None:
    source_id = review.queue_document(Service(app.state.web.store, "editor1"), THE_LIST).source_id
    editor = client("editor")
    first = editor.get(f"/review/documents/{source_id}")
    assert first.status_code == 200 and "Pending: 98" in first.text
    assert first.text.count('class="card review-entry"') == 20 and "Page 1 / 5" in first.text
    assert "1. Abdul Abdulmanaf oglu Abilov" in first.text and "A. Journalists and bloggers" in first.text
    last = editor.get(f"/review/documents/{source_id}?page=5").text
    assert last.count('class="card review-entry"') == 18
