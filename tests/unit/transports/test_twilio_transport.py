"""The Twilio transport through the SDK's own ``http_client`` seam: what we send, and how every
kind of failure is classified (DESIGN.md rule: Sending)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from twilio.http import HttpClient
from twilio.http.response import Response

from notifier.transports.base import TransportError
from notifier.transports.twilio import TwilioTransport

SID = "AC" + "a" * 32
MSG = {
    "sid": "SM" + "b" * 32,
    "account_sid": SID,
    "to": "+13125550101",
    "from": "+13125550100",
    "body": "hi",
    "status": "queued",
    "direction": "outbound-api",
    "error_code": None,
    "date_created": "Tue, 01 Dec 2026 17:00:00 +0000",
}


@dataclass
class Call:
    method: str
    url: str
    params: dict[str, Any] | None
    data: dict[str, Any] | None


@dataclass
class ScriptedHttpClient(HttpClient):  # type: ignore[misc]
    """Answers from a script; records each request. Raises when the script holds an exception."""

    script: list[Response | Exception] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logger=None, is_async=False, timeout=None)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self.calls.append(Call(method, url, params, data))
        item = self.script.pop(0) if self.script else Response(201, json.dumps(MSG))
        if isinstance(item, Exception):
            raise item
        return item


def transport(http: ScriptedHttpClient, **kw: Any) -> TwilioTransport:
    options: dict[str, Any] = {
        "from_number": "+13125550100",
        "status_callback": "https://n.example.org/twilio/status",
    }
    options.update(kw)
    return TwilioTransport(SID, "token", http_client=http, **options)


def error(status: int, code: int | None) -> Response:
    body = {"status": status, "message": "nope", "more_info": "https://www.twilio.com/docs"}
    if code is not None:
        body["code"] = code
    return Response(status, json.dumps(body))


def test_send_posts_to_messages_with_status_callback_and_validity() -> None:
    http = ScriptedHttpClient()
    result = transport(http).send("+13125550101", "Hi Ana", message_id=7, valid_for=3600.5)
    assert result.provider_sid == MSG["sid"]
    call = http.calls[0]
    assert call.method == "POST"
    assert call.url == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    assert call.data is not None
    assert call.data["To"] == "+13125550101" and call.data["Body"] == "Hi Ana"
    assert call.data["From"] == "+13125550100"
    assert call.data["StatusCallback"] == "https://n.example.org/twilio/status"
    assert call.data["ValidityPeriod"] == 3600
    assert "MessagingServiceSid" not in call.data


def test_send_prefers_the_messaging_service() -> None:
    http = ScriptedHttpClient()
    mg = "MG" + "c" * 32
    transport(http, messaging_service_sid=mg, from_number=None).send(
        "+13125550101", "x", message_id=1
    )
    assert http.calls[0].data is not None
    assert http.calls[0].data["MessagingServiceSid"] == mg and "From" not in http.calls[0].data


def test_long_freshness_sends_no_validity_period() -> None:
    http = ScriptedHttpClient()
    transport(http).send("+13125550101", "x", message_id=1, valid_for=50_000)
    assert http.calls[0].data is not None and "ValidityPeriod" not in http.calls[0].data


@pytest.mark.parametrize(
    ("status", "code", "permanent", "unknown"),
    [
        (429, 20429, False, False),
        (400, 30001, False, False),
        (400, 21611, False, False),
        (400, 30003, False, False),
        (400, 21211, True, False),
        (400, 21408, True, False),
        (400, 21610, True, False),
        (400, 21612, True, False),
        (400, 21614, True, False),
        (400, 21635, True, False),
        (400, 30006, True, False),
        (400, 21604, True, False),
        (401, 20003, False, False),  # a bad token is fixed by ops; the message should wait
        (500, 20500, False, True),  # Twilio may have stored it: look it up before resending
        (502, None, False, True),
        (503, 20503, False, False),
        (404, 20404, True, False),
    ],
)
def test_rule_sending_twilio_errors_are_classified(
    status: int, code: int | None, permanent: bool, unknown: bool
) -> None:
    http = ScriptedHttpClient(script=[error(status, code)])
    with pytest.raises(TransportError) as err:
        transport(http).send("+13125550101", "x", message_id=1)
    assert err.value.permanent is permanent
    assert err.value.outcome_unknown is unknown
    # Without a Twilio code in the body, the SDK reports the HTTP status as the code.
    assert err.value.code == str(code if code is not None else status)


@pytest.mark.parametrize(
    ("exc", "unknown"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), True),
        (requests.exceptions.ConnectTimeout("connect timed out"), False),
        (requests.exceptions.ConnectionError("Connection refused"), False),
        (
            requests.exceptions.ConnectionError("RemoteDisconnected('closed without response')"),
            True,
        ),
    ],
)
def test_rule_sending_network_failures_are_transient_and_marked_unknown_when_sent(
    exc: Exception, unknown: bool
) -> None:
    http = ScriptedHttpClient(script=[exc])
    with pytest.raises(TransportError) as err:
        transport(http).send("+13125550101", "x", message_id=1)
    assert err.value.permanent is False
    assert err.value.outcome_unknown is unknown


def test_lookup_matches_number_body_and_time() -> None:
    older = dict(MSG, sid="SM" + "1" * 32, date_created="Mon, 30 Nov 2026 17:00:00 +0000")
    match = dict(
        MSG, sid="SM" + "2" * 32, body="hi", date_created="Tue, 01 Dec 2026 17:00:05 +0000"
    )
    other = dict(MSG, sid="SM" + "3" * 32, body="other")
    page = {
        "messages": [other, match, older],
        "next_page_uri": None,
        "page": 0,
        "page_size": 50,
        "uri": "/x",
        "first_page_uri": "/x",
        "previous_page_uri": None,
        "start": 0,
        "end": 2,
    }
    http = ScriptedHttpClient(script=[Response(200, json.dumps(page))])
    found = transport(http).lookup("+13125550101", "hi", datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    assert found is not None and found.sid == match["sid"]
    assert http.calls[0].params is not None and http.calls[0].params["To"] == "+13125550101"
    # A message with the same words from an earlier day is never mistaken for this one.
    http2 = ScriptedHttpClient(script=[Response(200, json.dumps(dict(page, messages=[older])))])
    assert (
        transport(http2).lookup("+13125550101", "hi", datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
        is None
    )


def test_list_inbound_keeps_only_inbound_newer_than_since() -> None:
    inbound = dict(
        MSG,
        sid="SM" + "4" * 32,
        direction="inbound",
        body="7",
        date_created="Tue, 01 Dec 2026 18:00:00 +0000",
    )
    page = {
        "messages": [inbound, MSG],
        "next_page_uri": None,
        "page": 0,
        "page_size": 100,
        "uri": "/x",
        "first_page_uri": "/x",
        "previous_page_uri": None,
        "start": 0,
        "end": 1,
    }
    http = ScriptedHttpClient(script=[Response(200, json.dumps(page))])
    got = transport(http).list_inbound(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    assert [m.sid for m in got] == [inbound["sid"]]
    assert http.calls[0].params is not None and "DateSent>" in http.calls[0].params


def test_api_base_override_rewrites_only_the_twilio_host() -> None:
    from notifier.transports.twilio import ApiBaseHttpClient

    seen: list[str] = []

    class Recording(ApiBaseHttpClient):
        pass

    client = Recording("http://127.0.0.1:4010/", 3.0, 4)
    assert client.split_timeout == (5.0, 3.0)

    def fake_send(request: Any, **kwargs: Any) -> Any:
        seen.append(request.url)
        raise requests.exceptions.ConnectTimeout("stop here")

    assert client.session is not None
    client.session.send = fake_send  # type: ignore[method-assign]
    with pytest.raises(requests.exceptions.ConnectTimeout):
        client.request("GET", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json")
    assert seen == ["http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json"]
