"""Attack (finding 1): guessing the staff token on GET /followup/{group}. Failed tokens are
throttled per client address in the database, so the limit holds across replicas: 10 failures
per 15 minutes, then 429 with Retry-After. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from notifier.core import throttle
from notifier.core.db import Database
from notifier.core.models import ThrottleBucket
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.web import create_app
from tests.conftest import BASE_SETTINGS
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock

STAFF_TOKEN = BASE_SETTINGS["staff_token"]
ATTACKER, STAFF = ("203.0.113.9", 40000), ("198.51.100.7", 40001)
START = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def replicas(
    database_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[[Clock], Service]]:
    services: list[Service] = []

    def build(clock: Clock) -> Service:
        service = Service(
            make_settings(database_url=database_url), transport=FakeTransport(), clock=clock
        )
        services.append(service)
        return service

    yield build
    for service in services:
        service.close()


def _client(service: Service, address: tuple[str, int]) -> TestClient:
    return TestClient(create_app(service), client=address)


def _guess(http: TestClient, token: str) -> int:
    r = http.get("/followup/evening", headers={"Authorization": f"Bearer {token}"})
    return int(r.status_code)


def test_failed_staff_tokens_are_throttled_after_ten_with_429_and_retry_after(
    replicas: Callable[[Clock], Service],
) -> None:
    clock = Clock(START)
    attacker = _client(replicas(clock), ATTACKER)
    assert [_guess(attacker, f"guess-{i}") for i in range(10)] == [401] * 10
    r = attacker.get("/followup/evening", headers={"Authorization": "Bearer guess-10"})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) == 90  # 10 per 15 minutes: one back every 90 s
    # Throttled means throttled: even the right token waits, or guessing would go on.
    assert _guess(attacker, STAFF_TOKEN) == 429
    clock.now += timedelta(seconds=91)
    assert _guess(attacker, "guess-11") == 401
    assert _guess(attacker, "guess-12") == 429
    clock.now += timedelta(seconds=91)
    assert _guess(attacker, STAFF_TOKEN) == 200  # a right token spends nothing


def test_staff_token_throttle_holds_across_replicas(replicas: Callable[[Clock], Service]) -> None:
    clock = Clock(START)
    one, two = (_client(replicas(clock), ATTACKER) for _ in range(2))
    assert [_guess(one, "a") for _ in range(5)] + [_guess(two, "b") for _ in range(5)] == [401] * 10
    assert _guess(one, "c") == 429 and _guess(two, "d") == 429


def test_staff_token_throttle_is_per_client_address(replicas: Callable[[Clock], Service]) -> None:
    service = replicas(Clock(START))
    attacker, staff = _client(service, ATTACKER), _client(service, STAFF)
    for _ in range(11):
        _guess(attacker, "nope")
    assert _guess(attacker, STAFF_TOKEN) == 429
    assert _guess(staff, STAFF_TOKEN) == 200


def test_staff_token_throttle_stores_no_address(replicas: Callable[[Clock], Service]) -> None:
    service = replicas(Clock(START))
    _guess(_client(service, ATTACKER), "nope")
    with service.db.read() as s:
        keys = list(s.scalars(select(ThrottleBucket.key)))
    assert len(keys) == 1 and keys[0].startswith("staff-bearer:")
    assert ATTACKER[0] not in keys[0]


def test_empty_staff_token_is_always_401_and_never_throttled(
    replicas: Callable[[Clock], Service], make_settings: Callable[..., Settings], database_url: str
) -> None:
    service = Service(
        make_settings(database_url=database_url, staff_token=None), transport=FakeTransport()
    )
    try:
        http = _client(service, ATTACKER)
        assert {_guess(http, "x") for _ in range(12)} == {401}
    finally:
        service.close()


# --- the module another engineer reuses for sign-in throttling ---------------------------------
def test_throttle_buckets_allow_penalise_retry_after_and_prune(database: Database) -> None:
    rate, burst = 1 / 60, 3  # three at once, one back a minute
    args = {"rate": rate, "burst": burst}
    assert throttle.allow(database, "signin", "ana", START, **args)
    waits = [throttle.penalise(database, "signin", "ana", START, **args) for _ in range(3)]
    assert waits == [0.0, 0.0, pytest.approx(60.0)]
    assert not throttle.allow(database, "signin", "ana", START, **args)
    assert throttle.retry_after(database, "signin", "ana", START, **args) == 60
    # Another key, and the same key in another bucket, are separate.
    assert throttle.allow(database, "signin", "ben", START, **args)
    assert throttle.allow(database, "staff-bearer", "ana", START, **args)
    later = START + timedelta(seconds=61)
    assert throttle.allow(database, "signin", "ana", later, **args)
    # Never below zero: a burst of failures costs at most a full refill.
    for _ in range(10):
        throttle.penalise(database, "signin", "ana", later, **args)
    assert throttle.retry_after(database, "signin", "ana", later, **args) == 60
    assert throttle.prune(database, later + timedelta(seconds=1)) == 1
    assert throttle.allow(database, "signin", "ana", later, **args)
