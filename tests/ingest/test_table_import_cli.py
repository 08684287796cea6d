"""`habeas import table` end to end, as a real process on a real database file."""

from __future__ import annotations

from pathlib import Path

from conftest import Habeas

SHEET = """\
Ad Soyad;Həbs tarixi;Maddə;Qrup;Həbsxana
Anar Məmmədli;22.11.2013;206.3.2, 221;jurnalist;Bakı İstintaq Təcridxanası
Leyla Qasımova;noyabr 2013;168.2;hüquq müdafiəçisi;Bakı İstintaq Təcridxanası
"""


def sheet(tmp_path: Path, text: str = SHEET) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_guess_write_mapping_then_import(habeas: Habeas, tmp_path: Path) -> None:
    path, mapping = sheet(tmp_path), tmp_path / "mapping.yaml"
    habeas("import", "table", str(path), "--write-mapping", str(mapping))
    text = mapping.read_text(encoding="utf-8")
    assert "start: Həbs tarixi" in text and "default: pre_trial_detention" in text
    before = habeas.audit_count()
    dry = habeas("import", "table", str(path), "--mapping", str(mapping), "--dry-run")
    assert "dry run: nothing written" in dry.stdout and habeas.audit_count() == before
    done = habeas("import", "table", str(path), "--mapping", str(mapping))
    assert "records written" in done.stdout and habeas.audit_count() > before
    held = habeas("held", "--on", "2014-01-01", "--format", "json")
    assert '"total": 2' in held.stdout.replace(" ", "").replace('"total":2', '"total": 2')


def test_a_guess_needs_confirmation(habeas: Habeas, tmp_path: Path) -> None:
    path = sheet(tmp_path)
    refused = habeas("import", "table", str(path), ok=False)
    assert refused.returncode == 1
    assert "--mapping" in refused.stderr and "--yes" in refused.stderr
    assert habeas.audit_count() == 0
    habeas("import", "table", str(path), "--yes")
    assert habeas.audit_count() > 0


def test_stop_and_skip(habeas: Habeas, tmp_path: Path) -> None:
    path = sheet(tmp_path, SHEET + "Rauf Əliyev;31.02.2014;228;;\n")
    stopped = habeas("import", "table", str(path), "--yes", ok=False)
    assert stopped.returncode == 2 and "nothing was written" in stopped.stderr
    assert "31.02.2014" in stopped.stdout and habeas.audit_count() == 0
    habeas("import", "table", str(path), "--yes", "--on-error", "skip")
    rejects = tmp_path / "list.csv.rejects.csv"
    assert "31.02.2014" in rejects.read_text(encoding="utf-8-sig")
    assert habeas.audit_count() > 0


def test_bad_files_are_one_line_errors(habeas: Habeas, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = habeas("import", "table", str(empty), "--yes", ok=False)
    assert result.returncode == 2 and result.stderr.startswith("error: file:")
    dupes = sheet(tmp_path, "Name,Name\na,b\n")
    result = habeas("import", "table", str(dupes), "--yes", ok=False)
    assert "same header" in result.stderr
    missing = habeas("import", "table", str(tmp_path / "nope.csv"), ok=False)
    assert "existing CSV or XLSX" in missing.stderr
