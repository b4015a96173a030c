"""Escalation of unanswered crisis alerts, on SQLite and PostgreSQL
(notifier/inbound/escalation.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from notifier.core.models import ALERT, Alert, AlertEvent, Message
from notifier.core.settings import Settings
from notifier.service import Service
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NY = ZoneInfo("America/New_York")
ANA, BEN = "+13125550101", "+13125550102"
ONCALL = "+13125550190"
T0 = datetime(2026, 12, 2, 12, 0, tzinfo=NY).astimezone(UTC)  # a Wednesday noon


@pytest.fixture
def build(
    database_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[..., Service]]:
    made: list[Service] = []

    def make(**overrides: Any) -> Service:
        settings = make_settings(
            database_url=database_url, public_url="https://n.example.org", **overrides
        )
        svc = Service(settings, transport=FakeTransport(), clock=lambda: T0, worker_id="t")
        if not made:
            add_client(svc.db, "C1", phone=ANA, now=T0)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        svc.close()


def crisis(svc: Service, at: datetime = T0) -> int:
    svc.receive(from_phone=ANA, body="i took too many pills", now=at)
    return latest_alert(svc).id


def latest_alert(svc: Service) -> Alert:
    with svc.db.read() as s:
        found = s.scalars(select(Alert).order_by(Alert.id.desc())).first()
        assert found is not None
        return found


def escalation_texts(svc: Service) -> list[Message]:
    with svc.db.read() as s:
        return list(
            s.scalars(
                select(Message)
                .where(Message.kind == ALERT, Message.dedupe_key.like("escalate:%"))
                .order_by(Message.id)
            )
        )


def acknowledge(svc: Service, alert_id: int, at: datetime) -> None:
    with svc.db.session() as s:
        s.execute(
            update(Alert)
            .where(Alert.id == alert_id)
            .values(acknowledged_at=at, outcome="reached", acknowledged_by=1, state="closed",
                    due_at=None, due_reason=None)
        )  # fmt: skip


def test_rule_escalation_not_before_the_deadline(build: Callable[..., Service]) -> None:
    svc = build()
    crisis(svc)
    result = svc.escalate_step(T0 + timedelta(minutes=14, seconds=59))
    assert result.escalated == () and escalation_texts(svc) == []
    assert latest_alert(svc).escalated_at is None


def test_rule_escalation_once_after_the_deadline_with_a_distinct_text_and_the_same_link(
    build: Callable[..., Service],
) -> None:
    svc = build()
    alert_id = crisis(svc)
    at = T0 + timedelta(minutes=15)
    assert svc.escalate_step(at).escalated == (alert_id,)
    alert = latest_alert(svc)
    assert alert.escalated_at == at
    (text,) = escalation_texts(svc)
    assert text.dedupe_key == f"escalate:{alert_id}:0" and text.recipient == ONCALL
    assert text.label == "crisis_escalation" and text.due_at == at
    assert "NOT YET ANSWERED after 15 min" in text.body and "Ana (C1)" in text.body
    assert f"https://n.example.org/a/{alert.link_token}" in text.body
    assert "pills" not in text.body and ANA not in text.body
    # Later steps change nothing: once.
    for minutes in (16, 30, 60):
        assert svc.escalate_step(T0 + timedelta(minutes=minutes)).escalated == ()
    assert len(escalation_texts(svc)) == 1
    svc.send_now(at)
    assert any("NOT YET ANSWERED" in m.body for m in svc.transport.accepted)  # type: ignore[attr-defined]


def test_rule_escalation_never_when_acknowledged_in_time(build: Callable[..., Service]) -> None:
    svc = build()
    alert_id = crisis(svc)
    acknowledge(svc, alert_id, T0 + timedelta(minutes=10))
    assert svc.escalate_step(T0 + timedelta(minutes=20)).escalated == ()
    assert escalation_texts(svc) == [] and latest_alert(svc).escalated_at is None


def test_rule_escalation_once_when_two_replicas_step_at_once(
    build: Callable[..., Service],
) -> None:
    replicas = [build(), build(), build()]
    alert_id = crisis(replicas[0])
    at = T0 + timedelta(minutes=16)
    results: list[tuple[int, ...]] = []
    start = threading.Barrier(len(replicas))

    def step(svc: Service) -> None:
        start.wait()
        results.append(svc.escalate_step(at).escalated)

    threads = [threading.Thread(target=step, args=(svc,)) for svc in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [(), (), (alert_id,)]
    assert len(escalation_texts(replicas[0])) == 1


def test_rule_concern_and_callback_escalate_once_when_nobody_acts_by_the_deadline(
    build: Callable[..., Service],
) -> None:
    svc = build(escalation_tiers="15m: +13125550191")
    add_client(svc.db, "C2", first_name="Ben", phone=BEN, now=T0)
    svc.receive(from_phone=ANA, body="what's the point anymore", now=T0)
    svc.receive(from_phone=BEN, body="can someone call me please", now=T0)
    with svc.db.read() as s:
        found = {a.kind: a for a in s.scalars(select(Alert))}
    assert set(found) == {"callback", "concern"}
    close = datetime(2026, 12, 2, 17, 0, tzinfo=NY).astimezone(UTC)  # "today": by the close
    assert {a.deadline for a in found.values()} == {close}
    assert svc.escalate_step(close - timedelta(minutes=1)).escalated == ()
    assert sorted(svc.escalate_step(close).escalated) == sorted(a.id for a in found.values())
    with svc.db.read() as s:
        overdue = list(s.scalars(select(Message).where(Message.label == "overdue_alert")))
    assert {m.recipient for m in overdue} == {"+13125550191"} and len(overdue) == 2
    assert all("no outcome yet" in m.body and "due by 5:00 PM" in m.body for m in overdue)
    assert svc.escalate_step(close + timedelta(hours=1)).escalated == ()  # once


def test_rule_escalation_an_unknown_number_goes_through_the_tiers_too(
    build: Callable[..., Service],
) -> None:
    svc = build()
    svc.receive(from_phone="+13125550177", body="i took too many pills", now=T0)
    alert = latest_alert(svc)
    assert alert.client_id is None
    assert svc.escalate_step(T0 + timedelta(minutes=15)).escalated == (alert.id,)
    (text,) = escalation_texts(svc)
    assert "A number (not on the roster)" in text.body and "+13125550177" not in text.body


def test_rule_escalation_not_for_stale_alerts(build: Callable[..., Service]) -> None:
    svc = build()
    crisis(svc)
    assert svc.escalate_step(T0 + timedelta(hours=7)).escalated == ()
    assert escalation_texts(svc) == []


def test_rule_escalation_default_numbers_are_every_oncall_number(
    build: Callable[..., Service],
) -> None:
    svc = build(oncall_numbers="(312) 555-0190, (312) 555-0191")
    alert_id = crisis(svc)
    svc.escalate_step(T0 + timedelta(minutes=15))
    texts = escalation_texts(svc)
    assert [(m.dedupe_key, m.recipient) for m in texts] == [
        (f"escalate:{alert_id}:0", "+13125550190"),
        (f"escalate:{alert_id}:1", "+13125550191"),
    ]


def test_rule_escalation_goes_to_escalation_numbers_when_set_after_the_set_delay(
    build: Callable[..., Service],
) -> None:
    svc = build(escalation_numbers="(312) 555-0199", crisis_escalate_after="5m")
    alert_id = crisis(svc)
    assert svc.escalate_step(T0 + timedelta(minutes=4)).escalated == ()
    assert svc.escalate_step(T0 + timedelta(minutes=5)).escalated == (alert_id,)
    (text,) = escalation_texts(svc)
    assert text.recipient == "+13125550199" and "after 5 min" in text.body


def test_rule_escalation_a_call_tier_rings_with_a_spoken_alert_beside_its_text(
    build: Callable[..., Service],
) -> None:
    svc = build(escalation_tiers="15m: +13125550191; 30m call: +13125550192",
                quiet_hours="00:00-23:59")  # fmt: skip
    alert_id = crisis(svc)
    for minutes in (15, 30):
        assert svc.escalate_step(T0 + timedelta(minutes=minutes)).escalated == (alert_id,)
    svc.send_now(T0 + timedelta(minutes=30))
    fake = svc.transport
    assert isinstance(fake, FakeTransport)
    (rung,) = fake.rung  # quiet hours never hold a call to staff
    assert rung.to == "+13125550192" and "urgent alert is waiting" in rung.body
    assert "Ana" not in rung.body and "C1" not in rung.body  # a voice names nobody
    assert any(a.to == "+13125550192" and "NOT YET ANSWERED" in a.body for a in fake.accepted)
    with svc.db.read() as s:
        calls = list(s.scalars(select(Message).where(Message.kind == "call")))
        detail = s.scalars(
            select(AlertEvent.detail).where(AlertEvent.event == "escalated_tier")
        ).all()
    assert [c.status for c in calls] == ["sent"] and calls[0].provider_sid.startswith("CA")
    assert detail == ["1 text(s)", "1 text(s), 1 call(s)"]


def test_rule_escalation_a_call_tier_needs_a_from_number_with_the_real_transport(
    make_settings: Callable[..., Settings],
) -> None:
    from notifier.core.settings import SettingsError
    from notifier.core.settings_load import load_settings

    twilio = {"sms_backend": "twilio", "twilio_account_sid": "AC" + "1" * 32,
              "twilio_auth_token": "t", "public_url": "https://n.example.org",
              "twilio_messaging_service_sid": "MG" + "2" * 32,
              "escalation_tiers": "15m call: +13125550191",
              "oncall_numbers": "+13125550190"}  # fmt: skip
    with pytest.raises(SettingsError, match=r"TWILIO_FROM_NUMBER.*voice call"):
        load_settings(None, **twilio)
