"""The inbox worker yields to the webhook only while the webhook path is behind (deliveries
waiting to be stored), never merely because a webhook arrived recently, and never before a
crisis delivery: a crisis stored while the worker yields is handled next, at full speed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from notifier.core.models import REPLIES
from notifier.core.settings import Settings
from notifier.service import Service
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock, add_client

NOON = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
PHONE = "+13125550101"
CRISIS = "I want to kill myself tonight"


class SpyEvent(threading.Event):
    """``urgent_stored`` that records each wait (how long the worker offered to yield)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []
        self.on_wait: Callable[[], None] | None = None

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        if self.on_wait is not None:
            hook, self.on_wait = self.on_wait, None
            hook()
        return super().wait(timeout)


@pytest.fixture
def svc(database_url: str, make_settings: Callable[..., Settings]) -> Iterator[Service]:
    settings = make_settings(
        database_url=database_url, oncall_numbers="+13125550199", quiet_hours="off"
    )
    service = Service(settings, transport=FakeTransport(), clock=Clock(NOON), worker_id="t")
    add_client(service.db, "C0", phone=PHONE, now=NOON)
    service.urgent_stored = SpyEvent()
    try:
        yield service
    finally:
        service.close()


def store(service: Service, sid: str, body: str) -> None:
    service.submit_inbound(provider_sid=sid, from_phone=PHONE, body=body).result(10)


def recorded(service: Service) -> list[str]:
    with service.db.read() as s:
        return list(s.scalars(select(REPLIES.c.provider_sid).order_by(REPLIES.c.id)))


def test_a_recent_webhook_alone_does_not_slow_the_worker(svc: Service) -> None:
    """Webhooks arrived a moment ago but every one is stored: nothing waits for storage, so
    the worker does not yield (before: a tenth of the process whenever one arrived in the
    last 0.2 s, so at a steady 50 replies/s it always crawled)."""
    for k in range(3):
        store(svc, f"SM{k}", "ok")
    time.sleep(0.01)  # the last webhook 10 ms ago: no burst, but within the old 0.2 s
    assert svc.webhook_backlog() == 0
    spy = svc.urgent_stored
    assert isinstance(spy, SpyEvent)
    assert svc.process_inbox(paced=True) == 3
    assert spy.waits == []


def test_the_worker_yields_while_webhooks_wait_to_be_stored(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While deliveries wait to be stored the worker yields in short slices, at most about
    nine times its last batch, and then goes on."""
    for k in range(3):
        store(svc, f"SM{k}", "ok")
    monkeypatch.setattr(svc, "webhook_backlog", lambda: 2)  # the webhook path is behind
    import notifier.service as service_module

    monkeypatch.setattr(service_module, "INBOX_BATCH", 1)
    spy = svc.urgent_stored
    assert isinstance(spy, SpyEvent)
    assert svc.process_inbox(paced=True) == 3
    assert spy.waits and max(spy.waits) <= 0.0021
    assert recorded(svc) == ["SM0", "SM1", "SM2"]


def test_a_crisis_is_handled_while_webhooks_keep_arriving(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The webhook path stays behind the whole time; a crisis stored while the worker yields
    before ordinary replies ends the yield and is recorded before them, with no yield before
    its own batch."""
    for k in range(3):
        store(svc, f"SM{k}", "ok")
    monkeypatch.setattr(svc, "webhook_backlog", lambda: 5)
    spy = svc.urgent_stored
    assert isinstance(spy, SpyEvent)
    waits_before_crisis: list[int] = []

    def crisis_arrives() -> None:
        store(svc, "SMcrisis", CRISIS)
        waits_before_crisis.append(len(spy.waits))

    spy.on_wait = crisis_arrives
    assert svc.process_inbox(paced=True) == 4
    assert recorded(svc) == ["SMcrisis", "SM0", "SM1", "SM2"]
    assert waits_before_crisis == [1]  # one yield, ended by the crisis


def test_a_burst_of_webhooks_counts_as_behind(svc: Service) -> None:
    """Webhooks arriving under 5 ms apart (> 200/s) are a burst: their parsing and
    signatures load the process before anything waits to be stored."""
    store(svc, "SM0", "ok")
    svc.last_webhook = time.monotonic()
    assert svc.webhook_backlog() == 1
    svc.last_webhook = time.monotonic() - 0.05
    assert svc.webhook_backlog() == 0


def test_crisis_deliveries_never_yield(svc: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only crisis deliveries waiting, the webhook path behind: no yield at all."""
    store(svc, "SMa", CRISIS)
    store(svc, "SMb", "me quiero morir")
    monkeypatch.setattr(svc, "webhook_backlog", lambda: 5)
    spy = svc.urgent_stored
    assert isinstance(spy, SpyEvent)
    assert svc.process_inbox(paced=True) == 2
    assert spy.waits == []
    assert sorted(recorded(svc)) == ["SMa", "SMb"]
