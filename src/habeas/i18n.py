"""The interface in English, Azerbaijani and Russian: Babel catalogues, read once at start-up.

Messages are marked `_("…")` in templates and Python; `make messages` extracts
them into `locale/messages.pot` and updates each `locale/<lang>/LC_MESSAGES/messages.po`.
The `.po` files are read directly (no compiled `.mo` to keep in step). A message
with no translation falls back to English. Names are shown in the script of the
interface language where the person has a name in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from habeas.domain.names import guess_script
from habeas.domain.vocabulary import vocabulary
from habeas.storage.queries import TimelineLine

LOCALE_DIR = Path(__file__).parent / "web" / "locale"
LANGUAGES: dict[str, str] = {"en": "English", "az": "Azərbaycanca", "ru": "Русский"}
DEFAULT = "en"
#: The script a reader of each interface language reads most easily.
SCRIPT_OF: dict[str, str] = {"en": "Latn", "az": "Latn", "ru": "Cyrl"}

Gettext = Callable[[str], str]


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """msgid -> translation for `lang` (empty for English or a language without a catalogue)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not path.exists():
        return {}
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def gettext_for(lang: str) -> Gettext:
    messages = catalogue(lang if lang in LANGUAGES else DEFAULT)
    return lambda text: messages.get(text, text)


def negotiate(accept_language: str) -> str:
    """The first of our languages named in an Accept-Language header, else English."""
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


def term_label(vocabulary_name: str, code: str, lang: str) -> str:
    """A vocabulary code's label in `lang` (the code itself if the vocabulary does not know it)."""
    if not code:
        return ""
    vocab = vocabulary(vocabulary_name)
    return vocab.label(code, lang) if code in vocab else code


def pick_name(names: Iterable[str], lang: str) -> str:
    """The first name written in the interface language's script, else the first name."""
    listed = [n for n in names if n]
    wanted = SCRIPT_OF.get(lang, "Latn")
    return next((n for n in listed if guess_script(n) == wanted), listed[0] if listed else "")


def timeline_text(line: TimelineLine, lang: str) -> str:
    """A timeline line said in `lang`: its phrase with vocabulary labels; its English text if unknown."""
    _ = gettext_for(lang)
    v = line.values

    def label(vocabulary_name: str, key: str) -> str:
        return term_label(vocabulary_name, v.get(key, ""), lang)

    if line.phrase == "custody_begins":
        kind = label("custody_kind", "kind")
        if v.get("place"):
            return _("%(kind)s begins at %(place)s") % {"kind": kind, "place": v["place"]}
        return _("%(kind)s begins") % {"kind": kind}
    if line.phrase == "custody_ends":
        return _("%(kind)s ends") % {"kind": label("custody_kind", "kind")}
    if line.phrase == "charge":
        reference = v["reference"] + (f" ({v['label']})" if v.get("label") else "")
        text = _("charge %(reference)s: %(status)s") % {
            "reference": reference,
            "status": label("charge_status", "status"),
        }
        if v.get("sentence"):
            text += "; " + _("sentence %(sentence)s") % {"sentence": v["sentence"]}
        return text
    if line.phrase == "event":
        text = label("event_type", "type")
        details = [v["outcome"]] if v.get("outcome") else []
        if v.get("monitoring"):
            details.append(
                _("monitoring: %(outcome)s") % {"outcome": label("monitoring_outcome", "monitoring")}
            )
        if details:
            text += f" ({'; '.join(details)})"
        if v.get("relation"):
            return _("relative (%(relation)s): %(event)s") % {
                "relation": label("relationship_type", "relation"),
                "event": text,
            }
        return text
    if line.phrase == "intervention":
        return _("%(kind)s by %(actor)s: %(response)s") % {
            "kind": label("intervention_kind", "kind"),
            "actor": v["actor"],
            "response": label("intervention_response", "response"),
        }
    if line.phrase == "assessment":
        return _("assessed: %(conclusion)s") % {"conclusion": label("assessment_conclusion", "conclusion")}
    return line.text
