"""Keys for one word of a name: `key` (a canonical Latin spelling) and `phonetic` (a coarser sound key).

Both read Azerbaijani Latin, English-style romanisations and Russian (or Azerbaijani)
Cyrillic alike, so `Məmmədli`, `Mammadli`, `Mamedli` and `Мамедли` land close together.
They never go through unidecode, which turns `ə` into `@`. Words in any other script
(Arabic, Georgian…) are not transliterated: their key is the word casefolded, as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Azerbaijani Latin letters and the English-style spelling most published lists use for them.
_AZ_LATIN: dict[str, str] = {
    "ə": "a",
    "ş": "sh",
    "ç": "ch",
    "ğ": "gh",
    "x": "kh",
    "c": "j",
    "q": "g",
    "ı": "i",
    "ö": "o",
    "ü": "u",
    "w": "v",
}

# Russian and Azerbaijani Cyrillic, romanised the way Azerbaijani names are usually written in
# English. Azerbaijani h is written г in Russian (Гусейн for Hüseyn): г stays g here, and
# `phonetic` folds g and h together so the two still meet.
_CYRILLIC: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "a", "ғ": "gh", "ҝ": "g", "һ": "h", "ө": "o", "ү": "u", "ј": "y",
    "ҹ": "j", "і": "i",
}  # fmt: skip

# Several letters that spell one sound; replaced before single letters.
_CYRILLIC_PAIRS = {"дж": "j"}
_LATIN_PAIRS = {"dzh": "j", "dj": "j"}

# After a consonant, ю, я and ё only soften it and stand for ü, ə and ö: Айгюн is Aygün, Гянджа Gəncə.
_SOFTENING = {"ю": "u", "я": "a", "ё": "o"}
_CYRILLIC_VOWELS = set("аеёиоуыэюяәөүіьъ")


def is_transliterable(word: str) -> bool:
    """True when every letter of `word` is Latin or Cyrillic, the scripts `key` can read."""
    return all(_script_of(char) in ("Latn", "Cyrl") for char in word if char.isalpha())


def _script_of(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "Latn"
    if name.startswith("CYRILLIC"):
        return "Cyrl"
    return name.split(" ", 1)[0].title() or "Unknown"


@lru_cache(maxsize=65536)
def script_name(text: str) -> str:
    """The English name of the first script in `text` that is neither Latin nor Cyrillic ("" if none)."""
    for char in text:
        if char.isalpha() and _script_of(char) not in ("Latn", "Cyrl"):
            return _script_of(char)
    return ""


@lru_cache(maxsize=65536)
def key(token: str) -> str:
    """A canonical lower-case Latin spelling of one name word, the same for its usual spellings.

    ə→a, ş→sh, ç→ch, ğ→gh, x→kh, c→j, q→g, ı→i, ö→o, ü→u; Cyrillic дж→j, х→kh, ы→i, ё→yo,
    щ→shch, ь and ъ dropped; Latin dzh and dj→j; other accents stripped; apostrophes dropped.
    `key("Cəfərov") == key("Джафаров") == key("Dzhafarov") == "jafarov"`. Several words are keyed
    one by one. A word in another script (Arabic, Georgian…) is only casefolded.
    """
    return " ".join(_word_key(word) for word in token.split())


def _word_key(word: str) -> str:
    text = unicodedata.normalize("NFC", word.casefold())
    if not is_transliterable(text):
        return text
    for pair, latin in _CYRILLIC_PAIRS.items():
        text = text.replace(pair, latin)
    out: list[str] = []
    for n, char in enumerate(text):
        if char in _SOFTENING and n > 0 and text[n - 1] not in _CYRILLIC_VOWELS:
            out.append(_SOFTENING[char])
        elif char == "c" and text[n + 1 : n + 2] == "h":
            out.append(char)  # English-style ch (Elchin) is Azerbaijani ç, not c + h
        elif char in _AZ_LATIN:
            out.append(_AZ_LATIN[char])
        elif char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char.isalpha():
            out.append(_strip_accents(char))
        elif char == "-":
            out.append(char)
        # digits, dots, apostrophes and other marks are not part of a name's spelling
    latin = "".join(out)
    for pair, single in _LATIN_PAIRS.items():
        latin = latin.replace(pair, single)
    return latin


def _strip_accents(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# -- phonetic -------------------------------------------------------------------------------------
#
# Works on the output of `key`, so it only has to know Latin. Each sound class is one letter:
# x stands for sh (key wrote every x as kh, so x is free), c for ch.
_PHONETIC_SEQUENCES = (("kh", "h"), ("gh", "h"), ("zh", "j"), ("sh", "x"), ("ch", "c"))
_PHONETIC_LETTERS = str.maketrans(
    {
        "e": "a",  # ə became a; published spellings write it e (Memmedli, Elgunesh)
        "y": "i",  # y only colours a vowel: Hüseyn/Husein, Əliyev/Алиев
        "o": "u",
        "g": "h",  # Russian г stands for Azerbaijani h and q: Гусейн/Hüseyn, Гасымова/Qasımova
        "q": "h",
        "w": "v",
    }
)


_BETWEEN_VOWELS = re.compile(r"([aeiou])y(?=[aeiou])")


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """A coarse sound key of a name word, for blocking: spelling variants of one name share it.

    Built on `key`: a, e (and so ə) → a; i, y, ı → i; o, u, ö, ü → u; h, x, kh, g, gh, ğ, q (and
    Russian г) → h; j, c, dzh, zh → j; sh → x, ch → c; a y between vowels is dropped; a doubled
    letter counts once. So `phonetic("Məmmədli") == phonetic("Мамедли") == phonetic("Mammadli")`
    and `phonetic("Hüseyn") == phonetic("Гусейн") == phonetic("Guseyn")`.
    Over-matches by design: Ali/Ela, Hasan/Qasan, Jalal/Zhalal. k stays apart from g and h.
    """
    words = []
    for word in key(token).split():
        if not is_transliterable(word):
            words.append(word)
            continue
        text = word.replace("-", "")
        for sequence, symbol in _PHONETIC_SEQUENCES:
            text = text.replace(sequence, symbol)
        text = _BETWEEN_VOWELS.sub(r"\1", text)  # Babayev/Бабаев (babaev), Əliyev/Алиев (aliev)
        text = text.translate(_PHONETIC_LETTERS)
        words.append("".join(c for n, c in enumerate(text) if n == 0 or c != text[n - 1]))
    return " ".join(words)


@lru_cache(maxsize=65536)
def loose(token: str) -> str:
    """`phonetic`, coarser still: k joins h (Russian writes q as к: Quliyev/Кулиев) and u joins i
    (and ı as у: Qasımov/Касумов). Only a weaker sign of the same name than `phonetic`."""
    return phonetic(token).replace("k", "h").replace("u", "i")


_ENDINGS = (
    ("zada", "zade"),
    ("ova", "ov"),
    ("eva", "ov"),
    ("ov", "ov"),
    ("ev", "ov"),
    ("li", "li"),
    ("lu", "li"),
)


@lru_cache(maxsize=65536)
def ending(token: str) -> str | None:
    """The family of a surname's ending, read on its key: "ov" (-ov, -eva…), "li" (-li, -lu), "zade"."""
    word = key(token)
    for suffix, family in _ENDINGS:
        if word.endswith(suffix) and len(word) >= len(suffix) + 3:
            return family
    return None
