"""The Twilio webhooks over HTTP: signatures, malformed input and limits, retries, status
callbacks. The app runs in-process (TestClient) with a fake transport, so nothing goes on the
network; every database-touching test runs on SQLite and on PostgreSQL.

TestClient re-raises any exception from the app, so a 500 fails a test loudly; the table of
malformed requests also runs with ``raise_server_exceptions=False`` to check for 4xx codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from notifier.core.db import Database
from notifier.core.models import (
    ALERT,
    CANCELED,
    CHECKIN,
    DELIVERED,
    PENDING,
    REPLY,
    SENT,
    UNDELIVERED,
    Client,
    Message,
    Reply,
)
from notifier.core.settings import Settings
from notifier.roster.clients import external_id_filter
from notifier.service import Service
from notifier.web import EMPTY_TWIML, create_app
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client, get_message, messages, put_message

NY = ZoneInfo("America/New_York")
# A Tuesday noon in the program's zone: outside quiet hours, so nothing is deferred.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=NY).astimezone(UTC)
ENROLLED = NOW - timedelta(days=7)

TOKEN = "secret-token"
ACCOUNT_SID = "AC" + "1" * 32
PUBLIC_URL = "https://notifier.example.org"
OUR_NUMBER = "+13125550100"
PHONE = "+13125550101"
INBOUND = "/twilio/inbound"
STATUS = "/twilio/status"
FORM = "application/x-www-form-urlencoded"
ONCALL = ("+13125550190", "+13125550191")


def sid(n: int, prefix: str = "SM") -> str:
    return f"{prefix}{n:032x}"


@dataclass
class App:
    service: Service
    transport: FakeTransport
    http: TestClient
    public_url: str
    token: str

    @property
    def db(self) -> Database:
        return self.service.db

    def post(
        self,
        path: str,
        params: dict[str, str],
        *,
        sign_url: str | None = None,
        token: str | None = None,
        signed_params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST ``params`` as a form, signed (by default) exactly as Twilio would sign it."""
        url = sign_url if sign_url is not None else self.public_url + path
        signature = RequestValidator(token or self.token).compute_signature(
            url, signed_params if signed_params is not None else params
        )
        response: httpx.Response = self.http.post(
            path,
            content=urlencode(params),
            headers={"Content-Type": FORM, "X-Twilio-Signature": signature, **(headers or {})},
        )
        return response

    def raw(self, path: str, content: Any, headers: dict[str, str]) -> httpx.Response:
        response: httpx.Response = self.http.post(path, content=content, headers=headers)
        return response


def twilio_settings(database_url: str) -> dict[str, Any]:
    return {
        "database_url": database_url,
        "sms_backend": "twilio",
        "escalation_tiers": "15m: +13125550199",
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": TOKEN,
        "twilio_from_number": OUR_NUMBER,
        "public_url": PUBLIC_URL,
    }


@pytest.fixture
def start(
    database_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[..., App]]:
    """Build the app over a fresh database; every service built is closed after the test."""
    services: list[Service] = []

    def build(*, raise_server_exceptions: bool = True, **overrides: Any) -> App:
        settings = make_settings(**{**twilio_settings(database_url), **overrides})
        transport = FakeTransport()
        service = Service(settings, transport=transport, clock=lambda: NOW)
        services.append(service)
        http = TestClient(create_app(service), raise_server_exceptions=raise_server_exceptions)
        return App(
            service,
            transport,
            http,
            settings.public_url or "",
            settings.secret("twilio_auth_token") or "",
        )

    yield build
    for service in services:
        service.close()


def inbound(body: str = "Doing ok today", *, n: int = 1, **extra: str) -> dict[str, str]:
    return {
        "ToCountry": "US",
        "SmsMessageSid": sid(n),
        "NumMedia": "0",
        "MessageSid": sid(n),
        "AccountSid": ACCOUNT_SID,
        "From": PHONE,
        "To": OUR_NUMBER,
        "Body": body,
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def reply_rows(db: Database) -> list[Reply]:
    with db.session() as s:
        return list(s.scalars(select(Reply).order_by(Reply.id)))


def client_row(db: Database, external_id: str) -> Client:
    with db.session() as s:
        c = s.scalar(select(Client).where(external_id_filter(db.crypto, external_id)))
        assert c is not None
        return c


def assert_empty_twiml(r: httpx.Response) -> None:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == "text/xml"
    assert r.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    assert r.text == EMPTY_TWIML


# --- signatures --------------------------------------------------------------------------------
def test_valid_signature_is_200_with_empty_twiml_and_the_reply_is_recorded(
    start: Callable[..., App],
) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    assert_empty_twiml(app.post(INBOUND, inbound("Rough day but hanging in")))
    rows = reply_rows(app.db)
    assert len(rows) == 1
    assert rows[0].provider_sid == sid(1) and rows[0].body == "Rough day but hanging in"
    assert rows[0].client_id == client_row(app.db, "C1").id and rows[0].source == "webhook"
    assert rows[0].received_at == NOW


def test_wrong_token_is_403_and_nothing_is_recorded(start: Callable[..., App]) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    r = app.post(INBOUND, inbound("STOP"), token="not-the-token")
    assert r.status_code == 403
    assert reply_rows(app.db) == []
    assert client_row(app.db, "C1").opted_out_at is None
    assert messages(app.db) == [] and app.transport.accepted == []


def test_parameter_changed_after_signing_is_403(start: Callable[..., App]) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    signed = inbound("Doing ok today")
    r = app.post(INBOUND, inbound("STOP"), signed_params=signed)
    assert r.status_code == 403
    assert reply_rows(app.db) == []
    assert client_row(app.db, "C1").opted_out_at is None


def test_parameter_added_after_signing_is_403(start: Callable[..., App]) -> None:
    app = start()
    signed = inbound("Doing ok today")
    r = app.post(INBOUND, {**signed, "OptOutType": "STOP"}, signed_params=signed)
    assert r.status_code == 403
    assert reply_rows(app.db) == []


@pytest.mark.parametrize(
    "sign_url",
    [
        "https://attacker.example.com/twilio/inbound",
        "https://notifier.example.org/twilio/status",
        "https://notifier.example.org/twilio/inbound/",
        "http://notifier.example.org/twilio/inbound",
        "https://notifier.example.org:8443/twilio/inbound",
    ],
    ids=["other-host", "other-path", "trailing-slash", "http-scheme", "other-port"],
)
def test_signature_for_another_url_is_403(start: Callable[..., App], sign_url: str) -> None:
    app = start()
    r = app.post(INBOUND, inbound(), sign_url=sign_url)
    assert r.status_code == 403
    assert reply_rows(app.db) == []


@pytest.mark.parametrize("header", [None, ""], ids=["absent", "empty"])
def test_missing_signature_header_is_403(start: Callable[..., App], header: str | None) -> None:
    app = start()
    headers = {"Content-Type": FORM}
    if header is not None:
        headers["X-Twilio-Signature"] = header
    for path in (INBOUND, STATUS):
        params = inbound() if path == INBOUND else {"MessageSid": sid(1), "MessageStatus": "sent"}
        assert app.raw(path, urlencode(params), headers).status_code == 403
    assert reply_rows(app.db) == []


def test_query_string_is_part_of_the_signed_url(start: Callable[..., App]) -> None:
    app = start()
    path = INBOUND + "?clinic=a"
    signed_with = app.post(path, inbound(n=1), sign_url=PUBLIC_URL + path)
    assert_empty_twiml(signed_with)
    signed_without = app.post(path, inbound(n=2), sign_url=PUBLIC_URL + INBOUND)
    assert signed_without.status_code == 403
    other_value = app.post(path, inbound(n=3), sign_url=PUBLIC_URL + INBOUND + "?clinic=b")
    assert other_value.status_code == 403
    assert [r.provider_sid for r in reply_rows(app.db)] == [sid(1)]


@pytest.mark.parametrize(
    "sign_url",
    [
        "https://notifier.example.org/twilio/inbound",
        "https://notifier.example.org:443/twilio/inbound",
    ],
    ids=["without-port", "with-default-port"],
)
def test_signature_with_or_without_the_default_port_is_accepted(
    start: Callable[..., App], sign_url: str
) -> None:
    app = start()
    assert_empty_twiml(app.post(INBOUND, inbound(), sign_url=sign_url))
    assert len(reply_rows(app.db)) == 1


def test_behind_a_proxy_the_public_url_is_checked_not_the_address_reached(
    start: Callable[..., App],
) -> None:
    """TestClient reaches the app as http://testserver, like a TLS-terminating proxy would:
    only a signature for NOTIFIER_PUBLIC_URL is good."""
    app = start()
    internal = app.post(INBOUND, inbound(n=1), sign_url="http://testserver" + INBOUND)
    assert internal.status_code == 403
    assert reply_rows(app.db) == []
    assert_empty_twiml(app.post(INBOUND, inbound(n=2), sign_url=PUBLIC_URL + INBOUND))
    assert [r.provider_sid for r in reply_rows(app.db)] == [sid(2)]


DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675310",
    "Digits": "1234",
    "From": "+14158675310",
    "To": "+18005551212",
}
DOC_SIGNATURE = "GvWf1cFY/Q7PnoempGyD5oXAezc="


def documented_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's algorithm as documented: HMAC-SHA1 over the URL followed by every parameter
    name and value, sorted by name; base64."""
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def test_twilio_documented_example_validates_with_the_sdk() -> None:
    validator = RequestValidator(DOC_TOKEN)
    assert validator.compute_signature(DOC_URL, DOC_PARAMS) == DOC_SIGNATURE
    assert documented_signature(DOC_TOKEN, DOC_URL, DOC_PARAMS) == DOC_SIGNATURE
    assert validator.validate(DOC_URL, DOC_PARAMS, DOC_SIGNATURE)
    assert not validator.validate(DOC_URL, {**DOC_PARAMS, "Digits": "1235"}, DOC_SIGNATURE)
    assert not RequestValidator("54321").validate(DOC_URL, DOC_PARAMS, DOC_SIGNATURE)


def test_app_accepts_a_request_signed_with_the_documented_algorithm(
    start: Callable[..., App],
) -> None:
    app = start(twilio_auth_token=DOC_TOKEN, public_url="https://mycompany.com")
    path = INBOUND + "?foo=1&bar=2"
    params = inbound("Doing ok")
    signature = documented_signature(DOC_TOKEN, "https://mycompany.com" + path, params)
    headers = {"Content-Type": FORM, "X-Twilio-Signature": signature}
    assert_empty_twiml(app.raw(path, urlencode(params), headers))
    assert len(reply_rows(app.db)) == 1
    # The same algorithm with the old token is refused.
    stale = documented_signature(TOKEN, "https://mycompany.com" + path, inbound(n=2))
    r = app.raw(path, urlencode(inbound(n=2)), {**headers, "X-Twilio-Signature": stale})
    assert r.status_code == 403 and len(reply_rows(app.db)) == 1


# --- malformed requests and limits ---------------------------------------------------------------
def test_json_body_with_a_signature_is_400(start: Callable[..., App]) -> None:
    app = start()
    params = inbound()
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + INBOUND, params)
    r = app.http.post(INBOUND, json=params, headers={"X-Twilio-Signature": signature})
    assert r.status_code == 400
    assert reply_rows(app.db) == []


@pytest.mark.parametrize(
    "content",
    [b"%zz=1&&&", b"Body=caf\xe9&From=%2B13125550101&MessageSid=SM1", b"Body=%ff%fe", b"&&"],
    ids=["empty-fields", "latin-1-bytes", "percent-encoded-non-utf8", "only-separators"],
)
def test_invalid_form_encoding_is_400(start: Callable[..., App], content: bytes) -> None:
    app = start()
    r = app.raw(INBOUND, content, {"Content-Type": FORM, "X-Twilio-Signature": "c2lnbmF0dXJl"})
    assert r.status_code == 400
    assert reply_rows(app.db) == []


def test_repeated_form_field_is_400(start: Callable[..., App]) -> None:
    app = start()
    body = urlencode(inbound("first")) + "&Body=second"
    r = app.raw(INBOUND, body, {"Content-Type": FORM, "X-Twilio-Signature": "c2lnbmF0dXJl"})
    assert r.status_code == 400
    assert reply_rows(app.db) == []


@pytest.mark.parametrize("missing", ["MessageSid", "From", "Body"])
def test_inbound_without_a_required_field_is_400_even_when_signed(
    start: Callable[..., App], missing: str
) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    params = {k: v for k, v in inbound().items() if k != missing}
    r = app.post(INBOUND, params)
    assert r.status_code == 400
    assert missing in r.json()["detail"]
    assert reply_rows(app.db) == []


@pytest.mark.parametrize("empty", ["MessageSid", "From"])
def test_inbound_with_an_empty_required_field_is_400(start: Callable[..., App], empty: str) -> None:
    app = start()
    r = app.post(INBOUND, {**inbound(), empty: ""})
    assert r.status_code == 400
    assert reply_rows(app.db) == []


def test_an_empty_body_text_is_a_valid_reply(start: Callable[..., App]) -> None:
    """An MMS with only a picture has Body="": it is still recorded (Body is present)."""
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    assert_empty_twiml(app.post(INBOUND, inbound("", NumMedia="1")))
    assert [r.body for r in reply_rows(app.db)] == [""]


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_body_over_the_limit_is_413_even_without_a_valid_signature(
    start: Callable[..., App], signed: bool
) -> None:
    app = start(webhook_max_bytes=2048)
    add_client(app.db, "C1", now=ENROLLED)
    params = inbound("x" * 3000)
    assert len(urlencode(params)) > 2048
    if signed:
        r = app.post(INBOUND, params)
    else:
        r = app.raw(INBOUND, urlencode(params), {"Content-Type": FORM})
    assert r.status_code == 413
    assert reply_rows(app.db) == []


def test_body_under_the_limit_is_accepted(start: Callable[..., App]) -> None:
    app = start(webhook_max_bytes=2048)
    params = inbound("x" * 1500)
    assert len(urlencode(params)) < 2048
    assert_empty_twiml(app.post(INBOUND, params))


def test_streamed_body_over_the_limit_is_413(start: Callable[..., App]) -> None:
    """No Content-Length (chunked): the limit is enforced while reading."""
    app = start(webhook_max_bytes=2048)

    def chunks() -> Iterator[bytes]:
        yield b"Body="
        for _ in range(10):
            yield b"x" * 500

    r = app.raw(INBOUND, chunks(), {"Content-Type": FORM, "X-Twilio-Signature": "c2ln"})
    assert r.status_code == 413
    assert reply_rows(app.db) == []


def test_content_length_header_over_the_limit_is_413(start: Callable[..., App]) -> None:
    app = start(webhook_max_bytes=2048)
    for path in (INBOUND, STATUS):
        r = app.raw(
            path,
            b"Body=hi",
            {"Content-Type": FORM, "Content-Length": "2049", "X-Twilio-Signature": "c2ln"},
        )
        assert r.status_code == 413
    assert reply_rows(app.db) == []


MALFORMED: list[tuple[str, str, bytes, dict[str, str], int]] = [
    ("json", INBOUND, b'{"Body": "hi"}', {"Content-Type": "application/json"}, 400),
    ("text-plain", STATUS, b"MessageSid=SM1", {"Content-Type": "text/plain"}, 400),
    ("no-content-type", INBOUND, b"Body=hi", {"Content-Type": ""}, 400),
    ("bad-percent", INBOUND, b"%zz=1&&&", {}, 400),
    ("non-utf8", STATUS, b"MessageStatus=\xff", {}, 400),
    ("repeated", STATUS, b"MessageSid=a&MessageSid=b", {}, 400),
    ("too-long", INBOUND, b"Body=" + b"x" * 3000, {}, 413),
    ("length-header", STATUS, b"a=1", {"Content-Length": "999999999"}, 413),
    ("length-not-a-number", INBOUND, b"a=1", {"Content-Length": "12abc"}, 400),
    ("no-signature", STATUS, b"MessageSid=SM1&MessageStatus=sent", {"X-Twilio-Signature": ""}, 403),
    ("bad-signature", INBOUND, b"MessageSid=SM1&From=x&Body=hi", {}, 403),
]


@pytest.mark.parametrize(
    ("path", "content", "headers", "expected"),
    [m[1:] for m in MALFORMED],
    ids=[m[0] for m in MALFORMED],
)
def test_malformed_requests_get_a_4xx_never_a_500(
    start: Callable[..., App], path: str, content: bytes, headers: dict[str, str], expected: int
) -> None:
    app = start(webhook_max_bytes=2048, raise_server_exceptions=False)
    sent = {"Content-Type": FORM, "X-Twilio-Signature": "c2lnbmF0dXJl", **headers}
    r = app.raw(path, content, {k: v for k, v in sent.items() if v or k != "Content-Type"})
    assert r.status_code == expected, r.text
    assert reply_rows(app.db) == []


def test_nul_byte_in_the_body_is_recorded_without_it(start: Callable[..., App]) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    assert_empty_twiml(app.post(INBOUND, inbound("I need\x00 help")))
    rows = reply_rows(app.db)
    assert len(rows) == 1 and "\x00" not in rows[0].body
    assert rows[0].body.startswith("I need") and rows[0].body.endswith(" help")


def test_overlong_message_sid_is_400_and_records_nothing(start: Callable[..., App]) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    r = app.post(INBOUND, {**inbound(), "MessageSid": "SM" + "9" * 100})
    assert r.status_code == 400
    assert reply_rows(app.db) == []


# --- retries and replies --------------------------------------------------------------------------
def test_same_message_sid_three_times_is_one_reply_and_one_confirmation(
    start: Callable[..., App],
) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    for _ in range(3):
        assert_empty_twiml(app.post(INBOUND, inbound("STOP", n=7)))
    rows = reply_rows(app.db)
    assert len(rows) == 1 and rows[0].category == "opt_out"
    assert client_row(app.db, "C1").opted_out_at == NOW
    confirmations = messages(app.db, label="opt_out_confirm")
    assert len(confirmations) == 1 and confirmations[0].status == SENT
    assert [s.to for s in app.transport.accepted] == [PHONE]


def test_stop_already_answered_by_twilio_advanced_opt_out_sends_no_confirmation(
    start: Callable[..., App],
) -> None:
    app = start()
    add_client(app.db, "C1", now=ENROLLED)
    assert_empty_twiml(app.post(INBOUND, inbound("STOP", OptOutType="STOP")))
    assert client_row(app.db, "C1").opted_out_at == NOW
    assert [r.category for r in reply_rows(app.db)] == ["opt_out"]
    assert messages(app.db, label="opt_out_confirm") == []
    assert app.transport.accepted == []


def test_crisis_reply_queues_a_response_and_an_alert_per_oncall_number_sent_at_once(
    start: Callable[..., App],
) -> None:
    app = start(oncall_numbers=", ".join(ONCALL))
    add_client(app.db, "C1", first_name="Ana", now=ENROLLED)
    assert_empty_twiml(app.post(INBOUND, inbound("I want to kill myself")))
    assert [r.category for r in reply_rows(app.db)] == ["crisis"]
    crisis = messages(app.db, label="crisis")
    alerts = messages(app.db, label="crisis_alert")
    assert len(crisis) == 1 and crisis[0].kind == REPLY
    assert sorted(a.recipient or "" for a in alerts) == sorted(ONCALL)
    assert all(a.kind == ALERT for a in alerts)
    # The background task ran before TestClient returned: all of them are with the provider.
    assert {m.status for m in crisis + alerts} == {SENT}
    assert sorted(s.to for s in app.transport.accepted) == sorted([PHONE, *ONCALL])
    response = next(s for s in app.transport.accepted if s.to == PHONE)
    assert "988" in response.body and "911" in response.body
    # A retry of the same webhook alerts nobody twice.
    assert_empty_twiml(app.post(INBOUND, inbound("I want to kill myself")))
    assert len(app.transport.accepted) == 3


def test_reply_from_an_unknown_number_is_recorded_and_not_answered(
    start: Callable[..., App],
) -> None:
    app = start()
    assert_empty_twiml(app.post(INBOUND, inbound("who is this?", From="+13125550199")))
    rows = reply_rows(app.db)
    assert len(rows) == 1 and rows[0].client_id is None
    assert rows[0].from_ref is not None and "5550199" not in rows[0].from_ref
    assert messages(app.db) == [] and app.transport.accepted == []


# --- status callbacks -------------------------------------------------------------------------
def sent_message(db: Database, client_id: int, provider_sid: str, *, label: str = "x") -> int:
    with db.session() as s:
        m = Message(
            kind=CHECKIN,
            client_id=client_id,
            label="cravings",
            body="Hi Ana, a check-in",
            dedupe_key=f"t:{client_id}:{provider_sid}:{label}",
            due_at=NOW - timedelta(minutes=5),
            not_after=NOW + timedelta(hours=4),
            status=SENT,
            attempts=1,
            needs_lookup=False,
            provider_sid=provider_sid,
            sent_at=NOW - timedelta(minutes=5),
            created_at=NOW - timedelta(minutes=5),
        )
        s.add(m)
        s.flush()
        return m.id


def status(app: App, provider_sid: str, value: str, code: str | None = None) -> httpx.Response:
    params = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": provider_sid,
        "SmsSid": provider_sid,
        "MessageStatus": value,
        "SmsStatus": value,
        "From": OUR_NUMBER,
        "To": PHONE,
        "ApiVersion": "2010-04-01",
    }
    if code is not None:
        params["ErrorCode"] = code
    return app.post(STATUS, params)


def test_status_callbacks_only_move_a_message_forward(start: Callable[..., App]) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(42))
    assert_empty_twiml(status(app, sid(42), "delivered"))
    assert get_message(app.db, mid).status == DELIVERED
    assert get_message(app.db, mid).status_at == NOW
    assert_empty_twiml(status(app, sid(42), "sent"))  # late, out of order
    assert get_message(app.db, mid).status == DELIVERED
    assert_empty_twiml(status(app, sid(42), "failed", "30008"))
    m = get_message(app.db, mid)
    assert m.status == DELIVERED and m.error_code is None
    assert_empty_twiml(status(app, sid(42), "delivered"))  # a repeat is harmless
    assert get_message(app.db, mid).status == DELIVERED


def test_undelivered_records_the_error_code_and_a_late_queued_changes_nothing(
    start: Callable[..., App],
) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(43))
    assert_empty_twiml(status(app, sid(43), "undelivered", "30003"))
    m = get_message(app.db, mid)
    assert m.status == UNDELIVERED and m.error_code == "30003"
    assert_empty_twiml(status(app, sid(43), "queued"))
    m = get_message(app.db, mid)
    assert m.status == UNDELIVERED and m.error_code == "30003"
    assert client_row(app.db, "C1").opted_out_at is None


def test_failed_with_21610_opts_the_client_out_and_cancels_pending_texts(
    start: Callable[..., App],
) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    other = add_client(app.db, "C2", first_name="Ben", phone="+13125550102", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(44))
    pending = put_message(app.db, c.id, due=NOW + timedelta(days=1), key="p:c1")
    untouched = put_message(app.db, other.id, due=NOW + timedelta(days=1), key="p:c2")
    assert_empty_twiml(status(app, sid(44), "failed", "21610"))
    m = get_message(app.db, mid)
    assert m.status == "failed" and m.error_code == "21610"
    assert client_row(app.db, "C1").opted_out_at == NOW
    assert get_message(app.db, pending).status == CANCELED
    assert client_row(app.db, "C2").opted_out_at is None
    assert get_message(app.db, untouched).status == PENDING


def test_status_for_an_unknown_message_sid_is_200_and_harmless(start: Callable[..., App]) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(45))
    assert_empty_twiml(status(app, sid(999), "delivered"))
    assert_empty_twiml(status(app, sid(998), "failed", "21610"))
    assert get_message(app.db, mid).status == SENT
    assert client_row(app.db, "C1").opted_out_at is None


def test_unknown_message_status_is_400(start: Callable[..., App]) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(46))
    r = status(app, sid(46), "exploded")
    assert r.status_code == 400
    assert get_message(app.db, mid).status == SENT


@pytest.mark.parametrize("missing", ["MessageSid", "MessageStatus"])
def test_status_without_a_required_field_is_400(start: Callable[..., App], missing: str) -> None:
    app = start()
    params = {"MessageSid": sid(47), "MessageStatus": "delivered"}
    del params[missing]
    r = app.post(STATUS, params)
    assert r.status_code == 400 and missing in r.json()["detail"]


def test_unsigned_or_badly_signed_status_callback_is_403(start: Callable[..., App]) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(48))
    form = urlencode({"MessageSid": sid(48), "MessageStatus": "failed", "ErrorCode": "21610"})
    assert app.raw(STATUS, form, {"Content-Type": FORM}).status_code == 403
    r = app.post(
        STATUS,
        {"MessageSid": sid(48), "MessageStatus": "failed", "ErrorCode": "21610"},
        token="not-the-token",
    )
    assert r.status_code == 403
    assert get_message(app.db, mid).status == SENT
    assert client_row(app.db, "C1").opted_out_at is None


def test_overlong_error_code_is_400_and_changes_nothing(start: Callable[..., App]) -> None:
    app = start()
    c = add_client(app.db, "C1", now=ENROLLED)
    mid = sent_message(app.db, c.id, sid(49))
    r = status(app, sid(49), "undelivered", "3" * 40)
    assert r.status_code == 400
    m = get_message(app.db, mid)
    assert m.status == SENT and m.error_code is None
