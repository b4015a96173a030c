"""A label's scores week by week (Monday to Sunday, program time zone): the one rule for a
week's value, used by the trend charts, the JSON ``trend`` and the CLI/CSV summary alike."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TREND_WEEKS = 4


@dataclass(frozen=True)
class WeekPoint:
    """One label's scores in one week (Monday to Sunday, program time zone)."""

    week_start: date
    mean: float | None  # None: no score that week
    max: int | None
    min: int | None
    n: int


def week_value(scores: Sequence[int]) -> float | None:
    """A week's value: the mean of its scores to one decimal (None for a week without any).
    Every surface that shows a week's score shows this number."""
    return round(sum(scores) / len(scores), 1) if scores else None


def latest_week(points: Sequence[WeekPoint]) -> WeekPoint | None:
    """The newest week of a trend that has a value (by :func:`week_value`), or None."""
    return next((p for p in reversed(points) if p.mean is not None), None)


def trend_weeks(cutoff: datetime, tz: ZoneInfo, weeks: int = TREND_WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` weeks up to ``cutoff`` (its own week last)."""
    day = cutoff.astimezone(tz).date()
    monday = day - timedelta(days=day.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def trend_start(cutoff: datetime, tz: ZoneInfo) -> datetime:
    """The first instant the trend covers (midnight local, the first Monday)."""
    return datetime.combine(trend_weeks(cutoff, tz)[0], time(0), tz)


def trend(
    scores: Iterable[tuple[datetime, str | None, int | None]],
    weeks: list[date],
    cutoff: datetime,
    tz: ZoneInfo,
) -> dict[str, list[WeekPoint]]:
    """Per label, one point per week of ``weeks`` (oldest first, empty weeks included), from
    (received at, label, score) up to ``cutoff``."""
    first = datetime.combine(weeks[0], time(0), tz)
    buckets: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for at, label, score in scores:
        if score is None or not label or not first <= at < cutoff:
            continue
        day = at.astimezone(tz).date()
        buckets[label][day - timedelta(days=day.weekday())].append(score)
    out: dict[str, list[WeekPoint]] = {}
    for label in sorted(buckets):
        out[label] = [
            WeekPoint(
                week,
                week_value(got := buckets[label].get(week, [])),
                max(got, default=None),
                min(got, default=None),
                len(got),
            )
            for week in weeks
        ]
    return out
