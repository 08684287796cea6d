"""The search key of a name: what `person search` compares, whatever the case or accents.

`search_key("Məmmədli")` is `memmedli`: casefolded, accents stripped, and the
Azerbaijani letters without a decomposition (ə, ı) folded to their usual ASCII
stand-ins. Cross-script matching (Мамедли ↔ Mammadli) is the linkage layer's
job; here each stored spelling is searched as written.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not split into base + accent.
_FOLD = str.maketrans({"ə": "e", "ı": "i", "ё": "е", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def search_key(name: str) -> str:
    """Lower-case, accent-free, single-spaced form of `name` for comparison."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(stripped.split())


def guess_script(name: str) -> str:
    """The ISO 15924 code of the script most of the name's letters are written in."""
    counts = {"Latn": 0, "Cyrl": 0, "Arab": 0}
    for char in name:
        if not char.isalpha():
            continue
        letter_name = unicodedata.name(char, "")
        if letter_name.startswith("CYRILLIC"):
            counts["Cyrl"] += 1
        elif letter_name.startswith("ARABIC"):
            counts["Arab"] += 1
        else:
            counts["Latn"] += 1
    return max(counts, key=lambda script: counts[script])
