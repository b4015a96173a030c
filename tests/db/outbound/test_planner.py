"""The planner against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from notifier.core.db import Database
from notifier.core.models import CANCELED, PENDING, REMINDER, Appointment, Message
from notifier.core.settings import Settings
from notifier.outbound.planner import plan
from notifier.roster.appointments import add_individual, cancel
from notifier.roster.clients import discharge
from notifier.roster.consent import opt_out
from tests.conftest import TEST_CRYPTO
from tests.helpers import add_client, messages, words

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=NY).astimezone(UTC)  # Sun


def count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Message)) or 0)


def test_planning_twice_adds_nothing(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", now=NOW)
    add_client(database, "C2", phone="+13125550102", group="morning", now=NOW)
    first = plan(database, s, NOW)
    assert first.messages_added > 10
    total = count(database)
    second = plan(database, s, NOW)
    assert second.messages_added == 0 and second.canceled == 0
    later = plan(database, s, NOW + timedelta(minutes=5))
    assert later.canceled == 0
    assert count(database) == total + later.messages_added


def test_planning_after_a_restart_adds_nothing(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    db1 = Database(database_url, crypto=TEST_CRYPTO)
    add_client(db1, "C1", now=NOW)
    plan(db1, s, NOW)
    before = count(db1)
    db1.dispose()
    db2 = Database(
        database_url, crypto=TEST_CRYPTO
    )  # a new process, as far as the database can tell
    assert plan(db2, s, NOW).messages_added == 0
    assert count(db2) == before
    db2.dispose()


def test_concurrent_planners_never_duplicate(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    for i in range(5):
        add_client(database, f"C{i}", phone=f"+1312555010{i}", now=NOW)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            plan(database, s, NOW)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with database.session() as sess:
        keys = list(sess.scalars(select(Message.dedupe_key)))
        session_keys = list(sess.scalars(select(Appointment.key)))
    assert len(keys) == len(set(keys)) > 0
    assert len(session_keys) == len(set(session_keys))


def test_cancelled_session_cancels_its_pending_reminders(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", now=NOW)
    plan(database, s, NOW)
    row = cancel(database, s, NOW, group="evening", day=date(2026, 11, 30))
    mine = messages(database, session_id=row.id)
    assert mine and all(m.status == CANCELED and m.reason == "session_canceled" for m in mine)
    plan(database, s, NOW + timedelta(minutes=5))
    assert all(m.status == CANCELED for m in messages(database, session_id=row.id))
    # A meeting not planned yet (beyond the horizon) can be canceled in advance.
    far = cancel(database, s, NOW, group="evening", day=date(2026, 12, 14))
    plan(database, s, datetime(2026, 12, 12, 10, 0, tzinfo=UTC))
    assert messages(database, session_id=far.id) == []


def test_discharged_client_gets_nothing_more(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOW)
    plan(database, s, NOW)
    assert discharge(database, "C1", NOW) > 0
    plan(database, s, NOW + timedelta(hours=1))
    assert all(m.status == CANCELED for m in messages(database, client_id=c.id))


def test_rule_opt_out_is_sacred_planner_never_plans_for_opted_out(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOW)
    plan(database, s, NOW)
    opt_out(database, c.id, NOW, source="test")
    assert all(m.status == CANCELED for m in messages(database, client_id=c.id))
    res = plan(database, s, NOW + timedelta(days=3))
    assert res.messages_added == 0
    assert not [m for m in messages(database, client_id=c.id) if m.status == PENDING]


def test_changed_group_schedule_replans_what_is_pending(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    old = make_settings()
    add_client(database, "C1", now=NOW)
    plan(database, old, NOW)
    new = make_settings(groups="evening: mon,thu 17:30-20:30 @ Room 4; morning: tue 09:00-12:00")
    res = plan(database, new, NOW + timedelta(minutes=1))
    assert res.canceled > 0 and res.sessions_changed + res.sessions_removed > 0
    pending = [m for m in messages(database, kind=REMINDER) if m.status == PENDING]
    assert pending
    with database.session() as sess:
        for m in pending:
            a = sess.get(Appointment, m.session_id)
            assert a is not None and a.canceled_at is None
            local = a.starts_at.astimezone(NY)
            assert (local.hour, local.minute) == (17, 30)
            assert local.weekday() in (0, 3)
            text = words(database, new, m)
            assert "5:30 PM" in text and "Room 4" in text
        # The Wednesday meeting vanished from the schedule: canceled, with the reason.
        wed = sess.scalar(select(Appointment).where(Appointment.key == "group:evening:2026-12-02"))
        assert wed is not None and wed.cancel_reason == "schedule_changed"


def test_client_moving_group_replans(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", group="evening", now=NOW)
    plan(database, s, NOW)
    c = add_client(database, "C1", group="morning", now=NOW)  # re-import, new group
    plan(database, s, NOW + timedelta(minutes=1))
    with database.session() as sess:
        groups = {
            a.group_name
            for m in messages(database, client_id=c.id, status=PENDING)
            if m.session_id
            for a in [sess.get(Appointment, m.session_id)]
            if a
        }
    assert groups == {"morning"}


def test_individual_session_gets_reminders(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", group=None, now=NOW)
    start = datetime(2026, 12, 1, 15, 0, tzinfo=NY).astimezone(UTC)
    row = add_individual(database, "C1", start, timedelta(minutes=50), "Room 2", NOW, s).session
    plan(database, s, NOW)
    mine = messages(database, session_id=row.id)
    assert [m.label for m in mine] == ["24h", "2h"]
    text = words(database, s, mine[0])
    assert "appointment" in text and "Room 2" in text


def test_session_rows_cover_the_horizon(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    res = plan(database, s, NOW)
    with database.session() as sess:
        starts = sorted(sess.scalars(select(Appointment.starts_at)))
    assert res.sessions_added == len(starts) > 0
    # Reminders 24h ahead need meetings up to horizon + 24h to exist.
    assert starts[-1] >= NOW + s.plan_horizon
