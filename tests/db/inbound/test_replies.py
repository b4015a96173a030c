"""The one inbound path against real databases: opt-out lifecycle, crisis, attribution,
acknowledgements, unknown numbers and retries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import (
    ALERT,
    CANCELED,
    CHECKIN,
    PENDING,
    REMINDER,
    REPLY,
    SENT,
    Client,
    ConsentEvent,
    Message,
    Reply,
)
from notifier.core.settings import Settings
from notifier.inbound.replies import InboundResult
from notifier.service import Service
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock, add_client, messages, ny

ANA = "+13125550101"


@pytest.fixture
def clock() -> Clock:
    return Clock(ny(2026, 11, 29, 9, 0))


@pytest.fixture
def fake() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def service(
    database_url: str, make_settings: Callable[..., Settings], clock: Clock, fake: FakeTransport
) -> Iterator[Service]:
    s = make_settings(database_url=database_url, checkin_days="daily")
    svc = Service(s, transport=fake, clock=clock, worker_id="t")
    add_client(svc.db, "C1", phone=ANA, now=clock.now)
    yield svc
    svc.close()


def run_until(service: Service, clock: Clock, at: datetime) -> None:
    """Plan and send everything due up to ``at`` (one step per hour)."""
    t = clock.now
    while t <= at:
        clock.now = t
        service.tick(t)
        t += timedelta(hours=1)
    clock.now = at
    service.tick(at)


def sent_to_ana(fake: FakeTransport) -> list[str]:
    return [a.body for a in fake.accepted if a.to == ANA]


def replies(db: Database) -> list[Reply]:
    with db.read() as s:
        return list(s.scalars(select(Reply).order_by(Reply.id)))


def test_rule_opt_out_is_sacred_lifecycle_stop_confirm_once_then_start_resumes(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    run_until(service, clock, ny(2026, 11, 29, 12, 30))  # Sunday's check-in went out
    assert sent_to_ana(fake)
    before = len(fake.accepted)
    clock.now = ny(2026, 11, 29, 13, 0)
    r = service.receive(from_phone="(312) 555-0101", body="Stop.", now=clock.now)
    service.send_now(clock.now)
    assert r.category == "opt_out" and r.queued == ["opt_out_confirm"]
    confirmations = [m for m in messages(service.db) if m.label == "opt_out_confirm"]
    assert len(confirmations) == 1 and confirmations[0].status == SENT
    assert "START" in confirmations[0].body
    # Every pending text to her was canceled at once...
    assert not [m for m in messages(service.db, client_id=1) if m.status == PENDING]
    # ...a second STOP sends no second confirmation...
    service.receive(from_phone=ANA, body="STOP", now=clock.now + timedelta(minutes=1))
    # ...and a week passes with nothing sent to her, whatever is planned.
    run_until(service, clock, ny(2026, 12, 6, 12, 30))
    assert len(fake.accepted) == before + 1
    # Any other text (even "yes" to a reminder) does not resume texts.
    service.receive(from_phone=ANA, body="1", now=clock.now)
    service.receive(from_phone=ANA, body="ok see you there", now=clock.now)
    run_until(service, clock, ny(2026, 12, 7, 12, 30))
    assert len(fake.accepted) == before + 1
    # START resumes: one confirmation, then texts are planned again.
    r = service.receive(from_phone=ANA, body="start", now=clock.now)
    service.send_now(clock.now)
    assert r.category == "opt_in" and r.queued == ["opt_in_confirm"]
    run_until(service, clock, ny(2026, 12, 8, 12, 30))
    assert len(fake.accepted) > before + 2
    with service.db.read() as s:
        events = [e.event for e in s.scalars(select(ConsentEvent).order_by(ConsentEvent.id))]
        sources = {e.source for e in s.scalars(select(ConsentEvent))}
    assert events == ["consent", "opt_out", "opt_in"]
    assert "sms:webhook" in sources


def test_rule_opt_out_is_sacred_plain_language_revocation(service: Service, clock: Clock) -> None:
    r = service.receive(from_phone=ANA, body="please stop texting me", now=clock.now)
    assert r.category == "opt_out"
    r2 = service.receive(from_phone="+13125550102", body="no more texts", now=clock.now)
    assert r2.known_client is False  # unknown number: stored, never answered


def test_rule_opt_out_is_sacred_not_a_sentence_that_contains_stop(
    service: Service, clock: Clock
) -> None:
    r = service.receive(from_phone=ANA, body="I can't stop thinking about using", now=clock.now)
    assert r.category == "free_text" and r.queued == []
    with service.db.read() as s:
        client = s.scalar(select(Client))
        assert client is not None and client.opted_out_at is None


def test_rule_opt_out_is_sacred_advanced_opt_out_sends_no_second_confirmation(
    service: Service, clock: Clock
) -> None:
    r = service.receive(from_phone=ANA, body="STOP", opt_out_type="STOP", now=clock.now)
    assert r.category == "opt_out" and r.queued == []
    with service.db.read() as s:
        client = s.scalar(select(Client))
        assert client is not None and client.opted_out_at == clock.now


def test_rule_crisis_gets_988_and_alerts_even_in_quiet_hours(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    night = ny(2026, 11, 29, 23, 40)
    clock.now = night
    r = service.receive(from_phone=ANA, body="i took too many pills", now=night)
    service.send_now(night)
    assert r.category == "crisis"
    to_ana = sent_to_ana(fake)
    assert len(to_ana) == 1 and "988" in to_ana[0] and "911" in to_ana[0]
    alerts = [a for a in fake.accepted if a.to == "+13125550190"]
    assert len(alerts) == 1
    assert "Ana (C1)" in alerts[0].body and "pills" not in alerts[0].body  # no reply text


def after_a_crisis_reply(
    service: Service, clock: Clock, body: str, hours: int
) -> tuple[InboundResult, Reply]:
    """Ana's crisis reply answered, then ``body`` ``hours`` later (the recent-risk context
    the inbound path reads from the database): the result and the stored reply."""
    first = service.receive(from_phone=ANA, body="i want to die tonight", now=clock.now)
    assert first.category == "crisis"
    service.send_now(clock.now)
    later = clock.now + timedelta(hours=hours)
    r = service.receive(from_phone=ANA, body=body, now=later)
    service.send_now(later)
    return r, replies(service.db)[-1]


def test_rule_an_act_told_as_done_within_a_day_of_a_crisis_reply_is_911_first(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    # "i did it" means nothing alone; within 24 h of the program's crisis reply it is an
    # attempt just made.
    r, stored = after_a_crisis_reply(service, clock, "i did it", hours=2)
    assert r.category == "crisis"
    assert stored.urgent and stored.rule == "crisis.attempt_after_risk.en"
    answer = sent_to_ana(fake)[-1]
    assert answer.index("911") < answer.index("988")  # 911 first


def test_rule_pills_taken_as_said_after_a_crisis_reply_are_911_first_and_use(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    # The nineteenth round: "took it all" within a day of the crisis reply is an overdose of
    # the client's own (use on the follow-up list) as well as 911 first.
    r, stored = after_a_crisis_reply(service, clock, "sorry. took it all", hours=3)
    assert r.category == "crisis" and stored.urgent
    assert stored.rule == "crisis.taken_after_risk.en" and "use" in stored.signals
    answer = sent_to_ana(fake)[-1]
    assert answer.index("911") < answer.index("988")


def test_rule_intent_held_after_a_crisis_reply_is_crisis_988_first(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    r, stored = after_a_crisis_reply(
        service, clock, "my mind is made up. thanks for trying", hours=1
    )
    assert r.category == "crisis" and stored.rule == "crisis.intent_after_risk.en"
    assert not stored.urgent
    answer = sent_to_ana(fake)[-1]
    assert "988" in answer


def test_rule_an_act_told_as_done_with_no_crisis_reply_before_is_not_crisis(
    service: Service, clock: Clock
) -> None:
    r = service.receive(from_phone=ANA, body="i did it", now=clock.now)
    assert r.category != "crisis" and not replies(service.db)[-1].urgent


def test_rule_crisis_from_an_opted_out_client_still_alerts_staff(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    service.receive(from_phone=ANA, body="STOP", now=clock.now)
    service.send_now(clock.now)
    r = service.receive(from_phone=ANA, body="I want to kill myself", now=clock.now)
    service.send_now(clock.now)
    assert r.category == "crisis"
    assert [a for a in fake.accepted if a.to == "+13125550190"]
    with service.db.read() as s:
        client = s.scalar(select(Client))
        assert client is not None and client.opted_out_at is not None  # still opted out


def test_rule_crisis_with_revocation_also_opts_out(service: Service, clock: Clock) -> None:
    r = service.receive(from_phone=ANA, body="stop texting me, I want to die", now=clock.now)
    assert r.category == "crisis"
    assert set(r.queued) == {"crisis", "crisis_alert", "opt_out_confirm"}


def test_rule_unknown_numbers_crisis_gets_a_neutral_reply_and_alerts_on_call(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    r = service.receive(from_phone="+13125550177", body="i want to die", now=clock.now)
    service.send_now(clock.now)
    assert r.category == "crisis" and not r.known_client
    to = {a.to: a.body for a in fake.accepted}
    assert set(to) == {"+13125550177", "+13125550190"}
    neutral = to["+13125550177"]
    assert "911" in neutral and "988" in neutral and service.settings.program_name not in neutral
    assert "not on the roster" in to["+13125550190"]
    stored = replies(service.db)[-1]
    assert stored.client_id is None and stored.from_ref and "555" not in stored.from_ref


def test_unknown_number_is_stored_unlinked_and_gets_no_answer(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    for body in ("HELP", "7", "hello who is this"):
        r = service.receive(from_phone="+13125550177", body=body, now=clock.now)
        assert r.queued == []
    service.send_now(clock.now)
    assert fake.accepted == []
    assert all(r.client_id is None for r in replies(service.db))


def test_help_gets_the_program_phone(service: Service, clock: Clock, fake: FakeTransport) -> None:
    service.receive(from_phone=ANA, body="HELP", now=clock.now)
    service.send_now(clock.now)
    assert "(312) 555-0100" in sent_to_ana(fake)[-1]


def test_attribution_with_two_open_prompts(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    # Sunday: 12:00 check-in (daily), 18:00 the 24h reminder for Monday's group.
    run_until(service, clock, ny(2026, 11, 29, 18, 30))
    sent = {m.kind: m for m in messages(service.db) if m.status == SENT}
    checkin, reminder = sent[CHECKIN], sent[REMINDER]
    # "2" after both: the reminder is the most recent prompt -> a decline for Monday.
    r = service.receive(from_phone=ANA, body="2", now=ny(2026, 11, 29, 18, 40))
    # "7/10" only makes sense for the check-in -> a score, attributed to the check-in.
    r2 = service.receive(from_phone=ANA, body="7/10", now=ny(2026, 11, 29, 18, 45))
    assert (r.category, r2.category, r2.score) == ("decline", "checkin_answer", 7)
    rows = replies(service.db)
    assert rows[0].in_reply_to == reminder.id and rows[0].session_id == reminder.session_id
    assert rows[1].in_reply_to == checkin.id and rows[1].label == checkin.label


def test_reply_window_limits_attribution(service: Service, clock: Clock) -> None:
    run_until(service, clock, ny(2026, 11, 29, 12, 30))
    late = ny(2026, 12, 2, 13, 0)  # beyond the 48h window of Sunday's check-in...
    with service.db.session() as s:  # ...with nothing sent since
        for m in s.scalars(select(Message).where(Message.status == PENDING)):
            m.status = CANCELED
    r = service.receive(from_phone=ANA, body="5", now=late)
    assert r.category == "free_text"


def test_coping_acknowledgement_once_per_checkin_stronger_when_high(
    service: Service, clock: Clock, fake: FakeTransport
) -> None:
    def scores(label: str | None) -> tuple[str, str]:
        # (a reassuring answer, a worrying one): on the mood scale, low is the worrying end.
        return ("8", "2") if label == "mood" else ("3", "9")

    run_until(service, clock, ny(2026, 11, 29, 12, 30))
    first = next(m for m in messages(service.db, kind=CHECKIN) if m.status == SENT)
    fine, worrying = scores(first.label)
    r = service.receive(from_phone=ANA, body=fine, now=ny(2026, 11, 29, 12, 40))
    assert r.queued == ["ack"]
    r2 = service.receive(from_phone=ANA, body=f"actually {worrying}", now=ny(2026, 11, 29, 12, 45))
    service.send_now(ny(2026, 11, 29, 12, 45))
    assert r2.score == int(worrying) and r2.queued == ["ack_high"]  # the key allows one
    acks = [m for m in messages(service.db, kind=REPLY) if m.label in ("ack", "ack_high")]
    assert len(acks) == 1 and acks[0].status == SENT and acks[0].label == "ack"
    # The next check-in, answered with a worrying score: the stronger one, offering 988.
    run_until(service, clock, ny(2026, 11, 30, 12, 30))
    second = [m for m in messages(service.db, kind=CHECKIN) if m.status == SENT][-1]
    _, worrying = scores(second.label)
    service.receive(from_phone=ANA, body=f"like {worrying}!!", now=ny(2026, 11, 30, 12, 35))
    service.send_now(ny(2026, 11, 30, 12, 35))
    acks = [m for m in messages(service.db, kind=REPLY) if m.label in ("ack", "ack_high")]
    assert [a.label for a in acks] == ["ack", "ack_high"]
    assert "988" in acks[1].body and "(312) 555-0100" not in acks[1].body
    assert acks[0].body != acks[1].body  # the coping skill rotates


def test_low_mood_counts_as_concerning(
    database_url: str, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    from notifier.inbound.replies import concerning

    s = make_settings(database_url=database_url)
    assert concerning("mood", 2, s) and not concerning("mood", 9, s)
    assert concerning("cravings", 8, s) and not concerning("cravings", 3, s)


def test_no_acknowledgement_in_quiet_hours(service: Service, clock: Clock) -> None:
    run_until(service, clock, ny(2026, 11, 29, 12, 30))
    r = service.receive(from_phone=ANA, body="6", now=ny(2026, 11, 29, 22, 15))
    assert r.category == "checkin_answer" and r.queued == []


def test_webhook_retries_count_once(service: Service, clock: Clock) -> None:
    first = service.receive(
        from_phone=ANA, body="STOP", provider_sid="SM" + "9" * 32, now=clock.now
    )
    again = service.receive(
        from_phone=ANA, body="STOP", provider_sid="SM" + "9" * 32, now=clock.now
    )
    assert first.category == "opt_out" and again.duplicate
    assert len(replies(service.db)) == 1
    assert len([m for m in messages(service.db) if m.label == "opt_out_confirm"]) == 1


def test_out_of_range_score_is_free_text_not_clamped(service: Service, clock: Clock) -> None:
    run_until(service, clock, ny(2026, 11, 29, 12, 30))
    r = service.receive(from_phone=ANA, body="11/10", now=ny(2026, 11, 29, 12, 40))
    assert r.category == "free_text" and r.score is None


def test_alert_rows_go_to_each_oncall_number(
    database_url: str, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    s = make_settings(database_url=database_url, oncall_numbers="(312) 555-0190, (312) 555-0191")
    fake = FakeTransport()
    svc = Service(s, transport=fake, clock=clock)
    add_client(svc.db, "C1", phone=ANA, now=clock.now)
    svc.receive(from_phone=ANA, body="overdose", now=clock.now)
    svc.send_now(clock.now)
    alerts = messages(svc.db, kind=ALERT)
    assert sorted(a.recipient or "" for a in alerts) == ["+13125550190", "+13125550191"]
    assert all(a.status == SENT for a in alerts)
    svc.close()
