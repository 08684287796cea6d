"""The public API is exactly the sorted `__all__` of `habeas`."""

import habeas


def test_all_is_sorted_and_complete() -> None:
    assert habeas.__all__ == sorted(habeas.__all__)
    public = {name for name in vars(habeas) if not name.startswith("_")}
    modules = {
        "accounts",
        "analysis",
        "cli",
        "cli_dedupe",
        "cli_durations",
        "cli_editions",
        "cli_estimate",
        "cli_exchange",
        "cli_listdoc",
        "cli_merge",
        "cli_names",
        "cli_publish",
        "cli_reference",
        "cli_stats",
        "cli_tables",
        "config",
        "demo",
        "domain",
        "editions",
        "errors",
        "i18n",
        "ingest",
        "linkage",
        "publishing",
        "reports",
        "security",
        "service",
        "storage",
        "web",
    }
    assert public - modules == set(habeas.__all__)


def test_every_exported_name_resolves() -> None:
    for name in habeas.__all__:
        assert getattr(habeas, name) is not None
