"""Contract: every API call the real TwilioTransport makes is one Twilio's own OpenAPI spec accepts.

The transport runs unmodified, through the official SDK and our ApiBaseHttpClient, against
Stoplight Prism mocking ``twilio_api_v2010.json`` (see conftest.py). Each test checks three things:

- the call returns normally: Prism's random (``-d``) but schema-conforming answers are parsed;
- Prism's log has a "passed the validation rules" verdict and no violation for each request;
- the request carried the parameters that make it mean what we intend (Prism only validates what
  is present, and it does not validate every parameter: see ``test_list_inbound``).

The negative controls show a request that breaks the spec is caught by the same checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from notifier.transports.base import ProviderMessage, TransportError
from notifier.transports.twilio import TwilioTransport

if TYPE_CHECKING:
    from tests.contract.conftest import PrismRequest, PrismServer

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "contract-test-token"
FROM = "+15005550006"
TO = "+15551234567"
SERVICE_SID = "MG" + "fedcba9876543210" * 2
STATUS_CALLBACK = "https://notifier.example.org/twilio/status"
MESSAGES = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
MESSAGE_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{{sid}}.json"
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")

T = TypeVar("T")


@dataclass(frozen=True)
class Sent:
    """A request as it left the SDK (Prism's log has the path, but not the query or form)."""

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]


def record_requests(transport: TwilioTransport) -> list[Sent]:
    """Collect every request the transport's SDK client sends, via the SDK's own response hooks
    (observation only: nothing in the transport or the SDK is replaced)."""
    sent: list[Sent] = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        req = response.request
        url = urlsplit(req.url or "")
        body = req.body.decode() if isinstance(req.body, bytes) else (req.body or "")
        sent.append(Sent(str(req.method), url.path, parse_qs(url.query), parse_qs(body)))
        return response

    transport.http_client.request_hooks.setdefault("response", []).append(hook)
    return sent


def exchange(prism: PrismServer, sent: list[Sent], call: Callable[[], T]) -> tuple[T, list[Sent]]:
    """Run one transport call; return its result and the requests it made, after checking that
    Prism received exactly those requests and validated every one of them."""
    mark, before = prism.mark(), len(sent)
    try:
        result = call()
    except Exception as exc:
        # Say what Prism saw: a 422 from a validation failure and a parse error look alike here.
        logged = prism.requests_since(mark, expected=len(sent) - before)
        exc.add_note(f"Prism logged {len(logged)} request(s):\n" + "\n\n".join(map(str, logged)))
        raise
    new = sent[before:]
    logged = prism.requests_since(mark, expected=len(new))
    assert [(r.method, r.path) for r in logged] == [(s.method, s.path) for s in new], (
        "Prism did not receive exactly the requests the transport sent:\n"
        + "\n\n".join(map(str, logged))
    )
    for request in logged:
        assert request.passed, f"Prism rejected a request:\n{request}"
    return result, new


def raw_get(prism: PrismServer, path: str, params: dict[str, str]) -> tuple[int, PrismRequest]:
    mark = prism.mark()
    resp = requests.get(
        prism.base_url + path, params=params, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=15
    )
    (logged,) = prism.requests_since(mark, expected=1)
    return resp.status_code, logged


@pytest.fixture()
def from_transport(prism: PrismServer) -> Iterator[TwilioTransport]:
    transport = TwilioTransport(
        ACCOUNT_SID,
        AUTH_TOKEN,
        from_number=FROM,
        status_callback=STATUS_CALLBACK,
        api_base=prism.base_url,
    )
    yield transport
    transport.close()


@pytest.fixture()
def service_transport(prism: PrismServer) -> Iterator[TwilioTransport]:
    transport = TwilioTransport(
        ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid=SERVICE_SID, api_base=prism.base_url
    )
    yield transport
    transport.close()


def test_send_with_from_number_status_callback_and_validity_period(
    prism: PrismServer, from_transport: TwilioTransport
) -> None:
    sent = record_requests(from_transport)

    result, (req,) = exchange(
        prism,
        sent,
        lambda: from_transport.send(TO, "Group tonight 18:00", message_id=1, valid_for=7200.9),
    )

    assert (req.method, req.path) == ("POST", MESSAGES)
    assert req.form == {
        "To": [TO],
        "Body": ["Group tonight 18:00"],
        "From": [FROM],
        "StatusCallback": [STATUS_CALLBACK],
        "ValidityPeriod": ["7200"],  # whole seconds: the spec says integer
    }
    assert MESSAGE_SID.fullmatch(result.provider_sid), result


def test_send_with_messaging_service_instead_of_from(
    prism: PrismServer, service_transport: TwilioTransport
) -> None:
    sent = record_requests(service_transport)

    result, (req,) = exchange(
        prism, sent, lambda: service_transport.send(TO, "How are cravings today?", message_id=2)
    )

    assert (req.method, req.path) == ("POST", MESSAGES)
    # The service picks the sender: a From as well would override it.
    assert req.form == {
        "To": [TO],
        "Body": ["How are cravings today?"],
        "MessagingServiceSid": [SERVICE_SID],
    }
    assert MESSAGE_SID.fullmatch(result.provider_sid), result


def test_lookup_lists_messages_to_the_client(
    prism: PrismServer, from_transport: TwilioTransport
) -> None:
    sent = record_requests(from_transport)
    since = datetime.now(UTC) - timedelta(minutes=10)

    found, (req,) = exchange(prism, sent, lambda: from_transport.lookup(TO, "a reminder", since))

    assert (req.method, req.path) == ("GET", MESSAGES)
    assert req.query == {"To": [TO], "PageSize": ["50"]}
    # Prism's page holds random messages; whether one matches does not matter, parsing does.
    assert found is None or isinstance(found, ProviderMessage)


@pytest.mark.parametrize("transport_fixture", ["from_transport", "service_transport"])
def test_list_inbound_filters_on_date_sent(
    prism: PrismServer, transport_fixture: str, request: pytest.FixtureRequest
) -> None:
    transport: TwilioTransport = request.getfixturevalue(transport_fixture)
    sent = record_requests(transport)
    since = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)

    inbound, (req,) = exchange(prism, sent, lambda: transport.list_inbound(since))

    assert (req.method, req.path) == ("GET", MESSAGES)
    expected = {"DateSent>": ["2026-03-01T18:30:00Z"], "PageSize": ["100"]}
    if transport.from_number:
        expected["To"] = [FROM]  # our number; a Messaging Service may have several
    assert req.query == expected
    assert all(isinstance(m, ProviderMessage) for m in inbound)

    # Prism 5.14 does not validate "DateSent>" at all (a garbage value passes), so the "passed"
    # verdict above says nothing about that value. Check it with Prism's validator for the
    # plain DateSent parameter, which has the same schema (string, format date-time).
    status, logged = raw_get(prism, MESSAGES, {"DateSent": req.query["DateSent>"][0]})
    assert status == 200 and logged.passed, logged


def test_fetch_a_message_by_sid(prism: PrismServer, from_transport: TwilioTransport) -> None:
    sent = record_requests(from_transport)
    sid = "SM" + "0123456789abcdef" * 2

    message, (req,) = exchange(prism, sent, lambda: from_transport.fetch(sid))

    assert (req.method, req.path) == ("GET", MESSAGE_PATH.format(sid=sid))
    assert req.query == {}
    # Random field values, but the types the rest of the app relies on.
    assert isinstance(message, ProviderMessage)
    assert MESSAGE_SID.fullmatch(message.sid), message
    assert message.created_at is None or message.created_at.tzinfo is not None


CALLS = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")


def test_voice_call_speaks_the_alert_with_inline_twiml(
    prism: PrismServer, from_transport: TwilioTransport
) -> None:
    sent = record_requests(from_transport)
    say = "This is notifier. An urgent alert is waiting for a call back."

    result, (req,) = exchange(prism, sent, lambda: from_transport.call(TO, say, message_id=4))

    assert (req.method, req.path) == ("POST", CALLS)
    assert set(req.form) == {"To", "From", "Twiml", "Timeout", "TimeLimit"}
    assert (req.form["To"], req.form["From"]) == ([TO], [FROM])
    assert (req.form["Timeout"], req.form["TimeLimit"]) == (["30"], ["120"])  # integers
    (twiml,) = req.form["Twiml"]
    assert twiml.count(f"<Say>{say}</Say>") == 2 and twiml.startswith("<?xml")
    assert "Url" not in req.form  # nothing for Twilio to fetch from us
    assert CALL_SID.fullmatch(result.provider_sid), result


def test_voice_call_without_a_from_number_is_refused_before_any_request(
    prism: PrismServer, service_transport: TwilioTransport
) -> None:
    sent = record_requests(service_transport)
    assert not service_transport.voice
    with pytest.raises(TransportError) as err:
        service_transport.call(TO, "hello", message_id=5)
    assert err.value.permanent and sent == []


# -- negative controls: the checks above would catch a request that breaks the spec ---------


def test_control_prism_rejects_a_message_without_to(prism: PrismServer) -> None:
    mark = prism.mark()

    resp = requests.post(
        prism.base_url + MESSAGES,
        data={"From": FROM, "Body": "no recipient"},
        auth=(ACCOUNT_SID, AUTH_TOKEN),
        timeout=15,
    )

    assert resp.status_code == 422, resp.text
    (logged,) = prism.requests_since(mark, expected=1)
    assert (logged.method, logged.path) == ("POST", MESSAGES)
    assert not logged.passed
    assert any("required property 'To'" in line for line in logged.violations), logged


def test_control_a_transport_sending_a_bad_request_is_caught(prism: PrismServer) -> None:
    # A malformed Messaging Service SID stands in for a transport bug that breaks the request.
    transport = TwilioTransport(
        ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid="MG-not-a-sid", api_base=prism.base_url
    )
    mark = prism.mark()

    with pytest.raises(TransportError):
        transport.send(TO, "hello", message_id=3)
    transport.close()

    (logged,) = prism.requests_since(mark, expected=1)
    assert not logged.passed
    assert any("MessagingServiceSid" in line for line in logged.violations), logged
