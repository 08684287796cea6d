"""Name keys: search_key compares a spelling as written, skeleton compares spellings across scripts."""

from __future__ import annotations

import pytest

from habeas.demo.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, Spelling
from habeas.domain.names import guess_script, search_key, skeleton


def test_search_key_folds_case_accents_and_spaces_but_not_script() -> None:
    assert search_key("  Anar   MƏMMƏDLİ ") == "anar memmedli"
    assert search_key("Şahin Çələbi") == "sahin celebi"
    assert search_key("Ёлкин") == "елкин"
    assert search_key("Мамедли") != search_key("Mamedli")


@pytest.mark.parametrize(
    "spellings",
    [
        ("Məmmədli", "Мамедли", "Mammadli", "Mamedli", "MƏMMƏDLİ"),
        ("Eldar", "Эльдар", "ELDAR"),
        ("Hacıyev", "Гаджиев", "Hajiyev", "Gadzhiev", "Hadjiyev"),
        ("Şahin", "Шахин", "Shahin"),
        ("Xədicə", "Хадиджа", "Khadija"),
        ("Həsənov", "Гасанов", "Hasanov", "Gasanov"),
        ("Vüqar", "Вугар", "Vugar"),
        ("Qasımov", "Касумов", "Gasimov"),
        ("İlqar Ağayev", "Ильгар Агаев", "Ilgar Aghayev"),
        ("Ülviyyə", "Ульвия", "Ulviyya"),
        ("Sevinc", "Севиндж", "Sevinj"),
        ("Elçin", "Эльчин", "Elchin"),
        # Azerbaijani Cyrillic (1939–1991): ҹ is c, һ is h, ә is ə, ј is y
        ("Ҹәфәров", "Cəfərov", "Джафаров"),
        ("Һүсејнов", "Hüseynov", "Гусейнов"),
    ],
)
def test_skeleton_meets_across_scripts_and_transliterations(spellings: tuple[str, ...]) -> None:
    keys = {skeleton(s) for s in spellings}
    assert len(keys) == 1, {s: skeleton(s) for s in spellings}


def test_skeleton_values_follow_the_documented_scheme() -> None:
    assert skeleton("Məmmədli") == "mamadla"
    assert skeleton("Eldar") == "aldar"
    assert skeleton("Şahin") == "shagan"
    assert skeleton("Xədicə") == "gadaja"
    assert skeleton("Hajiyev") == "gajav"
    assert skeleton("  Anar   Məmmədli ") == "anar mamadla"  # words kept apart, spaces single
    assert skeleton("Щукин") == "shchagan"
    assert skeleton("Anar-Məmmədli") == "anar-mamadla"  # punctuation is kept as it is
    assert skeleton("a_b%") == "a_b%"
    assert skeleton("O'Neil") == "anal"  # apostrophes dropped, like ь and ъ
    assert skeleton("René") == "rana"  # other accented letters lose their accents
    assert skeleton("") == "" and skeleton("  ь ") == ""


def test_every_demo_name_has_one_skeleton_in_its_three_spellings() -> None:
    """The demo's Azerbaijani, English and Russian spellings are the conventions real sources use."""
    spellings: list[Spelling] = [*MALE_NAMES, *FEMALE_NAMES]
    spellings += [form for surname in SURNAMES for form in (surname.male, surname.female)]
    assert len(spellings) > 250
    differ = [(s.az, s.en, s.ru) for s in spellings if len({skeleton(n) for n in (s.az, s.en, s.ru)}) > 1]
    assert differ == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ali", "Ela"),  # vowels are one class
        ("Kamal", "Hamal"),  # so are the velars and h
        ("Cala", "Zhala"),  # and c, j, zh
        ("Ana", "Anna"),  # doubled letters count once
        ("Aysel", "Asel"),  # y only colours a vowel
    ],
)
def test_skeleton_over_matches_by_design(one: str, other: str) -> None:
    assert skeleton(one) == skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("İshaq", "Исхак"),  # s + h is read as ş
        ("Rasul", "Razul"),  # s and z differ
        ("Ahmad", "Ahmet"),  # d and t differ
        ("Məmməd", "Mohammed"),  # an added consonant
        ("Leyla", "ليلى"),  # Arabic script is not transliterated
    ],
)
def test_skeleton_does_not_match(one: str, other: str) -> None:
    assert skeleton(one) != skeleton(other)


def test_guess_script() -> None:
    assert guess_script("Anar Məmmədli") == "Latn"
    assert guess_script("Анар Мамедли") == "Cyrl"
    assert guess_script("ليلى") == "Arab"
