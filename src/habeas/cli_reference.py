"""Writes docs/cli.md from the commands' own help, so the reference cannot drift.

Run `make docs` (or `python -m habeas.cli_reference > docs/cli.md`); a test
compares the file with this output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import typer
from typer.testing import CliRunner

from habeas.cli import app, settings_help

WIDTH = "100"


def command_paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path (`("person", "add")`…), groups before their commands, in definition order."""
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*prefix, name))


def render() -> str:
    runner = CliRunner()
    env = {"COLUMNS": WIDTH, "TERM": "dumb", "NO_COLOR": "1"}
    parts = [
        "# CLI reference\n",
        "Generated from the commands' `--help` by `make docs`; a test fails when this page and the",
        "commands disagree. Every command takes the global options of `habeas` before its name.\n",
        "## Settings\n",
        "Each setting is read from its environment variable;",
        "a global option of the same name overrides it.\n",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
        settings_help(),
        "",
    ]
    for path in command_paths(typer.main.get_command(app)):
        result = runner.invoke(app, [*path, "--help"], env=env, prog_name="habeas")
        title = " ".join(("habeas", *path))
        parts += [f"## {title}\n", "```text", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    os.environ["COLUMNS"] = WIDTH
    sys.stdout.write(render())
