"""habeas.linkage.names.compare on a table of true and false pairs (invented people), and bad input."""

from __future__ import annotations

import pytest

from habeas.linkage.names import SAME_THRESHOLD, compare

# Spellings of one person's name: Azerbaijani Latin, English-style, Russian Cyrillic, other orders.
TRUE_PAIRS = [
    ("Anar Məmmədli", "Anar Mammadli"),
    ("Anar Məmmədli", "Anar Mamedli"),
    ("Anar Məmmədli", "Анар Мамедли"),
    ("Anar Mammadli", "Анар Мамедли"),
    ("Anar Mamedli", "Anar Memmedli"),
    ("Faraj Karimov, Raqif oğlu", "Faraj Raqif oglu Karimov"),
    ("Faraj Karimov, Raqif oğlu", "Karimov Faraj Raqif oğlu"),
    ("Fərəc Kərimov Rağif oğlu", "Фарадж Рагиф оглы Керимов"),
    ("Hüseyn Həsənli", "Гусейн Гасанлы"),
    ("Hüseyn Həsənli", "Huseyn Hasanli"),
    ("Huseyn Hasanli", "Guseyn Gasanly"),
    ("Elgünəş Məmmədov", "Elgunesh Mammadov"),
    ("Elgünəş Məmmədov", "Эльгюнеш Мамедов"),
    ("Aygün Qasımova", "Айгюн Гасымова"),
    ("Aygün Qasımova", "Aygun Gasimova"),
    ("Cavid Cəfərov", "Джавид Джафаров"),
    ("Cavid Cəfərov", "Javid Dzhafarov"),
    ("Xədicə Əliyeva", "Хадиджа Алиева"),
    ("Xədicə Əliyeva", "Khadija Aliyeva"),
    ("Şahin Hacıyev", "Шахин Гаджиев"),
    ("Şahin Hacıyev", "Shahin Hajiyev"),
    ("İlqar Vəliyev", "Ильгар Велиев"),
    ("Məmmədov, Anar", "Anar Məmmədov"),
    ("Mammadov Anar", "Анар Мамедов"),
    ("Ülviyyə Rzazadə", "Ulviyya Rzazade"),
    ("Gülnarə Nəsirova, Vaqif qızı", "Гюльнара Вагиф кызы Насирова"),
    ("Elçin Qasımov Tofiq oğlu", "Elchin Gasimov"),
    ("Elçin Ramiz oğlu Qasımov", "Elchin Gasymov, Ramiz ogly"),
    ("Anar Elşən Məmmədli", "Anar Məmmədli"),
    ("Rəşad Əhmədov", "Rashad Ahmadov"),
]

# Different people: another given name with the same surname, another father, another sex.
FALSE_PAIRS = [
    ("Anar Məmmədli", "Aydın Məmmədli"),
    ("Anar Məmmədli", "Anar Məmmədov"),
    ("Faraj Karimov, Raqif oğlu", "Faraj Karimov, Vaqif oğlu"),
    ("Elçin Ramiz oğlu Qasımov", "Elçin Tofiq oğlu Qasımov"),
    ("Elçin Qasımov", "Elçin Qasımova"),
    ("Aygün Qasımova", "Aynur Qasımova"),
    ("Aygün Qasımova, Vaqif qızı", "Aygün Qasımova, Raqif qızı"),
    ("Hüseyn Həsənli", "Həsən Həsənli"),
    ("Cavid Cəfərov", "Cavad Cəfərov"),
    ("Rəşad Əhmədov", "Rəşid Əhmədov"),
    ("Şahin Hacıyev", "Şahin Hüseynov"),
    ("İlqar Vəliyev", "Elgün Vəliyev"),
    ("Xədicə Əliyeva", "Xədicə Əliyev"),
    ("A. Məmmədli", "Anar Məmmədli"),
    ("Anar", "Anar Məmmədli"),
    ("Anar Məmmədli", "Rəşad Əhmədov"),
]


@pytest.mark.parametrize(("a", "b"), TRUE_PAIRS)
def test_spellings_of_one_name_are_the_same(a: str, b: str) -> None:
    result = compare(a, b)
    assert result.same, result.why
    assert result.score >= SAME_THRESHOLD


@pytest.mark.parametrize(("a", "b"), FALSE_PAIRS)
def test_different_people_are_not_the_same(a: str, b: str) -> None:
    assert not compare(a, b).same, compare(a, b).why


def test_compare_is_symmetric_in_its_verdict() -> None:
    for a, b in TRUE_PAIRS + FALSE_PAIRS:
        assert compare(a, b).same == compare(b, a).same, (a, b)


def test_why_explains_a_transliteration_in_plain_english() -> None:
    why = compare("Anar Məmmədli", "Anar Mammadli").why
    assert "surname Məmmədli ~ Mammadli: same after transliteration" in why
    assert "given name Anar = Anar: same" in why


def test_a_different_father_is_strong_evidence_against() -> None:
    same_father = compare("Faraj Karimov, Raqif oğlu", "Faraj Raqif oglu Karimov")
    other_father = compare("Faraj Karimov, Raqif oğlu", "Faraj Karimov, Vaqif oğlu")
    assert "patronymic differs: Raqif vs Vaqif (a different father)" in other_father.why
    assert other_father.score <= 0.5 < same_father.score


def test_an_initial_fits_but_is_not_enough() -> None:
    result = compare("A. Məmmədli", "Anar Məmmədli")
    assert "given name A. ~ Anar: initial fits" in result.why
    assert result.score >= SAME_THRESHOLD and not result.same


def test_a_missing_patronymic_is_said_and_not_held_against() -> None:
    result = compare("Elçin Qasımov Tofiq oğlu", "Elchin Gasimov")
    assert "patronymic only in A (Tofiq): not compared" in result.why
    assert result.same


def test_score_is_between_zero_and_one() -> None:
    for a, b in TRUE_PAIRS + FALSE_PAIRS:
        assert 0.0 <= compare(a, b).score <= 1.0


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["", "   ", "...", "!?-–,", "123 456"])
def test_names_without_letters_compare_as_nothing(empty: str) -> None:
    result = compare(empty, "Anar Məmmədli")
    assert (result.score, result.same) == (0.0, False)
    assert "name A has no letters: nothing to compare" in result.why


def test_a_name_that_is_only_a_patronymic_is_said_so() -> None:
    result = compare("Raqif oğlu", "Raqif oglu")
    assert not result.same
    assert "name A is only a patronymic (Raqif oğlu): no given name or surname to compare" in result.why
    assert "patronymic agrees: Raqif ~ Raqif" in result.why


@pytest.mark.parametrize(
    ("a", "b", "script"),
    [("محمد علی", "محمد علی", "Arabic"), ("გიორგი ბერიძე", "გიორგი ბერიძე", "Georgian")],
)
def test_other_scripts_are_compared_as_written(a: str, b: str, script: str) -> None:
    result = compare(a, b)
    assert f"name A is in {script} script: no transliteration, compared as written" in result.why
    assert result.same
    assert not compare(a, "Anar Məmmədli").same


def test_a_huge_name_does_not_blow_up() -> None:
    result = compare("Anar " * 1_000_000, "Anar Məmmədli")
    assert not result.same
    assert "name A has 999992 more words than the 8 compared" in result.why


def test_a_million_identical_names_compare_quickly_enough_to_finish() -> None:
    # Identical pairs are answered from the cache; this only shows that nothing grows per call.
    results = {compare("Anar Məmmədli", "Анар Мамедли").score for _ in range(1_000_000)}
    assert len(results) == 1
