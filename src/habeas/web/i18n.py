"""The interface's languages, for the web pages: `habeas.i18n`, which the publishing layer shares."""

from habeas.i18n import (
    DEFAULT,
    LANGUAGES,
    LOCALE_DIR,
    SCRIPT_OF,
    Gettext,
    catalogue,
    gettext_for,
    negotiate,
    pick_name,
    term_label,
    timeline_text,
)

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LOCALE_DIR",
    "SCRIPT_OF",
    "Gettext",
    "catalogue",
    "gettext_for",
    "negotiate",
    "pick_name",
    "term_label",
    "timeline_text",
]
