"""The program's opening hours (``NOTIFIER_PROGRAM_HOURS``): when a call-back request reaches
staff at once, and otherwise when it will.

Pure: every function takes the instant it reasons about (aware UTC). Hours are wall times in
the program's zone, so an opening on the Monday after a DST change is 09:00 local, not 09:00
of the week before shifted by an hour.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifier.core.calendar import local_instant

GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class OpenWindow:
    days: tuple[int, ...]  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class ProgramHours:
    """e.g. ``mon-fri 09:00-17:00`` or ``mon-thu 09:00-19:00; fri 09:00-15:00``."""

    windows: tuple[OpenWindow, ...]
    text: str = ""

    def __str__(self) -> str:
        return self.text

    def _spans(
        self, instant: datetime, tz: ZoneInfo, days: int, closed: Collection[date] = ()
    ) -> list[tuple[datetime, datetime]]:
        """Every opening (start, end) on the local dates from ``instant``'s day on, leaving out
        the dates the program is closed (``NOTIFIER_SKIP_DATES``)."""
        first = instant.astimezone(tz).date() - timedelta(days=1)
        spans: list[tuple[datetime, datetime]] = []
        for n in range(days + 2):
            day = first + timedelta(days=n)
            if day in closed:
                continue
            for w in self.windows:
                if day.weekday() in w.days:
                    spans.append((local_instant(day, w.start, tz), local_instant(day, w.end, tz)))
        return sorted(spans)

    def is_open(self, instant: datetime, tz: ZoneInfo, closed: Collection[date] = ()) -> bool:
        return any(start <= instant < end for start, end in self._spans(instant, tz, 0, closed))

    def next_opening(
        self, instant: datetime, tz: ZoneInfo, closed: Collection[date] = ()
    ) -> datetime:
        """``instant`` itself while open, else the start of the next opening (closed dates
        skipped: Christmas Eve's call-back is promised for the next day the program opens)."""
        return self.span_at_or_after(instant, tz, closed)[0]

    def span_at_or_after(
        self, instant: datetime, tz: ZoneInfo, closed: Collection[date] = ()
    ) -> tuple[datetime, datetime]:
        """(from, until) of the opening ``instant`` is in (from = ``instant``), else of the
        next one. A run of closed dates longer than a few weeks is not looked past."""
        for start, end in self._spans(instant, tz, 7 + len(closed), closed):
            if start <= instant < end:
                return instant, end
            if start > instant:
                return start, end
        raise ValueError("program hours with no opening in the weeks ahead")

    def deadline(self, instant: datetime, tz: ZoneInfo, closed: Collection[date] = ()) -> datetime:
        """By when "someone will reach out" is kept: the end of today's hours while open (at
        least :data:`GRACE` away), else an hour into the next opening ("the next program
        morning at the latest")."""
        start, end = self.span_at_or_after(instant, tz, closed)
        if start == instant and end - instant >= GRACE:
            return end
        if start == instant:
            start = self.span_at_or_after(end, tz, closed)[0]
        return start + GRACE
