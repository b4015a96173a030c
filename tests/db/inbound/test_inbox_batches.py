"""The inbox worker records a batch of replies in one transaction: the same replies, texts,
alerts and consent changes as handling them one by one, each reply exactly once, crisis first,
and a failure anywhere handled as before (the batch redone one by one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from notifier.core.db import BatchFailed, Database
from notifier.core.models import (
    ALERTS,
    CLIENTS,
    INBOX,
    MESSAGES,
    REPLIES,
    ConsentEvent,
    ServiceState,
)
from notifier.core.settings import Settings
from notifier.inbound import inbox
from notifier.service import Service
from tests.conftest import TEST_CRYPTO
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock, add_client

NY = ZoneInfo("America/New_York")
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=NY).astimezone(UTC)  # a Monday
AFTER = datetime(2026, 11, 30, 12, 30, tzinfo=NY).astimezone(UTC)
PHONES = [f"+131255501{i:02d}" for i in range(4)]
UNKNOWN = "+13125550177"

# (sender, text): several replies from one client in a row, so later ones depend on earlier
# ones (answered check-ins, acknowledgements, opt-out then opt-in), crisis messages (flagged at
# the webhook, handled first) from a client and from a number on no record.
SCRIPT: list[tuple[str, str]] = [
    (PHONES[0], "7"),
    (PHONES[0], "actually more like 8"),
    (PHONES[1], "thanks"),
    (PHONES[2], "I want to kill myself tonight"),
    (PHONES[0], "stop"),
    (PHONES[1], "can't make it"),
    (PHONES[3], "help"),
    (UNKNOWN, "i want to end it all"),
    (PHONES[0], "start"),
    (PHONES[2], "ok"),
    (PHONES[3], "cravings are a 9 today"),
    (PHONES[1], "STOP"),
    (PHONES[1], "hello?"),
    (PHONES[3], "me quiero morir"),
]


def play(
    url: str, make_settings: Callable[..., Settings], batched: bool, limit: int = 50
) -> dict[str, Any]:
    """Four clients get their noon check-in, then SCRIPT arrives through the webhook's
    path and the inbox worker handles it: what is in the database, and what was sent."""
    settings = make_settings(
        database_url=url, checkin_days="daily", oncall_numbers="+13125550199", quiet_hours="off"
    )
    clock = Clock(NOON)
    fake = FakeTransport()
    svc = Service(settings, transport=fake, clock=clock, worker_id="t")
    try:
        for i, phone in enumerate(PHONES):
            add_client(svc.db, f"C{i}", phone=phone, now=NOON, language="es" if i == 3 else "en")
        svc.tick(NOON)
        clock.now = AFTER
        for k, (phone, body) in enumerate(SCRIPT):
            svc.submit_inbound(provider_sid=f"SM{k:032x}", from_phone=phone, body=body).result(10)
        import notifier.service as service_module

        service_module.INBOX_BATCH, before = limit, service_module.INBOX_BATCH
        try:
            handled = svc.process_inbox(batched=batched)
        finally:
            service_module.INBOX_BATCH = before
        return {
            "handled": handled,
            **snapshot(svc.db),
            "sent": sorted((x.to, x.body) for x in fake.accepted),
        }
    finally:
        svc.close()


def snapshot(db: Database) -> dict[str, Any]:
    r, m, c, a = REPLIES.c, MESSAGES.c, CLIENTS.c, ALERTS.c
    e = ConsentEvent
    with db.read() as s:
        return {
            "replies": s.execute(
                select(
                    r.id,
                    r.provider_sid,
                    r.client_id,
                    r.category,
                    r.score,
                    r.in_reply_to,
                    r.signals,
                    r.rule,
                    r.label,
                    r.body,
                ).order_by(r.id)
            ).all(),
            "messages": s.execute(
                select(
                    m.id, m.dedupe_key, m.kind, m.label, m.client_id, m.recipient, m.body, m.due_at
                ).order_by(m.id)
            ).all(),
            "clients": s.execute(select(c.id, c.opted_out_at).order_by(c.id)).all(),
            "consent": s.execute(select(e.client_id, e.event, e.source).order_by(e.id)).all(),
            "alerts": s.execute(select(a.client_id, a.reply_id, a.kind).order_by(a.id)).all(),
            "inbox": s.execute(select(INBOX.c.id)).all(),
        }


@pytest.mark.parametrize("limit", [50, 3])
def test_batches_record_what_one_by_one_records(
    fresh: Callable[[], str], make_settings: Callable[..., Settings], limit: int
) -> None:
    one = play(fresh(), make_settings, batched=False, limit=limit)
    batched = play(fresh(), make_settings, batched=True, limit=limit)
    assert one["handled"] == batched["handled"] == len(SCRIPT)
    assert not batched["inbox"]
    for key in ("replies", "messages", "clients", "consent", "alerts", "sent"):
        assert batched[key] == one[key], key
    # Each reply exactly once; the crisis ones first.
    sids = [row.provider_sid for row in batched["replies"]]
    assert sorted(sids) == sorted(f"SM{k:032x}" for k in range(len(SCRIPT)))
    crisis = {
        f"SM{k:032x}"
        for k, (_, body) in enumerate(SCRIPT)
        if "morir" in body or "kill" in body or "end it" in body
    }
    assert set(sids[: len(crisis)]) == crisis


def test_a_failing_delivery_sends_its_batch_back_one_by_one(database: Database) -> None:
    """An error in one handler rolls the batch back (nothing half recorded); every other
    delivery is then handled once, and the bad one is kept for another try."""
    writer = inbox.InboxWriter(database, lambda: None)
    try:
        for k in range(5):
            writer.submit(provider_sid=f"SM{k:032x}", from_phone=PHONES[0], body=str(k),
                          opt_out_type=None, urgent=False, now=NOON).result(10)  # fmt: skip
    finally:
        writer.close()
    calls: list[str] = []
    committed: list[list[object]] = []

    def handle(**kw: object) -> str:
        calls.append(str(kw["body"]))
        with database.session() as s:  # a write, as the real handler makes
            s.execute(ServiceState.__table__.insert().values(key=f"seen:{kw['body']}", value="1",
                                                        updated_at=NOON))  # fmt: skip
            if kw["body"] == "3":
                raise RuntimeError("handler down")
        return str(kw["body"])

    assert inbox.process(database, "w1", NOON, handle, after=committed.append) == 4
    # Tried in one batch (0..3, rolled back at 3), those again one by one (3 fails again),
    # then the rest in a new batch.
    assert calls == ["0", "1", "2", "3", "0", "1", "2", "3", "4"]
    assert committed == [["0", "1", "2"], ["4"]]
    with database.read() as s:
        seen = sorted(s.scalars(select(ServiceState.key)))
    assert seen == ["seen:0", "seen:1", "seen:2", "seen:4"]
    assert inbox.backlog(database) == (1, 0)


def test_a_batch_shares_one_transaction(database: Database) -> None:
    """Reads inside a batch see its writes; other connections see nothing until it ends; an
    error caught inside still rolls the whole batch back."""
    table = ServiceState.__table__
    with database.batch():
        with database.session() as s:
            s.execute(table.insert().values(key="a", value="1", updated_at=NOON))
        with database.read() as s:
            assert s.scalar(select(table.c.value).where(table.c.key == "a")) == "1"
        other = Database(database.url, crypto=TEST_CRYPTO)
        try:
            with other.read() as s:
                assert s.scalar(select(table.c.value).where(table.c.key == "a")) is None
        finally:
            other.dispose()
        with pytest.raises(RuntimeError), database.write_lock():
            pass
    with database.read() as s:
        assert s.scalar(select(table.c.value).where(table.c.key == "a")) == "1"

    with pytest.raises(BatchFailed), database.batch():
        with database.session() as s:
            s.execute(table.insert().values(key="b", value="1", updated_at=NOON))
        try:
            with database.session() as s:
                s.execute(table.insert().values(key="a", value="2", updated_at=NOON))
        except Exception:
            pass  # a caller that handles the error (replies.apply does, for duplicates)
    with database.read() as s:
        assert sorted(s.scalars(select(table.c.key))) == ["a"]


def test_the_inbox_worker_sends_answers_not_the_check_in_backlog(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    """At a noon whose check-ins wait for the provider's cap, a crisis reply goes out with its
    alert as soon as it is recorded; the check-ins stay for the dispatch job (before, the
    worker drained the whole outbox in due order, the 988 reply last)."""
    settings = make_settings(
        database_url=database_url, checkin_days="daily", oncall_numbers="+13125550199",
        quiet_hours="off",
    )  # fmt: skip
    clock = Clock(NOON - timedelta(hours=3))
    fake = FakeTransport()
    svc = Service(settings, transport=fake, clock=clock, worker_id="t")
    try:
        for i, phone in enumerate(PHONES):
            add_client(svc.db, f"C{i}", phone=phone, now=clock.now)
        svc.plan_step(clock.now)
        clock.now = NOON + timedelta(minutes=1)  # every check-in due, none sent yet
        svc.submit_inbound(provider_sid="SM1", from_phone=PHONES[2],
                           body="I want to kill myself tonight").result(10)  # fmt: skip
        assert svc.process_inbox() == 1
        with svc.db.read() as s:
            checkins = s.execute(
                select(MESSAGES.c.status).where(
                    MESSAGES.c.kind == "checkin", MESSAGES.c.due_at <= clock.now
                )
            ).all()
    finally:
        svc.close()
    assert len(checkins) == len(PHONES) and {r.status for r in checkins} == {"pending"}
    sent_to = [x.to for x in fake.accepted]
    assert PHONES[2] in sent_to and "+13125550199" in sent_to
    assert "988" in next(x.body for x in fake.accepted if x.to == PHONES[2])
