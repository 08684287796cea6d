"""`habeas names compare`, for two names and for a CSV of pairs, run as a real process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def test_compare_two_names_as_json(habeas: Any) -> None:
    out = habeas("names", "compare", "Anar Məmmədli", "Анар Мамедли", "--format", "json").stdout
    result = json.loads(out)
    assert list(result) == ["a", "b", "score", "same", "why"]
    assert (result["a"], result["b"], result["same"]) == ("Anar Məmmədli", "Анар Мамедли", True)
    assert 0.85 <= result["score"] <= 1
    assert "surname Məmmədli ~ Мамедли: same after transliteration (spelling variant)" in result["why"]


def test_compare_two_names_as_a_table(habeas: Any) -> None:
    out = habeas("names", "compare", "Faraj Karimov, Raqif oğlu", "Faraj Karimov, Vaqif oğlu").stdout
    assert "not the same person" in out
    assert "patronymic differs: Raqif vs Vaqif" in out


def test_compare_pairs_streams_json_lines(habeas: Any, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    rows = [
        '"Faraj Karimov, Raqif oğlu",Faraj Raqif oglu Karimov',
        "Hüseyn Həsənli,Гусейн Гасанлы",
        ",",
        "Raqif oğlu,Anar",
    ]
    pairs.write_text("a,b\n" + "\n".join(rows * 500) + "\n", encoding="utf-8")
    out = habeas("names", "compare", "--pairs", str(pairs), "--format", "json").stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2000
    assert [line["same"] for line in lines[:4]] == [True, True, False, False]
    assert lines[0]["a"] == "Faraj Karimov, Raqif oğlu"
    assert "name A has no letters: nothing to compare" in lines[2]["why"]
    assert lines[3]["why"][0].startswith("name A is only a patronymic")


def test_compare_pairs_as_a_table(habeas: Any, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("b,a,note\nАнар Мамедли,Anar Məmmədli,x\n", encoding="utf-8-sig")
    out = habeas("names", "compare", "--pairs", str(pairs)).stdout
    assert "Anar Məmmədli" in out and "yes" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"x,y\n1,2\n", "its columns are x, y"),
        (b"", "its columns are none"),
        (b"a,b\n\xff\xfe,x\n", "it is not UTF-8 text"),
    ],
)
def test_a_bad_pairs_file_is_refused_clearly(
    habeas: Any, tmp_path: Path, content: bytes, message: str
) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes(content)
    result = habeas("names", "compare", "--pairs", str(pairs), "--format", "json", ok=False)
    assert result.returncode == 2
    assert "--pairs" in result.stderr and message in result.stderr
    assert "columns a and b" in result.stderr


def test_a_missing_pairs_file_is_refused(habeas: Any, tmp_path: Path) -> None:
    result = habeas("names", "compare", "--pairs", str(tmp_path / "missing.csv"), ok=False)
    assert result.returncode == 2 and "it cannot be read" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Anar",), "NAMES: 'one name' is not valid; give two names"),
        ((), "NAMES: 'no name' is not valid"),
        (("...", "Anar"), "A: '...' is not valid; give a name with at least one letter"),
        (("Anar", ""), "B: '' is not valid"),
        (("A", "B", "--pairs", "x.csv"), "give either two names or --pairs, not both"),
    ],
)
def test_bad_names_are_refused(habeas: Any, args: tuple[str, ...], message: str) -> None:
    result = habeas("names", "compare", *args, ok=False)
    assert result.returncode == 2
    assert message in result.stderr


def test_other_scripts_and_patronymic_only_names_are_answered(habeas: Any) -> None:
    georgian = json.loads(
        habeas("names", "compare", "გიორგი ბერიძე", "Giorgi Beridze", "--format", "json").stdout
    )
    assert "name A is in Georgian script: no transliteration, compared as written" in georgian["why"]
    assert georgian["same"] is False
    only = json.loads(habeas("names", "compare", "Raqif oğlu", "Anar Məmmədli", "--format", "json").stdout)
    assert only["same"] is False and only["score"] == 0
