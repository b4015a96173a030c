"""Small inline-SVG charts, drawn on the server: one label's weekly average over the last weeks.

Each chart says what it shows in words too (``aria-label`` and a ``<title>``), draws the
concern threshold as a dashed line with the zone past it shaded, and writes each week's value
beside its point, so it reads without a legend and prints in black and white. Colours come from
the stylesheet (classes), never from inline styles: the pages' CSP has no 'unsafe-inline'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 240, 92
LEFT, RIGHT, TOP, BOTTOM = 36, 26, 14, 22  # room for 12 px labels at both ends
SCALE_MAX = 10


@dataclass(frozen=True)
class Trend:
    """What one chart shows: a label's weekly averages (None: no score that week)."""

    label: str
    weeks: Sequence[date]
    means: Sequence[float | None]
    low_is_bad: bool
    high_score: int

    @property
    def threshold(self) -> int:
        """The score at which a week is a concern (mood mirrors it: 3 when high is 7)."""
        return SCALE_MAX - self.high_score if self.low_is_bad else self.high_score

    def describe(self) -> str:
        worry = (
            f"{self.threshold} or lower is a concern"
            if self.low_is_bad
            else f"{self.threshold} or higher is a concern"
        )
        weeks = "; ".join(
            f"week of {_day(w)}: {_num(m) if m is not None else 'no score'}"
            for w, m in zip(self.weeks, self.means, strict=True)
        )
        return f"{self.label}, weekly average on a 0 to 10 scale ({worry}). {weeks}."


def _day(d: date) -> str:
    return f"{d.strftime('%b')} {d.day}"


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * i / (n - 1) if n > 1 else span / 2)


def _y(score: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - score / SCALE_MAX)


def trend_svg(trend: Trend) -> Markup:
    """The chart as an ``<svg>`` element (safe to put in a page as is)."""
    n = len(trend.weeks)
    text = escape(trend.describe())
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{text}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{text}</title>",
    ]
    t = trend.threshold
    top, bottom = (_y(t), _y(0)) if trend.low_is_bad else (_y(SCALE_MAX), _y(t))
    parts.append(
        f'<rect class="zone" x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{bottom - top:.1f}"/>'
    )
    for tick in (0, 5, 10):
        y = _y(tick)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(f'<text class="tick" x="{LEFT - 10}" y="{y + 3.5:.1f}">{tick}</text>')
    parts.append(
        f'<line class="threshold" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{_y(t):.1f}" y2="{_y(t):.1f}"/>'
    )
    parts += _series(trend, n)
    for i, week in enumerate(trend.weeks):
        parts.append(
            f'<text class="week" x="{_x(i, n):.1f}" y="{HEIGHT - 6}">{escape(_day(week))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _series(trend: Trend, n: int) -> list[str]:
    parts: list[str] = []
    runs: list[list[tuple[float, float]]] = [[]]
    for i, mean in enumerate(trend.means):
        if mean is None:
            runs.append([])
            parts.append(f'<text class="none" x="{_x(i, n):.1f}" y="{_y(5) + 3.5:.1f}">–</text>')
            continue
        x, y = _x(i, n), _y(mean)
        runs[-1].append((x, y))
        past = mean <= trend.threshold if trend.low_is_bad else mean >= trend.threshold
        cls = "point concern" if past else "point"
        parts.append(f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>')
        label_y = y - 7 if y > TOP + 10 else y + 14
        parts.append(f'<text class="value" x="{x:.1f}" y="{label_y:.1f}">{_num(mean)}</text>')
    lines = [
        '<polyline class="line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>'
        for run in runs
        if len(run) > 1
    ]
    return lines + parts  # lines first, so points and values are drawn over them
