"""NOTIFIER_PROGRAM_HOURS: parsing, one clear line for a bad value, is it open, the next
opening across a weekend and across both DST changes, and the words that say when."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from notifier.core.grammar import parse_program_hours
from notifier.core.settings import SettingsError
from notifier.core.settings_load import load_settings
from notifier.outbound.texts import opening_text
from tests.helpers import ny

NY = ZoneInfo("America/New_York")
PHX = ZoneInfo("America/Phoenix")
HOURS = parse_program_hours("mon-fri 09:00-17:00")


def test_program_hours_default_is_weekdays_nine_to_five() -> None:
    s = load_settings(None, database_url="sqlite:///x.db")
    assert str(s.program_hours) == "mon-fri 09:00-17:00"
    assert s.program_hours.windows[0].days == (0, 1, 2, 3, 4)


def test_program_hours_several_windows_and_wrapping_ranges() -> None:
    h = parse_program_hours("mon-thu 09:00-19:00; fri 09:00-15:00; sat-sun 10:00-12:00")
    assert [w.days for w in h.windows] == [(0, 1, 2, 3), (4,), (5, 6)]
    assert parse_program_hours("fri-mon 08:00-09:00").windows[0].days == (0, 4, 5, 6)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mon-fri 9am-5pm", "expected DAYS HH:MM-HH:MM"),
        ("mon-fry 09:00-17:00", "expected weekdays from mon"),
        ("mon-fri 17:00-09:00", "expected the opening before the closing time"),
        ("mon-fri 09:00-25:00", "expected a 24-hour time"),
    ],
)
def test_program_hours_bad_value_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("NOTIFIER_PROGRAM_HOURS", value)
    with pytest.raises(SettingsError) as err:
        load_settings(None, database_url="sqlite:///x.db")
    line = str(err.value)
    assert line.startswith(f"NOTIFIER_PROGRAM_HOURS={value!r}: ") and expected in line
    assert "\n" not in line


def test_program_hours_open_and_next_opening_on_a_weekday() -> None:
    assert HOURS.is_open(ny(2026, 12, 2, 9, 0), NY)
    assert not HOURS.is_open(ny(2026, 12, 2, 17, 0), NY)
    inside = ny(2026, 12, 2, 12, 0)
    assert HOURS.next_opening(inside, NY) == inside
    assert HOURS.next_opening(ny(2026, 12, 2, 7, 0), NY) == ny(2026, 12, 2, 9, 0)
    assert HOURS.next_opening(ny(2026, 12, 2, 18, 0), NY) == ny(2026, 12, 3, 9, 0)


def test_program_hours_next_opening_across_a_weekend() -> None:
    assert HOURS.next_opening(ny(2026, 12, 4, 17, 30), NY) == ny(2026, 12, 7, 9, 0)
    assert HOURS.next_opening(ny(2026, 12, 6, 23, 59), NY) == ny(2026, 12, 7, 9, 0)


def test_program_hours_next_opening_across_dst_changes() -> None:
    # Spring forward (Sun 8 Mar 2026): Friday evening EST -> Monday 09:00 EDT = 13:00 UTC.
    spring = HOURS.next_opening(ny(2026, 3, 6, 18, 0), NY)
    assert spring == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    # Fall back (Sun 1 Nov 2026): Friday evening EDT -> Monday 09:00 EST = 14:00 UTC.
    fall = HOURS.next_opening(ny(2026, 10, 30, 18, 0), NY)
    assert fall == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_opening_words_say_when_in_the_clients_zone_and_language() -> None:
    fri = ny(2026, 12, 4, 18, 0)
    monday = HOURS.next_opening(fri, NY)
    assert opening_text(monday, fri, NY, "en") == "Mon after 9 AM"
    assert opening_text(monday, fri, NY, "es") == "el lunes después de las 09:00"
    assert opening_text(monday, fri, PHX, "en") == "Mon after 7 AM"
    early = ny(2026, 12, 2, 7, 0)
    assert opening_text(HOURS.next_opening(early, NY), early, NY, "en") == "today after 9 AM"
    evening = ny(2026, 12, 2, 20, 0)
    assert opening_text(HOURS.next_opening(evening, NY), evening, NY, "en") == "tomorrow after 9 AM"
    noon = ny(2026, 12, 2, 12, 0)
    assert opening_text(noon, noon, NY, "en") == "today"


def test_rule_promises_the_next_opening_skips_closed_dates() -> None:
    # Christmas Eve (a Thursday) at 6 PM, with the 24th and 25th closed: not "tomorrow after
    # 9 AM" but Monday the 28th.
    closed = (date(2026, 12, 24), date(2026, 12, 25))
    eve = ny(2026, 12, 24, 18, 0)
    assert HOURS.next_opening(eve, NY) == ny(2026, 12, 25, 9, 0)
    assert HOURS.next_opening(eve, NY, closed) == ny(2026, 12, 28, 9, 0)
    assert not HOURS.is_open(ny(2026, 12, 24, 10, 0), NY, closed)
    assert opening_text(ny(2026, 12, 28, 9, 0), eve, NY, "en") == "Mon after 9 AM"


def test_rule_promises_deadline_is_today_while_open_else_the_next_program_morning() -> None:
    closed = (date(2026, 12, 25),)
    # Open, with more than an hour left: by the close.
    assert HOURS.deadline(ny(2026, 12, 2, 12, 0), NY) == ny(2026, 12, 2, 17, 0)
    # Open, closing within the hour: an hour into the next morning.
    assert HOURS.deadline(ny(2026, 12, 2, 16, 30), NY) == ny(2026, 12, 3, 10, 0)
    # Closed (Thursday night before a closed Friday): Monday 10 AM.
    assert HOURS.deadline(ny(2026, 12, 24, 23, 0), NY, closed) == ny(2026, 12, 28, 10, 0)
