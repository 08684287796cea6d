"""Compare two written names across Azerbaijani Latin, English-style and Russian Cyrillic spellings.

`compare("Anar Məmmədli", "Анар Мамедли")` aligns the words of both names regardless of their
order, scores each pair of words on their transliteration keys, weighs the patronymics (a
different father's name is strong evidence against) and says why in plain English. The pieces
(`parse`, `key`, `phonetic`, `normalised`) are public for duplicate detection. Pure Python, no I/O.

The score is 0..1. Two names are `same` when the score reaches SAME_THRESHOLD (0.85), every
aligned pair of words agrees, at least two full words (not initials) agree, and neither the
patronymics nor the sexes the names imply contradict each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

from habeas.linkage.names_keys import ending, key, loose, phonetic, script_name
from habeas.linkage.names_parse import ParsedName, is_initial, normalised, parse, phonetic_name

__all__ = [
    "SAME_THRESHOLD",
    "Comparison",
    "ParsedName",
    "compare",
    "key",
    "normalised",
    "parse",
    "phonetic",
    "phonetic_name",
    "similarity",
]

SAME_THRESHOLD = 0.85
# Two words agree from this similarity up (Raqif/Vaqif is 0.75, Nəbiyeva/Nağıyeva 0.89).
AGREE = 0.9
# What an unmatched word (a second given name written in one list only) costs the score.
_MISSING_WORD = 0.9
# A patronymic that agrees lifts the score this share of the way to 1; one that differs halves it.
_PATRONYMIC_AGREES = 0.5
_PATRONYMIC_DIFFERS = 0.5
_SEX_DIFFERS = 0.6
_INITIAL = 0.8
_CACHED_LENGTH = 200


@dataclass(frozen=True)
class Comparison:
    """The verdict on two names: a score in 0..1, whether they name the same person, and why."""

    score: float
    same: bool
    why: list[str] = field(default_factory=list)

    def as_dict(self, a: str, b: str) -> dict[str, Any]:
        """The JSON shape of `habeas names compare`: a, b, score, same, why."""
        return {"a": a, "b": b, "score": round(self.score, 3), "same": self.same, "why": self.why}


@dataclass(frozen=True)
class _Word:
    text: str
    role: str  # "given name" or "surname"


def similarity(a: str, b: str) -> tuple[float, str]:
    """How alike two name words are (0..1) and in what way: same, transliteration, similar, differs."""
    if is_initial(a) or is_initial(b):
        return _initials(a, b)
    key_a, key_b = key(a), key(b)
    if not key_a or not key_b:
        return 0.0, "differs"
    if key_a == key_b:
        return 1.0, ("same" if a.casefold() == b.casefold() else "same after transliteration")
    sound_a, sound_b = phonetic(a), phonetic(b)
    if sound_a == sound_b:
        return 0.95, "same after transliteration (spelling variant)"
    end_a, end_b = ending(a), ending(b)
    if end_a and end_b and end_a != end_b:
        return 0.5, "differs"  # Rəsullu and Rasulov are two families, however alike the stems
    if loose(a) == loose(b):
        return 0.9, "close after transliteration (q written к, ı written у)"
    # Jaro-Winkler alone forgives a different ending (Mammadov/Mammadli), Levenshtein a different
    # first letter (Raqif/Vaqif): their mean is strict about both. On the phonetic keys, so that
    # only differences that are not spelling variants count (Rəşad/Rəşid: a vs i).
    score = _blend(sound_a, sound_b)
    if sound_a[:1] != sound_b[:1]:
        score *= 0.9  # a different first sound makes another name: Vəliyev/Əliyev, Tağıyeva/Nağıyeva
    return score, ("similar" if score >= AGREE else "differs")


def _blend(a: str, b: str) -> float:
    return (JaroWinkler.similarity(a, b) + Levenshtein.normalized_similarity(a, b)) / 2


def _initials(a: str, b: str) -> tuple[float, str]:
    first_a, first_b = key(a.rstrip("."))[:1], key(b.rstrip("."))[:1]
    if first_a and first_a == first_b or phonetic(a.rstrip("."))[:1] == phonetic(b.rstrip("."))[:1]:
        if is_initial(a) and is_initial(b):
            return _INITIAL, "same initial"
        return _INITIAL, "initial fits"
    return 0.0, "differs"


def compare(a: str, b: str) -> Comparison:
    """Score whether the names `a` and `b` are the same person's, with the reasons in `why`."""
    # Lists repeat names: identical pairs are answered from a cache (each caller gets its own list).
    short = len(a) + len(b) <= _CACHED_LENGTH
    score, same, why = _cached_compare(a, b) if short else _compare(a, b)
    return Comparison(score, same, list(why))


@lru_cache(maxsize=65536)
def _cached_compare(a: str, b: str) -> tuple[float, bool, tuple[str, ...]]:
    return _compare(a, b)


def _compare(a: str, b: str) -> tuple[float, bool, tuple[str, ...]]:
    pa, pb = parse(a), parse(b)
    refusal = _cannot_compare(pa, pb)
    if refusal is not None:
        return 0.0, False, tuple(refusal)
    why = _script_notes(pa, pb)
    pairs, extra = _align(_words(pa), _words(pb))
    sims: list[float] = []
    agreeing_full = 0
    all_agree = True
    for word_a, word_b, sim, how in pairs:
        why.append(_pair_line(word_a, word_b, how))
        sims.append(sim)
        if sim < AGREE and how != "initial fits" and how != "same initial":
            all_agree = False
        elif how not in ("initial fits", "same initial"):
            agreeing_full += 1
    score = sum(sims) / len(sims) if sims else 0.0
    why.extend(_extra_lines(extra))
    score *= _MISSING_WORD ** len(extra)
    score, patronymic_ok = _patronymics(pa, pb, score, why)
    sex_ok = pa.sex is None or pb.sex is None or pa.sex == pb.sex
    if not sex_ok:
        why.append(f"one name is a man's, the other a woman's ({pa.sex} vs {pb.sex})")
        score *= _SEX_DIFFERS
    same = score >= SAME_THRESHOLD and all_agree and patronymic_ok and sex_ok and agreeing_full >= 2
    if all_agree and agreeing_full < 2 and score >= SAME_THRESHOLD:
        why.append("too few full name parts agree to be sure (a given name and a surname are needed)")
    why.append(_verdict(score, same))
    return score, same, tuple(why)


def _cannot_compare(pa: ParsedName, pb: ParsedName) -> list[str] | None:
    """A verdict for names with nothing to compare: empty, or only a patronymic."""
    why: list[str] = []
    for side, parsed in (("A", pa), ("B", pb)):
        if parsed.is_empty:
            why.append(f"name {side} has no letters: nothing to compare")
        elif not parsed.parts:
            marker = f"{parsed.patronymic or ''} {parsed.patronymic_marker or ''}".strip()
            why.append(f"name {side} is only a patronymic ({marker}): no given name or surname to compare")
    if not why:
        return None
    if all(not p.is_empty for p in (pa, pb)) and pa.patronymic and pb.patronymic:
        sim, how = similarity(pa.patronymic, pb.patronymic)
        verb = "agrees" if sim >= AGREE else "differs"
        why.append(f"patronymic {verb}: {pa.patronymic} {'~' if sim >= AGREE else 'vs'} {pb.patronymic}")
    why.append(_verdict(0.0, False))
    return why


def _script_notes(pa: ParsedName, pb: ParsedName) -> list[str]:
    notes = []
    for side, parsed in (("A", pa), ("B", pb)):
        script = script_name(parsed.text)
        if script:
            notes.append(f"name {side} is in {script} script: no transliteration, compared as written")
        if parsed.words_dropped:
            notes.append(
                f"name {side} has {parsed.words_dropped} more words than the {len(parsed.parts)} compared"
            )
    return notes


def _words(parsed: ParsedName) -> list[_Word]:
    words = [_Word(word, "given name") for word in parsed.given]
    if parsed.surname:
        words.append(_Word(parsed.surname, "surname"))
    return words


def _align(
    words_a: list[_Word], words_b: list[_Word]
) -> tuple[list[tuple[_Word, _Word, float, str]], list[tuple[str, _Word]]]:
    """Pair the words of both names, best pair first, whatever order they were written in."""
    scored = []
    for i, word_a in enumerate(words_a):
        for j, word_b in enumerate(words_b):
            sim, how = similarity(word_a.text, word_b.text)
            # On a tie, keep a surname with a surname: that is the likelier alignment.
            scored.append((sim, word_a.role == word_b.role, -abs(i - j), i, j, how))
    scored.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for sim, _, _, i, j, how in scored:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, words_a[i], words_b[j], sim, how))
    pairs.sort(key=lambda pair: pair[0])
    extra = [("A", w) for i, w in enumerate(words_a) if i not in used_a]
    extra += [("B", w) for j, w in enumerate(words_b) if j not in used_b]
    return [(wa, wb, sim, how) for _, wa, wb, sim, how in pairs], extra


def _extra_lines(extra: list[tuple[str, _Word]]) -> list[str]:
    if len(extra) > 2:
        return [f"{len(extra)} words of one name have no counterpart in the other"]
    return [f"{word.role} {word.text} in {side} has no counterpart in the other name" for side, word in extra]


def _pair_line(word_a: _Word, word_b: _Word, how: str) -> str:
    role = word_a.role if word_a.role == word_b.role else f"{word_a.role} (A) / {word_b.role} (B)"
    if how == "differs":
        return f"{role} differs: {word_a.text} vs {word_b.text}"
    sign = "=" if how == "same" else "~"
    return f"{role} {word_a.text} {sign} {word_b.text}: {how}"


def _patronymics(pa: ParsedName, pb: ParsedName, score: float, why: list[str]) -> tuple[float, bool]:
    """Weigh the fathers' names: agreement lifts the score, a different father is strong evidence against."""
    if pa.patronymic and pb.patronymic:
        sim, how = similarity(pa.patronymic, pb.patronymic)
        if sim >= AGREE:
            why.append(f"patronymic agrees: {pa.patronymic} ~ {pb.patronymic} ({how})")
            return score + (1 - score) * _PATRONYMIC_AGREES, True
        why.append(f"patronymic differs: {pa.patronymic} vs {pb.patronymic} (a different father)")
        return score * _PATRONYMIC_DIFFERS, False
    for side, parsed in (("A", pa), ("B", pb)):
        if parsed.patronymic:
            why.append(f"patronymic only in {side} ({parsed.patronymic}): not compared")
    return score, True


def _verdict(score: float, same: bool) -> str:
    if same:
        return f"score {score:.2f} ≥ {SAME_THRESHOLD}: likely the same person"
    needs = f"needs ≥ {SAME_THRESHOLD} and no contradiction"
    return f"score {score:.2f}: not enough to call them the same person ({needs})"
