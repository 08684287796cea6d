"""`habeas estimate` as a user runs it: a table or JSON on stdout, warnings on stderr, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Habeas
from habeas.config import Settings
from habeas.domain.records import Citation, Person, PersonName, Source
from habeas.service import Service
from habeas.storage.store import Store

# Three invented lists; A and B share nobody outside C.
LISTS = """# invented counts
A,B,C,count
1,0,0,52
0,1,0,41
0,0,1,37
1,1,0,15
1,0,1,11
0,1,1,9
1,1,1,4
"""


@pytest.fixture
def cli(tmp_path: Path) -> Habeas:
    """The command without a database: estimating from a file needs none."""
    return Habeas(tmp_path)


@pytest.fixture
def lists_csv(tmp_path: Path) -> Path:
    path = tmp_path / "lists.csv"
    path.write_text(LISTS, encoding="utf-8")
    return path


def test_the_table_lists_every_model_and_the_choice(cli: Habeas, lists_csv: Path) -> None:
    result = cli("estimate", str(lists_csv))
    out = result.stdout
    assert "3 lists (A, B, C), 169 people seen" in out
    for model in ("M0", "Mt", "Mt+2way", "Mh-chao", "Mth-gamma"):
        assert f" {model} " in out
    assert "* chosen by AIC:" in out
    # The heterogeneity models cost 2 AIC for nothing but push N up: shown side by side.
    assert "warning: models within 2 AIC of the best give estimates that differ" in result.stderr
    assert "Mt: N = 321, AIC 41.3; " in result.stderr and "Mth-gamma: N = 402" in result.stderr
    assert "barely overlap" not in result.stderr and "does not fit" not in result.stderr


def test_json_is_an_array_of_models_and_warnings_go_to_stderr(cli: Habeas, tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.csv"
    sparse.write_text("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n", encoding="utf-8")
    result = cli(
        "estimate", str(sparse), "--model", "Mt", "--model", "Mt+A:B", "--select", "bic", "--format", "json"
    )
    models = json.loads(result.stdout)
    assert [m["model"] for m in models] == ["Mt", "Mt+A:B"]
    assert set(models[0]) >= {"model", "N", "se", "deviance", "df", "aic", "ci95"}
    assert models[0]["selected"] is True and models[0]["N"] > 90
    assert models[1]["N"] is None and models[1]["ci95"] == [None, None]
    warnings = result.stderr.strip().splitlines()
    assert any(line.startswith("warning: lists A and C barely overlap: nobody on both") for line in warnings)
    assert any(line.startswith("warning: Mt+A:B: no finite estimate") for line in warnings)


@pytest.mark.parametrize(
    ("text", "args", "says"),
    [
        ("A,B,C\n1,0,0\n", (), "add a `count` column"),
        ("A,count\n1,5\n", (), "at least two lists"),
        ("A,B,count\n1,0,-3\n0,1,2\n1,1,1\n", (), "line 2, column count: '-3' is not valid"),
        ("A,B,count\n1,0,0\n0,1,0\n", (), "nobody is on any list"),
        (LISTS, ("--model", "Mt+A:D"), "'D' is not one of the lists; the lists are A, B, C"),
        (LISTS, ("--select", "aicc"), "--select: 'aicc' is not valid"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    cli: Habeas, tmp_path: Path, text: str, args: tuple[str, ...], says: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = cli("estimate", str(path), *args, ok=False)
    assert result.returncode == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_options_that_do_not_go_together(cli: Habeas, lists_csv: Path) -> None:
    for args, says in (
        ((str(lists_csv), "--list", "Alpha"), "--list: ['Alpha'] is not valid; use it with --from-store"),
        ((str(lists_csv), "--from-store", "--list", "Alpha"), "give either FILE or --from-store"),
        ((), "give a CSV file of capture histories, or --from-store"),
    ):
        result = cli("estimate", *args, ok=False)
        assert result.returncode == 2 and says in result.stderr, result.stderr


def test_lists_from_the_store(habeas: Habeas) -> None:
    store = Store.open(Settings(db=str(habeas.db)))
    try:
        service = Service(store, "tester")
        people = service.create(
            *(Person(names=[PersonName(value=f"Invented Person {i:02d}")]) for i in range(60))
        )
        first, second = service.create(
            Source(title="First report", publisher="First Monitor"),
            Source(title="Second report", publisher="Second Monitor"),
        )
        service.create(
            *(Citation(source_id=first.id, target_kind="person", target_id=p.id) for p in people[:40]),
            *(Citation(source_id=second.id, target_kind="person", target_id=p.id) for p in people[30:]),
        )
    finally:
        store.close()
    result = habeas(
        "estimate", "--from-store", "--list", "First Monitor", "--list", "Second Monitor", "--format", "json"
    )
    by_model = {m["model"]: m for m in json.loads(result.stdout)}
    assert set(by_model) == {"M0", "Mt"}  # two lists identify nothing more
    assert by_model["Mt"]["N"] == pytest.approx(40 * 30 / 10)
    refused = habeas(
        "estimate",
        "--from-store",
        "--list",
        "First Monitor",
        "--list",
        "Second Monitor",
        "--on",
        "2024-13-01",
        ok=False,
    )
    assert refused.returncode == 2 and "--on" in refused.stderr
