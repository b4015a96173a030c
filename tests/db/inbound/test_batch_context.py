"""A batch of deliveries reads its clients' context once (open prompts, what is answered, the
episode, recent risk) and keeps it up to date reply by reply: whatever the sequence, the
replies, texts, alerts and consent changes recorded are exactly those of one-by-one handling.

The deliveries are put in the inbox as stored rows, with their own received times and
crisis flags, so one batch holds several replies of one client in a row: a check-in answered
then a second number, a crisis then HELP, an opt-out then a message, a retry of a reply
already recorded, a number on no record."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, insert, select

from notifier.core.db import Database
from notifier.core.models import ALERTS, CLIENTS, INBOX, MESSAGES, REPLIES, ConsentEvent
from notifier.core.settings import Settings
from notifier.inbound import inbox
from notifier.service import Service
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock, add_client

NY = ZoneInfo("America/New_York")
SUNDAY_NOON = datetime(2026, 11, 29, 12, 0, tzinfo=NY).astimezone(UTC)
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=NY).astimezone(UTC)
REMINDED = datetime(2026, 11, 30, 16, 5, tzinfo=NY).astimezone(UTC)  # 2 h before group
REPLIES_FROM = datetime(2026, 11, 30, 16, 10, tzinfo=NY).astimezone(UTC)
PHONES = [f"+131255502{i:02d}" for i in range(4)]
UNKNOWN = "+13125550277"
DUPLICATE = "SM" + "d" * 32

# (sender, text, minutes after REPLIES_FROM, crisis flag set at the webhook), in inbox order.
SCRIPT: list[tuple[str, str, int, bool]] = [
    (PHONES[0], "7", 0, False),  # answers Monday's check-in: an acknowledgement
    (PHONES[1], "I want to kill myself tonight", 1, False),  # not flagged: in the batch
    (PHONES[0], "5", 2, False),  # answers Sunday's (unanswered first): the next skill
    (PHONES[2], "stop", 3, False),
    (PHONES[1], "HELP", 4, False),  # after a crisis in the same batch: a plea
    (PHONES[0], "3", 5, False),  # both answered: the latest again, no second ack
    (PHONES[2], "hello?", 6, False),  # opted out a moment ago
    (PHONES[3], "help", 7, False),  # before the crisis below was received: no recent risk
    (UNKNOWN, "hi who is this", 8, False),
    (PHONES[0], "can't make it", 9, False),  # the reminder
    (PHONES[2], "start", 10, False),
    (PHONES[1], "ok", 11, False),
    (PHONES[2], "7", 12, False),
    (PHONES[3], "me quiero morir", 13, True),  # flagged: handled first, received last
    (PHONES[3], "ayuda", 14, False),  # after it: a plea
    (PHONES[0], "thanks", 15, False),  # a retry of a reply already recorded (DUPLICATE)
]


def play(
    url: str,
    make_settings: Callable[..., Settings],
    batched: bool,
    limit: int,
    script: list[tuple[str, str, int, bool]] = SCRIPT,
) -> dict[str, Any]:
    """Four clients get two daily check-ins and a group reminder, one reply is already
    recorded, then SCRIPT is stored in the inbox and the worker handles it."""
    settings = make_settings(
        database_url=url, checkin_days="daily", oncall_numbers="+13125550199", quiet_hours="off"
    )
    clock = Clock(SUNDAY_NOON)
    fake = FakeTransport()
    svc = Service(settings, transport=fake, clock=clock, worker_id="t")
    try:
        for i, phone in enumerate(PHONES):
            add_client(svc.db, f"C{i}", phone=phone, now=SUNDAY_NOON - timedelta(days=1),
                       language="es" if i == 3 else "en")  # fmt: skip
        for at in (SUNDAY_NOON, MONDAY_NOON, REMINDED):
            clock.now = at
            svc.tick(at)
        clock.now = REPLIES_FROM
        svc.receive(from_phone=PHONES[0], body="thanks", provider_sid=DUPLICATE,
                    now=REPLIES_FROM - timedelta(minutes=1))  # fmt: skip
        rows = [
            {"provider_sid": DUPLICATE if body == "thanks" else f"SM{k:032x}",
             "from_phone": phone, "body": body, "opt_out_type": None, "urgent": urgent,
             "received_at": REPLIES_FROM + timedelta(minutes=minutes), "claimed_by": None,
             "claimed_at": None, "attempts": 0, "last_error": None}
            for k, (phone, body, minutes, urgent) in enumerate(script)
        ]  # fmt: skip
        with svc.db.session() as s:
            s.execute(insert(INBOX), rows)
        clock.now = REPLIES_FROM + timedelta(minutes=30)
        import notifier.service as service_module

        service_module.INBOX_BATCH, before = limit, service_module.INBOX_BATCH
        try:
            handled = svc.process_inbox(batched=batched)
        finally:
            service_module.INBOX_BATCH = before
        return {"handled": handled, **snapshot(svc.db),
                "sent": sorted((x.to, x.body) for x in fake.accepted)}  # fmt: skip
    finally:
        svc.close()


def snapshot(db: Database) -> dict[str, Any]:
    r, m, c, a = REPLIES.c, MESSAGES.c, CLIENTS.c, ALERTS.c
    e = ConsentEvent
    with db.read() as s:
        return {
            "replies": s.execute(
                select(r.id, r.provider_sid, r.client_id, r.from_ref, r.category, r.score,
                       r.label, r.in_reply_to, r.session_id, r.signals, r.rule, r.urgent,
                       r.received_at, r.body).order_by(r.id)
            ).all(),
            "messages": s.execute(
                select(m.id, m.dedupe_key, m.kind, m.label, m.client_id, m.recipient, m.body,
                       m.status, m.due_at).order_by(m.id)
            ).all(),
            "clients": s.execute(select(c.id, c.opted_out_at).order_by(c.id)).all(),
            "consent": s.execute(select(e.client_id, e.event, e.source).order_by(e.id)).all(),
            "alerts": s.execute(
                select(a.client_id, a.reply_id, a.kind, a.level, a.state, a.urgent,
                       a.told_at, a.followup_at).order_by(a.id)
            ).all(),
            "inbox": s.execute(select(INBOX.c.id)).all(),
        }  # fmt: skip


@pytest.mark.parametrize("limit", [50, 4])
def test_a_batch_records_what_one_by_one_records(
    fresh: Callable[[], str],
    make_settings: Callable[..., Settings],
    limit: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    one = play(fresh(), make_settings, batched=False, limit=limit)
    caplog.set_level(logging.INFO, logger="notifier.inbound.inbox")
    batched = play(fresh(), make_settings, batched=True, limit=limit)
    # Handled in batches, not by the one-by-one fallback of a batch that failed.
    assert not [r for r in caplog.records if getattr(r, "event", "") == "inbox.batch_failed"]
    assert one["handled"] == batched["handled"] == len(SCRIPT)
    assert not batched["inbox"] and not one["inbox"]
    for key in ("replies", "messages", "clients", "consent", "alerts", "sent"):
        assert batched[key] == one[key], key
    # The script did what it says (so the comparison covers those cases).
    replies = {row.provider_sid: row for row in batched["replies"]}
    sid = {f"{phone[-1]}:{body}": f"SM{k:032x}" for k, (phone, body, _, _) in enumerate(SCRIPT)}
    assert len(replies) == len(SCRIPT)  # the retry was not recorded twice
    first, second, third = (replies[sid[f"0:{b}"]] for b in ("7", "5", "3"))
    assert first.category == second.category == third.category == "checkin_answer"
    assert first.in_reply_to != second.in_reply_to and third.in_reply_to == first.in_reply_to
    acks = [m for m in batched["messages"] if m.label in ("ack", "ack_high")]
    assert len([m for m in acks if m.client_id == first.client_id]) == 2
    assert replies[sid["1:HELP"]].category == "crisis"  # a plea after the crisis
    assert replies[sid["3:help"]].category == "help"  # received before the crisis
    assert replies[sid["3:ayuda"]].category == "crisis"
    assert replies[sid["0:can't make it"]].session_id is not None
    crisis_first = batched["replies"][1]  # after the reply recorded before the script
    assert crisis_first.provider_sid == sid["3:me quiero morir"]


WORDS = ["7", "3", "10", "thank you", "help", "ayuda", "stop", "start", "hello?", "yes",
         "can't make it", "I want to kill myself tonight", "I relapsed last night", "ok",
         "me quiero morir", "wrong number"]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_any_sequence_records_what_one_by_one_records(
    fresh: Callable[[], str], make_settings: Callable[..., Settings], seed: int
) -> None:
    """Seeded random sequences: two clients, replies of every kind, received in any order,
    some flagged as crisis at the webhook."""
    rng = random.Random(seed)
    script = [
        (PHONES[rng.randrange(2)], rng.choice(WORDS), rng.randrange(30), rng.random() < 0.1)
        for _ in range(30)
    ]
    one = play(fresh(), make_settings, batched=False, limit=50, script=script)
    batched = play(fresh(), make_settings, batched=True, limit=50, script=script)
    assert one["handled"] == batched["handled"] == len(script)
    for key in ("replies", "messages", "clients", "consent", "alerts", "sent"):
        assert batched[key] == one[key], key


def _service(database_url: str, make_settings: Callable[..., Settings]) -> tuple[Service, Clock]:
    settings = make_settings(database_url=database_url, checkin_days="daily", quiet_hours="off")
    clock = Clock(MONDAY_NOON)
    return Service(settings, transport=FakeTransport(), clock=clock, worker_id="t"), clock


def _clients(svc: Service, n: int) -> list[str]:
    """``n`` clients enrolled the day before, their Monday planned; their phones."""
    phones = [f"+131255503{i:02d}" for i in range(n)]
    for i, phone in enumerate(phones):
        add_client(svc.db, f"C{i}", phone=phone, now=MONDAY_NOON - timedelta(days=1))
    svc.tick(MONDAY_NOON)
    return phones


def test_a_batch_reads_its_context_once(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    """Fifty deliveries from five clients: the statements run grow with the replies written,
    not with five context reads per delivery."""
    svc, _ = _service(database_url, make_settings)
    try:
        phones = _clients(svc, 5)
        rows = [
            {"provider_sid": f"SM{k:032x}", "from_phone": phones[k % 5], "body": "thanks",
             "opt_out_type": None, "urgent": False, "received_at": REPLIES_FROM,
             "claimed_by": None, "claimed_at": None, "attempts": 0, "last_error": None}
            for k in range(50)
        ]  # fmt: skip
        with svc.db.session() as s:
            s.execute(insert(INBOX), rows)
        selects: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append(statement)

        event.listen(svc.db.engine, "before_cursor_execute", count)
        try:
            assert svc.process_inbox() == 50
        finally:
            event.remove(svc.db.engine, "before_cursor_execute", count)
    finally:
        svc.close()
    # One by one this was some 250 (five per delivery); a batch reads each thing once.
    assert len(selects) < 25, len(selects)


def test_a_batch_whose_context_read_fails_is_handled_one_by_one(database: Database) -> None:
    """An error while reading a batch's context rolls the batch back and its deliveries are
    handled one by one, each once (the first draft retried the batch for ever)."""
    writer = inbox.InboxWriter(database, lambda: None)
    try:
        for k in range(3):
            writer.submit(provider_sid=f"SM{k:032x}", from_phone=PHONES[0], body=str(k),
                          opt_out_type=None, urgent=False, now=MONDAY_NOON).result(10)  # fmt: skip
    finally:
        writer.close()
    handled: list[str] = []

    def prepare(deliveries: list[dict[str, Any]]) -> Callable[..., object]:
        raise RuntimeError("context read failed")

    def handle(**kw: object) -> str:
        handled.append(str(kw["body"]))
        return str(kw["body"])

    assert inbox.process(database, "w1", MONDAY_NOON, handle, prepare=prepare) == 3
    assert handled == ["0", "1", "2"]
    assert inbox.backlog(database) == (0, 0)


def _store(svc: Service, rows: list[tuple[str, str, str]]) -> None:
    """(MessageSid, sender, text) rows put in the inbox as the webhook stores them."""
    with svc.db.session() as s:
        s.execute(
            insert(INBOX),
            [{"provider_sid": sid, "from_phone": phone, "body": body, "opt_out_type": None,
              "urgent": False, "received_at": REPLIES_FROM, "claimed_by": None,
              "claimed_at": None, "attempts": 0, "last_error": None}
             for sid, phone, body in rows],
        )  # fmt: skip


def test_a_batch_writes_its_replies_and_answers_together(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    """Fifty deliveries from five clients (scores answered with an acknowledgement, thanks):
    the replies go to the database in one statement and their answers in another, not an
    INSERT (a round trip) per reply."""
    svc, clock = _service(database_url, make_settings)
    try:
        phones = _clients(svc, 5)
        clock.now = REPLIES_FROM
        _store(svc, [(f"SM{k:032x}", phones[k % 5], "7" if k < 5 else "thanks")
                     for k in range(50)])  # fmt: skip
        inserts: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("INSERT"):
                inserts.append(statement.split("(", 1)[0].split()[-1].strip('"').lower())

        event.listen(svc.db.engine, "before_cursor_execute", count)
        try:
            assert svc.process_inbox() == 50
        finally:
            event.remove(svc.db.engine, "before_cursor_execute", count)
        with svc.db.read() as s:
            recorded = s.execute(select(REPLIES.c.provider_sid, REPLIES.c.id)).all()
            acks = s.scalar(select(func.count()).where(MESSAGES.c.label.in_(("ack", "ack_high"))))
    finally:
        svc.close()
    assert len(recorded) == len({sid for sid, _ in recorded}) == 50
    assert acks == 5  # one per client's check-in
    # One by one (and batched before) this was fifty INSERTs into replies.
    assert inserts.count("replies") == 1, inserts
    assert inserts.count("messages") <= 1, inserts


def test_a_batch_whose_writes_fail_is_handled_one_by_one(
    database_url: str,
    make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the batch's replies cannot be written together (here: another reply took one's
    MessageSid after the batch read what was recorded, as a redelivered row's second worker
    might), the batch is rolled back and its deliveries handled one by one: every reply is
    recorded once and none is lost."""
    from notifier.inbound import replies as replies_module

    svc, clock = _service(database_url, make_settings)
    original = replies_module.Batch.__init__
    raced: list[str] = []

    def racing_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if not raced:  # the first batch only: one by one, nothing races
            raced.append("SM" + "0" * 31 + "3")
            with self.db.session() as s:  # inside the batch's transaction
                s.execute(
                    insert(REPLIES).values(
                        provider_sid=raced[0], client_id=None, from_ref="x", body="",
                        received_at=REPLIES_FROM, category="other", source="webhook",
                        created_at=REPLIES_FROM,
                    )
                )  # fmt: skip

    monkeypatch.setattr(replies_module.Batch, "__init__", racing_init)
    try:
        phones = _clients(svc, 2)
        clock.now = REPLIES_FROM
        _store(svc, [(f"SM{k:032x}", phones[k % 2], "7" if k < 2 else "thanks")
                     for k in range(8)])  # fmt: skip
        caplog.set_level(logging.INFO, logger="notifier.inbound.inbox")
        assert svc.process_inbox() == 8
        with svc.db.read() as s:
            recorded = s.execute(select(REPLIES.c.provider_sid, REPLIES.c.client_id)).all()
    finally:
        svc.close()
    assert [r for r in caplog.records if getattr(r, "event", "") == "inbox.batch_failed"]
    # The racing row was rolled back with the batch; each delivery is recorded once.
    assert sorted(sid for sid, _ in recorded) == [f"SM{k:032x}" for k in range(8)]
    assert all(client_id is not None for _, client_id in recorded)
    assert inbox.backlog(svc.db) == (0, 0)
