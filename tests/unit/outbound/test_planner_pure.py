"""plan_messages is pure: clients, sessions, settings and `now` in, candidate rows out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from notifier.core.models import CHECKIN, PENDING, REMINDER, SKIPPED
from notifier.core.settings import Settings
from notifier.outbound.planning import (
    ClientView,
    PlannedMessage,
    SessionView,
    plan_messages,
    reminder_outlook,
)
from tests.helpers import ny

NY = ZoneInfo("America/New_York")


def client(
    cid: int = 1,
    *,
    group: str | None = "evening",
    tz: str = "America/New_York",
    active: bool = True,
    start: date | None = None,
    end: date | None = None,
    language: str = "en",
) -> ClientView:
    return ClientView(cid, f"C{cid:03}", "Ana", group, ZoneInfo(tz), language, start, end, active)


def session(sid: int, start: datetime, group: str = "evening") -> SessionView:
    return SessionView(sid, "group", group, None, start, "Suite 200")


def only(rows: list[PlannedMessage], kind: str) -> list[PlannedMessage]:
    return [r for r in rows if r.kind == kind]


def test_one_reminder_per_session_per_offset(make_settings: Callable[..., Settings]) -> None:
    s = make_settings()
    now = ny(2026, 12, 6, 10, 0)  # Sun
    rows = plan_messages([client()], [session(1, ny(2026, 12, 7, 18, 0))], s, now)
    reminders = only(rows, REMINDER)
    assert [(r.label, r.due_at) for r in reminders] == [
        ("24h", ny(2026, 12, 6, 18, 0)),
        ("2h", ny(2026, 12, 7, 16, 0)),
    ]
    assert reminders[0].not_after == ny(2026, 12, 6, 20, 0)  # due + NOTIFIER_REMINDER_EXPIRY
    assert reminders[1].not_after == ny(2026, 12, 7, 18, 0)  # never after the session starts
    assert "tomorrow at 6:00 PM at Suite 200" in reminders[0].body
    assert "today at 6:00 PM" in reminders[1].body


def test_rule_privacy_default_texts_use_first_name_and_never_name_the_program(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    now = ny(2026, 12, 6, 10, 0)
    rows = plan_messages([client()], [session(1, ny(2026, 12, 7, 18, 0))], s, now)
    banned = (
        "drug",
        "alcohol",
        "addict",
        "recovery",
        "treatment",
        "rehab",
        "sober",
        "relapse",
        "iop",
        "substance",
    )
    assert {r.kind for r in rows} == {REMINDER, CHECKIN}  # both kinds of default text, read
    for r in rows:
        assert r.body.startswith("Hi Ana,")
        assert not any(word in r.body.lower() for word in banned), r.body


def test_rule_quiet_hours_reminder_moved_to_end_of_window(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    now = ny(2026, 12, 7, 0, 0)
    rows = plan_messages(
        [client(group="morning")], [session(1, ny(2026, 12, 8, 9, 0), "morning")], s, now
    )
    two_hour = next(r for r in rows if r.label == "2h")
    assert two_hour.due_at == ny(2026, 12, 8, 8, 0)  # 07:00 is quiet: moved to 08:00
    assert two_hour.status == PENDING


def test_rule_quiet_hours_reminder_skipped_and_recorded_when_too_late(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    now = ny(2026, 12, 7, 0, 0)
    early = SessionView(1, "group", "morning", None, ny(2026, 12, 8, 8, 0), None)  # 08:00
    rows = plan_messages([client(group="morning")], [early], s, now)
    two_hour = next(r for r in rows if r.label == "2h")
    assert two_hour.status == SKIPPED and two_hour.reason == "quiet_hours"
    assert two_hour.due_at == ny(2026, 12, 8, 6, 0)


def test_rule_quiet_hours_in_the_clients_zone_for_checkins(
    make_settings: Callable[..., Settings],
) -> None:
    # A check-in at 20:30 program time would be fine in New York, but a client in London is
    # asleep (01:30): it moves to 08:00 London time only if that is still fresh, else skipped.
    s = make_settings(checkin_time="20:30", checkin_days="daily", checkin_expiry="12h")
    now = ny(2026, 12, 6, 0, 0)
    london = client(2, tz="Europe/London", group=None)
    rows = only(plan_messages([london], [], s, now), CHECKIN)
    # 20:30 London time is not quiet for a London client: planned in their own zone.
    assert all(r.due_at.astimezone(ZoneInfo("Europe/London")).hour == 20 for r in rows)
    s2 = make_settings(checkin_time="22:30", checkin_days="daily", checkin_expiry="12h")
    rows2 = only(plan_messages([london], [], s2, now), CHECKIN)
    assert rows2 and all(r.status == PENDING for r in rows2)
    assert all(r.due_at.astimezone(ZoneInfo("Europe/London")).hour == 8 for r in rows2)
    s3 = make_settings(checkin_time="22:30", checkin_days="daily", checkin_expiry="4h")
    rows3 = only(plan_messages([london], [], s3, now), CHECKIN)
    assert rows3 and all(r.status == SKIPPED and r.reason == "quiet_hours" for r in rows3)


def test_rule_schedule_check_ins_go_on_on_skip_dates_unless_no_checkin_dates_say_otherwise(
    make_settings: Callable[..., Settings],
) -> None:
    # Holidays are hard days: no meeting, but the check-in still comes.
    s = make_settings(checkin_days="daily", skip_dates="2026-12-24,2026-12-25")
    now = ny(2026, 12, 23, 0, 0)

    def days(settings: Settings) -> set[date]:
        rows = only(plan_messages([client()], [], settings, now), CHECKIN)
        return {r.due_at.astimezone(NY).date() for r in rows}

    assert {date(2026, 12, 24), date(2026, 12, 25)} <= days(s)
    quiet = make_settings(
        checkin_days="daily", skip_dates="2026-12-24,2026-12-25", no_checkin_dates="2026-12-25"
    )
    assert date(2026, 12, 25) not in days(quiet)
    assert {date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 26)} <= days(quiet)


def test_enrolment_window_limits_messages(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(checkin_days="daily")
    now = ny(2026, 12, 1, 0, 0)
    c = client(start=date(2026, 12, 3), end=date(2026, 12, 5))
    rows = plan_messages(
        [c], [session(1, ny(2026, 12, 2, 18, 0)), session(2, ny(2026, 12, 3, 18, 0))], s, now
    )
    checkin_days = sorted(r.due_at.astimezone(NY).date() for r in only(rows, CHECKIN))
    assert checkin_days == [date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 5)]
    assert {r.session_id for r in only(rows, REMINDER)} == {2}


def test_inactive_clients_get_nothing(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(checkin_days="daily")
    rows = plan_messages(
        [client(active=False)], [session(1, ny(2026, 12, 2, 18, 0))], s, ny(2026, 12, 1, 0, 0)
    )
    assert rows == []


def test_non_session_checkins_skip_session_days(make_settings: Callable[..., Settings]) -> None:
    s = make_settings()
    now = ny(2026, 11, 30, 0, 0)  # Mon
    sessions = [
        session(1, ny(2026, 11, 30, 18, 0)),
        session(2, ny(2026, 12, 2, 18, 0)),
        session(3, ny(2026, 12, 3, 18, 0)),
        session(4, ny(2026, 12, 7, 18, 0)),
    ]
    rows = only(plan_messages([client()], sessions, s, now), CHECKIN)
    weekdays = sorted({r.due_at.astimezone(NY).weekday() for r in rows})
    assert weekdays == [1, 4, 5, 6]  # not Mon, Wed, Thu


def test_rule_freshness_nothing_planned_that_could_only_expire(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(checkin_days="daily")
    # Planning at 13:00: today's 12:00 check-in is still fresh (until 16:00) and is kept;
    # at 17:00 it would only expire, so it is not created at all.
    at13 = only(plan_messages([client()], [], s, ny(2026, 12, 1, 13, 0)), CHECKIN)
    assert ny(2026, 12, 1, 12, 0) in [r.due_at for r in at13]
    at17 = only(plan_messages([client()], [], s, ny(2026, 12, 1, 17, 0)), CHECKIN)
    assert ny(2026, 12, 1, 12, 0) not in [r.due_at for r in at17]


def test_rule_freshness_no_reminder_for_a_session_that_started(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    rows = plan_messages(
        [client()], [session(1, ny(2026, 12, 1, 18, 0))], s, ny(2026, 12, 1, 18, 30)
    )
    assert only(rows, REMINDER) == []


def test_checkin_questions_rotate_by_date(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(checkin_days="daily")
    rows = only(plan_messages([client()], [], s, ny(2026, 12, 1, 0, 0)), CHECKIN)
    labels = [r.label for r in rows]
    assert set(labels) == {"cravings", "stress", "mood"}
    assert labels[0] != labels[1]


def test_dedupe_keys_are_deterministic(make_settings: Callable[..., Settings]) -> None:
    s = make_settings()
    args = ([client()], [session(1, ny(2026, 12, 7, 18, 0))], s, ny(2026, 12, 6, 10, 0))
    assert [r.dedupe_key for r in plan_messages(*args)] == [
        r.dedupe_key for r in plan_messages(*args)
    ]
    later = plan_messages(*args[:3], ny(2026, 12, 6, 10, 0) + timedelta(minutes=5))
    assert {r.dedupe_key for r in later} <= {r.dedupe_key for r in plan_messages(*args)}


def test_spanish_client_gets_spanish_texts(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(checkin_days="daily")
    rows = plan_messages(
        [client(language="es")], [session(1, ny(2026, 12, 2, 18, 0))], s, ny(2026, 12, 1, 10, 0)
    )
    assert all(r.body.startswith("Hola Ana,") for r in rows)


# --- reminder_outlook: what `sessions add` tells staff about the reminders of a new session ---


def outlook_matches_plan(settings: Settings, start: datetime, tz: str, now: datetime) -> None:
    """The outlook must say exactly what the planner will do: same times, same skips."""
    c = client(tz=tz)
    individual = SessionView(9, "individual", None, c.id, start, None)
    planned = {r.label: r for r in only(plan_messages([c], [individual], settings, now), REMINDER)}
    for o in reminder_outlook(start, ZoneInfo(tz), settings, now):
        row = planned.get(o.offset)
        if o.state == "past":
            assert row is None, o
        elif o.state == "skipped_quiet_hours":
            assert row is not None and row.status == SKIPPED, o
        else:
            assert row is not None and row.status == PENDING and row.due_at == o.placed, o


def test_reminder_outlook_daytime_due_and_past(make_settings: Callable[..., Settings]) -> None:
    s = make_settings()
    now = ny(2026, 12, 1, 9, 0)
    start = ny(2026, 12, 1, 11, 2)
    got = {o.offset: o for o in reminder_outlook(start, NY, s, now)}
    assert got["24h"].state == "past" and got["24h"].placed is None
    assert got["2h"].state == "due" and got["2h"].placed == ny(2026, 12, 1, 9, 2)
    outlook_matches_plan(s, start, "America/New_York", now)


def test_reminder_outlook_at_night_says_quiet_hours_skip(
    make_settings: Callable[..., Settings],
) -> None:
    # `make run` at 21:30 in New York: the 2h reminder would go at 21:32, inside quiet hours
    # that end after the session, so it is skipped; staff must be told, not left waiting.
    s = make_settings()
    now = ny(2026, 11, 26, 21, 30)
    start = ny(2026, 11, 26, 23, 32)
    got = {o.offset: o for o in reminder_outlook(start, NY, s, now)}
    assert got["2h"].state == "skipped_quiet_hours" and got["2h"].placed is None
    assert got["2h"].due == ny(2026, 11, 26, 21, 32)
    assert got["24h"].state == "past"
    outlook_matches_plan(s, start, "America/New_York", now)


def test_reminder_outlook_moved_out_of_quiet_hours_in_the_clients_zone(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    now = ny(2026, 12, 1, 9, 0)
    # 11:30 in New York is 09:30 in Phoenix: the 2h reminder falls at 07:30 there, quiet,
    # and moves to 08:00 Phoenix time, still before the session.
    start = ny(2026, 12, 2, 11, 30)
    phx = ZoneInfo("America/Phoenix")
    got = {o.offset: o for o in reminder_outlook(start, phx, s, now)}
    assert got["2h"].state == "moved"
    assert got["2h"].placed == datetime(2026, 12, 2, 8, 0, tzinfo=phx).astimezone(UTC)
    assert got["24h"].state == "due" and got["24h"].placed == ny(2026, 12, 1, 11, 30)
    outlook_matches_plan(s, start, "America/Phoenix", now)
