"""Twilio, through the official SDK.

The SDK's ``http_client`` is the seam: :class:`ApiBaseHttpClient` sends API calls to
``NOTIFIER_TWILIO_API_BASE`` (a local mock, Prism, the test fake) instead of api.twilio.com,
sets an explicit (connect, read) timeout, and keeps the SDK's request logging (which would
print numbers and bodies) silent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from notifier.core.settings import Settings
from notifier.transports.base import ProviderMessage, SendResult, TransportError
from notifier.transports.twilio.errors import OPTED_OUT_CODE, is_permanent

TWILIO_API = "https://api.twilio.com"
CONNECT_TIMEOUT = 5.0
MAX_VALIDITY_SECONDS = 36000  # Twilio's upper bound for ValidityPeriod
CALL_RING = 30  # seconds a voice alert rings before Twilio gives up (voicemail after ~25)
CALL_LIMIT = 120  # seconds a voice alert may last

_sdk_log = logging.getLogger("notifier.twilio.sdk")
_sdk_log.setLevel(logging.WARNING)


class ApiBaseHttpClient(TwilioHttpClient):  # type: ignore[misc]  # the SDK is untyped
    """A TwilioHttpClient with a base-URL override, a pool sized for our concurrency and a
    split timeout (a slow connect fails fast; a slow answer gets the full read timeout)."""

    def __init__(self, api_base: str | None, read_timeout: float, pool_size: int) -> None:
        super().__init__(pool_connections=True, timeout=read_timeout, logger=_sdk_log)
        self.api_base = api_base.rstrip("/") if api_base else None
        self.split_timeout = (CONNECT_TIMEOUT, read_timeout)
        # The SDK compares a per-call timeout with 0, so a tuple must come in as the default.
        self.timeout = self.split_timeout
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        assert self.session is not None
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self.api_base and url.startswith(TWILIO_API):
            url = self.api_base + url[len(TWILIO_API) :]
        return super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=None,  # -> self.timeout, the (connect, read) tuple
            allow_redirects=allow_redirects,
        )


class TwilioTransport:
    name = "twilio"
    real = True
    polls = True  # replies the webhook missed are listed by the inbound poller
    local = False

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        messaging_service_sid: str | None = None,
        from_number: str | None = None,
        status_callback: str | None = None,
        api_base: str | None = None,
        timeout: float = 15.0,
        pool_size: int = 8,
        http_client: TwilioHttpClient | None = None,
    ) -> None:
        if not (messaging_service_sid or from_number):
            raise ValueError("a Messaging Service SID or a From number is required")
        self.http_client = http_client or ApiBaseHttpClient(api_base, timeout, pool_size)
        self.client = Client(account_sid, auth_token, http_client=self.http_client)
        # The SDK imports its API modules on first use (a few hundred milliseconds): do it now,
        # not inside the first paced send, where the delay would bunch it with the next one.
        _ = self.client.messages
        self.messaging_service_sid = messaging_service_sid
        self.from_number = from_number
        self.status_callback = status_callback
        # A voice call needs a number to call from: a Messaging Service has none of its own.
        self.voice = from_number is not None

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioTransport:
        assert settings.twilio_account_sid and settings.twilio_auth_token
        return cls(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            messaging_service_sid=settings.twilio_messaging_service_sid,
            from_number=settings.twilio_from_number,
            status_callback=f"{settings.public_url}/twilio/status" if settings.public_url else None,
            api_base=settings.twilio_api_base,
            timeout=settings.twilio_timeout,
            pool_size=settings.send_concurrency + 4,
        )

    # ----------------------------------------------------------------------------------------
    def send(
        self, to: str, body: str, *, message_id: int, valid_for: float | None = None
    ) -> SendResult:
        kwargs: dict[str, Any] = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if self.status_callback:
            kwargs["status_callback"] = self.status_callback
        if valid_for is not None and valid_for < MAX_VALIDITY_SECONDS:
            # Twilio drops the message if its queue cannot send it in time: never late.
            kwargs["validity_period"] = max(1, int(valid_for))
        try:
            msg = self.client.messages.create(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _from_twilio(exc) from None
        except requests.exceptions.ConnectTimeout:
            raise TransportError("connect timeout", permanent=False) from None
        except requests.exceptions.ReadTimeout:
            # The request went out; Twilio may have accepted it.
            raise TransportError("read timeout", permanent=False, outcome_unknown=True) from None
        except requests.exceptions.ConnectionError as exc:
            raise _from_connection_error(exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(
                type(exc).__name__, permanent=False, outcome_unknown=True
            ) from None
        if not msg.sid:
            # Accepted without a SID we could record: settle it by lookup, never resend blind.
            raise TransportError("no sid in response", permanent=False, outcome_unknown=True)
        return SendResult(provider_sid=str(msg.sid))

    def call(self, to: str, say: str, *, message_id: int) -> SendResult:
        """A voice call (the Calls API) that speaks ``say`` twice with TwiML given inline (no
        URL for Twilio to fetch: nothing to serve, nothing about the call on our server).
        It rings for :data:`CALL_RING` seconds and lasts at most :data:`CALL_LIMIT`."""
        if not self.from_number:
            raise TransportError("voice calls need TWILIO_FROM_NUMBER", permanent=True)
        twiml = VoiceResponse()
        twiml.say(say)
        twiml.pause(length=1)
        twiml.say(say)
        try:
            placed = self.client.calls.create(
                to=to, from_=self.from_number, twiml=str(twiml), timeout=CALL_RING,
                time_limit=CALL_LIMIT,
            )  # fmt: skip
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _from_twilio(exc) from None
        except requests.exceptions.ConnectTimeout:
            raise TransportError("connect timeout", permanent=False) from None
        except requests.exceptions.RequestException as exc:
            # A call may have been placed; a second ring is better than none.
            raise TransportError(type(exc).__name__, permanent=False) from None
        if not placed.sid:
            raise TransportError("no sid in response", permanent=False)
        return SendResult(provider_sid=str(placed.sid))

    def lookup(self, to: str, body: str, since: datetime) -> ProviderMessage | None:
        """Find a message we sent but never heard back about: same number and text, created
        after the claim. ``since`` is widened by a minute for clock skew."""
        after = since - timedelta(minutes=1)
        try:
            # No DateSent filter: a message still queued at Twilio has no date_sent yet, and
            # missing it here would mean sending it twice. Newest first; a client gets few.
            candidates = self.client.messages.list(to=to, page_size=50, limit=100)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _from_twilio(exc) from None
        except TwilioException as exc:  # a list page that is not 200 raises the base class
            raise _from_page_error(exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(type(exc).__name__, permanent=False) from None
        for m in sorted(
            candidates, key=lambda m: m.date_created or datetime.min.replace(tzinfo=UTC)
        ):
            created = m.date_created
            if m.direction and not str(m.direction).startswith("outbound"):
                continue
            if (m.body or "") == body and (created is None or created >= after):
                return _provider_message(m)
        return None

    def list_inbound(self, since: datetime) -> list[ProviderMessage]:
        our = self.from_number
        try:
            found = self.client.messages.list(
                to=our if our else None,  # a Messaging Service may have several numbers
                date_sent_after=(since - timedelta(days=1)).astimezone(UTC),
                page_size=100,
                limit=1000,
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _from_twilio(exc) from None
        except TwilioException as exc:  # a list page that is not 200 raises the base class
            raise _from_page_error(exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(type(exc).__name__, permanent=False) from None
        inbound = [
            _provider_message(m)
            for m in found
            if str(m.direction or "") == "inbound"
            and (m.date_created is None or m.date_created > since - timedelta(minutes=5))
        ]
        return sorted(inbound, key=lambda m: m.created_at or since)

    def fetch(self, sid: str) -> ProviderMessage:
        try:
            return _provider_message(self.client.messages(sid).fetch())
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _from_twilio(exc) from None
        except TwilioException as exc:  # a list page that is not 200 raises the base class
            raise _from_page_error(exc) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(type(exc).__name__, permanent=False) from None

    def close(self) -> None:
        session = getattr(self.http_client, "session", None)
        if session is not None:
            session.close()


def _provider_message(m: Any) -> ProviderMessage:
    return ProviderMessage(
        sid=str(m.sid),
        from_=str(m.from_ or ""),
        to=str(m.to or ""),
        body=str(m.body or ""),
        status=str(m.status or ""),
        created_at=m.date_created,
        error_code=str(m.error_code) if m.error_code else None,
    )


def _from_twilio(exc: TwilioRestException | TwilioServiceException) -> TransportError:
    code = str(exc.code) if exc.code is not None else None
    status = int(exc.status) if exc.status is not None else None
    permanent = is_permanent(status, code)
    retry_after: float | None = None
    # A 5xx may come after Twilio stored the message: look it up before sending again.
    unknown = status is not None and status >= 500 and status not in (503,)
    reason = f"HTTP {status} code {code}" if code else f"HTTP {status}"
    return TransportError(
        reason,
        permanent=permanent,
        code=code,
        outcome_unknown=unknown,
        retry_after=retry_after,
        opted_out=code == OPTED_OUT_CODE,
    )


def _from_page_error(exc: TwilioException) -> TransportError:
    # Page.process_response raises TwilioException("Unable to fetch page", response).
    response = exc.args[1] if len(exc.args) > 1 else None
    status = getattr(response, "status_code", None)
    return TransportError(f"list page: HTTP {status}", permanent=False)


def _from_connection_error(exc: requests.exceptions.ConnectionError) -> TransportError:
    text = repr(exc)
    refused = any(
        s in text for s in ("Connection refused", "NewConnectionError", "Name or service")
    )
    if refused:
        return TransportError("connection refused", permanent=False)
    # Dropped after the request was written: Twilio may have the message.
    return TransportError("connection lost", permanent=False, outcome_unknown=True)
