"""The planner walks the roster a slice at a time (memory flat whatever its size): slices must
plan exactly what one pass over everyone plans, and judge every planned row once."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from notifier.core.crypto import Crypto, new_key
from notifier.core.db import Database
from notifier.core.models import CANCELED, PENDING, Client, Message, ServiceState
from notifier.core.settings import Settings
from notifier.outbound.plan_views import roster_slices
from notifier.outbound.planner import PLAN_STATE, plan
from notifier.roster.appointments import add_individual
from tests.helpers import add_client

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=NY).astimezone(UTC)  # Sun


def roster(db: Database, s: Settings) -> list[Client]:
    specs = [
        ("C1", "evening", "America/New_York"),
        ("C2", "morning", "America/New_York"),
        ("C3", None, "America/Chicago"),
        ("C4", "evening", "America/Los_Angeles"),
        ("C5", "morning", "Europe/London"),
        ("C6", None, "America/New_York"),
        ("C7", "evening", "America/New_York"),
    ]
    out = [
        add_client(db, ext, phone=f"+131255501{i:02d}", group=group, tz=tz, now=NOW)
        for i, (ext, group, tz) in enumerate(specs)
    ]
    start = datetime(2026, 12, 1, 15, 0, tzinfo=NY).astimezone(UTC)
    add_individual(db, "C3", start, timedelta(minutes=50), "Room 2", NOW, s)
    add_individual(db, "C6", start + timedelta(days=1), timedelta(minutes=50), None, NOW, s)
    return out


def snapshot(db: Database) -> set[tuple[object, ...]]:
    m = Message
    with db.read() as sess:
        return {
            tuple(r)
            for r in sess.execute(
                select(
                    m.dedupe_key,
                    m.kind,
                    m.client_id,
                    m.session_id,
                    m.label,
                    m.due_at,
                    m.not_after,
                    m.status,
                    m.reason,
                )
            )
        }


def forget_plans(db: Database) -> None:
    with db.session() as sess:
        sess.execute(delete(Message))
        sess.execute(delete(ServiceState).where(ServiceState.key == PLAN_STATE))


def test_slices_plan_what_one_pass_plans(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    roster(database, s)
    one = plan(database, s, NOW, slice_size=10_000)
    whole = snapshot(database)
    assert one.messages_added == len(whole) > 50
    for size in (1, 2, 3, 7):
        forget_plans(database)
        res = plan(database, s, NOW, slice_size=size)
        assert snapshot(database) == whole, size
        assert (res.messages_added, res.candidates, res.skipped_quiet_hours) == (
            one.messages_added,
            one.candidates,
            one.skipped_quiet_hours,
        )
        # Re-planning an unchanged roster, a slice at a time, adds and cancels nothing.
        again = plan(database, s, NOW + timedelta(minutes=5), slice_size=size)
        assert (again.messages_added, again.canceled) == (0, 0)


def test_every_slice_judges_its_own_rows_once(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """Rows of clients no longer planned for (here: discharged without their rows canceled,
    the first and the last by id) are canceled by whichever slice their id falls in: the
    first slice has no lower bound, the last no upper one."""
    s = make_settings()
    clients = roster(database, s)
    plan(database, s, NOW, slice_size=2)
    gone = {clients[0].id, clients[3].id, clients[-1].id}
    with database.session() as sess:
        sess.execute(update(Client).where(Client.id.in_(gone)).values(discharged_at=NOW))
        before = {
            r.client_id: r.n
            for r in sess.execute(
                select(Message.client_id, Message.id.label("n")).where(Message.status == PENDING)
            )
        }
    res = plan(database, s, NOW + timedelta(minutes=1), slice_size=2)
    assert res.canceled > 0 and res.messages_added == 0
    with database.read() as sess:
        rows = sess.execute(select(Message.client_id, Message.status, Message.reason)).all()
    ours = [r for r in rows if r.client_id in gone]
    assert all(r.status == CANCELED and r.reason == "replanned" for r in ours)
    assert all(r.status != CANCELED for r in rows if r.client_id not in gone)
    assert set(before) >= gone


def test_roster_slices_cover_every_id_once(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    roster(database, make_settings())
    for size in (1, 2, 3, 7, 8):
        parts = list(roster_slices(database, size))
        ids = [c.id for p in parts for c in p.clients]
        assert ids == sorted(set(ids)) and len(ids) == 7
        assert parts[0].after is None and parts[-1].upto is None
        for earlier, later in itertools.pairwise(parts):
            assert earlier.upto == later.after is not None


def test_planning_decrypts_nothing(
    database_url: str, database: Database, make_settings: Callable[..., Settings]
) -> None:
    """Planned rows carry no words, so planning reads no name, number or record id: a
    database opened with a key that cannot read them plans the same week."""
    s = make_settings()
    roster(database, s)
    stranger = Database(database_url, crypto=Crypto([new_key()]))
    try:
        res = plan(stranger, s, NOW, slice_size=3)
    finally:
        stranger.dispose()
    assert res.messages_added == len(snapshot(database)) > 50


def test_a_changed_roster_found_by_an_incremental_pass_gets_a_full_one(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """The roster's digest is taken while planning (one read of the roster per pass): an
    incremental pass that finds it changed is followed by a full pass, which re-judges the
    week."""
    s = make_settings()
    clients = roster(database, s)
    plan(database, s, NOW, slice_size=2)
    same = plan(database, s, NOW + timedelta(minutes=5), slice_size=2)
    assert same.incremental and (same.messages_added, same.canceled) == (0, 0)
    with database.session() as sess:
        sess.execute(update(Client).where(Client.id == clients[1].id).values(group_name="evening"))
    moved = plan(database, s, NOW + timedelta(minutes=10), slice_size=2)
    assert not moved.incremental and moved.canceled > 0 and moved.messages_added > 0
    again = plan(database, s, NOW + timedelta(minutes=15), slice_size=2)
    assert again.incremental and (again.messages_added, again.canceled) == (0, 0)
