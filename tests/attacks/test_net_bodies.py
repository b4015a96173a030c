"""Attacks with slow request bodies on the public port (issue 17, N3).

Staff form POSTs (``/login``, ``/setup/*``, ...) had no body deadline: a client that sent its
headers and then trickled (or never sent) its body held its connection for ever, and 200 such
connections kept the whole port, the Twilio webhook included, at 503. A client that went away
mid-body was an unhandled exception. Every server here is `notifier run`'s own uvicorn
configuration on 127.0.0.1, with a small connection cap so the test stays bounded.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from twilio.request_validator import RequestValidator

from notifier.core.metrics import Metrics
from notifier.core.settings import Settings
from notifier.runner import http_config
from notifier.service import Service
from notifier.web import create_app
from tests.fakes.transport import FakeTransport

TOKEN = "twilio-auth-token-for-the-test-0123456789"
PUBLIC_URL = "https://notifier.example.org"
CAP = 6  # NOTIFIER_HTTP_MAX_CONNECTIONS for these tests: small, so the attack is bounded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def service(
    sqlite_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[..., Service]]:
    built: list[Service] = []

    def build(**overrides: Any) -> Service:
        settings = make_settings(
            database_url=sqlite_url, http_host="127.0.0.1", http_port=free_port(),
            public_url=PUBLIC_URL, twilio_auth_token=TOKEN, **overrides,
        )  # fmt: skip
        svc = Service(settings, transport=FakeTransport(), metrics=Metrics())
        built.append(svc)
        return svc

    yield build
    for svc in built:
        svc.close()


@contextmanager
def serving(svc: Service) -> Iterator[int]:
    server = uvicorn.Server(http_config(svc.settings, create_app(svc)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    try:
        yield svc.settings.http_port
    finally:
        server.should_exit = True
        thread.join(10)


def slow_form(port: int, path: str = "/login") -> socket.socket:
    """A POST whose head is complete and whose body never comes (a few bytes of it only)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 4000\r\n\r\nemail=ana".encode()
    )
    return sock


def answer_within(sock: socket.socket, seconds: float) -> bytes:
    """Whatever the server sends before closing, or b"" if it holds on past ``seconds``."""
    sock.settimeout(0.25)
    got = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            return got
        if not chunk:
            return got
        got += chunk
    return b""


def webhook_status(port: int) -> int:
    params = {"MessageSid": "SM" + "0" * 32, "From": "+13125550101", "To": "+13125550100",
              "Body": "7", "AccountSid": "AC" + "0" * 32}  # fmt: skip
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + "/twilio/inbound", params)
    body = urlencode(params).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /twilio/inbound HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = answer_within(sock, 5)
    assert head, "no answer to the webhook"
    return int(head.split(b" ", 2)[1])


def test_slow_staff_forms_neither_hold_their_connection_nor_starve_the_webhook(
    service: Callable[..., Service],
) -> None:
    svc = service(http_max_connections=CAP, http_body_timeout="1s", http_header_timeout="5s")
    with serving(svc) as port, ExitStack() as stack:
        started = time.monotonic()
        # Every slot the cap allows (uvicorn counts the new connection itself) held by a slow
        # staff form: Twilio still gets in.
        hogs = [stack.enter_context(slow_form(port, p))
                for p in ["/login", "/setup/abc", "/logout", "/login", "/login"]]  # fmt: skip
        assert len(hogs) == CAP - 1
        time.sleep(0.3)
        assert webhook_status(port) == 200
        for hog in hogs:  # and each slow form is answered 408 at the body deadline
            answer = answer_within(hog, 6)
            assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        assert time.monotonic() - started < 6
        # Afterwards the port serves everyone as before.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as ok:
            ok.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert answer_within(ok, 5).startswith(b"HTTP/1.1 200")


def test_staff_form_client_going_away_mid_body_is_quiet(
    service: Callable[..., Service], caplog: pytest.LogCaptureFixture
) -> None:
    svc = service(http_body_timeout="5s")
    caplog.set_level(logging.INFO)
    with serving(svc) as port:
        for path in ("/login", "/setup/abc"):
            sock = slow_form(port, path)
            time.sleep(0.2)
            sock.close()  # gone mid-body
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as ok:
            ok.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert answer_within(ok, 5).startswith(b"HTTP/1.1 200")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    gone = [r for r in caplog.records if getattr(r, "event", "") == "http.client_gone"]
    assert len(gone) == 2 and all(r.levelno == logging.INFO for r in gone)
    assert "ana" not in caplog.text


def test_oversized_staff_form_is_refused_without_being_read(
    service: Callable[..., Service],
) -> None:
    svc = service()
    with serving(svc) as port, socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/x-www-form-urlencoded\r\nContent-Length: 50000000\r\n\r\n"
        )
        assert answer_within(sock, 5).startswith(b"HTTP/1.1 413")
