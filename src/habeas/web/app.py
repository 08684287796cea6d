"""The web application: `create_app(settings)` builds it from the one route list.

Server-rendered HTML that works with JavaScript off, a JSON API under /api/v1,
and nothing loaded from another host. Every handler reads through
habeas.storage.queries and the Store, and writes through the Service or
Accounts: no SQL here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from habeas.accounts import Accounts
from habeas.config import Settings
from habeas.errors import (
    AccessDenied,
    ConflictError,
    HabeasError,
    NotFound,
    StorageError,
    ValidationError,
)
from habeas.service import utcnow
from habeas.storage.store import Store
from habeas.web.auth import BadCsrf, Forbidden, NotSignedIn, guard
from habeas.web.render import environment, render

log = logging.getLogger("habeas.web")
T = TypeVar("T")

MAX_BODY = 1024 * 1024  # bytes; forms and API bodies are small
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
NO_STORE = (b"cache-control", b"no-store")  # a seized laptop's browser cache holds no page


@dataclass
class WebState:
    """What every request shares: storage, accounts, templates, the clock and a small cache."""

    settings: Settings
    store: Store
    accounts: Accounts
    templates: Environment
    clock: Callable[[], datetime]
    cache: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()`, remembered until the next write (the audit chain's head moves with every write).

        Every key names the caller's visibility where the value depends on it.
        Handlers run in a thread pool, so the cache is only touched under a lock.
        """
        with self.store.reading() as conn:
            head = self.store.audit_head(conn)[0]
        full_key = (*key, head)
        with self.lock:
            if full_key in self.cache:
                self.cache.move_to_end(full_key)
                found: T = self.cache[full_key]
                return found
        value = compute()
        with self.lock:
            self.cache[full_key] = value
            while len(self.cache) > 64:
                self.cache.popitem(last=False)
        return value


class Guards:
    """ASGI middleware: a body-size limit, security headers on every response, and a log line.

    The log line names the method, the route's path template, the status and
    the time taken: never a query string, a form value, a name or a token.
    """

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, started_response = 500, False
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _too_large(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise BodyTooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if not scope["path"].startswith("/static/"):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started_response:
                await _too_large(send)
            status = 413
        except Exception as exc:  # noqa: BLE001 - the log must not carry the exception's text
            # An unexpected error: its message may quote stored values, so only its type is logged.
            log.error("unexpected %s", type(exc).__name__)
            if not started_response:
                await _plain(send, 500, "something went wrong; nothing was changed by this request")
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "(no route)")
            log.info("%s %s %s %.1fms", scope["method"], path, status, (time.perf_counter() - started) * 1000)


class BodyTooLarge(StarletteHTTPException):
    """An HTTPException, so that FastAPI's form parsing passes it on instead of answering 400."""

    def __init__(self) -> None:
        super().__init__(413, f"request body too large: the limit is {MAX_BODY} bytes")


async def _too_large(send: Send) -> None:
    await _plain(send, 413, f"request body too large: the limit is {MAX_BODY} bytes")


async def _plain(send: Send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS, NO_STORE],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, **detail: Any) -> Response:
    """The same error as JSON for the API and as a page for a browser."""
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "message": message, **detail}}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message, detail=detail)


STATUS_OF: list[tuple[type[HabeasError], int]] = [
    (ValidationError, 422),
    (NotFound, 404),
    (ConflictError, 409),
    (AccessDenied, 403),
    (StorageError, 503),
]


def install_error_handlers(app: FastAPI) -> None:
    async def not_signed_in(request: Request, exc: Exception) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": {"status": 401, "message": "sign in: send 'Authorization: Bearer <token>'"}},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return error_response(request, 403, "your role does not allow this; ask an administrator")

    async def bad_csrf(request: Request, exc: Exception) -> Response:
        return error_response(
            request, 403, "this form has expired or came from another site; reload the page and try again"
        )

    async def habeas_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HabeasError)
        status = next((code for cls, code in STATUS_OF if isinstance(exc, cls)), 400)
        detail: dict[str, Any] = {}
        if isinstance(exc, ValidationError):
            detail = {"field": exc.field, "value": str(exc.value), "reason": exc.allowed}
        return error_response(request, status, str(exc), **detail)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body",
                "reason": str(e.get("msg", "")),
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "body", "reason": "invalid"}
        return error_response(request, 422, f"{first['field']}: {first['reason']}", errors=errors)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        messages = {404: "no such page", 405: "this address does not take that method"}
        return error_response(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(BadCsrf, bad_csrf)
    app.add_exception_handler(HabeasError, habeas_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _quote(path: str) -> str:
    return quote(path, safe="/")


def create_app(
    settings: Settings,
    passphrase: str | None = None,
    *,
    store: Store | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The application over the database `settings` names (or an already open `store`)."""
    from habeas.web.routes import ROUTES

    store = store or Store.open(settings, passphrase)
    app = FastAPI(
        title="habeas",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.web = WebState(
        settings=settings,
        store=store,
        accounts=Accounts(store, clock=clock),
        templates=environment(),
        clock=clock,
    )
    for page in ROUTES:
        app.add_api_route(
            page.path,
            page.endpoint,
            methods=list(page.methods),
            name=page.name,
            dependencies=[Depends(guard(page.permission, page.api, page.changes_state))],
            include_in_schema=page.api,
            **{"response_model": None, **page.openapi},
        )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    install_error_handlers(app)
    app.add_middleware(Guards)
    return app
