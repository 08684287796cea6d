"""Rendering pages: one Jinja2 environment (autoescaped), the language of each request, its context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from habeas.domain.dates import PartialDate
from habeas.web import i18n
from habeas.web.auth import LANGUAGE_COOKIE, Principal, session_of

TEMPLATES = Path(__file__).parent / "templates"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.filters["when"] = when
    return env


def when(value: object) -> str:
    """A partial date as shown on a page: its text, or '?' when unknown or missing."""
    if value is None:
        return "?"
    if isinstance(value, PartialDate):
        return "?" if value.is_unknown else value.text
    return str(value)


def language_of(request: Request) -> str:
    """The cookie's choice, else the signed-in user's language, else the browser's, else English."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in i18n.LANGUAGES:
        return chosen
    session = session_of(request)
    if session is not None:
        return session.user.language
    return i18n.negotiate(request.headers.get("accept-language", ""))


def principal(request: Request) -> Principal | None:
    found: Principal | None = request.scope.get("habeas_principal")
    return found


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` with the request's language, caller and CSRF token in the context."""
    lang = language_of(request)
    gettext = i18n.gettext_for(lang)
    who = principal(request)
    page = request.app.state.web.templates.get_template(template).render(
        request=request,
        _=gettext,
        lang=lang,
        principal=who,
        csrf_token=who.csrf_token if who else context.pop("csrf_token", ""),
        term=lambda vocabulary_name, code: i18n.term_label(vocabulary_name, code, lang),
        pick_name=lambda names: i18n.pick_name(names, lang),
        say=lambda line: i18n.timeline_text(line, lang),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)
