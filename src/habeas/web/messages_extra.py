"""Interface words that reach `_()` only as data, so that `make messages` extracts them.

The templates translate a user's role (`_(principal.user.role)`) and, in the
dashboard's recent changes, a change's action and the kind of record it touched
(`_(c.action)`, `_(c.kind)`). Those strings come from the database, not from
the source, so they are marked here once. Nothing imports this module.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Mark `text` for extraction; it is translated where it is shown."""
    return text


ROLES = (_("admin"), _("editor"), _("documenter"), _("monitor"), _("viewer"))

# Translators: shown as "<who>: <action> <kind of record>", e.g. "alice: create person".
ACTIONS = (_("create"), _("update"), _("retract"), _("revert"), _("disable"))

# Translators: the record kind after an action in "<who>: <action> <kind>".
KINDS = (
    _("person"),
    _("organisation"),
    _("affiliation"),
    _("relationship"),
    _("case"),
    _("charge"),
    _("custody_period"),
    _("event"),
    _("intervention"),
    _("assessment"),
    _("source"),
    _("citation"),
    _("context_period"),
    _("user"),
)

EXTRA = ROLES + ACTIONS + KINDS
