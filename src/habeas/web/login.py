"""Signing in (password, then a TOTP code where the account has one), signing out, the language."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from habeas.errors import AccessDenied
from habeas.web import i18n
from habeas.web.auth import (
    LANGUAGE_COOKIE,
    PRE_LOGIN_COOKIE,
    SESSION_COOKIE,
    BadCsrf,
    fully_signed_in,
    session_of,
)
from habeas.web.render import render
from habeas.web.routing import PUBLIC, Routes

routes = Routes()
Text = Annotated[str, Form(max_length=1024)]


def safe_next(target: str) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    # Browsers drop tabs and newlines from addresses: "/\t/evil.example" would become "//evil.example".
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and target.isprintable():
        return target
    return "/"


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


@routes.get("/login", PUBLIC)
def login_form(request: Request, next: str = "/") -> Response:
    token = request.cookies.get(PRE_LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", next=safe_next(next), error="", csrf_token=token)
    set_cookie(request, response, PRE_LOGIN_COOKIE, token)
    return response


@routes.post("/login", PUBLIC)
def login(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=80)],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Text = "/",
) -> Response:
    expected = request.cookies.get(PRE_LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected.encode(), csrf_token.encode()):
        raise BadCsrf()
    web = request.app.state.web
    try:
        user = web.accounts.authenticate(username.strip(), password)
    except AccessDenied as refused:
        return render(
            request,
            "login.html",
            status_code=401,
            next=safe_next(next),
            error=str(refused),
            csrf_token=expected,
        )
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        web.accounts.end_session(old)
    cookie, session = web.accounts.start_session(user, second_factor_done=False)
    target = safe_next(next)
    if not fully_signed_in(session):
        target = f"/login/2fa?next={quote(target, safe='/')}"  # quoted: its own & and ? stay in `next`
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, cookie)
    response.delete_cookie(PRE_LOGIN_COOKIE, path="/")
    return response


@routes.get("/login/2fa", PUBLIC)
def second_factor_form(request: Request, next: str = "/") -> Response:
    session = session_of(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "login_2fa.html", next=safe_next(next), error="", csrf_token=session.csrf_token)


@routes.post("/login/2fa", PUBLIC)
def second_factor(
    request: Request,
    code: Annotated[str, Form(min_length=1, max_length=12)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Text = "/",
) -> Response:
    session = session_of(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    if not secrets.compare_digest(session.csrf_token.encode(), csrf_token.encode()):
        raise BadCsrf()
    web = request.app.state.web
    try:
        web.accounts.verify_second_factor(session.user.id, code)
    except AccessDenied as refused:
        return render(
            request,
            "login_2fa.html",
            status_code=401,
            next=safe_next(next),
            error=str(refused),
            csrf_token=session.csrf_token,
        )
    cookie, _ = web.accounts.complete_second_factor(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, cookie)
    return response


@routes.post("/logout", "read")
def logout(request: Request) -> Response:
    request.app.state.web.accounts.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@routes.get("/language/{lang}", PUBLIC)
def choose_language(request: Request, lang: str, next: str = "/") -> Response:
    """Remember the interface language in a cookie (a preference, not a change to any record)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in i18n.LANGUAGES:
        set_cookie(request, response, LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600)
    return response
