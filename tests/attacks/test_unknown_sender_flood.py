"""Attack: a stranger floods the on-call phone.

Crisis language from a number on no client's record alerts on-call staff (it may be a client on
a new phone). Without a limit, anyone who learns the program's number can make the on-call
phone ring without end: from one number, or from many. The limit: one alert per unknown number
per hour, NOTIFIER_UNKNOWN_ALERTS_PER_HOUR (default 10) from all unknown numbers together, and
one summary alert at the end of the hour counting what was held back. A client's own crisis
alert is never limited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifier.core.settings import Settings
from notifier.service import Service
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

ONCALL = "+13125550190"
ANA = "+13125550101"
START = datetime(2026, 12, 2, 14, 5, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)


@pytest.fixture
def fake() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def service(
    database_url: str, make_settings: Callable[..., Settings], fake: FakeTransport
) -> Iterator[Service]:
    s = make_settings(database_url=database_url)
    svc = Service(s, transport=fake, clock=lambda: START, worker_id="t")
    add_client(svc.db, "C1", phone=ANA, now=START)
    yield svc
    svc.close()


def stranger(n: int) -> str:
    return f"+1312555{2000 + n:04d}"


def to_oncall(fake: FakeTransport) -> list[str]:
    return [a.body for a in fake.accepted if a.to == ONCALL]


def test_attack_one_unknown_number_repeating_crisis_words_rings_once_an_hour(
    service: Service, fake: FakeTransport
) -> None:
    for i in range(30):
        at = START + timedelta(seconds=20 * i)
        service.receive(from_phone=stranger(1), body="i want to die", now=at)
        service.send_now(at)
    assert len(to_oncall(fake)) == 1
    later = START + timedelta(minutes=61)
    service.receive(from_phone=stranger(1), body="i want to die", now=later)
    service.send_now(later)
    assert len(to_oncall(fake)) == 2  # an hour on, the same number alerts again


def test_attack_many_unknown_numbers_are_capped_then_one_summary_counts_the_rest(
    service: Service, fake: FakeTransport
) -> None:
    for i in range(40):
        at = START + timedelta(seconds=10 * i)
        service.receive(from_phone=stranger(i), body="I want to kill myself", now=at)
        service.send_now(at)
    alerts = to_oncall(fake)
    assert len(alerts) == 10 and all("not on the roster" in a for a in alerts)
    # The summary waits for the end of the hour, then says how many were held back.
    top = START.replace(minute=0) + timedelta(hours=1)
    service.send_now(top)
    summaries = [a for a in to_oncall(fake) if "held" in a or "not alerted" in a]
    assert len(summaries) == 1 and "30 more" in summaries[0]
    assert len(to_oncall(fake)) == 11


def test_attack_flood_never_holds_back_a_clients_crisis_alert(
    service: Service, fake: FakeTransport
) -> None:
    for i in range(15):
        service.receive(from_phone=stranger(i), body="i want to die", now=START)
    service.send_now(START)
    assert len(to_oncall(fake)) == 10  # the cap is reached...
    r = service.receive(from_phone=ANA, body="I want to kill myself", now=START)
    service.send_now(START)
    assert r.category == "crisis" and r.queued.count("crisis_alert") == 1
    # ...and Ana is never limited: her further messages join her open alert, and on-call
    # hears of them every ten minutes, whatever the strangers do.
    for minute in (11, 22):
        at = START + timedelta(minutes=minute)
        r = service.receive(from_phone=ANA, body="I want to kill myself", now=at)
        service.send_now(at)
        assert r.queued.count("message_alert") == 1
    assert sum("Ana (C1)" in a for a in to_oncall(fake)) == 3
