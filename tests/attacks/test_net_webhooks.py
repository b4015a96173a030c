"""Attacks on the Twilio webhooks: a re-cut signed request (finding 5), forged bodies with
thousands of fields, a trickled body, a client that goes away mid-body, and HMAC work on the
event loop (finding 3)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from notifier.core.models import Reply
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.transports.twilio.webhooks import INBOUND as INBOUND_FIELDS
from notifier.transports.twilio.webhooks import MAX_FIELDS
from notifier.transports.twilio.webhooks import STATUS as STATUS_FIELDS
from notifier.web import create_app
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=NY).astimezone(UTC)
TOKEN = "secret-token"
PUBLIC_URL = "https://notifier.example.org"
PHONE = "+13125550101"
INBOUND, STATUS = "/twilio/inbound", "/twilio/status"
FORM = "application/x-www-form-urlencoded"


def sign(path: str, params: dict[str, str]) -> str:
    signature: str = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + path, params)
    return signature


@dataclass
class Hooks:
    service: Service
    app: FastAPI
    http: TestClient

    def post(self, path: str, params: dict[str, str], signature: str | None = None) -> Any:
        return self.http.post(
            path,
            content=urlencode(params),
            headers={"Content-Type": FORM, "X-Twilio-Signature": signature or sign(path, params)},
        )

    def bodies(self) -> list[str]:
        with self.service.db.read() as s:
            return list(s.scalars(select(Reply.body).order_by(Reply.id)))


@pytest.fixture
def hooks(
    database_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[..., Hooks]]:
    services: list[Service] = []

    def build(**overrides: Any) -> Hooks:
        settings = make_settings(
            database_url=database_url,
            sms_backend="twilio",
            escalation_tiers="15m: +13125550191",
            twilio_account_sid="AC" + "1" * 32,
            twilio_auth_token=TOKEN,
            twilio_from_number="+13125550100",
            public_url=PUBLIC_URL,
            **overrides,
        )
        service = Service(settings, transport=FakeTransport(), clock=lambda: NOW)
        services.append(service)
        add_client(service.db, "C1", phone=PHONE, now=NOW - timedelta(days=7))
        app = create_app(service)
        return Hooks(service, app, TestClient(app, raise_server_exceptions=False))

    yield build
    for service in services:
        service.close()


def twilio_inbound(body: str) -> dict[str, str]:
    """What Twilio really sends for an SMS (the names of a captured request)."""
    return {
        "ToCountry": "US",
        "ToState": "IL",
        "SmsMessageSid": "SM" + "c" * 32,
        "NumMedia": "0",
        "ToCity": "CHICAGO",
        "FromZip": "60601",
        "SmsSid": "SM" + "c" * 32,
        "FromState": "IL",
        "SmsStatus": "received",
        "FromCity": "CHICAGO",
        "Body": body,
        "FromCountry": "US",
        "To": "+13125550100",
        "ToZip": "60601",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": "SM" + "c" * 32,
        "AccountSid": "AC" + "1" * 32,
        "From": PHONE,
        "ApiVersion": "2010-04-01",
        "MessagingServiceSid": "MG" + "2" * 32,
    }


# --- finding 5: re-cutting a captured signed request -----------------------------------------
def test_recut_signed_request_with_an_invented_parameter_name_is_refused(
    database_url: str, hooks: Callable[..., Hooks]
) -> None:
    """Body="I am fine Don't text me" re-sent as Body="I am fine " plus a parameter named
    "Don't text me": the same signed string. Sent first, it would be stored and the real text
    dropped as a duplicate MessageSid."""
    app = hooks()
    genuine = twilio_inbound("I am fine Don't text me")
    signature = sign(INBOUND, genuine)
    recut = {**genuine, "Body": "I am fine ", "Don't text me": ""}
    assert sign(INBOUND, recut) == signature  # the attack: the signature still fits
    r = app.post(INBOUND, recut, signature)
    assert r.status_code == 400 and "unexpected field" in r.text
    assert app.bodies() == []
    assert app.post(INBOUND, genuine, signature).status_code == 200
    assert app.bodies() == ["I am fine Don't text me"]


def test_unknown_field_is_refused_before_any_hmac(
    database_url: str, hooks: Callable[..., Hooks]
) -> None:
    app = hooks()
    for path, form in (
        (INBOUND, {**twilio_inbound("hi"), "Evil": "1"}),
        (STATUS, {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered", "Evil": "1"}),
    ):
        with mock.patch.object(RequestValidator, "validate", autospec=True) as hmac_:
            r = app.post(path, form, "not-even-a-signature")
        assert r.status_code == 400 and "'Evil'" in r.text
        hmac_.assert_not_called()


def test_every_field_twilio_sends_is_accepted(
    database_url: str, hooks: Callable[..., Hooks]
) -> None:
    """The allowlist refuses nothing Twilio sends: a WhatsApp-style inbound with media and
    every documented extra, and a status callback with every documented field."""
    app = hooks()
    inbound = {name: "x" for name in INBOUND_FIELDS}
    inbound |= {f"MediaUrl{i}": "https://api.twilio.com/m" for i in range(10)}
    inbound |= {f"MediaContentType{i}": "image/jpeg" for i in range(10)}
    inbound |= {"MessageSid": "SM" + "d" * 32, "From": PHONE, "Body": "hello", "OptOutType": ""}
    assert app.post(INBOUND, inbound).status_code == 200
    status = {name: "x" for name in STATUS_FIELDS}
    status |= {"MessageSid": "SM" + "e" * 32, "MessageStatus": "delivered", "ErrorCode": ""}
    assert app.post(STATUS, status).status_code == 200


# --- finding 3: forged bodies, slow bodies, vanishing clients, work on the event loop ---------
def _many_fields(n: int) -> str:
    return "&".join(f"f{i}=" for i in range(n))


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_forged_body_with_thousands_of_fields_refused_before_any_hmac(
    database_url: str, hooks: Callable[..., Hooks], path: str
) -> None:
    """The review's load: 2,444 empty fields in 16 KB made the HMAC (and the sorting before
    it) run over every field on the event loop. Now: 400 on the field count, no HMAC."""
    app = hooks()
    body = _many_fields(2444)
    assert len(body) < 16384
    with mock.patch.object(RequestValidator, "validate", autospec=True) as hmac_:
        r = app.http.post(
            path, content=body, headers={"Content-Type": FORM, "X-Twilio-Signature": "x"}
        )
    assert r.status_code == 400
    hmac_.assert_not_called()
    # One over the cap is refused even when every name is one Twilio sends.
    r = app.http.post(
        path,
        content="&".join(f"MediaUrl{i % 10}=" for i in range(MAX_FIELDS + 1)),
        headers={"Content-Type": FORM, "X-Twilio-Signature": "x"},
    )
    assert r.status_code == 400 and "too many fields" in r.text


@pytest.mark.parametrize(
    ("body", "on_loop"),
    [
        # An SMS-sized delivery: the hash costs less than a hop to a worker thread.
        ("hello", True),
        # A forged or oversized body (here 6 KB, under the 16 KB cap): off the event loop.
        ("x" * 6000, False),
    ],
)
def test_signature_of_a_large_body_is_computed_off_the_event_loop(
    database_url: str, hooks: Callable[..., Hooks], body: str, on_loop: bool
) -> None:
    app = hooks()
    seen: list[bool] = []
    real = RequestValidator.validate

    def spy(self: RequestValidator, *args: Any, **kwargs: Any) -> bool:
        try:
            asyncio.get_running_loop()
            seen.append(True)  # on the event loop's thread
        except RuntimeError:
            seen.append(False)
        return bool(real(self, *args, **kwargs))

    with mock.patch.object(RequestValidator, "validate", autospec=True, side_effect=spy):
        assert app.post(INBOUND, twilio_inbound(body)).status_code == 200
    assert seen == [on_loop]


class Asgi:
    """Drive the app at the ASGI level, as uvicorn does, with a scripted client."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def post(self, path: str, events: list[dict[str, Any] | None], timeout: float) -> int:
        """Send ``events`` (None: the client stalls for ever); the status sent back, or 0."""
        sent: list[dict[str, Any]] = []
        body = urlencode(twilio_inbound("I am fine")).encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"content-type", FORM.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"x-twilio-signature", b"x"),
            ],
            "client": ("203.0.113.9", 40000),
            "server": ("testserver", 80),
            "state": {},
        }
        script = iter(events)

        async def receive() -> dict[str, Any]:
            event = next(script, None)
            if event is None:
                await asyncio.sleep(3600)
                raise AssertionError("unreachable")
            return event

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        async def run() -> None:
            async with asyncio.timeout(timeout):
                await self.app(scope, receive, send)

        asyncio.run(run())
        starts = [m for m in sent if m["type"] == "http.response.start"]
        return int(starts[0]["status"]) if starts else 0


def test_client_vanishing_mid_body_is_a_quiet_400_not_a_500_traceback(
    database_url: str, hooks: Callable[..., Hooks], caplog: pytest.LogCaptureFixture
) -> None:
    app = hooks()
    caplog.set_level(logging.INFO)
    status = Asgi(app.app).post(
        INBOUND,
        [
            {"type": "http.request", "body": b"ToCountry=US&Body=I+am", "more_body": True},
            {"type": "http.disconnect"},
        ],
        timeout=5,
    )
    assert status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    gone = [r for r in caplog.records if getattr(r, "event", "") == "webhook.client_gone"]
    assert len(gone) == 1 and gone[0].levelno == logging.INFO
    assert "I+am" not in caplog.text and "I am" not in caplog.text


def test_trickled_body_is_cut_off_at_the_body_deadline_with_408(
    database_url: str, hooks: Callable[..., Hooks]
) -> None:
    """A client sends a few bytes of its body and then nothing: 408 after
    NOTIFIER_HTTP_BODY_TIMEOUT, not a connection held for ever."""
    app = hooks(http_body_timeout="1s")
    started = time.monotonic()
    status = Asgi(app.app).post(
        INBOUND, [{"type": "http.request", "body": b"ToCountry=US", "more_body": True}, None], 10
    )
    assert status == 408
    assert 0.9 < time.monotonic() - started < 5


# Twilio's webhook spelling of a MessageInstance property, where it is not plain CamelCase.
SPEC_RENAMES = {"sid": "MessageSid", "status": "MessageStatus"}


def test_status_allowlist_covers_every_message_instance_field_of_twilios_spec() -> None:
    """The status callback carries MessageInstance's fields (Twilio's twilio_api_v2010.json,
    kept in tests/contract/twilio/ for the contract tests; the app embeds the names as data)."""
    import json

    from tests.contract.conftest import DEFAULT_SPEC

    assert DEFAULT_SPEC.is_file(), f"Twilio's spec is kept at {DEFAULT_SPEC}"
    spec = json.loads(DEFAULT_SPEC.read_text())
    properties = spec["components"]["schemas"]["api.v2010.account.message"]["properties"]
    names = {
        SPEC_RENAMES.get(p, "".join(part.capitalize() for part in p.split("_"))) for p in properties
    }
    assert len(names) >= 20
    assert names - STATUS_FIELDS == set()
