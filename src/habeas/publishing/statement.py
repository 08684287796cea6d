"""Footnoted statements on the situation on a day, as Markdown, a standalone HTML page, or a PDF.

`render_statement(data, fmt, lang)` takes what the redaction gate let through (`PublicData`) and
nothing else. The wording is in `statement_text`, the figures in `statement_facts`; here the two
templates in `templates/statement/` lay it out. The same data always gives the same Markdown and
HTML bytes (no clock is read); the PDF is the HTML printed by WeasyPrint on A4, with fonts found
on this machine only (DejaVu Sans covers Azerbaijani ə and Cyrillic).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from habeas.errors import ValidationError
from habeas.i18n import LANGUAGES
from habeas.publishing.dataset import PublicData
from habeas.publishing.statement_text import Statement, write

__all__ = ["FORMATS", "render_statement"]

FORMATS = ("md", "html", "pdf")
TEMPLATES = Path(__file__).parent / "templates" / "statement"
# Markdown's punctuation that could start emphasis, a link, raw HTML or a heading inside our text
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def render_statement(data: PublicData, fmt: str, lang: str) -> str | bytes:
    """The statement on the day of `data.listing` in `lang`: text for md and html, bytes for pdf."""
    if fmt not in FORMATS:
        raise ValidationError("format", fmt, f"use one of: {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        raise ValidationError("lang", lang, f"use one of: {', '.join(LANGUAGES)}")
    statement = write(data, lang)
    if fmt == "md":
        return _environment().get_template("statement.md").render(s=statement)
    html = _html(statement)
    if fmt == "html":
        return html
    return _pdf(html)


def _html(statement: Statement) -> str:
    return _environment().get_template("statement.html").render(s=statement)


def _pdf(html: str) -> bytes:
    """The page printed to PDF; imported here because WeasyPrint takes a while to load."""
    import weasyprint  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    # The page names no resource; should one ever slip in, nothing is fetched from a host or a file.
    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1)
    # with no target, write_pdf returns the document's bytes
    return bytes(weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf())


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["web_link"] = web_link
    return env


def markdown_text(text: str) -> str:
    """Text that Markdown shows as written: its special punctuation escaped, lines joined."""
    return " ".join(str(text).split()).translate(_MARKDOWN_SPECIAL)


def web_link(url: str) -> str:
    """The URL when it is an http(s) address a reader may follow, else '' (shown as text instead)."""
    url = url.strip()
    plain = url.startswith(("https://", "http://")) and not any(c.isspace() or c in "<>\"'" for c in url)
    return url if plain else ""
