"""Spreadsheet import in the browser: upload → preview (mapping and dry run) → confirm.

The uploaded file is kept in this server's memory only (never on disk), bound to
the session that sent it, for at most `UPLOAD_TTL` seconds, and dropped once
imported. The app's request-size limit bounds it (the form parser keeps a file
of that size in memory); larger files go through `habeas import table`.
Works without JavaScript: every step is a plain form.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError
from habeas.ingest.mapping import FIELDS, Column, NameColumn, TableMapping, guess_mapping, parse_mapping
from habeas.ingest.table_import import ImportReport, import_table
from habeas.ingest.tabular import Table, read_table
from habeas.web.forms import check_visibility, refuse_unseen, service
from habeas.web.pages import caller
from habeas.web.render import render
from habeas.web.routing import Routes

routes = Routes()

UPLOAD_TTL = 30 * 60  # seconds an upload waits for its confirmation
PREVIEW_ROWS = 50  # dry-run outcomes shown on the preview page
# What a column can be mapped to on the preview page ("" = not imported).
COLUMN_CHOICES = ("", "name", *(f for f in FIELDS if f not in ("visibility", "custody_kind")), "custody_kind")


@dataclass
class Upload:
    """One uploaded spreadsheet waiting in memory for its import, and who may use it."""

    data: bytes
    name: str
    session: str
    expires: float


@dataclass
class Uploads:
    """The uploads of one app, by an unguessable token; expired ones are dropped on every access."""

    items: dict[str, Upload] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, upload: Upload) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self._expire()
            self.items[token] = upload
        return token

    def get(self, token: str, session: str) -> Upload | None:
        with self.lock:
            self._expire()
            found = self.items.get(token)
        return found if found is not None and secrets.compare_digest(found.session, session) else None

    def drop(self, token: str) -> None:
        with self.lock:
            self.items.pop(token, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, u in self.items.items() if u.expires < now]:
            del self.items[token]


def _uploads(request: Request) -> Uploads:
    state = request.app.state
    if not hasattr(state, "table_uploads"):
        state.table_uploads = Uploads()
    found: Uploads = state.table_uploads
    return found


def _session(request: Request) -> str:
    session = caller(request).session
    return session.id_hash if session else ""


# -- upload -------------------------------------------------------------------------------------


@routes.get("/import", "create")
def upload_form(request: Request) -> Response:
    return render(request, "import_upload.html", error=None)


@routes.post("/import", "create")
async def upload(request: Request) -> Response:
    form = await request.form()
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        if isinstance(sent, UploadFile):
            await sent.close()
        return render(
            request, "import_upload.html", status_code=422, error=_error("file", "", "choose a file")
        )
    try:
        data = await sent.read()
    finally:
        await sent.close()
    if not data:
        return render(
            request, "import_upload.html", status_code=422, error=_error("file", "", "the file is empty")
        )
    token = _uploads(request).add(
        Upload(data, sent.filename, _session(request), time.monotonic() + UPLOAD_TTL)
    )
    return RedirectResponse(f"/import/{token}", status_code=303)


# -- preview and confirm --------------------------------------------------------------------------


@routes.get("/import/{token}", "create")
def preview(request: Request, token: str) -> Response:
    upload = _uploads(request).get(token, _session(request))
    if upload is None:
        return _gone(request)
    return run_preview(request, token, upload, None)


@routes.post("/import/{token}", "create")
async def confirm(request: Request, token: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_confirm, request, token, form)


def _confirm(request: Request, token: str, form: Any) -> Response:
    upload = _uploads(request).get(token, _session(request))
    if upload is None:
        return _gone(request)
    if form.get("action") != "import":
        return run_preview(request, token, upload, form)
    table: Table | None = None
    try:
        table = _table(upload)
        mapping = _mapping_from(form, table.headers)
        options = _options(request, form)
        source_title = f"Spreadsheet import: {upload.name}"
        report = import_table(service(request), table.rows, mapping, source_title=source_title, **options)
    except ValidationError as refused:
        return run_preview(request, token, upload, form, refused)
    finally:
        _close(table)
    if report.written or not report.rejected:
        _uploads(request).drop(token)
    return render(request, "import_done.html", report=report, name=upload.name, shown=_shown(report))


def run_preview(
    request: Request, token: str, upload: Upload, form: Any, error: ValidationError | None = None
) -> Response:
    """The preview page: the columns with their mapping (editable), and the dry run's report."""
    table: Table | None = None
    try:
        table = _table(upload)
        mapping = _mapping_from(form, table.headers) if form is not None else guess_mapping(table.headers)
        report: ImportReport | None = None
        if error is None:
            report = import_table(
                service(request), table.rows, mapping, dry_run=True, **_options(request, form)
            )
    except ValidationError as refused:
        error, report = refused, None
        mapping = guess_mapping(table.headers) if table else TableMapping()
    finally:
        _close(table)
    return render(
        request,
        "import_preview.html",
        status_code=422 if error else 200,
        token=token,
        name=upload.name,
        headers=table.headers if table else [],
        chosen=_chosen(mapping),
        choices=COLUMN_CHOICES,
        kinds=vocabulary("custody_kind").codes(),
        kind=(mapping.get("custody_kind") or Column()).default,
        visibility=_field(form, "visibility", "restricted"),
        visibilities=sorted(caller(request).visible),
        on_error=_field(form, "on_error", "stop"),
        source_id=_field(form, "source_id", ""),
        report=report,
        shown=_shown(report) if report else [],
        error=error,
    )


def _table(upload: Upload) -> Table:
    return read_table(upload.data, upload.name)


def _close(table: Table | None) -> None:
    if table is not None and "workbook" in table.extra:
        table.extra["workbook"].close()


def _field(form: Any, name: str, default: str) -> str:
    return str(form.get(name, default)) if form is not None else default


def _chosen(mapping: TableMapping) -> dict[str, str]:
    """Each mapped column's field, as the preview's selects show it."""
    chosen = {n.column: "name" for n in mapping.names}
    chosen.update({c.column: name for name, c in mapping.fields.items() if c.column})
    return chosen


def _mapping_from(form: Any, headers: list[str]) -> TableMapping:
    """The mapping the preview's selects describe (`col-N` is the field of column N)."""
    names = [NameColumn(h) for number, h in enumerate(headers) if form.get(f"col-{number}") == "name"]
    data: dict[str, Any] = {"names": [n.to_dict() for n in names]}
    for number, header in enumerate(headers):
        field_name = str(form.get(f"col-{number}", ""))
        if field_name in ("", "name"):
            continue
        if field_name not in FIELDS:
            raise ValidationError(f"col-{number}", field_name, f"use one of: {', '.join(COLUMN_CHOICES[1:])}")
        if field_name in data:
            raise ValidationError(header, field_name, "map each field to one column only")
        data[field_name] = header
    kind = str(form.get("custody_kind", ""))
    if kind:
        current = data.get("custody_kind")
        data["custody_kind"] = {"column": current, "default": kind} if current else {"default": kind}
    return parse_mapping(data, headers)


def _options(request: Request, form: Any) -> dict[str, Any]:
    visibility = _field(form, "visibility", "restricted")
    check_visibility(request, "visibility", visibility)
    on_error = _field(form, "on_error", "stop")
    source_id = _field(form, "source_id", "").strip()
    if source_id:
        refuse_unseen(request, [("source_id", "source", source_id)])
    return {"on_error": on_error, "source_id": source_id or None, "visibility": visibility}


def _shown(report: ImportReport) -> list[Any]:
    return report.outcomes[:PREVIEW_ROWS]


def _gone(request: Request) -> Response:
    return render(
        request,
        "import_upload.html",
        status_code=404,
        error=_error(
            "file", "", "this upload has expired or belongs to another session; upload the file again"
        ),
    )


def _error(field_name: str, value: str, allowed: str) -> ValidationError:
    return ValidationError(field_name, value, allowed)
