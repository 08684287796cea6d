"""The static public site: every page, chart and download of one `PublicData`, in each language.

`build_site` writes the site into a temporary folder beside OUT, then puts it in OUT's place, so
that a reader never sees half a site and a failure leaves the previous one as it was. OUT must be
absent, empty, or a site habeas built (it holds the `.habeas-site` mark); any other folder is
refused and never deleted.

    OUT/index.html                      links to each language's home
    OUT/<lang>/index.html               the list by category, with counts
    OUT/<lang>/people/<person id>.html  one page per person the site names
    OUT/<lang>/{methodology,editions,charts}.html, OUT/<lang>/charts/<name>.svg
    OUT/static/site.css, OUT/data/list.csv, OUT/data/list.json

Pages hold no script and link relatively; each page's Content-Security-Policy lets it load only its
own stylesheet and images. Nothing depends on the clock, and everything is written in a fixed
order, so the same data gives byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from habeas.errors import ValidationError
from habeas.i18n import LANGUAGES, gettext_for, term_label
from habeas.publishing import site_charts
from habeas.publishing.dataset import PublicData
from habeas.publishing.downloads import write_downloads
from habeas.publishing.site_pages import editions_page, index_page, methodology_page
from habeas.publishing.site_people import PeopleIndex, person_page

__all__ = ["CSP", "MARK", "SiteSummary", "build_site"]

MARK = ".habeas-site"
CSP = "default-src 'none'; style-src 'self'; img-src 'self'"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_REFUSED = "choose an empty folder or a new one; habeas replaces only a site it built"
_MARK_TEXT = "A public site built by habeas (`habeas publish site`); the next build replaces this folder.\n"


@dataclass(frozen=True)
class SiteSummary:
    """What a build wrote: HTML pages, files of every kind, person pages per language, languages."""

    pages: int
    files: int
    people: int
    languages: tuple[str, ...]


def build_site(
    data: PublicData, out: Path, langs: Sequence[str], progress: Callable[[int], None] | None = None
) -> SiteSummary:
    """Write the public site of `data` into `out` in each of `langs`; `progress(n)` as pages are written.

    ValidationError ("OUT_DIR") when `out` is a file, a link, or a folder that holds anything but
    a site habeas built; nothing is written then.
    """
    languages = _checked_languages(langs)
    target = Path(os.path.abspath(out))
    _check_out(target, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        summary = _Builder(data, building, languages, progress or _ignore).build()
        _replace(target, building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return summary


def _ignore(count: int) -> None:
    """No progress to show."""


def _checked_languages(langs: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(langs))
    for lang in chosen:
        if lang not in LANGUAGES:
            raise ValidationError("langs", lang, f"use one or more of: {', '.join(LANGUAGES)}")
    if not chosen:
        raise ValidationError("langs", "", f"name at least one of: {', '.join(LANGUAGES)}")
    return chosen


def _check_out(target: Path, given: Path) -> None:
    """Refuse any OUT but a new path, an empty folder, or a site habeas built."""
    if not target.name or target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ValidationError("OUT_DIR", str(given), _REFUSED)
    if target.is_dir() and any(target.iterdir()) and not (target / MARK).is_file():
        raise ValidationError("OUT_DIR", str(given), _REFUSED)


def _replace(target: Path, built: Path) -> None:
    """Put the folder `built` in `target`'s place; the old site is deleted only once the new one is in."""
    if not target.exists():
        os.rename(built, target)
        return
    old = built.with_name(built.name.replace(".building-", ".old-"))
    os.rename(target, old)
    try:
        os.rename(built, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old)


def environment() -> Environment:
    """The site's templates: autoescaped, and an undefined name is an error rather than blank text."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class _Builder:
    """Writes one site into an empty folder, counting pages and files."""

    def __init__(
        self, data: PublicData, folder: Path, languages: tuple[str, ...], progress: Callable[[int], None]
    ) -> None:
        self.data = data
        self.folder = folder
        self.languages = languages
        self.progress = progress
        self.env = environment()
        self.people = PeopleIndex.build(data)
        self.figures = site_charts.compute(data)
        self.pages = 0

    def build(self) -> SiteSummary:
        for name in ("site.css", "favicon.svg"):
            self._write(f"static/{name}", (STATIC / name).read_bytes())
        write_downloads(self.data, self.folder / "data")
        for lang in self.languages:
            self._language(lang)
        self._page("index.html", "languages.html", self.languages[0], homes=self._homes())
        self._write(MARK, _MARK_TEXT.encode("utf-8"))
        os.chmod(self.folder, 0o755)  # mkdtemp made it private; a site is read by a web server
        files = sum(1 for path in self.folder.rglob("*") if path.is_file())
        return SiteSummary(self.pages, files, len(self.people.pages), self.languages)

    def _language(self, lang: str) -> None:
        data, people = self.data, self.people
        charts = site_charts.draw(self.figures, gettext_for(lang))
        for chart in charts:
            self._write(f"{lang}/charts/{chart.name}.svg", chart.svg.encode("utf-8"))
        self._page(f"{lang}/index.html", "index.html", lang, **index_page(data, people, lang))
        self._page(f"{lang}/methodology.html", "methodology.html", lang, **methodology_page(data, lang))
        self._page(f"{lang}/editions.html", "editions.html", lang, **editions_page(data, people, lang))
        self._page(f"{lang}/charts.html", "charts.html", lang, charts=charts)
        for person_id in sorted(people.pages):
            context = person_page(data, people, person_id, lang)
            self._page(f"{lang}/people/{person_id}.html", "person.html", lang, **context)

    def _homes(self) -> list[tuple[str, str, str, str]]:
        """For the page that opens the site: each language's code, name, title and edition line."""
        listing, homes = self.data.listing, []
        for code in self.languages:
            _ = gettext_for(code)
            values = {"date": listing.on_date.isoformat(), "id": listing.edition_id or ""}
            if listing.edition_id:
                line = _("Edition %(id)s of %(date)s") % values
            else:
                line = _("Computed for the day %(date)s; not a published edition") % values
            homes.append((code, LANGUAGES[code], _("Political prisoners on %(date)s") % values, line))
        return homes

    def _page(self, path: str, template: str, lang: str, **context: Any) -> None:
        """Render `site/<template>` into `path`; links are made relative to the page's folder."""
        root = "../" * path.count("/")
        here = path.split("/", 1)[1] if "/" in path else "index.html"
        listing = self.data.listing

        def link(page: str) -> str:
            return f"{root}{lang}/{page}"

        html = self.env.get_template(f"site/{template}").render(
            _=gettext_for(lang),
            lang=lang,
            root=root,
            here=here,
            link=link,
            page_link=lambda person_id: (
                link(f"people/{person_id}.html") if person_id in self.people.pages else ""
            ),
            term=lambda vocabulary_name, code: term_label(vocabulary_name, code, lang),
            csp=Markup(CSP),  # our own constant: its quotes must reach the page as written
            languages=[(code, LANGUAGES[code]) for code in self.languages],
            on_date=listing.on_date.isoformat(),
            edition_id=listing.edition_id,
            **context,
        )
        self._write(path, html.encode("utf-8"))
        self.pages += 1
        self.progress(1)

    def _write(self, path: str, content: bytes) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
