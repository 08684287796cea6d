"""The chart of `habeas stats around`: a bar per day or week across the three windows, the period shaded.

Plain SVG text with no script, font file or link to another host, so it opens offline and over Tor.
Its words go through a gettext function (English by default); dates are written as ISO days.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from habeas.analysis.around import Around
from habeas.domain.vocabulary import vocabulary

Gettext = Callable[[str], str]
WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 58, 78  # the plot's margins
BAR, SHADE, INK, FAINT = "#3b6ea5", "#f2c57c", "#222222", "#9a9a9a"


def _english(text: str) -> str:
    return text


def chart_svg(report: Around, _: Gettext = _english, lang: str = "en") -> str:
    """The SVG document (text) of `report`'s bars, its windows and its period, in the language of `_`."""
    first, last = report.windows[0].first, report.windows[2].last
    span = (last - first).days + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * (day - first).days / span

    top = _nice_top(max((b.events for b in report.bars), default=0))

    def y(n: float) -> float:
        return TOP + plot_h * (1 - n / top)

    title = _title(report, _, lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(LEFT, 20, title, size=14, weight="bold"),
    ]
    during = report.period
    shade_x = x(during.first)
    parts.append(
        f'<rect x="{shade_x:.1f}" y="{TOP}" width="{x(during.last) + plot_w / span - shade_x:.1f}" '
        f'height="{plot_h}" fill="{SHADE}" fill-opacity="0.5"/>'
    )
    label = f"{report.period_name}: {during.first.isoformat()} – {during.last.isoformat()}"
    parts.append(_text(shade_x, TOP - 8, label, anchor="middle" if shade_x > LEFT + 80 else "start"))
    for tick in _ticks(top):
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{FAINT}" stroke-width="0.5"/>')  # fmt: skip
        parts.append(_text(LEFT - 6, y(tick) + 4, str(tick), anchor="end"))
    for bar in report.bars:
        if bar.events:
            left, right = x(bar.first) + 0.5, x(bar.last) + plot_w / span - 0.5
            parts.append(
                f'<rect x="{left:.1f}" y="{y(bar.events):.1f}" width="{max(right - left, 0.5):.1f}" '
                f'height="{y(0) - y(bar.events):.1f}" fill="{BAR}"><title>'
                f"{escape(f'{bar.first.isoformat()} – {bar.last.isoformat()}: {bar.events}')}</title></rect>"
            )
    parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(0)}" y2="{y(0)}" stroke="{INK}"/>')
    parts += _window_labels(report, x, y(0), _)
    for i, line in enumerate(_notes(report, _)):
        parts.append(_text(LEFT, HEIGHT - 22 + 14 * i, line, size=11, color=FAINT))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _title(report: Around, _: Gettext, lang: str) -> str:
    kind = vocabulary("event_type").label(report.event_type, lang)
    weekly = len(report.bars) > 1 and (report.bars[1].last - report.bars[1].first).days > 0
    text = (
        _("“%(type)s” events per week around %(period)s")
        if weekly
        else _("“%(type)s” events per day around %(period)s")
    ) % {"type": kind, "period": report.period_name}
    if report.group:
        group = vocabulary("group").label(report.group, lang)
        text += " — " + _("victims in the group “%(group)s”") % {"group": group}
    return text


def _window_labels(report: Around, x: Callable[[date], float], base: float, _: Gettext) -> list[str]:
    """Under the axis: each window's name and count, and the first and last day shown."""
    names = {
        "before": _("before the period"),
        "during": _("during the period"),
        "after": _("after the period"),
    }
    out = []
    for window in (report.windows[0], report.windows[2]):
        middle = (x(window.first) + x(window.last)) / 2
        counted = _("%(window)s: %(n)d in %(days)d days") % {
            "window": names[window.name],
            "n": window.events,
            "days": window.days,
        }
        out.append(_text(middle, base + 36, counted, anchor="middle"))
    out.append(_text(LEFT, base + 16, report.windows[0].first.isoformat(), anchor="start", color=FAINT))
    out.append(_text(WIDTH - RIGHT, base + 16, report.windows[2].last.isoformat(), anchor="end", color=FAINT))
    during = report.period
    counted = _("%(window)s: %(n)d in %(days)d days") % {
        "window": names["during"],
        "n": during.events,
        "days": during.days,
    }
    out.append(_text((x(during.first) + x(during.last)) / 2, TOP - 24, counted, anchor="middle"))
    return out


def _notes(report: Around, _: Gettext) -> list[str]:
    left_out = report.straddling + report.date_unknown
    return [
        _("Each bar counts the events whose date is known to within that bar."),
        _(
            "Counted in a window but not drawn (dated less precisely): %(n)d. "
            "Left out (they may fall outside a window): %(m)d."
        )
        % {"n": report.not_drawn, "m": left_out},
    ]


def _nice_top(largest: int) -> int:
    """The y axis's top: at least 1, rounded up to a multiple of its tick step."""
    step = _step(largest)
    return max(step, step * math.ceil(largest / step))


def _step(largest: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if largest <= 5 * step:
            return step
    return int(10 ** len(str(largest // 5)))


def _ticks(top: int) -> range:
    return range(0, top + 1, _step(top))


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, weight: str = "normal",
    color: str = INK,
) -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f"font-weight={quoteattr(weight)} fill={quoteattr(color)}>{escape(text)}</text>"
    )
