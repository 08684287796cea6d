"""Duplicate detection on plain rows: spellings across scripts meet, namesakes do not, blocks stay small."""

from __future__ import annotations

import random

import pytest

from habeas.demo.names import invent_name
from habeas.errors import ValidationError
from habeas.linkage.dedupe import HABEAS_SPECS, Spec, build_settings, predict_pairs
from habeas.linkage.dedupe_rows import name_columns

CHARGES = ["CC 206.3.2", "CC 192.3.2", "CC 228.4", "CC 283.2.2"]
GROUPS = ["journalist", "blogger", "opposition party member", "religious believer"]


def _facts(rng: random.Random) -> dict[str, object]:
    day = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    facility = f"facility-{rng.randint(1, 6)}"
    return {
        "birth_year": rng.randint(1960, 2002),
        "groups": [rng.choice(GROUPS)],
        "arrest_date": day,
        "arrest_month": day[:7],
        "facilities": [facility],
        "facility": facility,
        "charges": [rng.choice(CHARGES)],
    }


def invented(people: int = 300, seed: int = 3) -> tuple[list[dict[str, object]], set[tuple[str, str]]]:
    """Invented people, every sixth written again in Cyrillic or English spelling; the true pairs."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    truth = set()
    for i in range(people):
        name = invent_name(rng, rng.choice(["male", "female"]))
        facts = _facts(rng)
        rows.append({"unique_id": f"p{i:04d}", **name_columns([name.az]), **facts})
        if i % 6 == 0:
            again = rng.choice([name.ru, name.en])
            rows.append({"unique_id": f"q{i:04d}", **name_columns([again]), **facts, "groups": None})
            truth.add((f"p{i:04d}", f"q{i:04d}"))
    return rows, truth


def found(rows: list[dict[str, object]], **options: object) -> set[tuple[str, str]]:
    prediction = predict_pairs(rows, **options)  # type: ignore[arg-type]
    return {(min(p.id_l, p.id_r), max(p.id_l, p.id_r)) for p in prediction.pairs}


def test_duplicates_across_scripts_are_found_and_explained() -> None:
    rows, truth = invented()
    prediction = predict_pairs(rows, threshold=0.9)
    pairs = {(min(p.id_l, p.id_r), max(p.id_l, p.id_r)) for p in prediction.pairs}
    assert len(pairs & truth) >= 0.9 * len(truth)
    assert len(pairs - truth) <= 2
    best = prediction.pairs[0]
    by_name = {e.comparison: e for e in best.evidence}
    assert by_name["birth year"].level == "same" and by_name["birth year"].weight > 0
    assert "groups" not in by_name  # unknown on one side: no evidence either way
    assert str(by_name["arrest date"]).startswith("arrest date: same day (+")


def test_the_same_run_gives_the_same_pairs() -> None:
    rows, _truth = invented(120, seed=5)
    first = predict_pairs(rows, threshold=0.5).pairs
    again = predict_pairs(rows, threshold=0.5).pairs
    assert [(p.id_l, p.id_r, round(p.probability, 6)) for p in first] == [
        (p.id_l, p.id_r, round(p.probability, 6)) for p in again
    ]


def test_namesakes_with_different_fathers_are_not_matched() -> None:
    rows, _truth = invented(200, seed=11)
    rng = random.Random(1)
    for i, father in enumerate(["Raqif", "Vaqif", "Tofiq", "Elçin", "Natiq", "Arif"]):
        rows.append({"unique_id": f"n{i}", **name_columns([f"Fərəc Kərimov, {father} oğlu"]), **_facts(rng)})
    rows.append({"unique_id": "same-father", **name_columns(["Фарадж Керимов Рагиф оглы"]), **rows[-6]})
    rows[-1]["unique_id"] = "same-father"
    pairs = found(rows, threshold=0.9)
    namesakes = {p for p in pairs if p[0].startswith("n") and p[1].startswith("n")}
    assert namesakes == set()
    assert ("n0", "same-father") in pairs


def test_linking_compares_only_across_the_two_sides() -> None:
    rows, truth = invented(150, seed=8)
    incoming = [r for r in rows if str(r["unique_id"]).startswith("q")]
    others = [r for r in rows if str(r["unique_id"]).startswith("p")]
    prediction = predict_pairs(incoming, threshold=0.9, link_to=others)
    pairs = {tuple(sorted((p.id_l, p.id_r))) for p in prediction.pairs}
    assert len(pairs & truth) >= 0.9 * len(truth)
    assert all({a[0], b[0]} == {"p", "q"} for a, b in pairs)


def test_bad_names_do_not_crash() -> None:
    rows, _truth = invented(60, seed=2)
    for i, written in enumerate(["", "   ", "Raqif oğlu", "محمد علي", "გიორგი ბერიძე", "Anar"]):
        rows.append({"unique_id": f"odd{i}", **name_columns([written]), **_facts(random.Random(i))})
    prediction = predict_pairs(rows, threshold=0.9)
    assert all(0 <= p.probability <= 1 for p in prediction.pairs)
    assert name_columns([""])["surname"] is None
    assert name_columns(["Raqif oğlu"])["patronymic"] is not None


def test_nothing_to_compare() -> None:
    assert predict_pairs([]).pairs == []
    rows, _truth = invented(1)
    assert predict_pairs(rows[:1]).pairs == []


def test_a_flood_of_identical_names_is_left_out_of_blocking_and_named() -> None:
    facts = {"birth_year": None, "groups": None, "arrest_date": None, "arrest_month": None}
    rows = [
        {
            "unique_id": f"x{i}",
            **name_columns(["Əli Məmmədov"]),
            **facts,
            "facilities": None,
            "facility": None,
            "charges": None,
        }
        for i in range(3000)
    ]
    prediction = predict_pairs(rows, max_block=500)
    assert prediction.pairs == [] and prediction.compared == 0
    assert any(s.startswith("surname_ph=") and "3000 rows" in s for s in prediction.skipped)
    with pytest.raises(ValidationError, match="surname_ph="):
        predict_pairs(rows, max_block=5000, max_pairs=1000)


def test_bad_threshold_and_columns_are_refused() -> None:
    rows, _truth = invented(10)
    with pytest.raises(ValidationError, match="--threshold"):
        predict_pairs(rows, threshold=1.5)
    with pytest.raises(ValidationError, match="surname"):
        predict_pairs([{"unique_id": "a"}, {"unique_id": "b"}])
    with pytest.raises(ValidationError, match="backend"):
        predict_pairs(rows, backend="oracle")


def test_settings_from_other_columns() -> None:
    specs = [Spec("given_name", "name", term_frequency=True), Spec("postcode", "exact"), Spec("dob", "date")]
    settings = build_settings(specs, [("postcode",)], "link_only")
    assert settings.link_type == "link_only"
    assert len(settings.comparisons) == 3
    with pytest.raises(ValueError, match="kind"):
        Spec("x", "fuzzy")
    assert [s.column for s in HABEAS_SPECS][:2] == ["surname", "given"]
