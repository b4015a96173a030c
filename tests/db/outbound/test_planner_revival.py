"""Undoing a schedule change brings its texts back (SQLite and PostgreSQL).

A planned row canceled only because it was no longer planned ("replanned") is revived, the
same row with the same dedupe key, when its cause is gone; a row that was claimed or sent,
one past its freshness, or one canceled for a reason that still holds (opt-out, discharge,
consent withdrawn, a meeting canceled by staff) stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from notifier.core.db import Database
from notifier.core.models import CANCELED, CHECKIN, PENDING, REMINDER, SENT, Message
from notifier.core.settings import Settings
from notifier.outbound.planner import plan
from notifier.roster.appointments import cancel
from notifier.roster.consent import opt_in, opt_out
from tests.helpers import add_client, messages

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=NY).astimezone(UTC)  # Sun
MINUTE = timedelta(minutes=1)


def pending(db: Database, **filters: object) -> dict[str, int]:
    """dedupe key -> row id of the pending rows."""
    return {m.dedupe_key: m.id for m in messages(db, status=PENDING, **filters)}


def test_checkin_days_off_then_on_brings_the_same_checkins_back(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    on = make_settings(checkin_days="daily")
    add_client(database, "C1", now=NOW)
    plan(database, on, NOW)
    before = pending(database, kind=CHECKIN)
    assert len(before) >= 7
    off = make_settings(checkin_days="mon")
    res = plan(database, off, NOW + MINUTE)
    assert res.canceled >= len(before) - 2
    again = plan(database, on, NOW + 2 * MINUTE)
    assert again.revived == res.canceled and again.messages_added == 0
    assert pending(database, kind=CHECKIN) == before  # the same rows, not new ones
    total = len(messages(database))
    third = plan(database, on, NOW + 3 * MINUTE)  # idempotent
    assert third.revived == third.messages_added == third.canceled == 0
    assert len(messages(database)) == total


def test_skip_date_added_then_removed_brings_the_reminders_back(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", now=NOW)
    add_client(database, "C2", phone="+13125550102", now=NOW)
    plan(database, s, NOW)
    before = pending(database, kind=REMINDER)
    skip = make_settings(skip_dates="2026-12-02")
    res = plan(database, skip, NOW + MINUTE)
    assert res.canceled == 4  # two clients, 24h and 2h, of the Wednesday meeting
    assert len(pending(database, kind=REMINDER)) == len(before) - 4
    back = plan(database, s, NOW + 2 * MINUTE)
    assert back.revived == 4
    assert pending(database, kind=REMINDER) == before
    revived = [m for m in messages(database, kind=REMINDER) if m.dedupe_key in before]
    assert all(m.reason is None and m.status == PENDING for m in revived)


def test_tick_with_an_earlier_time_loses_nothing(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(checkin_days="daily")
    add_client(database, "C1", now=NOW)
    later = NOW + timedelta(days=3)
    plan(database, s, later)
    before = pending(database)
    plan(database, s, NOW)  # an operator's tick --now with an earlier time
    res = plan(database, s, later)
    assert res.revived > 0
    # Every row planned at the later time is pending again, on its own row (the earlier pass
    # also planned rows due before it, which will expire).
    assert before.items() <= pending(database).items()


def test_claimed_sent_or_stale_rows_are_never_replanned(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    on = make_settings(checkin_days="daily")
    add_client(database, "C1", now=NOW)
    plan(database, on, NOW)
    rows = messages(database, kind=CHECKIN, status=PENDING)
    sent, claimed = rows[1], rows[2]
    with database.session() as sess:
        sess.execute(update(Message).where(Message.id == sent.id).values(status=SENT))
        # Claimed by a dispatcher, then canceled by the planner's reason: it may have gone out.
        sess.execute(
            update(Message)
            .where(Message.id == claimed.id)
            .values(status=CANCELED, reason="replanned", claimed_at=NOW)
        )
    plan(database, make_settings(checkin_days="mon"), NOW + MINUTE)
    first_due = rows[0].not_after
    # Back on after the first check-in's freshness ran out: that one stays canceled.
    res = plan(database, on, first_due + MINUTE)
    by_id = {m.id: m for m in messages(database)}
    assert by_id[sent.id].status == SENT
    assert by_id[claimed.id].status == CANCELED
    assert by_id[rows[0].id].status == CANCELED
    assert all(by_id[r.id].status == PENDING for r in rows[3:])
    assert res.revived == len(rows) - 3


def test_rows_canceled_for_a_reason_that_still_holds_stay_canceled(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(checkin_days="daily")
    c = add_client(database, "C1", now=NOW)
    plan(database, s, NOW)
    opt_out(database, c.id, NOW, source="test")
    opt_in(database, c.id, NOW + MINUTE, source="test")
    res = plan(database, s, NOW + 2 * MINUTE)
    assert res.revived == 0
    assert not pending(database, client_id=c.id)
    # A meeting canceled by staff stays canceled, and so do its reminders.
    add_client(database, "C2", phone="+13125550102", now=NOW)
    plan(database, s, NOW + 3 * MINUTE)
    row = cancel(database, s, NOW + 4 * MINUTE, group="evening", day=date(2026, 12, 2))
    assert plan(database, s, NOW + 5 * MINUTE).revived == 0
    assert all(m.status == CANCELED for m in messages(database, session_id=row.id))


def test_consent_withdrawn_rows_stay_canceled_when_it_comes_back(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(checkin_days="daily")
    add_client(database, "C1", now=NOW)
    plan(database, s, NOW)
    before = pending(database)
    add_client(database, "C1", consent=False, now=NOW)  # re-imported without consent
    res = plan(database, s, NOW + MINUTE)
    assert res.canceled == len(before)
    canceled = [m for m in messages(database) if m.dedupe_key in before]
    assert {m.reason for m in canceled} == {"client_inactive"}
    add_client(database, "C1", now=NOW + 2 * MINUTE)
    assert plan(database, s, NOW + 3 * MINUTE).revived == 0


def test_concurrent_planners_revive_each_row_once(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    import threading

    on = make_settings(checkin_days="daily")
    for i in range(4):
        add_client(database, f"C{i}", phone=f"+1312555010{i}", now=NOW)
    plan(database, on, NOW)
    before = pending(database)
    canceled = plan(database, make_settings(checkin_days="mon"), NOW + MINUTE).canceled
    assert canceled > 0
    total = len(messages(database))
    revived: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            revived.append(plan(database, on, NOW + 2 * MINUTE).revived)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert pending(database) == before
    assert sum(revived) == canceled  # each row came back once, whichever planner did it
    assert len(messages(database)) == total  # and no second row
