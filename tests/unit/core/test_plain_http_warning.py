"""`notifier run` warns, once, when staff pages go out on plain HTTP beyond this machine."""

from __future__ import annotations

import pytest

from notifier.core.settings_values import plain_http_warning


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_needs_no_warning(host: str) -> None:
    assert plain_http_warning(host, None) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_every_interface_without_https_warns_in_one_line(host: str) -> None:
    line = plain_http_warning(host, None)
    assert line and "\n" not in line
    assert line.startswith(f"NOTIFIER_HTTP_HOST={host}: staff pages are served on plain HTTP")
    assert plain_http_warning(host, "http://notifier.clinic.example") == line


def test_an_https_public_url_in_front_needs_no_warning() -> None:
    assert plain_http_warning("0.0.0.0", "https://notifier.clinic.example") is None
