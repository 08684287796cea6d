"""Reading capture histories from CSV: what is accepted, and a clear one-line refusal for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.analysis.mse_table import capture_table, parse_capture_csv, read_capture_csv
from habeas.errors import ValidationError

GOOD = """# three invented lists
# a comment line anywhere is skipped
A,B,C,count
1,0,0,40
0,1,0,30

0,0,1,20
1,1,0,6
# 1,0,1 and the others are missing: they count zero
1,1,1,2
"""


def test_a_table_has_every_observable_history_with_missing_ones_as_zero() -> None:
    table = parse_capture_csv(GOOD)
    assert table.lists == ("A", "B", "C")
    assert len(table.counts) == 7  # 2^3 − 1: "on no list" is never a cell
    assert table.counts[(1, 0, 1)] == 0
    assert table.counts[(1, 1, 1)] == 2
    assert table.n == 98
    assert table.on_list(0) == 48
    assert table.in_common(0, 1) == 8  # on A and B, whatever else
    assert table.in_common(1, 2) == 2


def test_the_count_column_may_come_first_and_be_capitalised(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text("\ufeffCount,X,Y\n5,1,0\n3,0,1\n2,1,1\n", encoding="utf-8")  # with a BOM, as Excel writes
    table = read_capture_csv(path)
    assert table.lists == ("X", "Y")
    assert table.counts == {(0, 1): 3, (1, 0): 5, (1, 1): 2}


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("A,B,C\n1,0,0\n", "line 1", "add a `count` column"),
        ("A,count\n1,5\n", "line 1", "at least two lists"),
        ("A,B,count\n1,2,5\n", "line 2, column B", "use 1 (on this list) or 0"),
        ("A,B,count\n1,x,5\n", "line 2, column B", "use 1 (on this list) or 0"),
        ("A,B,count\n1,0,-5\n0,1,2\n", "line 2, column count", "whole number"),
        ("A,B,count\n1,0,2.5\n0,1,2\n", "line 2, column count", "whole number"),
        ("A,B,count\n1,0,\n0,1,2\n", "line 2, column count", "whole number"),
        ("A,B,count\n1,0,0\n0,1,0\n1,1,0\n", "FILE", "nobody is on any list"),
        ("A,B,count\n1,0,4\n1,1,1\n1,0,3\n", "line 4", "already on line 2"),
        ("A,B,count\n0,0,7\n1,0,3\n", "line 2", "people on no list cannot be counted"),
        ("A,B,count\n1,0,4\n", "FILE", "nobody is on this list"),
        ("A,B,count\n1,0\n", "line 2", "give 3 values"),
        ("A,A,count\n1,0,4\n0,1,2\n", "line 1", "a name of its own"),
        ("A,B+C,count\n1,0,4\n0,1,2\n", "line 1", "without '+' or ':'"),
        ("# only a comment\n", "FILE", "no header line"),
    ],
)
def test_bad_input_is_refused_with_the_line_and_the_fix(text: str, field: str, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_capture_csv(text, "FILE")
    assert field in refused.value.field
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        read_capture_csv(tmp_path / "absent.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("A,B,count\n1,0,3\n0,1,\xe92\n".encode("latin-1"))
    with pytest.raises(ValidationError, match="UTF-8"):
        read_capture_csv(latin)


def test_a_table_from_people_counts_each_history() -> None:
    table = capture_table(["P", "Q"], [(1, 0), (1, 1), (1, 1), (0, 1)])
    assert table.counts == {(0, 1): 1, (1, 0): 1, (1, 1): 2}
    with pytest.raises(ValidationError, match="nobody is on this list"):
        capture_table(["P", "Q"], [(1, 0)])
