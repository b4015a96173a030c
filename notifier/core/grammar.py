"""Parsers for the small text grammars staff write in the env file and on the command line.

Each parser raises ``ValueError`` whose message starts with "expected ..." and says what is
wrong, so settings errors and CLI errors can be one clear line.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from notifier.core.calendar import WEEKDAYS, CheckinDays, GroupSpec, Offset, QuietHours
from notifier.core.program_hours import OpenWindow, ProgramHours

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
_DURATION_PART = re.compile(r"(\d+)\s*(d|h|m|s)", re.IGNORECASE)
_DURATION_WHOLE = re.compile(r"^\s*(?:\d+\s*[dhms]\s*)+$", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_GROUP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_GROUP = re.compile(
    r"^(?P<name>[^:]+):\s*(?P<days>[a-zA-Z, ]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*"
    r"(?P<end>\d{1,2}:\d{2})\s*(?:@\s*(?P<location>.+))?$"
)


def parse_duration(text: str) -> timedelta:
    """``24h``, ``90m``, ``1d``, ``30s``, ``1h30m``."""
    if not _DURATION_WHOLE.match(text or ""):
        raise ValueError("expected a duration such as 24h, 90m, 1d or 1h30m")
    seconds = sum(int(n) * _UNIT_SECONDS[u.lower()] for n, u in _DURATION_PART.findall(text))
    return timedelta(seconds=seconds)


def parse_offset(text: str) -> Offset:
    delta = parse_duration(text)
    if delta <= timedelta(0):
        raise ValueError("expected an offset greater than zero")
    whole_days = delta.days if delta == timedelta(days=delta.days) else None
    return Offset(text=text.strip().lower(), delta=delta, whole_days=whole_days)


def parse_offsets(text: str) -> tuple[Offset, ...]:
    parts = [p for p in (s.strip() for s in text.split(",")) if p]
    offsets: list[Offset] = []
    for part in parts:
        try:
            offsets.append(parse_offset(part))
        except ValueError as exc:
            raise ValueError(f"{exc} (in {part!r})") from None
    # Largest first, so "the next reminder" of a session is the following entry.
    return tuple(sorted(set(offsets), key=lambda o: o.delta, reverse=True))


def parse_clock(text: str) -> time:
    """``18:00`` (24-hour)."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text or "")
    if not m:
        raise ValueError(f"expected a 24-hour time HH:MM, got {text.strip()!r}")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"expected a 24-hour time HH:MM ({text.strip()} is out of range)")
    return time(hour, minute)


def parse_quiet_hours(text: str) -> QuietHours | None:
    if text.strip().lower() in {"", "off", "none"}:
        return None
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError('expected HH:MM-HH:MM (e.g. 21:00-08:00) or "off"')
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if start == end:
        raise ValueError('expected two different times, or "off" for no quiet hours')
    return QuietHours(start, end)


def parse_weekdays(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for raw in text.split(","):
        name = raw.strip().lower()[:3]
        if not name:
            continue
        if name not in WEEKDAYS:
            raise ValueError(f"expected weekdays from {','.join(WEEKDAYS)}, got {raw.strip()!r}")
        days.append(WEEKDAYS.index(name))
    if not days:
        raise ValueError(f"expected at least one weekday from {','.join(WEEKDAYS)}")
    return tuple(sorted(set(days)))


_HOURS_EXAMPLE = "e.g. mon-fri 09:00-17:00 or mon-thu 09:00-19:00; fri 09:00-15:00"


def parse_program_hours(text: str) -> ProgramHours:
    """``mon-fri 09:00-17:00``; several windows separated by ``;``; days as ``mon,wed`` or
    ranges ``mon-fri`` (a range may wrap: ``sat-sun``, ``fri-mon``)."""
    windows: list[OpenWindow] = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        m = re.fullmatch(
            r"(?P<days>[a-zA-Z, -]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})",
            chunk,
        )
        if not m:
            raise ValueError(f"expected DAYS HH:MM-HH:MM ({_HOURS_EXAMPLE}), got {chunk!r}")
        days: set[int] = set()
        for item in (i.strip().lower() for i in m.group("days").split(",")):
            ends = [e.strip()[:3] for e in item.split("-")]
            if len(ends) > 2 or any(e not in WEEKDAYS for e in ends):
                raise ValueError(
                    f"expected weekdays from {','.join(WEEKDAYS)} or a range such as mon-fri, "
                    f"got {item!r}"
                )
            a, b = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
            days.update((a + k) % 7 for k in range((b - a) % 7 + 1))
        start, end = parse_clock(m.group("start")), parse_clock(m.group("end"))
        if not start < end:
            raise ValueError(f"expected the opening before the closing time in {chunk!r}")
        windows.append(OpenWindow(tuple(sorted(days)), start, end))
    if not windows:
        raise ValueError(f"expected at least one DAYS HH:MM-HH:MM ({_HOURS_EXAMPLE})")
    return ProgramHours(tuple(windows), " ".join(text.split()))


def parse_groups(text: str) -> tuple[GroupSpec, ...]:
    """``evening: mon,wed,thu 18:00-21:00 @ Suite 200; morning: tue,thu,fri 09:00-12:00``."""
    groups: list[GroupSpec] = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        m = _GROUP.match(chunk)
        if not m:
            raise ValueError(
                f"expected 'name: mon,wed 18:00-21:00 [@ place]' separated by ';', got {chunk!r}"
            )
        name, kind = _group_kind(m.group("name").strip().lower())
        if not _GROUP_NAME.match(name):
            raise ValueError(f"expected a group name of letters, digits, '-' or '_', got {name!r}")
        days = parse_weekdays(m.group("days"))
        start, end = parse_clock(m.group("start")), parse_clock(m.group("end"))
        if end <= start:
            raise ValueError(f"expected the end after the start in group {name!r}")
        if any(g.name == name for g in groups):
            raise ValueError(f"expected each group once, {name!r} is repeated")
        location = (m.group("location") or "").strip() or None
        groups.append(GroupSpec(name, days, start, end, location, kind))
    return tuple(groups)


GROUP_KINDS = ("group", "workshop", "family")
_KIND = re.compile(r"^(?P<name>.*?)\s*\[(?P<kind>[^\]]*)\]$")


def _group_kind(text: str) -> tuple[str, str]:
    """``skills [workshop]`` -> ("skills", "workshop"); a bare name is a "group"."""
    m = _KIND.match(text)
    if m is None:
        return text, "group"
    kind = m.group("kind").strip()
    if kind not in GROUP_KINDS:
        raise ValueError(f"expected a kind of group, workshop or family in [...], got {kind!r}")
    return m.group("name"), kind


def parse_checkin_days(text: str) -> CheckinDays:
    value = text.strip().lower()
    if value in {"non-session", "daily"}:
        return CheckinDays(value)
    if value in {"off", "none", ""}:
        return CheckinDays("days", frozenset())
    try:
        return CheckinDays("days", frozenset(parse_weekdays(value)))
    except ValueError:
        raise ValueError(
            'expected "non-session", "daily", "off" or weekdays like mon,fri'
        ) from None


def parse_dates(text: str) -> tuple[date, ...]:
    found: list[date] = []
    for raw in (p.strip() for p in text.split(",")):
        if not raw:
            continue
        try:
            found.append(date.fromisoformat(raw))
        except ValueError:
            raise ValueError(f"expected dates as YYYY-MM-DD, got {raw!r}") from None
    return tuple(sorted(set(found)))


def parse_zone(text: str) -> ZoneInfo:
    name = text.strip()
    try:
        if not name or ("/" not in name and name != "UTC"):
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"expected an IANA time zone such as America/Chicago, got {name!r}"
        ) from None


def parse_instant(text: str, default_tz: ZoneInfo) -> datetime:
    """An ISO 8601 instant; without an offset it is read in ``default_tz``."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"expected an ISO 8601 time such as 2026-12-01T18:00 or 2026-12-01T18:00-05:00, "
            f"got {raw!r}"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    # Schedule math adds and subtracts weeks: stay far from datetime's own limits.
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"expected a time between the years 1900 and 9000, got {raw!r}")
    return value
