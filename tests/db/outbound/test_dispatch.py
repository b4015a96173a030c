"""The dispatcher against real databases, with a scripted transport at the seam."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from notifier.core.db import Database
from notifier.core.models import (
    ALERT,
    CALL,
    EXPIRED,
    FAILED,
    PENDING,
    REMINDER,
    REPLY,
    SENDING,
    SENT,
    SKIPPED,
    Client,
    Message,
)
from notifier.core.settings import Settings
from notifier.outbound.dispatch import Dispatcher
from notifier.outbound.planner import plan
from tests.conftest import TEST_CRYPTO
from tests.fakes.transport import FakeTransport, accepted_but_lost, permanent, transient
from tests.helpers import add_client, get_message, messages, put_message

NY = ZoneInfo("America/New_York")
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=NY).astimezone(UTC)

TRANSIENT = ["20429", "30001", "21611", "30003"]
PERMANENT = ["21211", "21408", "21610", "21612", "21614", "21635", "30006"]


def dispatcher(
    db: Database, settings: Settings, transport: FakeTransport, now: datetime, worker: str = "w1"
) -> Dispatcher:
    return Dispatcher(
        db, transport, settings, clock=lambda: now, worker_id=worker, rng=random.Random(7)
    )


@pytest.mark.parametrize("code", TRANSIENT)
def test_rule_sending_transient_failures_retry_with_backoff_and_jitter(
    code: str, database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(retry_backoff="30s")
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport(script=[transient(code), transient(code)])
    d = dispatcher(database, s, fake, NOON)
    assert d.run_once().outcomes["retry"] == 1
    m = get_message(database, mid)
    assert m.status == PENDING and m.error_code == code and m.attempts == 1
    assert m.next_attempt_at is not None
    first_delay = m.next_attempt_at - NOON
    assert timedelta(seconds=15) <= first_delay <= timedelta(seconds=30)
    # Not retried before its time...
    assert d.run_once(NOON + first_delay - timedelta(seconds=1)).claimed == 0
    # ...then retried with a longer delay (exponential), then sent.
    later = NOON + first_delay
    d.run_once(later)
    m = get_message(database, mid)
    assert m.attempts == 2 and m.next_attempt_at is not None
    assert timedelta(seconds=30) <= m.next_attempt_at - later <= timedelta(seconds=60)
    d.run_once(m.next_attempt_at)
    assert get_message(database, mid).status == SENT and len(fake.accepted) == 1
    d.stop()


def test_rule_sending_backoff_has_jitter(
    make_settings: Callable[..., Settings], sqlite_url: str
) -> None:
    s = make_settings(retry_backoff="30s")
    d = Dispatcher(
        Database(sqlite_url, crypto=TEST_CRYPTO), FakeTransport(), s, rng=random.Random(1)
    )
    delays = {d.backoff(3).total_seconds() for _ in range(20)}
    assert len(delays) > 10 and all(60 <= x <= 120 for x in delays)
    assert d.backoff(30).total_seconds() <= 15 * 60  # capped
    assert d.backoff(1, retry_after=90).total_seconds() >= 90  # honours Retry-After
    d.stop()


@pytest.mark.parametrize("code", PERMANENT)
def test_rule_sending_permanent_failures_fail_at_once_with_code(
    code: str, database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport(script=[permanent(code)])
    d = dispatcher(database, s, fake, NOON)
    assert d.run_once().outcomes["failed"] == 1
    m = get_message(database, mid)
    assert m.status == FAILED and m.error_code == code and m.attempts == 1
    assert d.run_once(NOON + timedelta(hours=1)).claimed == 0  # never retried
    d.stop()


def test_rule_opt_out_is_sacred_twilio_21610_marks_client_opted_out(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOON)
    first = put_message(database, c.id, due=NOON)
    second = put_message(database, c.id, due=NOON + timedelta(hours=1))
    d = dispatcher(database, s, FakeTransport(script=[permanent("21610")]), NOON)
    d.run_once()
    with database.session() as sess:
        client = sess.get(Client, c.id)
        assert client is not None and client.opted_out_at is not None
    assert get_message(database, first).error_code == "21610"
    assert get_message(database, second).status == "canceled"
    d.stop()


def test_rule_sending_retries_never_past_not_after(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(retry_backoff="10m")
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON, not_after=NOON + timedelta(minutes=4))
    d = dispatcher(database, s, FakeTransport(script=[transient("20429")]), NOON)
    d.run_once()
    m = get_message(database, mid)
    # The next try would be after its freshness: failed now, with the code, not retried late.
    assert m.status == FAILED and m.error_code == "20429" and m.reason == "stale"
    d.stop()


def test_rule_sending_gives_up_after_max_attempts(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(retry_backoff="1s", max_attempts=3)
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON, not_after=NOON + timedelta(hours=4))
    fake = FakeTransport(script=[transient("30001")] * 5)
    now = NOON
    for _ in range(5):
        Dispatcher(database, fake, s, clock=lambda n=now: n).run_once(now)  # type: ignore[misc]
        now += timedelta(minutes=5)
    m = get_message(database, mid)
    assert m.status == FAILED and m.attempts == 3 and fake.calls == 3


def test_rule_freshness_stale_messages_expire_after_downtime(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(checkin_days="daily")
    add_client(database, "C1", now=NOON)
    plan(database, s, NOON - timedelta(days=1))
    # The service was down for two days; when it comes back nothing old is blasted.
    back = NOON + timedelta(days=1, hours=5)
    fake = FakeTransport()
    d = dispatcher(database, s, fake, back)
    d.drain()
    for m in messages(database):
        if m.status == SENT:
            assert m.sent_at is not None and m.sent_at <= m.not_after
            assert m.due_at <= back < m.not_after
        elif m.not_after <= back:
            assert m.status == EXPIRED, (m.kind, m.label, m.due_at)
    assert any(m.status == EXPIRED for m in messages(database))
    d.stop()


def test_rule_freshness_reminder_never_sent_after_session_start(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", now=NOON)
    start = datetime(2026, 12, 2, 18, 0, tzinfo=NY).astimezone(UTC)
    plan(database, s, start - timedelta(days=2))
    fake = FakeTransport()
    d = dispatcher(database, s, fake, start + timedelta(minutes=1))
    d.drain()
    reminders = [m for m in messages(database, kind=REMINDER) if m.not_after <= start]
    assert reminders and all(m.status != SENT for m in reminders)
    # What did go out (the next day's 24h reminder, just due) is about a later session.
    late = {m.id for m in reminders}
    assert not late & {a.message_id for a in fake.accepted}
    d.stop()


def test_rule_sending_unknown_outcome_is_looked_up_not_resent(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(retry_backoff="10s")
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport(script=[accepted_but_lost()])
    d = dispatcher(database, s, fake, NOON)
    d.run_once()
    m = get_message(database, mid)
    assert m.status == PENDING and m.needs_lookup and len(fake.accepted) == 1
    d2 = dispatcher(database, s, fake, NOON + timedelta(minutes=1))
    assert d2.run_once().outcomes["sent"] == 1
    m = get_message(database, mid)
    assert m.status == SENT and m.provider_sid == fake.accepted[0].sid
    assert len(fake.accepted) == 1 and fake.calls == 1 and fake.lookups == 1
    d.stop()
    d2.stop()


def test_rule_sending_unknown_outcome_not_found_is_sent_once(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(retry_backoff="10s")
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport(script=[transient("20500", unknown=True)])  # a 500: not stored
    d = dispatcher(database, s, fake, NOON)
    d.run_once()
    d2 = dispatcher(database, s, fake, NOON + timedelta(minutes=1))
    d2.run_once()
    assert (
        get_message(database, mid).status == SENT and len(fake.accepted) == 1 and fake.lookups == 1
    )
    d.stop()
    d2.stop()


def test_rule_sending_abandoned_claim_is_reclaimed_after_lease_and_looked_up(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(claim_lease="5m")
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport()
    crashed = dispatcher(database, s, fake, NOON, worker="crashed")
    assert crashed.claim(NOON, 10) == [mid]
    # The crashed worker had reached the provider before dying.
    fake._accept("+13125550101", "Hi Ana, a check-in", mid, None)
    survivor = dispatcher(database, s, fake, NOON + timedelta(minutes=2), worker="survivor")
    assert survivor.run_once().claimed == 0  # lease not over yet
    later = NOON + timedelta(minutes=6)
    survivor = dispatcher(database, s, fake, later, worker="survivor")
    assert survivor.run_once().outcomes["sent"] == 1
    m = get_message(database, mid)
    assert m.status == SENT and m.claimed_by == "survivor" and fake.calls == 0
    assert len(fake.accepted) == 1
    crashed.stop()
    survivor.stop()


def test_claims_are_exclusive_between_dispatchers(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(dispatch_batch=7, send_concurrency=3)
    c = add_client(database, "C1", now=NOON)
    ids = [put_message(database, c.id, due=NOON, body=f"m{i}") for i in range(120)]
    fake = FakeTransport(delay=0.001)
    workers = [dispatcher(database, s, fake, NOON, worker=f"w{i}") for i in range(3)]
    threads = [threading.Thread(target=w.drain) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent_ids = [a.message_id for a in fake.accepted]
    assert sorted(sent_ids) == sorted(ids)  # each exactly once
    assert {m.status for m in messages(database)} == {SENT}
    for w in workers:
        w.stop()


def test_send_concurrency_is_bounded_and_a_slow_call_does_not_stall_the_batch(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(send_concurrency=4, dispatch_batch=40)
    c = add_client(database, "C1", now=NOON)
    slow_id = put_message(database, c.id, due=NOON - timedelta(minutes=1), body="slow")
    for i in range(24):
        put_message(database, c.id, due=NOON, body=f"m{i}")
    release = threading.Event()
    done_while_slow: list[int] = []

    def slow(to: str, body: str) -> None:
        release.wait(10)  # held until every other send has finished

    fake = FakeTransport(script=[slow], delay=0.005)
    original = fake._accept

    def record(to: str, body: str, mid: int, valid_for: float | None):  # type: ignore[no-untyped-def]
        sent = original(to, body, mid, valid_for)
        if mid != slow_id:
            done_while_slow.append(mid)
            if len(done_while_slow) == 24:
                release.set()
        return sent

    fake._accept = record  # type: ignore[method-assign]
    d = dispatcher(database, s, fake, NOON)
    result = d.run_once()
    assert result.outcomes["sent"] == 25
    assert fake.max_in_flight == 4  # NOTIFIER_SEND_CONCURRENCY, never more
    assert len(done_while_slow) == 24  # all others went out while the slow one hung
    assert fake.accepted[-1].message_id == slow_id
    d.stop()


def test_rule_quiet_hours_checked_again_at_send_time(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOON)
    late = datetime(2026, 12, 1, 21, 30, tzinfo=NY).astimezone(UTC)
    movable = put_message(
        database, c.id, due=late - timedelta(hours=1), not_after=late + timedelta(hours=12)
    )
    stale = put_message(
        database, c.id, due=late - timedelta(hours=1), not_after=late + timedelta(hours=2)
    )
    d = dispatcher(database, s, FakeTransport(), late)
    d.run_once()
    moved = get_message(database, movable)
    assert moved.status == PENDING
    assert moved.due_at == datetime(2026, 12, 2, 8, 0, tzinfo=NY).astimezone(UTC)
    assert (
        get_message(database, stale).status == SKIPPED
        and get_message(database, stale).reason == "quiet_hours"
    )
    d.stop()


def test_rule_quiet_hours_replies_to_the_client_still_go_out(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOON)
    night = datetime(2026, 12, 1, 23, 30, tzinfo=NY).astimezone(UTC)
    crisis = put_message(database, c.id, due=night, kind=REPLY, label="crisis", body="988")
    ack = put_message(database, c.id, due=night, kind=REPLY, label="ack", body="thanks")
    fake = FakeTransport()
    d = dispatcher(database, s, fake, night)
    d.run_once()
    assert get_message(database, crisis).status == SENT
    assert get_message(database, ack).status == SKIPPED
    d.stop()


def test_rule_opt_out_is_sacred_checked_at_send_time(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    with database.session() as sess:  # opted out by a path that did not cancel the row
        sess.execute(update(Client).where(Client.id == c.id).values(opted_out_at=NOON))
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON)
    d.run_once()
    assert get_message(database, mid).status == "canceled" and fake.calls == 0
    d.stop()


def test_stopping_releases_unstarted_claims(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(send_concurrency=1)
    c = add_client(database, "C1", now=NOON)
    for i in range(5):
        put_message(database, c.id, due=NOON, body=f"m{i}")
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON)

    def stop_after_first(to: str, body: str) -> None:
        d.stopping.set()

    fake.script = [stop_after_first]
    d.run_once()
    rows = messages(database)
    assert [m.status for m in rows].count(SENT) == 1
    assert all(m.status in (SENT, PENDING) for m in rows)  # nothing left in `sending`
    assert all(m.attempts == 0 for m in rows if m.status == PENDING)
    assert not [m for m in rows if m.status == SENDING]
    d.stop()


def test_sent_rows_record_sid_and_time(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON)
    d.run_once()
    m = get_message(database, mid)
    assert m.provider_sid == fake.accepted[0].sid and m.sent_at == NOON
    assert fake.accepted[0].valid_for == pytest.approx(4 * 3600)  # freshness handed on
    with database.session() as sess:
        assert sess.scalar(select(Message.claimed_by).where(Message.id == mid)) == "w1"
    d.stop()


def test_rule_sending_a_claim_held_past_half_its_lease_is_released_not_sent(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """A worker that waited too long (a loaded machine, a paced queue) may already have lost
    its lease to another worker, whose provider lookup found nothing yet: sending now could
    text the client twice. It hands the row back instead (found under load: 3013 sends for
    3000 messages with a 4 s lease)."""
    s = make_settings(claim_lease="5m")
    c = add_client(database, "C1", now=NOON)
    mid = put_message(database, c.id, due=NOON)
    fake = FakeTransport()
    ticks = itertools.count()
    d = Dispatcher(
        database, fake, s, clock=lambda: NOON + timedelta(minutes=3 * next(ticks)), worker_id="w"
    )
    out = d.run_once(NOON)
    # Claimed again and again in this slow world, and never sent: handed back each time
    # (until its freshness runs out, the time here moving 3 minutes at each look).
    assert out.outcomes["released"] >= 1 and "sent" not in out.outcomes
    assert fake.calls == 0 and not fake.accepted
    assert get_message(database, mid).status in (PENDING, EXPIRED)
    d.stop()


def test_a_drain_of_some_kinds_sends_them_ahead_of_earlier_planned_texts(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """Answers to replies do not queue behind a noon's check-ins: a drain of the answer kinds
    sends the reply due after them and leaves the check-ins to the dispatch job."""
    s = make_settings()
    cid = add_client(database, "C1", now=NOON).id
    backlog = [put_message(database, cid, due=NOON - timedelta(minutes=5)) for _ in range(3)]
    answer = put_message(
        database, cid, due=NOON, kind=REPLY, label="crisis", body="Call or text 988"
    )
    stale = put_message(
        database, cid, due=NOON - timedelta(hours=5), not_after=NOON - timedelta(hours=1)
    )
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    result = d.drain(kinds=(REPLY,), expire=False)
    assert result.claimed == 1 and [x.body for x in fake.accepted] == ["Call or text 988"]
    assert get_message(database, answer).status == SENT
    assert {get_message(database, mid).status for mid in backlog} == {PENDING}
    assert get_message(database, stale).status == PENDING  # never claimed; the expire job's to mark
    d.drain()  # the dispatch job's drain still sends everything due, and expires
    assert {get_message(database, mid).status for mid in backlog} == {SENT}
    assert get_message(database, stale).status == EXPIRED
    d.stop()


def _crisis_once_sent(
    database: Database, cid: int, fake: FakeTransport, sent: int
) -> tuple[int, int]:
    """Once ``sent`` texts have reached the provider, a 988/911 reply falls due: its id, and
    how many had been sent when it did."""
    pause = threading.Event()
    while len(fake.accepted) < sent and not pause.wait(0.002):
        pass
    crisis = put_message(database, cid, due=NOON, kind=REPLY, label="crisis", body="Call 988")
    return crisis, len(fake.accepted)


def test_answers_do_not_queue_behind_a_batch_already_handed_to_the_send_threads(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """A 988/911 reply drained while the dispatch job's batch of check-ins waits for the
    provider's rate goes out within a few send slots, not after the whole batch: answers have
    send threads of their own, under the same rate limit (found by the noon benchmark: crisis
    replies waited seconds behind a batch of check-ins already queued on the send pool)."""
    s = make_settings(send_concurrency=4, dispatch_batch=100, max_send_rate=200.0)
    cid = add_client(database, "C1", now=NOON).id
    for i in range(100):
        put_message(database, cid, due=NOON - timedelta(minutes=5), body=f"checkin {i}")
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    batch = threading.Thread(target=d.run_once)
    batch.start()
    answer, _ = _crisis_once_sent(database, cid, fake, 5)
    d.drain(kinds=(REPLY,), expire=False)
    position = [x.message_id for x in fake.accepted].index(answer)
    batch.join()
    assert len(fake.accepted) == 101
    assert position < 30, f"the answer went out {position}th, behind the batch"
    d.stop()


ANSWERS = (REPLY, ALERT, CALL)


def _to_staff(database: Database, mid: int, number: str) -> None:
    """An on-call page goes to a staff number kept in the row."""
    with database.session() as s:
        m = s.get(Message, mid)
        assert m is not None
        m.recipient, m.client_id = number, None


@pytest.mark.parametrize("rate", [100.0, 0.0])
@pytest.mark.parametrize("kind", [REPLY, ALERT])
def test_a_crisis_answer_refused_at_the_providers_cap_goes_at_the_next_slot_not_after_a_backoff(
    kind: str, rate: float, database: Database, make_settings: Callable[..., Settings]
) -> None:
    """A 988/911 reply (or the on-call page) that the provider refuses with 429 (its cap, which
    a noon's check-ins keep full) is sent again at the next send slot by the drain that took
    it, not put back for the back-off (30 s by default; 1 s doubling in the noon benchmark:
    the seconds of the noon's crisis tail). A check-in refused so still backs off
    (test_rule_sending_transient_failures_retry_with_backoff_and_jitter)."""
    s = make_settings(retry_backoff="30s", max_send_rate=rate)  # 0: unpaced
    cid = add_client(database, "C1", now=NOON).id
    label = "crisis" if kind == REPLY else "crisis_alert"
    mid = put_message(database, cid, due=NOON, kind=kind, label=label, body="Call or text 988")
    if kind == ALERT:
        _to_staff(database, mid, "+13125550199")
    fake = FakeTransport(script=[transient("20429"), transient("20429")])
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    d.drain(kinds=ANSWERS, expire=False)
    m = get_message(database, mid)
    assert m.status == SENT, (m.status, m.next_attempt_at)
    assert fake.calls == 3 and [x.message_id for x in fake.accepted] == [mid]
    d.stop()


def test_an_ordinary_answer_refused_at_the_cap_still_backs_off(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """Only the life-safety answers skip the back-off: an acknowledgement refused with 429
    waits its turn like a check-in (it must not hammer a provider that is at its cap)."""
    s = make_settings(retry_backoff="30s")
    cid = add_client(database, "C1", now=NOON).id
    mid = put_message(database, cid, due=NOON, kind=REPLY, label="ack", body="Thanks")
    fake = FakeTransport(script=[transient("20429")])
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    d.drain(kinds=ANSWERS, expire=False)
    m = get_message(database, mid)
    assert m.status == PENDING and m.next_attempt_at is not None and fake.calls == 1
    d.stop()


def test_a_crisis_answer_takes_the_next_send_slot_ahead_of_check_ins_waiting_for_theirs(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """At the provider's cap every send thread of the dispatch job waits in the rate limiter
    for a slot; a 988/911 reply drained then takes the next slot, not one behind every
    check-in thread already waiting (before: a slot behind all of them, 16 at the noon's
    concurrency; and with two answer threads against sixteen, answers got an eighth of the
    slots). Counted in sends, not seconds."""
    s = make_settings(send_concurrency=8, dispatch_batch=24, max_send_rate=10.0)
    cid = add_client(database, "C1", now=NOON).id
    for i in range(24):
        put_message(database, cid, due=NOON - timedelta(minutes=5), body=f"checkin {i}")
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    batch = threading.Thread(target=d.run_once)
    batch.start()
    answer, before = _crisis_once_sent(database, cid, fake, 3)
    d.drain(kinds=ANSWERS, expire=False)
    position = [x.message_id for x in fake.accepted].index(answer)
    batch.join()
    assert len(fake.accepted) == 25
    # The check-in whose slot had come may go first (and one more while the drain claims, on
    # a slow machine); the other threads' may not (eight went first before).
    assert position - before <= 3, f"{position - before} check-ins went ahead of the answer"
    d.stop()


def test_a_crisis_answer_due_during_a_drain_of_acknowledgements_goes_within_a_few_sends(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """A drain of answers hands its send threads only as many rows as they can send at once
    and claims again as each finishes, so a 988/911 reply recorded while many
    acknowledgements are being sent is claimed next, not after every row of a big claim
    already queued on two threads (the noon benchmark's tail: crisis answers claimed in 0.2 s
    waited 4 s behind the acknowledgements of a burst)."""
    s = make_settings(send_concurrency=16, dispatch_batch=100)
    cid = add_client(database, "C1", now=NOON).id
    for i in range(60):
        put_message(database, cid, due=NOON - timedelta(seconds=60 - i), kind=REPLY,
                    label="ack", body=f"ack {i}")  # fmt: skip
    fake = FakeTransport(delay=0.01)
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    drain = threading.Thread(target=d.drain, kwargs={"kinds": ANSWERS, "expire": False})
    drain.start()
    crisis, before = _crisis_once_sent(database, cid, fake, 5)
    drain.join()
    d.drain(kinds=ANSWERS, expire=False)  # a drain that began before it may have missed it
    position = [x.message_id for x in fake.accepted].index(crisis)
    assert len(fake.accepted) == 61
    assert position - before <= 2 * d.answer_threads, f"{position - before} acks went first"
    d.stop()


def test_in_a_burst_of_crises_each_clients_988_text_goes_before_the_staff_pages(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """Many crisis replies at once (a noon's peak) queue three life-safety sends each: the
    client's 988/911 text and a page to each on-call number. In due order the last client's
    text waited behind every page before it (the noon benchmark's 2 s tail at the provider's
    cap); the clients' texts go first, the pages right after them."""
    s = make_settings(send_concurrency=1, dispatch_batch=3)
    cid = add_client(database, "C1", now=NOON).id
    texts, pages = [], []
    for i in range(4):
        due = NOON - timedelta(seconds=10 - i)
        texts.append(put_message(database, cid, due=due, kind=REPLY, label="crisis",
                                 body=f"Call 988 ({i})"))  # fmt: skip
        for number in ("+13125550198", "+13125550199"):
            page = put_message(database, cid, due=due, kind=ALERT, label="crisis_alert",
                               body=f"On-call: crisis ({i})")  # fmt: skip
            _to_staff(database, page, number)
            pages.append(page)
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    d.drain(kinds=ANSWERS, expire=False)
    sent = [x.message_id for x in fake.accepted]
    assert sent[:4] == texts and sorted(sent[4:]) == sorted(pages)
    d.stop()


def test_a_drain_of_answers_sends_a_crisis_text_before_older_acknowledgements(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    """After a burst of replies many acknowledgements may be due; a 988/911 reply recorded
    after them is claimed and sent first, not a batch or more behind them (the answers'
    claims went in due order)."""
    s = make_settings(send_concurrency=1, dispatch_batch=3)
    cid = add_client(database, "C1", now=NOON).id
    acks = [
        put_message(database, cid, due=NOON - timedelta(seconds=10 - i), kind=REPLY,
                    label="ack", body=f"ack {i}")
        for i in range(7)
    ]  # fmt: skip
    crisis = put_message(database, cid, due=NOON, kind=REPLY, label="crisis", body="Call 988")
    fake = FakeTransport()
    d = dispatcher(database, s, fake, NOON + timedelta(seconds=1))
    d.drain(kinds=ANSWERS, expire=False)
    assert [x.message_id for x in fake.accepted] == [crisis, *acks]
    d.stop()
