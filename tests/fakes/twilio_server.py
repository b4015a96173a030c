"""A stateful fake of Twilio's REST API v2010 *Messages* resource, for tests.

Why a fake and not Prism: Prism (tests/contract, serving Twilio's published OpenAPI description)
proves that our requests fit Twilio's OpenAPI spec, but it keeps no state. Tests of an SMS
service need more: the messages that were really accepted (to find duplicates), opt-outs, status
changes, inbound messages, and faults injected on purpose (429 bursts, 5xx, lost responses,
timeouts).

Only the stdlib is used, so the module also runs as its own process without the SDK installed.

In-process use (pytest)::

    with FakeTwilio() as fake:                 # binds 127.0.0.1 on a free port
        settings.twilio_api_base = fake.base_url
        fake.fail_next(2, status=429)          # next two creates answer 429 / code 20429
        ...
        assert fake.accepted_count_by_body_and_to().most_common(1)[0][1] == 1

Out-of-process use (multi-process tests)::

    python -m tests.fakes.twilio_server --port 0 --account-sid AC... --auth-token t \
        [--latency 0.15] [--rate 3] [--state-file PATH]

prints ``LISTENING http://127.0.0.1:PORT`` (one flushed line) and serves until SIGTERM/SIGINT
(exit status 0). The control API (no auth; loopback only) is:

* ``POST /_fake/faults``   JSON object, keys applied in document order:
  ``{"fail_next": {"n": 5, "status": 429, "code": 20429, "retry_after": 1}}`` (or a list of such),
  ``{"slow_next": {"n": 1, "seconds": 2}}``, ``{"drop_next": 3}`` / ``{"drop_next": {"n": 3}}``,
  ``{"lose_response_next": 3}``, ``{"set_fault_rate": {"p429": 0.1, "seed": 1}}``,
  ``{"opted_out": ["+1..."]}``, ``{"invalid": ["+1..."]}`` (added to the sets),
  ``{"latency": 0.1}``, ``{"rate_limit_per_sender": 3}`` (``null`` = unlimited).
  Every fault dict may carry ``"on": "create" | "fetch" | "list" | "any"``.
* ``GET /_fake/messages`` accepted (outbound) messages, oldest first; ``?all=1`` adds inbound.
* ``GET /_fake/requests`` the request log; ``GET /_fake/stats`` counters.
* ``POST /_fake/inbound`` ``{"from": ..., "to": ..., "body": ..., "sid"?: ..., "date_sent"?: ISO}``.
* ``POST /_fake/status`` ``{"sid": ..., "status": ..., "error_code"?: int}``.
* ``POST /_fake/reset`` back to the state right after start (state file truncated too).

Semantics worth knowing (chosen to model the hard real-world cases):

* A request is first authenticated (401/20003), then queued faults are consumed, then it is
  processed. Faults default to message *creates* only (``on="create"``), so a background poller
  doing GETs does not eat faults a test meant for the sender.
* ``latency`` and ``slow_next`` delay the *answer*: the message is accepted first. A client that
  times out on a slow create has therefore had its message accepted -- the ambiguous case.
* ``drop_next`` closes the connection before processing (not accepted);
  ``lose_response_next`` processes (accepts) and then closes without answering.
* ``rate_limit_per_sender``: sliding window over *accepted* messages per sender (From, else
  MessagingServiceSid). For rate r >= 1: at most floor(r) accepts in any rolling 1 s window; for
  r < 1: at most one accept per 1/r seconds. Rejections answer 429/20429 and bump ``rejected_429``.
* List filters: ``To``/``From`` exact match. ``DateSent``/``DateSent<``/``DateSent>`` accept
  ``YYYY-MM-DD`` (compared by UTC day, inclusive), ISO-8601 date-times such as the SDK's
  ``2024-05-01T10:00:00Z`` (``DateSent`` still compares by day; ``<``/``>`` compare to the second,
  inclusive -- i.e. Twilio's ``<=``/``>=``), and RFC 2822. Results are newest first (date_sent,
  then creation order); ``next_page_uri`` carries ``Page`` and a ``PageToken`` (``PA`` + the last
  SID of the page) so paging is stable while new messages arrive.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import copy
import email.utils
import hmac
import json
import math
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

JSON = dict[str, Any]

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32

# From the spec's `message_enum_status`; set_status() rejects anything else to catch typos.
MESSAGE_STATUSES = frozenset(
    {
        "queued",
        "sending",
        "sent",
        "failed",
        "delivered",
        "undelivered",
        "receiving",
        "received",
        "accepted",
        "scheduled",
        "read",
        "partially_delivered",
        "canceled",
    }
)

# Default Twilio error code per HTTP status for injected failures.
_DEFAULT_CODES = {400: 21211, 401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503}
_DEFAULT_MESSAGES = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

_ROUTE = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages(?:/(?P<sid>[^/]+))?\.json$")
_ENDPOINTS = ("create", "fetch", "list", "any")

# GSM 03.38: a body using only these characters is encoded in 7 bits (160 chars per single SMS,
# 153 per concatenated segment); anything else forces UCS-2 (70 / 67). Used for num_segments.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def _num_segments(body: str) -> int:
    if not body:
        return 1
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in body):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in body)
        single, multi = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: an emoji takes two.
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def _rfc2822(dt: datetime) -> str:
    # Twilio's format: "Thu, 24 Aug 2023 05:01:45 +0000".
    return email.utils.format_datetime(dt.astimezone(UTC).replace(microsecond=0))


def _utc(dt: datetime) -> datetime:
    # Naive datetimes given by tests are taken as UTC, like Twilio's GMT timestamps.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def twilio_error(status: int, code: int, message: str, **extra: Any) -> JSON:
    """Twilio's legacy error body, which the SDK turns into TwilioRestException(status, code)."""
    body: JSON = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    body.update(extra)
    return body


@dataclass
class _DateFilter:
    """One DateSent bound: a whole UTC day (date-only input) or an instant (to the second)."""

    value: datetime
    day_only: bool

    @classmethod
    def parse(cls, raw: str) -> _DateFilter:
        text = raw.strip()
        # Twilio documents forms like "<=YYYY-MM-DD" inside the value too; the operator is
        # already known from the parameter name, so strip it.
        text = text.lstrip("<>=").strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return cls(
                datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC), True
            )
        try:
            return cls(_utc(datetime.fromisoformat(text.replace("Z", "+00:00"))), False)
        except ValueError:
            pass
        try:
            return cls(_utc(email.utils.parsedate_to_datetime(text)), False)
        except (TypeError, ValueError):
            raise ValueError(f"Invalid date: {raw!r}") from None

    def on(self, sent: datetime) -> bool:
        return sent.date() == self.value.date()

    def before(self, sent: datetime) -> bool:
        if self.day_only:
            return sent.date() <= self.value.date()
        return sent.replace(microsecond=0) <= self.value.replace(microsecond=0)

    def after(self, sent: datetime) -> bool:
        if self.day_only:
            return sent.date() >= self.value.date()
        return sent.replace(microsecond=0) >= self.value.replace(microsecond=0)


@dataclass
class _Record:
    seq: int
    sent_at: datetime  # full precision, for ordering; the JSON only shows seconds
    data: JSON


@dataclass
class _Fault:
    kind: str  # "fail" | "drop" | "lose" | "slow"
    remaining: int
    on: str
    status: int = 500
    code: int = 20500
    message: str = ""
    retry_after: float | None = None
    seconds: float = 0.0


@dataclass
class _FaultRate:
    p429: float = 0.0
    p5xx: float = 0.0
    p_timeout: float = 0.0
    timeout_seconds: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    @property
    def active(self) -> bool:
        return self.p429 > 0 or self.p5xx > 0 or self.p_timeout > 0


@dataclass
class _Outcome:
    """What the handler thread must do; decided under the lock, carried out outside it."""

    status: int
    body: JSON | list[Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


class FakeTwilio:
    """Fake Twilio Messages API on loopback. All public methods are thread-safe."""

    def __init__(
        self,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = "test-token",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        rate_limit_per_sender: float | None = None,
        state_file: str | Path | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.host = host
        self.port = port
        self.latency = latency
        self.rate_limit_per_sender = rate_limit_per_sender
        self.state_file = Path(state_file) if state_file is not None else None
        # Kept to restore them on reset().
        self._initial_latency = latency
        self._initial_rate = rate_limit_per_sender
        self._initial_opted_out: set[str] = set()
        self._initial_invalid: set[str] = set()

        # One lock for all state; a Condition on it lets tests wait for accepted messages.
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self.accepted: list[JSON] = []
        self.opted_out: set[str] = set()
        self.invalid: set[str] = set()
        self.requests_log: list[tuple[str, str, int]] = []
        self.rejected_429 = 0
        self._records: list[_Record] = []
        self._by_sid: dict[str, _Record] = {}
        self._seq = 0
        self._faults: list[_Fault] = []
        self._fault_rate = _FaultRate()
        self._windows: dict[str, collections.deque[float]] = {}

        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._state_fh: IO[str] | None = None
        self._base_url: str | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` -- what the app uses instead of ``https://api.twilio.com``."""
        if self._base_url is None:
            raise RuntimeError("FakeTwilio is not started")
        return self._base_url

    def start(self) -> FakeTwilio:
        if self._server is not None:
            raise RuntimeError("FakeTwilio already started")
        # reset() restores these (e.g. numbers given on the command line).
        self._initial_opted_out = set(self.opted_out)
        self._initial_invalid = set(self.invalid)
        if self.state_file is not None:
            # Line-buffered append: each accepted message is visible to other processes at once.
            self._state_fh = self.state_file.open("a", encoding="utf-8", buffering=1)
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        self._server = server
        host, port = server.server_address[:2]
        self.port = int(port)
        self._base_url = f"http://{host!s}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeTwilio:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server = self._server
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in latency/slow/timeout faults
        server.shutdown()
        server.server_close()
        # Keep-alive connections would otherwise keep handler threads blocked on a read.
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            if self._state_fh is not None:
                self._state_fh.close()
                self._state_fh = None
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeTwilio:
        return self if self._server is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ inspection

    def messages(self, *, include_inbound: bool = False) -> list[JSON]:
        """Deep copies of accepted outbound messages (oldest first); optionally inbound too."""
        with self._lock:
            if include_inbound:
                return [copy.deepcopy(r.data) for r in self._records]
            return copy.deepcopy(self.accepted)

    def get(self, sid: str) -> JSON:
        with self._lock:
            return copy.deepcopy(self._by_sid[sid].data)

    def accepted_count_by_body_and_to(self) -> collections.Counter[tuple[str, str]]:
        """Counter of (body, to) over accepted messages: any count > 1 is a duplicate send."""
        with self._lock:
            return collections.Counter((m["body"], m["to"]) for m in self.accepted)

    def wait_for_accepted(self, n: int, timeout: float = 5.0) -> list[JSON]:
        """Block until at least ``n`` messages were accepted; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.accepted) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.accepted)} accepted, wanted {n}")
                self._changed.wait(left)
            return copy.deepcopy(self.accepted)

    def stats(self) -> JSON:
        with self._lock:
            return {
                "accepted": len(self.accepted),
                "inbound": len(self._records) - len(self.accepted),
                "rejected_429": self.rejected_429,
                "requests": len(self.requests_log),
            }

    # ------------------------------------------------------------------ state changes

    def add_inbound(
        self,
        from_: str,
        to: str,
        body: str,
        *,
        sid: str | None = None,
        date_sent: datetime | None = None,
    ) -> JSON:
        """Record a message *received* by one of our numbers (direction "inbound")."""
        sent = _utc(date_sent) if date_sent is not None else datetime.now(UTC)
        with self._lock:
            sid = sid or _new_sid("SM")
            if sid in self._by_sid:
                raise ValueError(f"duplicate sid {sid}")
            data = self._message_json(
                sid=sid,
                to=to,
                from_=from_,
                body=body,
                status="received",
                direction="inbound",
                messaging_service_sid=None,
                created=sent,
                num_media=0,
            )
            self._store(data, sent)
            self._changed.notify_all()
            return copy.deepcopy(data)

    def set_status(self, sid: str, status: str, error_code: int | None = None) -> None:
        """Move a message to another status, as Twilio does after delivery reports."""
        if status not in MESSAGE_STATUSES:
            raise ValueError(f"unknown message status {status!r}")
        with self._lock:
            data = self._by_sid[sid].data  # KeyError for an unknown sid, on purpose
            data["status"] = status
            data["error_code"] = error_code
            data["date_updated"] = _rfc2822(datetime.now(UTC))
            self._changed.notify_all()

    def reset(self) -> None:
        """Forget messages, faults, logs and config changes (back to the state after start())."""
        with self._lock:
            self.accepted.clear()
            self._records.clear()
            self._by_sid.clear()
            # In place: tests may hold references to these sets.
            self.opted_out.clear()
            self.opted_out.update(self._initial_opted_out)
            self.invalid.clear()
            self.invalid.update(self._initial_invalid)
            self.requests_log.clear()
            self._faults.clear()
            self._fault_rate = _FaultRate()
            self._windows.clear()
            self.rejected_429 = 0
            self.latency = self._initial_latency
            self.rate_limit_per_sender = self._initial_rate
            if self._state_fh is not None:
                self._state_fh.seek(0)
                self._state_fh.truncate()
            self._changed.notify_all()

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        n: int,
        *,
        status: int = 500,
        code: int | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        on: str = "create",
    ) -> None:
        """Answer the next ``n`` matching requests with a Twilio error JSON (message not accepted).

        ``code`` defaults to 20429 for 429, 20500 for 500, 20503 for 503, else 20000 + status.
        ``retry_after`` (seconds, may be fractional) is sent as a ``Retry-After`` header.
        """
        self._queue(
            _Fault(
                "fail",
                n,
                _check_on(on),
                status=status,
                code=code if code is not None else _DEFAULT_CODES.get(status, 20000 + status),
                message=message or _DEFAULT_MESSAGES.get(status, f"HTTP {status}"),
                retry_after=retry_after,
            )
        )

    def slow_next(self, n: int, seconds: float, *, on: str = "create") -> None:
        """Delay the answer to the next ``n`` matching requests (processed before the delay)."""
        self._queue(_Fault("slow", n, _check_on(on), seconds=seconds))

    def drop_next(self, n: int, *, on: str = "create") -> None:
        """Close the connection without answering; the request is NOT processed."""
        self._queue(_Fault("drop", n, _check_on(on)))

    def lose_response_next(self, n: int, *, on: str = "create") -> None:
        """Process (accept and record) the request, then close without answering."""
        self._queue(_Fault("lose", n, _check_on(on)))

    def set_fault_rate(
        self,
        *,
        p429: float = 0,
        p5xx: float = 0,
        p_timeout: float = 0,
        timeout_seconds: float = 30,
        seed: int | None = None,
    ) -> None:
        """Random faults on creates (after any queued fault): 429/20429, 500 or 503, or a hang of
        ``timeout_seconds`` before answering (the message is accepted). All zeros turns it off."""
        if p429 + p5xx + p_timeout > 1:
            raise ValueError("probabilities add up to more than 1")
        with self._lock:
            self._fault_rate = _FaultRate(
                p429, p5xx, p_timeout, timeout_seconds, random.Random(seed)
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._fault_rate = _FaultRate()

    def _queue(self, fault: _Fault) -> None:
        if fault.remaining < 0:
            raise ValueError("n must be >= 0")
        with self._lock:
            if fault.remaining:
                self._faults.append(fault)

    def _take_fault(self, endpoint: str, kinds: tuple[str, ...]) -> _Fault | None:
        # FIFO among queued faults of the given kinds; a slow fault can combine with one
        # terminal fault (fail/drop/lose) on the same request.
        for fault in self._faults:
            if fault.kind in kinds and fault.on in (endpoint, "any"):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------ request handling

    def _handle_api(
        self, method: str, path: str, query: str, body: bytes, authorization: str | None
    ) -> _Outcome:
        with self._lock:
            outcome = self._decide(method, path, query, body, authorization)
            self.requests_log.append((method, path, 0 if outcome.drop else outcome.status))
            return outcome

    def _decide(
        self, method: str, path: str, query: str, body: bytes, authorization: str | None
    ) -> _Outcome:
        match = _ROUTE.match(path)
        if match is None:
            return _error_outcome(404, 20404, f"The requested resource {path} was not found")
        if not self._authorized(authorization):
            return _Outcome(
                401,
                twilio_error(
                    401, 20003, "Authenticate", detail="Your AccountSid or AuthToken was incorrect."
                ),
                headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        if match["account"] != self.account_sid:
            return _error_outcome(404, 20404, f"The requested resource {path} was not found")
        sid = match["sid"]
        if method == "POST" and sid is None:
            endpoint = "create"
        elif method == "GET":
            endpoint = "fetch" if sid is not None else "list"
        else:
            return _error_outcome(405, 20004, "Method not allowed")

        delay = self.latency
        slow = self._take_fault(endpoint, ("slow",))
        if slow is not None:
            delay += slow.seconds
        terminal = self._take_fault(endpoint, ("fail", "drop", "lose"))
        lose = False
        if terminal is not None:
            if terminal.kind == "fail":
                return self._fail_outcome(
                    terminal.status, terminal.code, terminal.message, terminal.retry_after, delay
                )
            if terminal.kind == "drop":
                return _Outcome(0, drop=True, delay=delay)
            lose = True
        elif endpoint == "create" and self._fault_rate.active:
            rate = self._fault_rate
            roll = rate.rng.random()
            if roll < rate.p429:
                return self._fail_outcome(429, 20429, "Too Many Requests", None, delay)
            if roll < rate.p429 + rate.p5xx:
                status = rate.rng.choice((500, 503))
                return self._fail_outcome(
                    status, _DEFAULT_CODES[status], _DEFAULT_MESSAGES[status], None, delay
                )
            if roll < rate.p429 + rate.p5xx + rate.p_timeout:
                delay += rate.timeout_seconds

        if endpoint == "create":
            outcome = self._create(path, body)
        elif endpoint == "fetch":
            assert sid is not None
            outcome = self._fetch(path, sid)
        else:
            outcome = self._list(path, query)
        outcome.delay = delay
        outcome.drop = lose
        return outcome

    def _authorized(self, authorization: str | None) -> bool:
        if not authorization or not authorization.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        # Constant-time compare: cheap, and the fake should not teach bad habits.
        return hmac.compare_digest(user, self.account_sid) and hmac.compare_digest(
            password, self.auth_token
        )

    def _fail_outcome(
        self, status: int, code: int, message: str, retry_after: float | None, delay: float
    ) -> _Outcome:
        headers = {}
        if retry_after is not None:
            headers["Retry-After"] = (
                str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
            )
        return _Outcome(status, twilio_error(status, code, message), headers=headers, delay=delay)

    def _create(self, path: str, raw: bytes) -> _Outcome:
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return _error_outcome(400, 20001, "Request body is not valid UTF-8")
        form: dict[str, list[str]] = {}
        for key, value in pairs:
            form.setdefault(key, []).append(value)

        def first(name: str) -> str:
            return form.get(name, [""])[0]

        to, from_, body = first("To"), first("From"), first("Body")
        service = first("MessagingServiceSid")
        media = [u for u in form.get("MediaUrl", []) if u]
        # Same checks, same order and codes as Twilio for the cases the service can hit.
        if not to:
            return _error_outcome(400, 21604, "A 'To' phone number is required.")
        if not from_ and not service:
            return _error_outcome(400, 21603, "A 'From' phone number is required.")
        if not body and not media and not first("ContentSid"):
            return _error_outcome(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return _error_outcome(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        if to in self.invalid:
            return _error_outcome(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if to in self.opted_out:
            return _error_outcome(400, 21610, "Attempt to send to unsubscribed recipient")
        if not self._rate_allows(from_ or service):
            self.rejected_429 += 1
            return _error_outcome(429, 20429, "Too Many Requests")

        now = datetime.now(UTC)
        data = self._message_json(
            sid=_new_sid("MM" if media else "SM"),
            to=to,
            from_=from_ or None,
            body=body,
            status="accepted" if service else "queued",
            direction="outbound-api",
            messaging_service_sid=service or None,
            created=now,
            num_media=len(media),
        )
        self._store(data, now)
        self.accepted.append(data)
        self._write_state(data, first("StatusCallback") or None)
        self._changed.notify_all()
        return _Outcome(201, copy.deepcopy(data))

    def _rate_allows(self, sender: str) -> bool:
        rate = self.rate_limit_per_sender
        if rate is None or rate <= 0:
            return True
        window, limit = (1.0, int(rate)) if rate >= 1 else (1.0 / rate, 1)
        now = time.monotonic()
        stamps = self._windows.setdefault(sender, collections.deque())
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        if len(stamps) >= limit:
            return False
        stamps.append(now)
        return True

    def _fetch(self, path: str, sid: str) -> _Outcome:
        record = self._by_sid.get(sid)
        if record is None:
            return _error_outcome(404, 20404, f"The requested resource {path} was not found")
        return _Outcome(200, copy.deepcopy(record.data))

    def _list(self, path: str, query: str) -> _Outcome:
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            page_size = min(max(int(params.get("PageSize") or 50), 1), 1000)
            page = max(int(params.get("Page") or 0), 0)
            on = _DateFilter.parse(params["DateSent"]) if params.get("DateSent") else None
            before = _DateFilter.parse(params["DateSent<"]) if params.get("DateSent<") else None
            after = _DateFilter.parse(params["DateSent>"]) if params.get("DateSent>") else None
        except ValueError as exc:
            return _error_outcome(400, 20001, f"Invalid parameter: {exc}")
        to, from_ = params.get("To"), params.get("From")

        rows = [
            r
            for r in self._records
            if (not to or r.data["to"] == to)
            and (not from_ or r.data["from"] == from_)
            and (on is None or on.on(r.sent_at))
            and (before is None or before.before(r.sent_at))
            and (after is None or after.after(r.sent_at))
        ]
        rows.sort(key=lambda r: (r.sent_at, r.seq), reverse=True)

        # Page window: a PageToken anchors on a SID (stable while new messages arrive at the
        # head of the list); otherwise, or if the anchor vanished, Page * PageSize.
        start = page * page_size
        token = params.get("PageToken") or ""
        index = {r.data["sid"]: i for i, r in enumerate(rows)}
        if token[:2] == "PA" and token[2:] in index:
            start = index[token[2:]] + 1
        elif token[:2] == "PB" and token[2:] in index:
            start = max(index[token[2:]] - page_size, 0)
        chunk = rows[start : start + page_size]

        filters = [
            (k, params[k])
            for k in ("To", "From", "DateSent", "DateSent<", "DateSent>")
            if params.get(k)
        ]

        def uri(page_no: int, page_token: str | None = None) -> str:
            pairs = [*filters, ("PageSize", str(page_size)), ("Page", str(page_no))]
            if page_token:
                pairs.append(("PageToken", page_token))
            return f"{path}?{urlencode(pairs)}"

        more = start + len(chunk) < len(rows)
        body: JSON = {
            "end": page * page_size + max(len(chunk) - 1, 0),
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1, "PA" + chunk[-1].data["sid"])
            if more and chunk
            else None,
            "page": page,
            "page_size": page_size,
            "previous_page_uri": uri(page - 1, "PB" + chunk[0].data["sid"])
            if page > 0 and chunk
            else None,
            "start": page * page_size,
            "uri": uri(page, token or None),
            "messages": [copy.deepcopy(r.data) for r in chunk],
        }
        return _Outcome(200, body)

    # ------------------------------------------------------------------ helpers (lock held)

    def _message_json(
        self,
        *,
        sid: str,
        to: str,
        from_: str | None,
        body: str,
        status: str,
        direction: str,
        messaging_service_sid: str | None,
        created: datetime,
        num_media: int,
    ) -> JSON:
        # Field set and formats of the spec's `api.v2010.account.message` (create example).
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        stamp = _rfc2822(created)
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": stamp,
            "date_sent": stamp,
            "date_updated": stamp,
            "direction": direction,
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": messaging_service_sid,
            "num_media": str(num_media),
            "num_segments": str(_num_segments(body)),
            "price": None,
            "price_unit": None,
            "sid": sid,
            "status": status,
            "subresource_uris": {
                "media": f"{base}/Media.json",
                "feedback": f"{base}/Feedback.json",
            },
            "to": to,
            "uri": f"{base}.json",
        }

    def _store(self, data: JSON, sent_at: datetime) -> None:
        self._seq += 1
        record = _Record(self._seq, sent_at, data)
        self._records.append(record)
        self._by_sid[data["sid"]] = record

    def _write_state(self, data: JSON, status_callback: str | None) -> None:
        if self._state_fh is None:
            return
        line = {
            "sid": data["sid"],
            "to": data["to"],
            "from": data["from"],
            "body": data["body"],
            "date_created": data["date_created"],
            "messaging_service_sid": data["messaging_service_sid"],
            "status_callback": status_callback,
        }
        self._state_fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._state_fh.flush()

    # ------------------------------------------------------------------ control API

    def _handle_control(self, method: str, path: str, query: str, raw: bytes) -> _Outcome:
        try:
            payload: Any = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return _Outcome(400, {"error": "body is not JSON"})
        try:
            if method == "GET" and path == "/_fake/messages":
                params = dict(parse_qsl(query))
                all_ = params.get("all", "") not in ("", "0", "false")
                return _Outcome(200, self.messages(include_inbound=all_))
            if method == "GET" and path == "/_fake/requests":
                with self._lock:
                    return _Outcome(200, [list(entry) for entry in self.requests_log])
            if method == "GET" and path == "/_fake/stats":
                return _Outcome(200, self.stats())
            if method == "POST" and path == "/_fake/reset":
                self.reset()
                return _Outcome(200, {"ok": True})
            if method == "POST" and path == "/_fake/inbound":
                sent = payload.get("date_sent")
                msg = self.add_inbound(
                    payload["from"],
                    payload["to"],
                    payload["body"],
                    sid=payload.get("sid"),
                    date_sent=datetime.fromisoformat(sent.replace("Z", "+00:00")) if sent else None,
                )
                return _Outcome(201, msg)
            if method == "POST" and path == "/_fake/status":
                self.set_status(payload["sid"], payload["status"], payload.get("error_code"))
                return _Outcome(200, {"ok": True})
            if method == "POST" and path == "/_fake/faults":
                if not isinstance(payload, dict):
                    raise ValueError("faults body must be a JSON object")
                # Validate everything first so a bad key does not leave half the faults queued.
                actions = [self._fault_action(k, v) for k, v in payload.items()]
                for action in actions:
                    action()
                return _Outcome(200, {"ok": True})
        except KeyError as exc:
            return _Outcome(400, {"error": f"missing or unknown key: {exc}"})
        except (TypeError, ValueError) as exc:
            return _Outcome(400, {"error": str(exc)})
        return _Outcome(404, {"error": f"no control endpoint {method} {path}"})

    def _fault_action(self, key: str, value: Any) -> Callable[[], None]:
        def as_kwargs(v: Any) -> dict[str, Any]:
            return dict(v) if isinstance(v, dict) else {"n": int(v)}

        if key == "fail_next":
            items = value if isinstance(value, list) else [value]
            calls = [as_kwargs(item) for item in items]
            for kw in calls:
                _check_keys(kw, {"n", "status", "code", "message", "retry_after", "on"})

            def queue_failures() -> None:
                for kw in calls:
                    self.fail_next(**kw)

            return queue_failures
        if key in ("slow_next", "drop_next", "lose_response_next"):
            kw = as_kwargs(value)
            _check_keys(kw, {"n", "seconds", "on"} if key == "slow_next" else {"n", "on"})
            method: Callable[..., None] = getattr(self, key)
            return lambda: method(**kw)
        if key in ("set_fault_rate", "fault_rate"):
            kw = dict(value)
            _check_keys(kw, {"p429", "p5xx", "p_timeout", "timeout_seconds", "seed"})
            return lambda: self.set_fault_rate(**kw)
        if key in ("opted_out", "invalid"):
            numbers = [str(v) for v in value]
            target = self.opted_out if key == "opted_out" else self.invalid

            def add_numbers() -> None:
                with self._lock:
                    target.update(numbers)

            return add_numbers
        if key == "latency":
            seconds = float(value)
            return lambda: setattr(self, "latency", seconds)
        if key == "rate_limit_per_sender":
            rate = None if value is None else float(value)
            return lambda: setattr(self, "rate_limit_per_sender", rate)
        if key == "clear":
            return self.clear_faults
        raise ValueError(f"unknown fault key {key!r}")


def _check_keys(kw: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(kw) - allowed
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")


def _check_on(on: str) -> str:
    if on not in _ENDPOINTS:
        raise ValueError(f"on must be one of {_ENDPOINTS}, not {on!r}")
    return on


def _error_outcome(status: int, code: int, message: str) -> _Outcome:
    return _Outcome(status, twilio_error(status, code, message))


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung (slow/timeout) handler must never block stop()
    request_queue_size = 128  # benchmarks open many connections at once
    fake: FakeTwilio

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, stop()) are expected here; only report real bugs.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)) or self.fake._stopping.is_set():
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the SDK's pooled session expects
    server_version = "FakeTwilio/1.0"
    timeout = 120  # reap idle keep-alive connections eventually

    @property
    def fake(self) -> FakeTwilio:
        server = self.server
        assert isinstance(server, _Server)
        return server.fake

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle + delayed ACK add
        # ~40 ms to every answer, which would swamp latency/pacing measurements.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.fake._lock:
            self.fake._conns.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._conns.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests_log is the record; stderr noise would drown test output

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        fake = self.fake
        if split.path.startswith("/_fake/"):
            outcome = fake._handle_control(method, split.path, split.query, raw)
        else:
            outcome = fake._handle_api(
                method, split.path, split.query, raw, self.headers.get("Authorization")
            )
        # Sleep outside the lock; the stop event cuts it short on shutdown.
        if outcome.delay > 0 and fake._stopping.wait(outcome.delay):
            outcome.drop = True
        if outcome.drop:
            # Nothing written yet: closing now gives the client "connection aborted".
            self.close_connection = True
            return
        self._send(outcome)

    def _send(self, outcome: _Outcome) -> None:
        payload = json.dumps(outcome.body, ensure_ascii=False).encode("utf-8")
        self.send_response(outcome.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Twilio-Request-Id", _new_sid("RQ"))
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


# ---------------------------------------------------------------------- standalone process


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fake Twilio Messages API for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default="test-token")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument(
        "--rate", type=float, default=None, help="per-sender messages/second; above it: 429 / 20429"
    )
    parser.add_argument(
        "--state-file", default=None, help="append one JSON line per accepted message"
    )
    parser.add_argument(
        "--opted-out",
        action="append",
        default=[],
        help="number answering 21610 (repeatable or comma-separated)",
    )
    parser.add_argument(
        "--invalid",
        action="append",
        default=[],
        help="number answering 21211 (repeatable or comma-separated)",
    )
    return parser.parse_args(argv)


def _split_numbers(values: list[str]) -> Iterator[str]:
    for value in values:
        yield from (v.strip() for v in value.split(",") if v.strip())


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    fake = FakeTwilio(
        args.account_sid,
        args.auth_token,
        host=args.host,
        port=args.port,
        latency=args.latency,
        rate_limit_per_sender=args.rate,
        state_file=args.state_file,
    )
    fake.opted_out.update(_split_numbers(args.opted_out))
    fake.invalid.update(_split_numbers(args.invalid))
    done = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    fake.start()
    print(f"LISTENING {fake.base_url}", flush=True)
    # Short waits keep the main thread responsive to signals.
    while not done.wait(0.2):
        pass
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
