"""Every route of the app, in one list (see habeas.web.routing)."""

from __future__ import annotations

from habeas.web import (
    analysis,
    api,
    arrest,
    browse,
    calendar,
    duplicates,
    forms,
    history,
    imports,
    login,
    pages,
    review,
)
from habeas.web.routing import Page

ROUTES: list[Page] = [
    *login.routes,
    *pages.routes,
    *browse.routes,
    *calendar.routes,
    *arrest.routes,  # /new/arrest before forms' /new/{kind}
    *forms.routes,
    *history.routes,
    *review.routes,
    *duplicates.routes,
    *analysis.routes,
    *imports.routes,
    *api.routes,
]
