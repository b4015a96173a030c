"""Builders for the staff sign-in tests: an app on a real database, accounts, a browser that
keeps cookies and fills the CSRF field, and TOTP codes (other staff-page tests may use it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import AuditEvent, Staff
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.staff import accounts as staffmod
from notifier.web import create_app
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')


# A Tuesday noon in New York (quiet hours never matter here: nothing is sent).
START = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@dataclass
class App:
    service: Service
    http: TestClient
    clock: Clock

    @property
    def db(self) -> Database:
        return self.service.db

    @property
    def settings(self) -> Settings:
        return self.service.settings

    def browser(self, address: str = "testclient") -> TestClient:
        """A new browser (own cookies) on the same app."""
        return TestClient(self.http.app, base_url="https://testserver", client=(address, 50000))

    def add_staff(
        self,
        email: str,
        *,
        role: str = "facilitator",
        groups: str = "",
        password: str | None = PASSWORD,
        now: datetime | None = None,
    ) -> str | None:
        return staffmod.add(
            self.db,
            self.settings,
            email=email,
            name=email.split("@")[0].title(),
            role=role,
            groups=staffmod.parse_groups(groups, self.settings),
            now=now or self.clock.now,
            password=password,
        )

    def staff(self, email: str) -> Staff:
        with self.db.read() as s:
            found = staffmod.find(s, email)
            assert found is not None
            return found

    def audit(self, action: str | None = None) -> list[AuditEvent]:
        with self.db.read() as s:
            q = select(AuditEvent).order_by(AuditEvent.id)
            if action is not None:
                q = q.where(AuditEvent.action == action)
            return list(s.scalars(q))


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def post_form(
    client: TestClient, path: str, data: dict[str, str], page: str | None = None
) -> httpx.Response:
    """POST a form the way a browser does: the CSRF token from the page that shows it."""
    shown = client.get(page or path, follow_redirects=True)
    response: httpx.Response = client.post(
        path, data={"csrf_token": csrf_of(shown), **data}, follow_redirects=False
    )
    return response


def sign_in_password(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str = "/"
) -> httpx.Response:
    return post_form(client, "/login", {"email": email, "password": password, "next": next_path})


def totp_now(secret: str, when: datetime | None = None) -> str:
    return str(pyotp.TOTP(secret.replace(" ", "")).at(when or START))


def enrol(client: TestClient, email: str, when: datetime = START) -> str:
    """Sign in with the password and enrol TOTP; returns the secret. Signed in afterwards."""
    r = sign_in_password(client, email)
    assert r.status_code == 303 and r.headers["location"].startswith("/mfa/setup"), r.text
    page = client.get("/mfa/setup")
    found = SECRET.search(page.text)
    assert found, page.text
    secret = found.group(1).replace(" ", "")
    r = client.post(
        "/mfa/setup",
        data={"csrf_token": csrf_of(page), "code": totp_now(secret, when)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return secret


@pytest.fixture
def staff_app(
    database_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[..., App]]:
    services: list[Service] = []

    def build(**overrides: Any) -> App:
        settings = make_settings(
            **{
                "database_url": database_url,
                "public_url": "https://notifier.example.org",
                **overrides,
            }
        )
        clock = Clock(START)
        service = Service(settings, transport=FakeTransport(), clock=clock)
        services.append(service)
        app = create_app(service)
        return App(service, TestClient(app, base_url="https://testserver"), clock)

    yield build
    for service in services:
        service.close()
