"""Names of people the public may not see, found and replaced inside the text of published records.

A source's title ("Anar Zeynalli detained in Baku"), a case's title or an event's summary may name a
person the gate withholds. The gate gives such text to a `NameScrubber` built from every spelling
stored for the hidden people; each occurrence, word for word and whatever the letter case, becomes
`WITHHELD`. Names of one word are not looked for (too many ordinary words), nor a spelling that a
person the public may see also bears (a namesake). Inflected forms and spellings not stored are not
found: the scrubber is a second line behind the gate's rules, not a replacement for them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["WITHHELD", "NameScrubber"]

WITHHELD = "[name withheld]"
_WORD = re.compile(r"\w+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(m.group().casefold() for m in _WORD.finditer(text))


class NameScrubber:
    """Replaces the hidden names (each a run of two or more words) in a text."""

    def __init__(self, hidden: Iterable[str], shown: Iterable[str] = ()) -> None:
        namesakes = {_words(name) for name in shown}
        self._by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for name in {_words(name) for name in hidden} - namesakes:
            if len(name) >= 2:
                self._by_first[name[0]].append(name)
        for names in self._by_first.values():
            names.sort(key=len, reverse=True)  # the longest spelling first: "Anar Məmmədli oğlu"

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def scrub(self, text: str) -> str:
        """`text` with every hidden name replaced by WITHHELD (the same object when none is found)."""
        if not self._by_first or not text:
            return text
        words = list(_WORD.finditer(text))
        folded = [m.group().casefold() for m in words]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            match = next(
                (n for n in self._by_first.get(folded[i], ()) if tuple(folded[i : i + len(n)]) == n), None
            )
            if match is None:
                i += 1
                continue
            spans.append((words[i].start(), words[i + len(match) - 1].end()))
            i += len(match)
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out.append(text[last:start] + WITHHELD)
            last = end
        return "".join(out) + text[last:]
