"""Roles, what each may do, and which record visibilities each may see.

This table is the written list in docs/security.md (a test keeps the two in
step) and the one the web app enforces on every route.
"""

from __future__ import annotations

from types import MappingProxyType

#: Every permission a route can require, with what it allows.
PERMISSIONS: MappingProxyType[str, str] = MappingProxyType(
    {
        "read": "see the dashboard, lists, record pages, hearings and calendars, within its visibility",
        "create": "record new facts: people, arrests, custody, charges, events, sources, citations",
        "monitor": "record a hearing's monitoring outcome (attended, refused entry, closed, postponed)",
        "edit": "change or retract any record, read a record's history and revert it to an earlier version",
        "manage_users": "add, list and disable accounts and reset their two-factor sign-in",
    }
)

#: The roles, most powerful first, and the permissions of each.
ROLE_PERMISSIONS: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "admin": frozenset({"read", "create", "monitor", "edit", "manage_users"}),
        "editor": frozenset({"read", "create", "monitor", "edit"}),
        "documenter": frozenset({"read", "create", "monitor"}),
        "monitor": frozenset({"read", "monitor"}),
        "viewer": frozenset({"read"}),
    }
)

ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)

#: Record visibilities each role may see. `confidential` (sources, witnesses,
#: relatives by default) is for the roles that record or check sources.
ROLE_VISIBILITY: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "admin": frozenset({"public", "restricted", "confidential"}),
        "editor": frozenset({"public", "restricted", "confidential"}),
        "documenter": frozenset({"public", "restricted", "confidential"}),
        "monitor": frozenset({"public", "restricted"}),
        "viewer": frozenset({"public", "restricted"}),
    }
)

#: Every visibility: what the command line (a local, trusted user) sees.
ALL_VISIBILITY: frozenset[str] = frozenset({"public", "restricted", "confidential"})

#: Roles that must sign in with a second factor.
TWO_FACTOR_REQUIRED: frozenset[str] = frozenset({"admin"})


def may(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
