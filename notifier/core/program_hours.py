"""The program's opening hours (``NOTIFIER_PROGRAM_HOURS``): when a call-back request reaches
staff at once, and otherwise when it will.

Pure: every function takes the instant it reasons about (aware UTC). Hours are wall times in
the program's zone, so an opening on the Monday after a DST change is 09:00 local, not 09:00
of the week before shifted by an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifier.core.calendar import local_instant


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

    def _spans(self, instant: datetime, tz: ZoneInfo, days: int) -> list[tuple[datetime, datetime]]:
        """Every opening (start, end) on the local dates from ``instant``'s day on."""
        first = instant.astimezone(tz).date() - timedelta(days=1)
        spans: list[tuple[datetime, datetime]] = []
        for n in range(days + 2):
            day = first + timedelta(days=n)
            for w in self.windows:
                if day.weekday() in w.days:
                    spans.append((local_instant(day, w.start, tz), local_instant(day, w.end, tz)))
        return sorted(spans)

    def is_open(self, instant: datetime, tz: ZoneInfo) -> bool:
        return any(start <= instant < end for start, end in self._spans(instant, tz, 0))

    def next_opening(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """``instant`` itself while open, else the start of the next opening."""
        for start, end in self._spans(instant, tz, 7):
            if start <= instant < end:
                return instant
            if start > instant:
                return start
        raise ValueError("program hours with no opening in a week")  # the grammar forbids it
