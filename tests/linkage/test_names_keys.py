"""habeas.linkage.names_keys and names_parse: transliteration keys, phonetic keys and name parts."""

from __future__ import annotations

import pytest

from habeas.linkage.names import key, normalised, parse, phonetic


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Məmmədli", "mammadli"),
        ("Мамедли", "mamedli"),
        ("Şahin", "shahin"),
        ("Elçin", "elchin"),
        ("Elchin", "elchin"),
        ("Ağa", "agha"),
        ("Xədicə", "khadija"),
        ("Хадиджа", "khadija"),
        ("Cəfərov", "jafarov"),
        ("Джафаров", "jafarov"),
        ("Dzhafarov", "jafarov"),
        ("Qasımova", "gasimova"),
        ("Гасымова", "gasimova"),
        ("Göyçə", "goycha"),
        ("Ümid", "umid"),
        ("Эльдар", "eldar"),
        ("Щукин", "shchukin"),
        ("Семён", "semon"),
        ("Ёлкин", "yolkin"),
        ("Айгюн", "aygun"),
        ("İlqar", "ilgar"),
    ],
)
def test_key_is_a_canonical_latin_spelling(word: str, expected: str) -> None:
    assert key(word) == expected


def test_key_never_writes_at_signs_or_leaves_azerbaijani_letters() -> None:
    for word in ("Məmmədli", "Həsənli", "Şəkər", "Ağçiçək", "Gülnarə", "Sevinc"):
        assert key(word).isascii() and "@" not in key(word)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Məmmədli", "Mammadli", "Mamedli", "Memmedli", "Мамедли"),
        ("Hüseyn", "Huseyn", "Guseyn", "Гусейн", "Husein"),
        ("Həsənli", "Hasanli", "Гасанлы", "Gasanly"),
        ("Elgünəş", "Elgunesh", "Elgunash"),
        ("Məmmədov", "Мамедов", "Mammadov", "Mamedov"),
        ("Qasımova", "Гасымова", "Gasimova", "Qasimova"),
        ("Əliyev", "Алиев", "Aliyev", "Aliev"),
        ("Hacıyev", "Гаджиев", "Hajiyev", "Hadjiyev"),
        ("Xədicə", "Хадиджа", "Khadija", "Hadija"),
    ],
)
def test_spellings_share_a_phonetic_key(spellings: tuple[str, ...]) -> None:
    assert len({phonetic(word) for word in spellings}) == 1, [phonetic(w) for w in spellings]


def test_phonetic_keeps_k_sh_and_different_vowel_classes_apart() -> None:
    assert phonetic("Kamal") != phonetic("Hamal")
    assert phonetic("Şahin") != phonetic("Sahin")
    assert phonetic("Rəşad") != phonetic("Rəşid")


def test_other_scripts_are_only_casefolded() -> None:
    assert key("ГИОРГИ") == "giorgi"
    assert key("გიორგი") == "გიორგი"
    assert phonetic("محمد") == "محمد"


@pytest.mark.parametrize(
    "name",
    [
        "Faraj Karimov, Raqif oğlu",
        "Faraj Raqif oglu Karimov",
        "Karimov Faraj Raqif oğlu",
        "Karimov, Faraj, Raqif oğlu",
    ],
)
def test_parse_keeps_the_patronymic_apart_in_every_order(name: str) -> None:
    parsed = parse(name)
    assert (parsed.given, parsed.surname, parsed.patronymic) == (("Faraj",), "Karimov", "Raqif")
    assert parsed.sex == "male"
    assert parsed.patronymic_key == "ragif"


def test_parse_reads_cyrillic_and_daughter_patronymics() -> None:
    parsed = parse("Гюльнара Вагиф кызы Насирова")
    assert (parsed.given, parsed.surname, parsed.patronymic, parsed.sex) == (
        ("Гюльнара",),
        "Насирова",
        "Вагиф",
        "female",
    )
    assert parse("Aygün Qasımova Vaqif qızı").patronymic_marker == "qızı"


def test_parse_reads_russian_patronymics() -> None:
    parsed = parse("Фарадж Рагифович Керимов")
    assert (parsed.given, parsed.surname, parsed.patronymic) == (("Фарадж",), "Керимов", "Рагиф")


@pytest.mark.parametrize(
    ("name", "surname"),
    [("Məmmədli Anar", "Məmmədli"), ("Anar Məmmədli", "Məmmədli"), ("Rzazadə Ülviyyə", "Rzazadə"),
     ("Əli Kərimli", "Kərimli"), ("Anar Rustam", "Rustam"), ("Kərimli, Əli", "Kərimli")],
)  # fmt: skip
def test_parse_finds_the_surname_by_its_ending_or_a_comma(name: str, surname: str) -> None:
    assert parse(name).surname == surname


def test_parse_of_nothing_and_of_only_a_patronymic() -> None:
    assert parse("").is_empty and parse("?!").is_empty
    only = parse("Raqif oğlu")
    assert not only.is_empty and only.parts == () and only.patronymic == "Raqif"


def test_normalised_is_order_free_and_leaves_the_patronymic_out() -> None:
    assert normalised("Karimov Faraj Raqif oğlu") == normalised("Faraj Karimov") == "faraj karimov"
    assert normalised("Фарадж Рагиф оглы Керимов") == "faraj kerimov"
    assert normalised("") == ""
