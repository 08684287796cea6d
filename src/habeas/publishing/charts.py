"""Charts as standalone SVG documents: plain shapes and text, no scripts, styles or fonts to fetch.

Two shapes: columns along months, with named periods (COP29, elections) shaded behind them, and
horizontal bars for labelled counts (most-used charges, people per facility). Callers pass labels
already translated, so that the module knows nothing of the data it draws; the same input always
gives the same bytes, numbers being written with a fixed precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

__all__ = ["Period", "labelled_bars", "month_columns", "nice_steps"]

WIDTH = 720
INK, MUTED, GRID, BAR, SHADE = "#111111", "#555555", "#cccccc", "#0b4f8a", "#f2e3b3"
FONT = 'font-family="sans-serif"'  # a generic family: the reader's own fonts, nothing downloaded
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 52, 28  # plot margins of the month chart, in px
ROW, LABEL_W, MAX_LABEL = 22, 260, 40  # the bar chart: row height, label column, label characters


@dataclass(frozen=True)
class Period:
    """A named span to shade behind the months it touches."""

    name: str
    first: date
    last: date


def month_columns(title: str, points: Sequence[tuple[date, int]], periods: Sequence[Period] = ()) -> str:
    """An SVG of one column per (month, count) point, oldest first, with `periods` shaded and named.

    A point's date may be any day of its month; the axis marks each January (or each month when
    there are few) and the counts on a few round grid lines.
    """
    height = 260
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    peak = max((n for _, n in points), default=0)
    scale = plot_h / peak if peak else 0.0
    step = plot_w / max(len(points), 1)
    parts = [_open(title, WIDTH, height)]
    if points:
        parts += _shades(points, periods, step, plot_h)
    for value in nice_steps(peak):
        y = TOP + plot_h - value * scale
        parts.append(f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" stroke="{GRID}"/>')
        parts.append(_text(LEFT - 4, y + 4, str(value), anchor="end"))
    for i, (month, count) in enumerate(points):
        x, bar_h = LEFT + i * step, count * scale
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(TOP + plot_h - bar_h)}" width="{_n(max(step - 1, 0.5))}" '
            f'height="{_n(bar_h)}" fill="{BAR}"><title>{month:%Y-%m}: {count}</title></rect>'
        )
    base = TOP + plot_h
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{INK}"/>')
    every_month = len(points) <= 24
    for i, (month, _) in enumerate(points):
        x = LEFT + i * step
        if x > WIDTH - RIGHT - 20:
            break  # a label this near the edge would be cut off
        if every_month and i % 3 == 0:
            parts.append(_text(x, base + 16, f"{month:%Y-%m}"))
        elif not every_month and month.month == 1:
            parts.append(_text(x, base + 16, str(month.year)))
    if not points:
        parts.append(_text(WIDTH / 2, TOP + plot_h / 2, "—", anchor="middle"))
    return "".join([*parts, "</svg>\n"])


def labelled_bars(title: str, items: Sequence[tuple[str, int]]) -> str:
    """An SVG of one horizontal bar per (label, count), in the order given; long labels are cut
    short with an ellipsis (the full label is the bar's tooltip)."""
    top = 32  # no period names above these bars
    height = top + ROW * max(len(items), 1) + 8
    plot_w = WIDTH - LABEL_W - RIGHT - 40  # room for the count after the longest bar
    peak = max((n for _, n in items), default=0)
    parts = [_open(title, WIDTH, height)]
    for i, (label, count) in enumerate(items):
        y = top + i * ROW
        bar_w = count / peak * plot_w if peak else 0.0
        shown = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"
        parts.append(_text(LABEL_W - 6, y + 15, shown, anchor="end", fill=INK))
        parts.append(
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{_n(bar_w)}" height="{ROW - 6}" fill="{BAR}">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
        parts.append(_text(LABEL_W + bar_w + 4, y + 15, str(count), anchor="start", fill=INK))
    if not items:
        parts.append(_text(WIDTH / 2, top + 15, "—", anchor="middle"))
    return "".join([*parts, "</svg>\n"])


def nice_steps(peak: int) -> list[int]:
    """Round values for grid lines up to `peak`: at most five of them, spaced 1, 2 or 5 × 10ⁿ."""
    if peak <= 0:
        return []
    exponent = 0
    while True:
        for mantissa in (1, 2, 5):
            step = mantissa * 10**exponent
            if peak / step <= 5:
                return list(range(step, peak + 1, step))
        exponent += 1


# -- pieces -----------------------------------------------------------------------------


def _open(title: str, width: int, height: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text x="8" y="18" {FONT} font-size="14" font-weight="bold" fill="{INK}">{escape(title)}</text>'
    )


def _shades(
    points: Sequence[tuple[date, int]], periods: Sequence[Period], step: float, plot_h: float
) -> list[str]:
    """The periods overlapping the months shown, as shaded bands named above the plot."""
    first, last = points[0][0], points[-1][0]
    months = (first.year, first.month), (last.year, last.month)

    def x_of(day: date, end: bool) -> float:
        index = (day.year - first.year) * 12 + day.month - first.month + (day.day - (0 if end else 1)) / 31
        return LEFT + max(0.0, min(index, len(points))) * step

    out: list[str] = []
    shown = [p for p in periods if (p.last.year, p.last.month) >= months[0]]
    shown = [p for p in shown if (p.first.year, p.first.month) <= months[1]]
    for i, period in enumerate(shown):
        x0, x1 = x_of(period.first, False), x_of(period.last, True)
        out.append(
            f'<rect x="{_n(x0)}" y="{TOP}" width="{_n(max(x1 - x0, 3))}" height="{_n(plot_h)}" '
            f'fill="{SHADE}"><title>{escape(period.name)}</title></rect>'
        )
        # names alternate between two rows so that neighbours do not overwrite each other
        anchor = "end" if x0 > WIDTH * 0.75 else "start"
        out.append(_text(x0, TOP - 18 + 12 * (i % 2), period.name, anchor=anchor, fill=INK))
    return out


def _text(x: float, y: float, text: str, *, anchor: str = "middle", fill: str = MUTED) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" {FONT} font-size="11" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def _n(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros, so output never varies."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
