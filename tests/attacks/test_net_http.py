"""Attacks on the listener of `notifier run` (finding 3: slow headers, too many connections)
and on what the public port shows (finding 8: /metrics and the OpenAPI document). The
servers are the real uvicorn configurations `notifier run` uses, on free local ports."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

from notifier.core.metrics import Metrics
from notifier.core.settings import Settings
from notifier.runner import http_config, start_metrics
from notifier.service import Service
from notifier.web import create_app
from tests.fakes.transport import FakeTransport


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
            database_url=sqlite_url, http_host="127.0.0.1", http_port=free_port(), **overrides
        )
        svc = Service(settings, transport=FakeTransport(), metrics=Metrics())
        built.append(svc)
        return svc

    yield build
    for svc in built:
        svc.close()


@contextmanager
def serving(svc: Service) -> Iterator[int]:
    """`notifier run`'s public listener for ``svc``, in a thread; yields its port."""
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


def get(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def closed_by_server_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> bool:
    """Whether the server closes ``sock`` within ``seconds`` while we send ``trickle`` a byte
    at a time (a slowloris client)."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.25)
    sent = 0
    while time.monotonic() < deadline:
        if sent < len(trickle):
            try:
                sock.sendall(trickle[sent : sent + 1])
            except OSError:
                return True
            sent += 1
        try:
            if sock.recv(4096) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_slowloris_request_head_is_cut_off_at_the_header_deadline(
    service: Callable[..., Service],
) -> None:
    """A client trickling its headers a byte every quarter second used to hold its
    connection for as long as it liked (any byte reset uvicorn's keep-alive timer)."""
    svc = service(http_header_timeout="1s")
    head = b"POST /twilio/inbound HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 200
    with serving(svc) as port:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port)) as slow:
            assert closed_by_server_within(slow, 6, trickle=head)
        assert time.monotonic() - started < 3
        # A connection that never sends a byte goes the same way.
        with socket.create_connection(("127.0.0.1", port)) as silent:
            assert closed_by_server_within(silent, 6)
        # An ordinary request is untouched.
        assert get(port, "/healthz") == 200


def test_slowloris_on_a_kept_alive_connection_is_cut_off_too(
    service: Callable[..., Service],
) -> None:
    svc = service(http_header_timeout="1s")
    with serving(svc) as port, socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in conn.recv(4096)
        started = time.monotonic()
        assert closed_by_server_within(conn, 6, trickle=b"GET /healthz HTTP/1.1\r\nHost: xxxxxxx")
        assert time.monotonic() - started < 3


def test_connections_beyond_the_cap_get_503(service: Callable[..., Service]) -> None:
    svc = service(http_max_connections=3)
    with serving(svc) as port:
        hogs = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        try:
            time.sleep(0.2)
            assert get(port, "/healthz") == 503
        finally:
            for hog in hogs:
                hog.close()
        time.sleep(0.2)
        assert get(port, "/healthz") == 200


def test_metrics_and_openapi_are_not_served_on_the_public_port(
    service: Callable[..., Service],
) -> None:
    """notifier_replies_total{category="crisis"} on the public port told an outsider when
    crises happen; /openapi.json mapped the surface."""
    with serving(service()) as port:
        for path in ("/metrics", "/openapi.json", "/docs", "/redoc"):
            assert get(port, path) == 404, path


def test_metrics_are_served_on_the_private_listener_only(service: Callable[..., Service]) -> None:
    svc = service(metrics_host="127.0.0.1", metrics_port=free_port())
    metrics = start_metrics(svc.settings, svc)
    assert metrics is not None
    try:
        url = f"http://127.0.0.1:{svc.settings.metrics_port}"
        with urllib.request.urlopen(f"{url}/metrics", timeout=5) as r:
            assert r.status == 200 and b"notifier_outbox_messages" in r.read()
        assert get(svc.settings.metrics_port, "/healthz") == 404  # nothing else there
    finally:
        metrics.should_exit = True


def test_metrics_listener_defaults_to_loopback(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    assert settings.metrics_host == "127.0.0.1" and settings.metrics_port == 9100


def test_metrics_port_zero_turns_the_listener_off(service: Callable[..., Service]) -> None:
    svc = service(metrics_port=0)
    assert start_metrics(svc.settings, svc) is None


def test_metrics_port_taken_is_logged_and_the_service_runs_on(
    service: Callable[..., Service], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        svc = service(metrics_port=taken.getsockname()[1])
        assert start_metrics(svc.settings, svc) is None
    assert any(getattr(r, "event", "") == "metrics.unavailable" for r in caplog.records)
