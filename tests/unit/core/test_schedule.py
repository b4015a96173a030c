"""Pure schedule math, with explicit instants. DESIGN.md rules: Time, Quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifier.core.calendar import (
    CheckinDays,
    checkin_instants,
    group_occurrences,
    in_quiet_hours,
    local_instant,
    outside_quiet_hours,
    quiet_window_end,
)
from notifier.core.grammar import parse_groups, parse_offset, parse_quiet_hours

NY = ZoneInfo("America/New_York")
PHX = ZoneInfo("America/Phoenix")
LA = ZoneInfo("America/Los_Angeles")


def at(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)  # type: ignore[misc]


# --- Time: whole-day offsets keep the local time; others are elapsed time -----------------
def test_rule_time_whole_day_offset_keeps_local_time_across_spring_forward() -> None:
    # Mon 9 Mar 2026 18:00 EDT; clocks sprang forward Sun 8 Mar at 02:00.
    session = at(NY, 2026, 3, 9, 18, 0)
    for text in ("24h", "1d"):
        due = parse_offset(text).before(session, NY)
        assert due.astimezone(NY) == datetime(2026, 3, 8, 18, 0, tzinfo=NY)
    # 48h reaches back across the change: Sat 18:00 EST, which is 47 real hours earlier.
    due48 = parse_offset("48h").before(session, NY)
    assert due48.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 7, 18, 0)
    assert session - due48 == timedelta(hours=47)


def test_rule_time_whole_day_offset_keeps_local_time_across_fall_back() -> None:
    # Mon 2 Nov 2026 18:00 EST; clocks fell back Sun 1 Nov at 02:00.
    session = at(NY, 2026, 11, 2, 18, 0)
    due48 = parse_offset("48h").before(session, NY)
    assert due48.astimezone(NY).replace(tzinfo=None) == datetime(2026, 10, 31, 18, 0)
    assert session - due48 == timedelta(hours=49)


def test_rule_time_hour_offsets_are_elapsed_time_across_dst() -> None:
    # Two real hours before Sun 8 Mar 2026 03:30 EDT is 00:30 EST: the wall clock shows a
    # three-hour difference because 02:00-03:00 did not exist that night.
    session = at(NY, 2026, 3, 8, 3, 30)
    due = parse_offset("2h").before(session, NY)
    assert session - due == timedelta(hours=2)
    assert due.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 8, 0, 30)
    # 25h is not whole days: 25 real hours.
    assert session - parse_offset("25h").before(session, NY) == timedelta(hours=25)
    assert session - parse_offset("90m").before(session, NY) == timedelta(minutes=90)


def test_rule_time_session_at_0130_on_fall_back_day() -> None:
    """01:30 happens twice on Sun 1 Nov 2026; a meeting then is the first 01:30 (EDT)."""
    group = parse_groups("night: sun 01:30-02:30")[0]
    occ = group_occurrences(group, NY, at(NY, 2026, 10, 31, 0, 0), at(NY, 2026, 11, 2, 0, 0))
    assert len(occ) == 1
    start = occ[0].starts_at
    assert start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    # 24h before: Sat 01:30 EDT; 2h before: Sat 23:30 EDT (elapsed).
    assert parse_offset("24h").before(start, NY) == datetime(2026, 10, 31, 5, 30, tzinfo=UTC)
    assert parse_offset("2h").before(start, NY) == datetime(2026, 11, 1, 3, 30, tzinfo=UTC)
    # A meeting at 01:30 the following day is 25 real hours later.
    after = parse_offset("1d").before(at(NY, 2026, 11, 2, 1, 30), NY)
    assert after.astimezone(NY).replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30)


def test_rule_time_nonexistent_local_time_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist on Sun 8 Mar 2026 in New York: it becomes 03:30 EDT.
    instant = local_instant(date(2026, 3, 8), time(2, 30), NY)
    assert instant.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)


def test_rule_time_group_times_follow_the_program_zone_across_dst() -> None:
    group = parse_groups("evening: mon,wed,thu 18:00-21:00")[0]
    occ = group_occurrences(group, NY, at(NY, 2026, 10, 26, 0, 0), at(NY, 2026, 11, 6, 0, 0))
    assert [o.starts_at.astimezone(NY).hour for o in occ] == [18] * len(occ)
    utc_hours = {o.starts_at.hour for o in occ}
    assert utc_hours == {22, 23}  # EDT before 1 Nov, EST after


def test_rule_time_client_in_another_zone_gets_checkins_at_their_local_noon() -> None:
    days = CheckinDays("daily")
    found = checkin_instants(
        PHX, time(12, 0), days, at(NY, 2026, 10, 30, 0, 0), at(NY, 2026, 11, 3, 0, 0), set()
    )
    assert all(i.astimezone(PHX).hour == 12 for _, i in found)
    # Phoenix keeps no DST: noon there is 15:00 New York time before 1 Nov, 14:00 after.
    ny_hours = [i.astimezone(NY).hour for _, i in found]
    assert 15 in ny_hours and 14 in ny_hours


# --- Quiet hours ---------------------------------------------------------------------------
QUIET = parse_quiet_hours("21:00-08:00")


@pytest.mark.parametrize(
    ("local", "inside"),
    [
        ((20, 59), False),
        ((21, 0), True),
        ((23, 30), True),
        ((0, 0), True),
        ((7, 59), True),
        ((8, 0), False),
        ((12, 0), False),
    ],
)
def test_rule_quiet_hours_window_wraps_midnight(local: tuple[int, int], inside: bool) -> None:
    instant = at(NY, 2026, 12, 1, *local)
    assert in_quiet_hours(instant, NY, QUIET) is inside


def test_rule_quiet_hours_message_moves_to_end_of_window() -> None:
    due = at(NY, 2026, 12, 1, 7, 0)  # a 2h reminder for a 09:00 session
    placed = outside_quiet_hours(due, at(NY, 2026, 12, 1, 9, 0), NY, QUIET)
    assert placed == at(NY, 2026, 12, 1, 8, 0)
    evening = at(NY, 2026, 12, 1, 22, 0)
    assert quiet_window_end(evening, NY, QUIET) == at(NY, 2026, 12, 2, 8, 0)


def test_rule_quiet_hours_message_skipped_when_window_ends_after_session() -> None:
    due = at(NY, 2026, 12, 1, 6, 0)  # a 2h reminder for an 08:00 session
    assert outside_quiet_hours(due, at(NY, 2026, 12, 1, 8, 0), NY, QUIET) is None
    # Exactly at the session start is "not before" it: skipped as well.
    assert (
        outside_quiet_hours(at(NY, 2026, 12, 1, 7, 0), at(NY, 2026, 12, 1, 8, 0), NY, QUIET) is None
    )


def test_rule_quiet_hours_use_the_clients_zone() -> None:
    # 21:30 in New York is 18:30 in Los Angeles: quiet for one, not the other.
    instant = at(NY, 2026, 12, 1, 21, 30)
    assert in_quiet_hours(instant, NY, QUIET)
    assert not in_quiet_hours(instant, LA, QUIET)


def test_rule_quiet_hours_daytime_window_and_off() -> None:
    day = parse_quiet_hours("12:00-13:00")
    assert day is not None and in_quiet_hours(at(NY, 2026, 12, 1, 12, 30), NY, day)
    assert not in_quiet_hours(at(NY, 2026, 12, 1, 13, 0), NY, day)
    assert parse_quiet_hours("off") is None
    assert not in_quiet_hours(at(NY, 2026, 12, 1, 23, 0), NY, None)


def test_rule_quiet_hours_window_end_on_dst_night() -> None:
    # Quiet from 21:00 Sat 31 Oct to 08:00 Sun 1 Nov (EST): 12 real hours, not 11.
    start = at(NY, 2026, 10, 31, 21, 0)
    end = quiet_window_end(start, NY, QUIET)
    assert end.astimezone(NY).replace(tzinfo=None) == datetime(2026, 11, 1, 8, 0)
    assert end - start == timedelta(hours=12)


# --- Skip dates and check-in days ------------------------------------------------------------
def test_skip_dates_remove_group_meetings_and_checkins() -> None:
    group = parse_groups("evening: mon,wed,thu 18:00-21:00")[0]
    skip = {date(2026, 12, 24)}
    occ = group_occurrences(group, NY, at(NY, 2026, 12, 21, 0, 0), at(NY, 2026, 12, 28, 0, 0), skip)
    assert [o.day for o in occ] == [date(2026, 12, 21), date(2026, 12, 23)]
    found = checkin_instants(
        NY,
        time(12, 0),
        CheckinDays("daily"),
        at(NY, 2026, 12, 23, 0, 0),
        at(NY, 2026, 12, 26, 0, 0),
        set(),
        skip,
    )
    assert [d for d, _ in found] == [date(2026, 12, 23), date(2026, 12, 25)]


def test_checkin_days_non_session_daily_and_listed() -> None:
    start, end = at(NY, 2026, 11, 30, 0, 0), at(NY, 2026, 12, 7, 0, 0)  # Mon..Sun
    sessions = {date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 3)}
    non = checkin_instants(NY, time(12, 0), CheckinDays("non-session"), start, end, sessions)
    assert [d.weekday() for d, _ in non] == [1, 4, 5, 6]
    daily = checkin_instants(NY, time(12, 0), CheckinDays("daily"), start, end, sessions)
    assert len(daily) == 7
    listed = checkin_instants(
        NY, time(12, 0), CheckinDays("days", frozenset({0, 4})), start, end, sessions
    )
    assert [d.weekday() for d, _ in listed] == [0, 4]
