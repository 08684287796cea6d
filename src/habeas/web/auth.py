"""Who is asking: a signed-in browser session or an API token; permissions and CSRF on every route.

A route's permission (see habeas.security.roles) is checked before its handler
runs. State-changing requests from a browser must carry the session's CSRF
token in the form field `csrf_token` (or the `X-CSRF-Token` header, which htmx
sends); API clients use a bearer token and no cookie, so CSRF does not apply.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from habeas.accounts import Accounts, Session, User
from habeas.security.roles import ROLE_VISIBILITY, TWO_FACTOR_REQUIRED, may

SESSION_COOKIE = "habeas_session"
PRE_LOGIN_COOKIE = "habeas_pre"  # double-submit CSRF token for the sign-in form, before any session
LANGUAGE_COOKIE = "habeas_lang"


class NotSignedIn(Exception):
    """No valid session or token: a page redirects to sign-in, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


class BadCsrf(Exception):
    """A state-changing request without the right CSRF token."""


@dataclass(frozen=True)
class Principal:
    """The caller of a request."""

    user: User
    session: Session | None  # None for an API token

    @property
    def visible(self) -> frozenset[str]:
        return ROLE_VISIBILITY[self.user.role]

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""

    def may(self, permission: str) -> bool:
        return may(self.user.role, permission)


def session_of(request: Request) -> Session | None:
    """The request's session, fully signed in or waiting for its second factor (cached per request)."""
    if "habeas_session" not in request.scope:
        accounts: Accounts = request.app.state.web.accounts
        cookie = request.cookies.get(SESSION_COOKIE, "")
        request.scope["habeas_session"] = accounts.session(cookie) if cookie else None
    session: Session | None = request.scope["habeas_session"]
    return session


def principal_of(request: Request, api: bool) -> Principal | None:
    """The signed-in caller, or None. The API takes only bearer tokens; pages only sessions."""
    if api:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        user = request.app.state.web.accounts.user_for_token(token.strip())
        return Principal(user, None) if user else None
    session = session_of(request)
    if session is None or not fully_signed_in(session):
        return None
    return Principal(session.user, session)


def fully_signed_in(session: Session) -> bool:
    return session.second_factor_done or (
        session.user.role not in TWO_FACTOR_REQUIRED and not session.user.two_factor
    )


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse a state-changing browser request whose CSRF token is missing or not this session's."""
    sent = request.headers.get("x-csrf-token", "")
    if not sent:
        form = await request.form()
        value: Any = form.get("csrf_token", "")
        sent = value if isinstance(value, str) else ""
    # compare_digest refuses non-ASCII text (a TypeError, so a 500): compare the bytes.
    if not expected or not sent or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise BadCsrf()


def guard(permission: str | None, api: bool, changes_state: bool) -> Any:
    """The dependency that admits a request to a route needing `permission`."""

    async def admit(request: Request) -> Principal | None:
        if permission is None:
            return principal_of(request, api)
        principal = principal_of(request, api)
        if principal is None:
            raise NotSignedIn()
        if not principal.may(permission):
            raise Forbidden()
        if changes_state and principal.session is not None:
            await check_csrf(request, principal.session.csrf_token)
        request.scope["habeas_principal"] = principal
        return principal

    return admit
