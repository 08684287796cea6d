"""Invented people with injected duplicates, built in memory for the linkage benchmark.

`invented_people(n, seed)` makes `n` invented people (names from `habeas.demo.names`) and then
writes a share of them again as another organisation might: in another script or spelling
(Azerbaijani Latin, English-style, Russian Cyrillic, the "Memmedli" spelling that writes ə as e),
with the name in another order or with the patronymic written differently, the birth year off by
one sometimes, and some facts missing. Nothing touches a database. The answer is the set of
(original, duplicate) id pairs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from habeas.demo.names import MALE_NAMES, FullName, Spelling, invent_name, to_english

GROUPS = ("journalist", "activist", "opposition", "religious", "lgbt", "lawyer", "student", "blogger")
FACILITIES = tuple(f"facility-{n:02d}" for n in range(1, 25))
CHARGES = tuple(f"art-{n}" for n in (167, 179, 206, 213, 221, 228, 233, 234, 274, 281, 283, 308, 318))
# Columns every row has; list columns hold short lists of codes.
COLUMNS = ("unique_id", "name", "birth_year", "groups", "first_arrest", "facilities", "charges")


@dataclass(frozen=True)
class Invented:
    """The rows (originals then duplicates) and the true duplicate pairs, as sorted id tuples."""

    rows: list[dict[str, Any]]
    truth: set[tuple[str, str]]
    duplicates: int


def _memmedli(text: str) -> str:
    """The spelling many publications use: ə as e, the other letters English-style (Məmmədli → Memmedli)."""
    return to_english(text.replace("ə", "e").replace("Ə", "E"))


def _spell(spelling: Spelling, script: str) -> str:
    if script == "ru":
        return spelling.ru
    if script == "en":
        return spelling.en
    if script == "e":
        return _memmedli(spelling.az)
    return spelling.az


def _patronymic(father: Spelling, sex: str, script: str, rng: random.Random) -> str:
    """The father's name with the marker for a son or daughter, in the script's usual forms."""
    if script == "ru":
        return f"{father.ru} {'кызы' if sex == 'female' else 'оглы'}"
    if script == "az":
        return f"{father.az} {'qızı' if sex == 'female' else 'oğlu'}"
    marker = rng.choice(("gizi", "kizi", "qizi") if sex == "female" else ("oglu", "ogly", "oghlu"))
    return f"{_spell(father, script)} {marker}"


def write_name(name: FullName, father: Spelling | None, script: str, rng: random.Random) -> str:
    """The full name as one list might write it: given-surname or surname-given, patronymic or not."""
    given, surname = _spell(name.given, script), _spell(name.surname, script)
    patronymic = _patronymic(father, name.sex, script, rng) if father else ""
    order = rng.randrange(4) if patronymic else rng.randrange(2)
    if order == 0:
        return f"{given} {surname}"
    if order == 1:
        return f"{surname} {given}"
    if order == 2:
        return f"{surname}, {given} {patronymic}"
    return f"{given} {patronymic} {surname}"


def _person(rng: random.Random, number: int) -> tuple[dict[str, Any], FullName, Spelling]:
    sex = "female" if rng.random() < 0.3 else "male"
    name = invent_name(rng, sex)
    father = MALE_NAMES[rng.randrange(len(MALE_NAMES))]
    script = rng.choice(("az", "az", "en", "ru"))
    groups = [rng.choice(GROUPS)] + ([rng.choice(GROUPS)] if rng.random() < 0.2 else [])
    row = {
        "unique_id": f"p{number}",
        "name": write_name(name, father if rng.random() < 0.6 else None, script, rng),
        "birth_year": rng.randint(1950, 2005) if rng.random() < 0.9 else None,
        "groups": sorted(set(groups)),
        "first_arrest": f"{rng.randint(2008, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "facilities": [rng.choice(FACILITIES)],
        "charges": sorted(rng.sample(CHARGES, rng.choice((1, 1, 2, 3)))),
    }
    if rng.random() < 0.2:
        row["first_arrest"] = None
    return row, name, father


def _duplicate(
    rng: random.Random, original: dict[str, Any], name: FullName, father: Spelling, number: int
) -> dict[str, Any]:
    """The same person as another organisation lists them."""
    script = rng.choice(("az", "en", "ru", "e"))
    year = original["birth_year"]
    if year is not None and rng.random() < 0.15:
        year += rng.choice((-1, 1))
    if rng.random() < 0.1:
        year = None
    arrest = original["first_arrest"]
    if arrest is not None and rng.random() < 0.3:
        arrest = arrest[:8] + f"{rng.randint(1, 28):02d}"  # the same month, another day
    return {
        "unique_id": f"d{number}",
        "name": write_name(name, father if rng.random() < 0.5 else None, script, rng),
        "birth_year": year,
        "groups": original["groups"] if rng.random() < 0.8 else [],
        "first_arrest": arrest if rng.random() < 0.8 else None,
        "facilities": original["facilities"] if rng.random() < 0.7 else [],
        "charges": original["charges"] if rng.random() < 0.7 else original["charges"][:1],
    }


def invented_people(people: int, seed: int = 1, duplicate_share: float = 0.05) -> Invented:
    """`people` invented people plus `duplicate_share` of them written again; the same seed, the same rows."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    chosen: list[tuple[dict[str, Any], FullName, Spelling]] = []
    for number in range(people):
        row, name, father = _person(rng, number)
        rows.append(row)
        if rng.random() < duplicate_share:
            chosen.append((row, name, father))
    truth: set[tuple[str, str]] = set()
    for number, (original, name, father) in enumerate(chosen):
        duplicate = _duplicate(rng, original, name, father, number)
        rows.append(duplicate)
        truth.add(tuple(sorted((original["unique_id"], duplicate["unique_id"]))))  # type: ignore[arg-type]
    return Invented(rows, truth, len(chosen))
