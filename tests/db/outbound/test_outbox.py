"""The outbox module against real databases: every statement that creates, claims or settles a
row of ``messages`` (notifier/outbound/outbox.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import (
    ALERT,
    CANCELED,
    CHECKIN,
    EXPIRED,
    PENDING,
    REPLY,
    SENDING,
    SENT,
    Message,
)
from notifier.outbound import outbox
from notifier.outbound.outbox import Outbox
from tests.helpers import add_client, messages

NOON = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def row(client_id: int | None, key: str, due: datetime, **kw: object) -> dict[str, object]:
    values: dict[str, object] = {
        "dedupe_key": key,
        "body": f"text {key}",
        "due_at": due,
        "not_after": due + timedelta(hours=1),
        "client_id": client_id,
        "label": "cravings",
    }
    values.update(kw)
    kind = str(values.pop("kind", CHECKIN))
    return outbox.message(kind, **values)  # type: ignore[arg-type]


def put(db: Database, *rows: dict[str, object]) -> int:
    with db.session() as s:
        return outbox.enqueue(s, rows)


def ids(db: Database, **filters: object) -> list[int]:
    return [m.id for m in messages(db, **filters)]


def test_message_builds_a_pending_row_with_nothing_tried_yet() -> None:
    r = outbox.message(
        ALERT,
        dedupe_key="alert:1:0",
        body="Crisis reply",
        due_at=NOON,
        not_after=NOON + timedelta(hours=6),
        recipient="+13125550190",
    )
    assert r["status"] == PENDING and r["attempts"] == 0 and r["needs_lookup"] is False
    assert r["client_id"] is None and r["session_id"] is None and r["reason"] is None
    assert r["created_at"] == NOON  # made when it is due unless told otherwise


def test_enqueue_adds_each_dedupe_key_once(database: Database) -> None:
    c = add_client(database, "C1", now=NOON)
    assert put(database, row(c.id, "k1", NOON), row(c.id, "k2", NOON)) == 2
    assert put(database, row(c.id, "k1", NOON), row(c.id, "k3", NOON)) == 1
    assert put(database) == 0
    assert [m.dedupe_key for m in messages(database)] == ["k1", "k2", "k3"]
    assert messages(database)[0].body == "text k1"  # the encrypted column reads back


def test_claim_takes_due_fresh_rows_in_due_order_and_leases_them(database: Database) -> None:
    c = add_client(database, "C1", now=NOON)
    put(
        database,
        row(c.id, "later", NOON + timedelta(minutes=1)),
        row(c.id, "second", NOON - timedelta(minutes=1)),
        row(c.id, "first", NOON - timedelta(minutes=2)),
        row(c.id, "stale", NOON - timedelta(hours=2)),
    )
    box = Outbox(database, "w1")
    claimed = box.claim(NOON, 10, timedelta(minutes=5))
    keys = {m.id: m.dedupe_key for m in messages(database)}
    assert sorted(keys[i] for i in claimed) == ["first", "second"]  # RETURNING has no order
    for m in messages(database, status=SENDING):
        assert m.claimed_by == "w1" and m.claimed_at == NOON and m.attempts == 1
    # Another worker finds nothing more until the lease runs out.
    other = Outbox(database, "w2")
    assert other.claim(NOON + timedelta(seconds=30), 10, timedelta(minutes=5)) == []
    retaken = other.claim(NOON + timedelta(minutes=6), 1, timedelta(minutes=5))
    assert len(retaken) == 1
    m = next(x for x in messages(database) if x.id == retaken[0])
    assert m.claimed_by == "w2" and m.needs_lookup and m.lookup_since == NOON


def test_load_returns_only_this_workers_rows_with_the_clients_number(database: Database) -> None:
    c = add_client(database, "C1", now=NOON)
    put(database, row(c.id, "a", NOON), row(c.id, "b", NOON))
    mine = Outbox(database, "w1").claim(NOON, 1, timedelta(minutes=5))
    theirs = Outbox(database, "w2").claim(NOON, 1, timedelta(minutes=5))
    loaded = Outbox(database, "w1").load(mine + theirs)
    assert [r.id for r in loaded] == mine
    assert loaded[0].phone == "+13125550101" and loaded[0].first_name == "Ana"


def test_expire_marks_stale_pending_rows_but_not_ones_awaiting_a_lookup(
    database: Database,
) -> None:
    c = add_client(database, "C1", now=NOON)
    put(database, row(c.id, "stale", NOON - timedelta(hours=2)), row(c.id, "fresh", NOON))
    with database.session() as s:
        s.execute(
            Message.__table__.insert().values(
                row(c.id, "unknown", NOON - timedelta(hours=2)) | {"needs_lookup": True}
            )
        )
    assert Outbox(database, "w1").expire(NOON) == 1
    by_key = {m.dedupe_key: m for m in messages(database)}
    assert by_key["stale"].status == EXPIRED and by_key["stale"].reason == "stale"
    assert by_key["fresh"].status == PENDING and by_key["unknown"].status == PENDING


def test_record_writes_only_rows_still_claimed_by_this_worker(database: Database) -> None:
    c = add_client(database, "C1", now=NOON)
    put(database, row(c.id, "a", NOON), row(c.id, "b", NOON), row(c.id, "c", NOON))
    box = Outbox(database, "w1")
    a, b, c_id = box.claim(NOON, 3, timedelta(minutes=5))
    sent = {"status": SENT, "provider_sid": "SM1", "sent_at": NOON, "status_at": NOON}
    assert outbox.is_plain_send(sent | {"claimed_by": "w1"})
    assert not outbox.is_plain_send(sent | {"claimed_by": "w1", "error_code": "x"})
    box.record(
        [
            (a, sent | {"claimed_by": "w1"}),
            (b, {"status": PENDING, "claimed_by": None, "status_at": NOON}),
        ]
    )
    # A worker whose lease ran out cannot overwrite the row.
    Outbox(database, "w2").record([(c_id, {"status": "failed", "status_at": NOON})])
    by_id = {m.id: m for m in messages(database)}
    assert by_id[a].status == SENT and by_id[a].provider_sid == "SM1"
    assert by_id[b].status == PENDING and by_id[b].claimed_by is None
    assert by_id[c_id].status == SENDING and by_id[c_id].claimed_by == "w1"


def test_cancel_and_reword_touch_only_pending_rows(database: Database) -> None:
    c = add_client(database, "C1", now=NOON)
    put(
        database,
        row(c.id, "a", NOON, kind=REPLY),
        row(c.id, "b", NOON, kind=REPLY),
        row(c.id, "c", NOON, kind=REPLY),
    )
    claimed = Outbox(database, "w1").claim(NOON, 1, timedelta(minutes=5))
    every = ids(database)
    with database.session() as s:
        assert outbox.reword_pending(s, ["a", "b", "c"], "new words") == 2
        assert outbox.cancel(s, every, "replanned", NOON) == 2
    with database.read() as s:
        rows = {m.id: m for m in s.scalars(select(Message))}
    assert rows[claimed[0]].status == SENDING and rows[claimed[0]].body == "text a"
    for i in set(every) - set(claimed):
        assert rows[i].status == CANCELED and rows[i].reason == "replanned"
        assert rows[i].body == "new words"
