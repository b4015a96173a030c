"""A risk reply that did not arrive is an alert ("did NOT get the 988/911 text"), on SQLite and
PostgreSQL: through the status webhook's callback (21610, 30003, 30006) and through a send the
provider refused at once; once per text, never for other texts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from notifier.core.models import ALERT, Alert, Message
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.transports.base import StatusReport, TransportError
from notifier.transports.twilio.status import report
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NY = ZoneInfo("America/New_York")
ANA, ONCALL = "+13125550101", "+13125550190"
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=NY).astimezone(UTC)


@pytest.fixture
def svc(database_url: str, make_settings: Callable[..., Settings]) -> Iterator[Service]:
    s = make_settings(database_url=database_url, public_url="https://n.example.org",
                      escalation_tiers="15m: +13125550191")  # fmt: skip
    service = Service(s, transport=FakeTransport(), clock=lambda: T0, worker_id="t")
    add_client(service.db, "C1", phone=ANA, now=T0 - timedelta(days=1))
    yield service
    service.close()


def twilio_report(status: str, code: str | None) -> StatusReport:
    found = report(status, code)
    assert found is not None
    return found


def crisis_text(svc: Service) -> Message:
    svc.receive(from_phone=ANA, body="i want to end it tonight", now=T0)
    svc.send_now(T0)
    with svc.db.read() as s:
        return s.scalars(select(Message).where(Message.label == "crisis")).one()


def alerts(svc: Service) -> list[Alert]:
    with svc.db.read() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        ("undelivered", "21610", "they had texted STOP"),
        ("undelivered", "30003", "phone unreachable"),
        ("failed", "30006", "not a mobile, or blocked"),
    ],
)
def test_rule_undelivered_a_crisis_text_that_did_not_arrive_pages_on_call(
    svc: Service, status: str, code: str, reason: str
) -> None:
    text = crisis_text(svc)
    assert text.provider_sid is not None
    assert svc.status_callback(text.provider_sid, twilio_report(status, code)) == "updated"
    crisis, missed = alerts(svc)
    assert (missed.kind, missed.level, missed.message_id) == ("undelivered", "crisis", text.id)
    assert missed.client_id == crisis.client_id and missed.due_reason == "tier"
    with svc.db.read() as s:
        (page,) = s.scalars(select(Message).where(Message.label == "undelivered_alert"))
    assert page.recipient == ONCALL and "did NOT get the 988/911 text" in page.body
    assert reason in page.body and "end it" not in page.body
    # Once: the same callback again, or the escalation step's scan, raise nothing more.
    svc.status_callback(text.provider_sid, twilio_report(status, code))
    svc.escalate_step(T0 + timedelta(minutes=1))
    assert len(alerts(svc)) == 2


def test_rule_undelivered_a_send_refused_at_once_is_found_by_the_escalation_step(
    svc: Service,
) -> None:
    fake = svc.transport
    assert isinstance(fake, FakeTransport)
    fake.script = [TransportError("blocked", permanent=True, code="21610", opted_out=True)]
    crisis_text(svc)
    svc.escalate_step(T0 + timedelta(minutes=1))
    assert [a.kind for a in alerts(svc)] == ["crisis", "undelivered"]


def test_rule_undelivered_other_texts_and_delivered_ones_raise_nothing(svc: Service) -> None:
    text = crisis_text(svc)
    assert text.provider_sid is not None
    svc.status_callback(text.provider_sid, twilio_report("delivered", None))
    with svc.db.session() as s:  # an on-call page that failed is not a client's risk text
        s.execute(update(Message).where(Message.kind == ALERT).values(status="failed"))
    svc.escalate_step(T0 + timedelta(minutes=1))
    assert [a.kind for a in alerts(svc)] == ["crisis"]
