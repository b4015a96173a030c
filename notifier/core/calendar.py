"""Schedule math: groups, session times, reminder and check-in times, quiet hours.

Everything here is pure: every function takes the instant it reasons about (aware UTC) and
returns aware UTC datetimes. Only entry points read the clock.

DST is where reminder services usually go wrong, so the two kinds of offset are kept apart:
a whole-day offset ("24h", "1d", "48h") means "the same local wall time N calendar days
earlier" (a 24h reminder for a Monday 18:00 group arrives Sunday at 18:00 even when the clocks
changed overnight), while any other offset ("2h", "90m") is real elapsed time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class GroupSpec:
    """One recurring group, e.g. ``evening: mon,wed,thu 18:00-21:00 @ Suite 200``."""

    name: str
    days: tuple[int, ...]  # 0 = Monday, as date.weekday()
    start: time
    end: time
    location: str | None = None
    kind: str = "group"  # what its reminder calls it: group | workshop | family ("name [kind]")

    def meets_on(self, day: date) -> bool:
        return day.weekday() in self.days


@dataclass(frozen=True)
class Offset:
    """How long before a session a reminder goes out."""

    text: str
    delta: timedelta
    whole_days: int | None  # set when the offset is a whole number of days

    def before(self, start_utc: datetime, program_tz: ZoneInfo) -> datetime:
        if self.whole_days is None:
            return start_utc - self.delta
        # Same wall time N calendar days earlier, in the program's zone: across a DST change
        # this is 23 or 25 real hours, which is what people expect of "the day before".
        local = start_utc.astimezone(program_tz)
        earlier = local.date() - timedelta(days=self.whole_days)
        return local_instant(earlier, local.timetz().replace(tzinfo=None), program_tz)


@dataclass(frozen=True)
class QuietHours:
    """A daily window in the client's local time in which only replies are sent."""

    start: time
    end: time

    def contains(self, t: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # wraps midnight, e.g. 21:00-08:00


@dataclass(frozen=True)
class CheckinDays:
    """Which days get a coping check-in: ``non-session``, ``daily`` or listed weekdays."""

    mode: str  # "non-session" | "daily" | "days"
    days: frozenset[int] = frozenset()

    def applies(self, day: date, has_session: bool) -> bool:
        if self.mode == "daily":
            return True
        if self.mode == "non-session":
            return not has_session
        return day.weekday() in self.days


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a group on a given local date."""

    group: str
    day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    location: str | None

    @property
    def key(self) -> str:
        return f"group:{self.group}:{self.day.isoformat()}"


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time.

    Ambiguous times (the repeated hour when clocks fall back) resolve to the first occurrence
    (fold=0). Times that do not exist (the skipped hour when clocks spring forward) move forward
    by the size of the gap: 02:30 on the spring-forward day becomes 03:30 local.
    """
    naive = datetime.combine(day, wall.replace(tzinfo=None))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_dates(start_utc: datetime, end_utc: datetime, tz: ZoneInfo) -> Iterator[date]:
    """Every local calendar date that overlaps [start_utc, end_utc]."""
    day = start_utc.astimezone(tz).date()
    last = end_utc.astimezone(tz).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def group_occurrences(
    group: GroupSpec,
    program_tz: ZoneInfo,
    start_utc: datetime,
    end_utc: datetime,
    skip_dates: Iterable[date] = (),
) -> list[Occurrence]:
    """Meetings of ``group`` that start in [start_utc, end_utc), skipping closed dates."""
    skipped = set(skip_dates)
    found: list[Occurrence] = []
    for day in local_dates(start_utc, end_utc, program_tz):
        if not group.meets_on(day) or day in skipped:
            continue
        starts = local_instant(day, group.start, program_tz)
        if not start_utc <= starts < end_utc:
            continue
        ends = local_instant(day, group.end, program_tz)
        found.append(Occurrence(group.name, day, starts, ends, group.location))
    return found


def quiet_window_end(instant: datetime, client_tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """The end of the quiet window that contains ``instant`` (which must be inside one)."""
    local = instant.astimezone(client_tz)
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        day += timedelta(days=1)  # evening part of a window that wraps midnight
    return local_instant(day, quiet.end, client_tz)


def in_quiet_hours(instant: datetime, client_tz: ZoneInfo, quiet: QuietHours | None) -> bool:
    if quiet is None:
        return False
    return quiet.contains(instant.astimezone(client_tz).time().replace(tzinfo=None))


def outside_quiet_hours(
    due: datetime, deadline: datetime | None, client_tz: ZoneInfo, quiet: QuietHours | None
) -> datetime | None:
    """Where a message due at ``due`` may go, or None when it must be skipped.

    A message that falls due inside quiet hours moves to the end of the window; if that is not
    before its deadline (the session it is about, or the check-in's freshness; None: none), it
    is skipped. Which texts are moved at all is notifier.outbound.quiet's policy.
    """
    if quiet is None or not in_quiet_hours(due, client_tz, quiet):
        return due if deadline is None or due < deadline else None
    moved = quiet_window_end(due, client_tz, quiet)
    return moved if deadline is None or moved < deadline else None


def checkin_instants(
    client_tz: ZoneInfo,
    at: time,
    days: CheckinDays,
    start_utc: datetime,
    end_utc: datetime,
    session_days: set[date],
    skip_dates: Iterable[date] = (),
) -> list[tuple[date, datetime]]:
    """(local date, UTC instant) of every check-in in [start_utc, end_utc) for one client."""
    skipped = set(skip_dates)
    found: list[tuple[date, datetime]] = []
    for day in local_dates(start_utc, end_utc, client_tz):
        if day in skipped or not days.applies(day, day in session_days):
            continue
        instant = local_instant(day, at, client_tz)
        if start_utc <= instant < end_utc:
            found.append((day, instant))
    return found
