"""Sign-in through the clinic's identity provider in a real browser, against a LOCAL OpenID
Connect provider (oidc-provider-mock on 127.0.0.1): notifier -> provider -> back, signed in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oidc_provider_mock
import pytest
from selenium.webdriver.common.by import By

from notifier.roster.clients import import_roster
from notifier.service import Service
from tests.browser.conftest import Pages, click_and_wait, text_of
from tests.helpers.live import (
    ROSTER,
    STAFF_EMAIL,
    LiveServer,
    MovingClock,
    seed_staff,
    start_server,
)


def small_seed(service: Service, clock: MovingClock) -> None:
    import_roster(service.db, ROSTER, service.settings, clock())
    seed_staff(service, clock())


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory: pytest.TempPathFactory, driver: Any) -> Iterator[LiveServer]:
    users = [
        oidc_provider_mock.User(sub="maria", claims={"email": STAFF_EMAIL, "email_verified": True})
    ]
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as provider:
        server = start_server(
            Path(tmp_path_factory.mktemp("oidc")),
            seed_with=small_seed,
            oidc_issuer=f"http://localhost:{provider.server_port}",
            oidc_client_id="notifier",
            oidc_client_secret="client-secret",
        )
        try:
            yield server
        finally:
            server.stop()


def test_sign_in_with_the_organisation_through_a_local_provider(
    pages: Pages, oidc_server: LiveServer
) -> None:
    pages.server = oidc_server
    d = pages.driver
    d.delete_all_cookies()
    pages.open("/login", "login-oidc")
    click_and_wait(d, d.find_element(By.LINK_TEXT, "Sign in with your organisation"))
    assert "/oauth2/authorize" in d.current_url  # the provider's page (not ours: no axe)
    d.find_element(By.NAME, "sub").send_keys("maria")
    click_and_wait(
        d, d.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]")
    )
    assert d.current_url == oidc_server.url + "/", d.current_url
    pages.check("home-oidc")
    assert "Evening" in text_of(pages)
