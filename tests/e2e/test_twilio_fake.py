"""The real Twilio transport over HTTP against the fake Twilio (NOTIFIER_TWILIO_API_BASE),
and the dispatcher settling an "accepted but the response was lost" send without resending."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from notifier.core.db import Database
from notifier.core.models import PENDING, SENT
from notifier.core.settings import Settings
from notifier.outbound.dispatch import Dispatcher
from notifier.transports.base import TransportError
from notifier.transports.twilio import TwilioTransport
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import add_client, get_message, put_message

SID = "AC" + "0" * 32
TOKEN = "test-token"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(SID, TOKEN) as server:
        yield server


def make(fake: FakeTwilio, timeout: float = 5.0) -> TwilioTransport:
    return TwilioTransport(
        SID,
        TOKEN,
        from_number="+13125550100",
        api_base=fake.base_url,
        status_callback="https://n.example.org/twilio/status",
        timeout=timeout,
    )


def test_send_reaches_the_api_base(fake: FakeTwilio) -> None:
    t = make(fake)
    result = t.send("+13125550101", "Hi Ana", message_id=1, valid_for=600)
    accepted = fake.messages()
    assert len(accepted) == 1 and accepted[0]["sid"] == result.provider_sid
    assert accepted[0]["to"] == "+13125550101"
    t.close()


def test_opted_out_number_is_permanent_21610(fake: FakeTwilio) -> None:
    fake.opted_out.add("+13125550101")
    with pytest.raises(TransportError) as err:
        make(fake).send("+13125550101", "x", message_id=1)
    assert err.value.permanent and err.value.code == "21610"


def test_rate_limited_is_transient_20429(fake: FakeTwilio) -> None:
    fake.fail_next(1, status=429, code=20429)
    with pytest.raises(TransportError) as err:
        make(fake).send("+13125550101", "x", message_id=1)
    assert not err.value.permanent and err.value.code == "20429"
    assert not err.value.outcome_unknown


def test_slow_answer_is_a_timeout_with_unknown_outcome(fake: FakeTwilio) -> None:
    fake.slow_next(1, 2.0)
    with pytest.raises(TransportError) as err:
        make(fake, timeout=0.3).send("+13125550101", "x", message_id=1)
    assert err.value.outcome_unknown and not err.value.permanent


def test_lost_response_is_found_by_lookup(fake: FakeTwilio) -> None:
    t = make(fake)
    since = datetime.now(UTC) - timedelta(seconds=1)
    fake.lose_response_next(1)
    with pytest.raises(TransportError) as err:
        t.send("+13125550101", "Hi Ana", message_id=1)
    assert err.value.outcome_unknown
    found = t.lookup("+13125550101", "Hi Ana", since)
    assert found is not None and found.sid == fake.messages()[0]["sid"]
    assert t.lookup("+13125550101", "another text", since) is None


def test_dispatcher_settles_a_lost_response_without_a_second_send(
    fake: FakeTwilio, database: Database, make_settings: type[Settings]
) -> None:
    # The fake Twilio dates its records by the wall clock, so this test runs on it too; quiet
    # hours are off so the result does not depend on the hour the suite runs (CI at 21:00 in
    # New York once skipped the send).
    s = make_settings(retry_backoff="1s", quiet_hours="off")  # type: ignore[call-arg]
    now = datetime.now(UTC)
    c = add_client(database, "C1", now=now)
    mid = put_message(database, c.id, due=now - timedelta(seconds=1))
    fake.lose_response_next(1)
    d = Dispatcher(database, make(fake), s, worker_id="w1", rng=random.Random(3))
    d.run_once()
    assert get_message(database, mid).status == PENDING and get_message(database, mid).needs_lookup
    d.run_once(datetime.now(UTC) + timedelta(seconds=5))
    m = get_message(database, mid)
    assert m.status == SENT and m.provider_sid == fake.messages()[0]["sid"]
    assert len(fake.messages()) == 1
    d.stop()
