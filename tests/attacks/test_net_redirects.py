"""Attack on redirects (issue 17, N15): the Host header reflected in the trailing-slash 307.

Starlette answers ``/groups/evening/`` with a 307 to an absolute URL built from the Host
header the client sent, so a poisoned cache or a crafted link could send staff to another
site. Redirects to this site are now relative, and never protocol-relative.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.helpers.staffkit import App, staff_app

__all__ = ["staff_app"]


@pytest.mark.parametrize("path", ["/groups/evening/", "/clients/C1/", "/login/", "/healthz/"])
def test_trailing_slash_redirect_does_not_reflect_the_host_header(
    staff_app: Callable[..., App], path: str
) -> None:
    app = staff_app()
    r = app.http.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code in (307, 308), r.status_code
    location = r.headers["location"]
    assert "evil.example" not in location and location == path.rstrip("/")


@pytest.mark.parametrize("path", ["//evil.example/", "///evil.example/groups/", "/\\evil.example/"])
def test_no_redirect_is_protocol_relative(staff_app: Callable[..., App], path: str) -> None:
    app = staff_app()
    r = app.http.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    location = r.headers.get("location", "")
    assert not location.startswith(("//", "/\\", "http")), location
    assert "evil.example" not in location.split("/")[0:3]


def test_redirects_elsewhere_are_left_alone(staff_app: Callable[..., App]) -> None:
    """Only a redirect back to this site is made relative (the sign-in page's own are)."""
    app = staff_app()
    r = app.http.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
