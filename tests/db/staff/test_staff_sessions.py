"""Expired staff sessions are deleted by the six-hourly housekeeping step (``purge_step``), on
SQLite and PostgreSQL; the SQL that deletes them draws the line exactly where ``expired()`` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import StaffSession
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.staff import accounts as staff
from notifier.staff import logins as staff_sessions
from tests.fakes.transport import FakeTransport

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
IDLE, MAX = timedelta(minutes=15), timedelta(hours=12)
TICK = timedelta(microseconds=1)


@pytest.fixture
def service(database_url: str, make_settings: Callable[..., Settings]) -> Iterator[Service]:
    settings = make_settings(
        database_url=database_url, staff_idle_timeout="15m", staff_session_max="12h"
    )
    svc = Service(settings, transport=FakeTransport(), clock=lambda: NOW)
    yield svc
    svc.close()


def account(db: Database, settings: Settings) -> int:
    staff.add(db, settings, email="ana@clinic.org", name="Ana", role="facilitator", groups=(),
              now=NOW - timedelta(days=1), password="correct horse battery staple")  # fmt: skip
    with db.read() as s:
        found = staff.find(s, "ana@clinic.org")
        assert found is not None
        return found.id


def open_session(db: Database, staff_id: int, *, created: datetime, seen: datetime) -> str:
    """A session signed in at ``created`` whose last request was at ``seen``; its token."""
    token = staff_sessions.start(db, staff_id, stage=staff_sessions.FULL, via="password",
                                 now=created)  # fmt: skip
    with db.session() as s:
        row = s.get(StaffSession, staff_sessions._key(token))
        assert row is not None
        row.last_seen_at = seen
    return token


def remaining(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(StaffSession.id)))


def test_purge_step_deletes_only_expired_sessions(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    db = service.db
    ana = account(db, service.settings)
    hour, minute = timedelta(hours=1), timedelta(minutes=1)
    live = open_session(db, ana, created=NOW - hour, seen=NOW - 5 * minute)
    idle = open_session(db, ana, created=NOW - hour, seen=NOW - 20 * minute)
    too_old = open_session(db, ana, created=NOW - 13 * hour, seen=NOW - minute)  # yet busy
    with caplog.at_level(logging.INFO, logger="notifier.retention"):
        service.purge_step(NOW)
    assert remaining(db) == {staff_sessions._key(live)}
    # The survivor still works; the expired cookies find nothing.
    found = staff_sessions.lookup(db, service.settings, live, NOW)
    assert isinstance(found, staff_sessions.SignedIn) and found.email == "ana@clinic.org"
    for token in (idle, too_old):
        assert staff_sessions.lookup(db, service.settings, token, NOW) == "none"
    lines = [r for r in caplog.records if getattr(r, "event", None) == "purge.staff_sessions"]
    assert len(lines) == 1 and getattr(lines[0], "sessions", None) == 2
    assert "ana@clinic.org" not in lines[0].getMessage() and live not in str(lines[0].__dict__)


@pytest.mark.parametrize(
    ("created", "seen"),
    [
        (NOW - timedelta(hours=1), NOW - IDLE),  # idle exactly the timeout
        (NOW - timedelta(hours=1), NOW - IDLE + TICK),
        (NOW - MAX, NOW),  # signed in exactly the maximum ago
        (NOW - MAX + TICK, NOW),
    ],
)
def test_end_expired_draws_the_line_where_expired_does(
    service: Service, created: datetime, seen: datetime
) -> None:
    db, settings = service.db, service.settings
    open_session(db, account(db, settings), created=created, seen=seen)
    with db.read() as s:
        row = s.scalar(select(StaffSession))
        assert row is not None
        should_go = staff_sessions.expired(row, settings, NOW)
    assert staff_sessions.end_expired(db, settings, NOW) == int(should_go)
    assert remaining(db) == (set() if should_go else {row.id})


def test_purge_command_also_ends_expired_staff_sessions(
    service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ops who run `notifier purge` from cron get the same housekeeping as the service's job.
    from notifier.cli.ops import cmd_purge

    staff_id = account(service.db, service.settings)
    old = open_session(service.db, staff_id, created=NOW - MAX, seen=NOW - TICK)
    live = open_session(service.db, staff_id, created=NOW - IDLE, seen=NOW - TICK)

    class Args:
        now = NOW.isoformat()

    assert cmd_purge(Args(), service.settings) == 0  # type: ignore[arg-type]
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "ended 1 expired staff session(s)" in line
    assert remaining(service.db) == {staff_sessions._key(live)}
    assert staff_sessions._key(old) not in remaining(service.db)
