"""The one list of the app's routes, each with the permission it needs.

Every route of the app is a `Page` in `ROUTES` (see habeas.web.routes): the app
is built from this list, and the access-matrix test is generated from it, so a
route cannot exist without a declared permission.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: `permission=None` marks a route anyone may use (sign-in, static files, language).
PUBLIC = None


@dataclass(frozen=True)
class Page:
    """A route: path, handler, HTTP methods, and the permission a caller needs."""

    path: str
    endpoint: Callable[..., Any]
    permission: str | None
    methods: tuple[str, ...] = ("GET",)
    name: str = ""
    api: bool = False  # under /api/v1: token authentication and JSON errors
    # FastAPI options describing an API route in the OpenAPI schema (summary, responses, …).
    openapi: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def changes_state(self) -> bool:
        return any(m not in ("GET", "HEAD") for m in self.methods)


class Routes(list[Page]):
    """A module's routes; `@routes.get(path, permission)` adds the function and returns it unchanged."""

    def add(
        self, path: str, permission: str | None, methods: tuple[str, ...], api: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.append(Page(path, fn, permission, methods, fn.__name__, api))
            return fn

        return register

    def get(
        self, path: str, permission: str | None, api: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.add(path, permission, ("GET",), api)

    def post(
        self, path: str, permission: str | None, api: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.add(path, permission, ("POST",), api)
