"""Spreadsheet import in the browser: upload → preview with the guessed mapping and dry run → confirm."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.storage.tables import audit_entries, citations

from .conftest import csrf_from

Client = Callable[[str], TestClient]
SHEET = (
    "Ad Soyad,Həbs tarixi,Maddə\n"
    "Vüsalə Tapdıqova,22.11.2013,206.3.2; 221\n"
    "Elçin Bağırzadə,noyabr 2013,228.1\n"
)


def audit_count(app: FastAPI) -> int:
    with app.state.web.store.reading() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(audit_entries)).scalar_one())


def upload(browser: TestClient, data: bytes = SHEET.encode(), name: str = "list.csv") -> str:
    page = browser.get("/import")
    assert page.status_code == 200
    sent = browser.post(
        "/import",
        data={"csrf_token": csrf_from(page.text)},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    location = sent.headers["location"]
    assert re.fullmatch(r"/import/[\w-]+", location)
    return location


def selected(html: str, select: str) -> str:
    body = html.split(f'<select id="{select}"')[1].split("</select>")[0]
    found = re.search(r'<option value="([^"]*)" selected', body)
    return found.group(1) if found else ""


def test_upload_preview_confirm(client: Client, app: FastAPI) -> None:
    browser = client("documenter")
    location = upload(browser)
    before = audit_count(app)
    page = browser.get(location)
    assert page.status_code == 200
    assert [selected(page.text, f"col-{n}") for n in range(3)] == ["name", "start", "charges"]
    assert selected(page.text, "custody_kind") == "pre_trial_detention"
    assert "New people: 2" in page.text and audit_count(app) == before  # the dry run wrote nothing
    form = {
        "csrf_token": csrf_from(page.text),
        "col-0": "name",
        "col-1": "start",
        "col-2": "charges",
        "custody_kind": "imprisonment",
        "visibility": "restricted",
        "on_error": "stop",
        "action": "import",
    }
    done = browser.post(location, data=form)
    assert done.status_code == 200 and 'id="import-result"' in done.text
    assert "2 new people" in done.text
    assert audit_count(app) > before
    with app.state.web.store.reading() as conn:
        rows = {
            r
            for (r,) in conn.execute(sa.select(citations.c.locator).where(citations.c.locator.like("row %")))
        }
    assert {"row 2", "row 3"} <= rows
    assert browser.get(location).status_code == 404  # the upload is gone once imported


def test_changing_the_mapping_previews_again(client: Client) -> None:
    browser = client("documenter")
    location = upload(browser)
    page = browser.get(location)
    form = {
        "csrf_token": csrf_from(page.text),
        "col-0": "name",
        "col-1": "",
        "col-2": "",
        "action": "preview",
    }
    again = browser.post(location, data=form)
    assert again.status_code == 200
    assert selected(again.text, "col-1") == "" and "New people: 2" in again.text


def test_a_rejected_row_saves_nothing(client: Client, app: FastAPI) -> None:
    browser = client("documenter")
    location = upload(browser, (SHEET + "Rəna Əsgərova,31.02.2014,221\n").encode())
    page = browser.get(location)
    assert "Rejected: 1" in page.text and "31.02.2014" in page.text
    before = audit_count(app)
    form = {"csrf_token": csrf_from(page.text), "col-0": "name", "col-1": "start", "col-2": "charges"}
    done = browser.post(location, data={**form, "custody_kind": "pre_trial_detention", "action": "import"})
    assert "Nothing was saved" in done.text and audit_count(app) == before


def test_uploads_are_bound_to_their_session(client: Client) -> None:
    location = upload(client("documenter"))
    assert client("editor").get(location).status_code == 404


def test_bad_files_are_explained(client: Client) -> None:
    browser = client("documenter")
    page = browser.get(upload(browser, b"Name,Name\na,b\n"))
    assert page.status_code == 422 and "same header" in page.text
    page = browser.get(upload(browser, b"not a workbook", "list.xlsx"))
    assert page.status_code == 422 and "XLSX" in page.text


def test_viewers_may_not_import(client: Client) -> None:
    assert client("viewer").get("/import", follow_redirects=False).status_code == 403
