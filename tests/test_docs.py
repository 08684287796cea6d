"""The docs cannot drift from the code: CLI reference, settings, examples in every --help."""

from pathlib import Path

import typer

from habeas.cli import app
from habeas.cli_reference import command_paths, render
from habeas.config import SETTINGS

DOCS = Path(__file__).parents[1] / "docs"


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == render(), "run `make docs` and commit docs/cli.md"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in text


def test_every_command_help_ends_with_an_example() -> None:
    root = typer.main.get_command(app)
    for path in command_paths(root):
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        if getattr(command, "commands", None):
            continue  # a group; its commands carry the examples
        assert "Example: habeas" in (command.help or ""), f"habeas {' '.join(path)} has no example"


def test_readme_shows_the_two_commands_first() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert readme.index("make run") < readme.index("## A five-minute tour")
    assert "make test" in readme
