"""A bar chart of the number held per month as plain SVG geometry (drawn by a template, no JS)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 40, 24, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: date
    count: int


@dataclass(frozen=True)
class Shade:
    x: float
    width: float
    name: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    shades: list[Shade]
    ticks: list[tuple[float, str]]  # (x, year) along the bottom
    grid: list[tuple[float, int]]  # (y, count) lines
    peak: int


def month_chart(points: Sequence[tuple[date, int]], periods: Sequence[tuple[str, date, date]]) -> Chart:
    """Bars for (month, count) points; context periods (name, first, last) shaded behind them."""
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    peak = max((n for _, n in points), default=0)
    scale = plot_h / peak if peak else 0.0
    step = plot_w / max(len(points), 1)
    bars = [
        Bar(LEFT + i * step, TOP + plot_h - n * scale, max(step - 1, 1), n * scale, month, n)
        for i, (month, n) in enumerate(points)
    ]
    shades = []
    if points:
        first, last = points[0][0], points[-1][0]

        def x_of(day: date) -> float:
            months = (day.year - first.year) * 12 + day.month - first.month + (day.day - 1) / 31
            return LEFT + max(0.0, min(months, len(points))) * step

        for name, start, end in periods:
            if end < first or start > date(last.year, last.month, 28):
                continue
            x0, x1 = x_of(start), x_of(end)
            shades.append(Shade(x0, max(x1 - x0, 2), name))
    ticks = [(bar.x, str(bar.month.year)) for bar in bars if bar.month.month == 1]
    grid = [(TOP + plot_h - value * scale, value) for value in _nice_steps(peak)]
    return Chart(WIDTH, HEIGHT, bars, shades, ticks, grid, peak)


def _nice_steps(peak: int) -> list[int]:
    if peak <= 0:
        return []
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if peak / step <= 5:
            return list(range(step, peak + 1, step))
    return [peak]
