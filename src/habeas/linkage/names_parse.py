"""Split a full name into given name(s), surname and patronymic, in any of the usual orders.

Azerbaijani names carry the father's name with `oğlu` (son of) or `qızı` (daughter of):
"Faraj Karimov, Raqif oğlu", "Faraj Raqif oglu Karimov" and "Karimov Faraj Raqif oğlu" are
the same three parts. The surname is told by its ending (-ov, -ova, -li, -zadə…, Russian -ов,
-лы…) or by a comma ("Karimov, Faraj"); failing both, the last word is taken as the surname.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from habeas.linkage.names_keys import is_transliterable, key, phonetic, script_name

# The words that mark a patronymic, keyed by what they say of the person's sex.
_SON = {"oglu", "oğlu", "ogly", "oğlı", "oglı", "ogli", "oğli", "оглы", "огли"}
_DAUGHTER = {"qızı", "qizi", "gizi", "kizi", "kyzy", "kızı", "gyzy", "кызы", "гызы", "qyzy"}
# Russian-style patronymics, one word: Ragifovich, Рагифович (the father's name is the stem).
_RUSSIAN_PATRONYMIC = re.compile(r"^(.{3,}?)(ovich|evich|ovna|evna|ович|евич|овна|евна)$")

# Surname endings; a word must be at least this much longer than the ending (Əli is a given name).
_SURNAME_ENDINGS = (
    "ova", "eva", "yeva", "ov", "ev", "yev", "li", "lı", "lu", "lü", "zade", "zadə", "skaya", "sky",
    "ова", "ева", "ов", "ев", "лы", "ли", "заде", "ская", "ский",
)  # fmt: skip
_STEM_MIN = 3
_FEMININE_ENDINGS = ("ova", "eva", "ова", "ева", "skaya", "ская")

# More words than this are not compared (a name is rarely more than five words long).
MAX_WORDS = 8
# Longer words are cut to this many letters before comparing.
MAX_WORD_LENGTH = 40

_WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ][^\W\d_]+)*\.?", re.UNICODE)


@dataclass(frozen=True)
class ParsedName:
    """The parts of one written name; `given` may hold several words, the others one or none."""

    text: str
    given: tuple[str, ...] = ()
    surname: str | None = None
    patronymic: str | None = None  # the father's given name, as written
    patronymic_marker: str | None = None  # oğlu, qızı, оглы, -ovich… as written
    sex: str | None = None  # "male" or "female", when the patronymic or surname ending says so
    words_dropped: int = 0  # words beyond MAX_WORDS, not used

    @property
    def parts(self) -> tuple[str, ...]:
        """The given names and surname, the words compared across names."""
        return self.given + ((self.surname,) if self.surname else ())

    @property
    def given_keys(self) -> tuple[str, ...]:
        return tuple(key(word) for word in self.given)

    @property
    def surname_key(self) -> str | None:
        return key(self.surname) if self.surname else None

    @property
    def patronymic_key(self) -> str | None:
        """The father's name as a `key`, for comparing patronymics apart from the name."""
        return key(self.patronymic) if self.patronymic else None

    @property
    def is_empty(self) -> bool:
        return not self.parts and not self.patronymic and not self.patronymic_marker

    @property
    def script(self) -> str:
        """ "" when the name is Latin or Cyrillic, else the first other script's name (Arabic…)."""
        return script_name(self.text)


# Names longer than this are parsed each time rather than cached (a pasted paragraph, a flood).
_CACHED_LENGTH = 200


def parse(name: str) -> ParsedName:
    """The given names, surname and patronymic of `name`; never fails (empty input gives no parts)."""
    return _parse(name) if len(name) <= _CACHED_LENGTH else _parse.__wrapped__(name)


@lru_cache(maxsize=65536)
def _parse(name: str) -> ParsedName:
    text = unicodedata.normalize("NFC", name)
    pieces = [_words(piece) for piece in text.split(",")]
    total = sum(len(piece) for piece in pieces)
    dropped = 0
    if total > MAX_WORDS:
        pieces, dropped = _cut(pieces, MAX_WORDS), total - MAX_WORDS
    father, marker, sex, pieces = _patronymic(pieces)
    pieces = [piece for piece in pieces if piece]
    given, surname = _given_and_surname(pieces)
    if sex is None and surname:
        sex = _sex_from_surname(surname)
    return ParsedName(text, tuple(given), surname, father, marker, sex, dropped)


def _words(piece: str) -> list[str]:
    """The words of `piece`; an initial keeps its dot ("A."); punctuation and digits are dropped."""
    return [word[:MAX_WORD_LENGTH] for word in _WORD.findall(piece)]


def _cut(pieces: list[list[str]], limit: int) -> list[list[str]]:
    kept: list[list[str]] = []
    for piece in pieces:
        kept.append(piece[: max(limit, 0)])
        limit -= len(kept[-1])
    return kept


def _marker_sex(word: str) -> str | None:
    folded = word.casefold()
    if folded in _SON:
        return "male"
    if folded in _DAUGHTER:
        return "female"
    return None


def _patronymic(
    pieces: list[list[str]],
) -> tuple[str | None, str | None, str | None, list[list[str]]]:
    """Find `X oğlu` (or a Russian -ovich word) and take it out: (father, marker, sex, the rest)."""
    for p, piece in enumerate(pieces):
        for i, word in enumerate(piece):
            sex = _marker_sex(word)
            if sex is not None:
                father = piece[i - 1] if i > 0 else None
                rest = piece[: max(i - 1, 0)] + piece[i + 1 :]
                return father, word, sex, pieces[:p] + [rest] + pieces[p + 1 :]
    for p, piece in enumerate(pieces):
        for i, word in enumerate(piece):
            match = _RUSSIAN_PATRONYMIC.match(word.casefold())
            # A Russian patronymic never comes first in a name, which keeps surnames like Abramovich.
            if match and (i > 0 or p > 0) and len(piece) + p > 1:
                sex = "female" if match.group(2).endswith(("na", "на")) else "male"
                father = word[: len(match.group(1))]
                rest = piece[:i] + piece[i + 1 :]
                return father, word, sex, pieces[:p] + [rest] + pieces[p + 1 :]
    return None, None, None, pieces


def _is_surname(word: str) -> bool:
    folded = word.casefold()
    return any(folded.endswith(end) and len(folded) >= len(end) + _STEM_MIN for end in _SURNAME_ENDINGS)


def _sex_from_surname(surname: str) -> str | None:
    folded = surname.casefold()
    if any(folded.endswith(end) and len(folded) >= len(end) + _STEM_MIN for end in _FEMININE_ENDINGS):
        return "female"
    if any(folded.endswith(end) for end in ("ov", "ev", "ов", "ев", "sky", "ский")):
        return "male"
    return None


def _given_and_surname(pieces: list[list[str]]) -> tuple[list[str], str | None]:
    """Pick the surname: before a comma, else by its ending, else the last word."""
    words = [word for piece in pieces for word in piece]
    if not words:
        return [], None
    if len(pieces) > 1 and len(pieces[0]) == 1 and not _is_initial(pieces[0][0]):
        return words[1:], pieces[0][0]  # "Karimov, Faraj"
    if len(words) == 1:
        return ([], words[0]) if _is_surname(words[0]) else (words, None)
    by_ending = [i for i, word in enumerate(words) if _is_surname(word) and not _is_initial(word)]
    if by_ending:
        # Two candidates (Vəliyev Elçin Məmmədov): the last one, as in given–surname order.
        chosen = by_ending[-1]
    else:
        full = [i for i, word in enumerate(words) if not _is_initial(word)]
        chosen = full[-1] if full else len(words) - 1
    return words[:chosen] + words[chosen + 1 :], words[chosen]


def _is_initial(word: str) -> bool:
    """A one-letter word, with or without its dot ("A." or "A")."""
    return len(word.rstrip(".")) == 1


def is_initial(word: str) -> bool:
    """True for an initial such as "A." (public: the comparison treats initials apart)."""
    return _is_initial(word)


def transliterable(parsed: ParsedName) -> bool:
    """True when every part is Latin or Cyrillic, so keys and phonetic keys mean something."""
    return all(is_transliterable(word) for word in parsed.parts + tuple(filter(None, [parsed.patronymic])))


def normalised(name: str) -> str:
    """A canonical full-name string for record linkage: the given names' keys, then the surname's.

    The patronymic is left out (it is `parse(name).patronymic_key`), and so is the order the name
    was written in: "Karimov Faraj Raqif oğlu" and "Фарадж Керимов" both give "faraj karimov".
    """
    parsed = parse(name)
    keys = [key(word.rstrip(".")) for word in parsed.given]
    if parsed.surname:
        keys.append(key(parsed.surname))
    return " ".join(k for k in keys if k)


def phonetic_name(name: str) -> str:
    """The phonetic keys of the given names and surname, in that order (a blocking key)."""
    parsed = parse(name)
    return " ".join(phonetic(word.rstrip(".")) for word in parsed.parts if word)
