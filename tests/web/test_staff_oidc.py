"""Sign-in with the clinic's identity provider, against a LOCAL OpenID Connect provider
(oidc-provider-mock, on 127.0.0.1 in a thread): the e-mail claim, verified, must belong to an
active account; anything else is a refusal page, audited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import httpx
import oidc_provider_mock
import pytest
from fastapi.testclient import TestClient

from tests.helpers.staffkit import App

ANA = "ana@clinic.org"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    users = [
        oidc_provider_mock.User(
            sub="ana", claims={"email": "Ana@Clinic.org", "email_verified": True}
        ),
        oidc_provider_mock.User(
            sub="eve", claims={"email": "eve@clinic.org", "email_verified": True}
        ),
        oidc_provider_mock.User(sub="una", claims={"email": ANA, "email_verified": False}),
    ]
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def oidc_app(staff_app: Callable[..., App], issuer: str) -> App:
    return staff_app(
        oidc_issuer=issuer, oidc_client_id="notifier", oidc_client_secret="client-secret"
    )


def via_provider(browser: TestClient, sub: str, next_path: str = "/") -> httpx.Response:
    """Start at notifier, authorise at the provider as ``sub``, come back to the callback."""
    start = browser.get("/login/oidc", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 302, start.text
    at_provider = httpx.post(start.headers["location"], data={"sub": sub}, follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["location"])
    assert back.path == "/login/oidc/callback"
    response: httpx.Response = browser.get(f"{back.path}?{back.query}", follow_redirects=False)
    return response


def test_login_page_offers_the_organisation_button_only_when_configured(
    staff_app: Callable[..., App], issuer: str
) -> None:
    assert (
        "Sign in with your organisation" in oidc_app(staff_app, issuer).browser().get("/login").text
    )
    assert "Sign in with your organisation" not in staff_app().browser().get("/login").text


def test_oidc_sign_in_with_an_existing_account(staff_app: Callable[..., App], issuer: str) -> None:
    app = oidc_app(staff_app, issuer)
    app.add_staff(ANA, groups="evening")
    browser = app.browser()
    r = via_provider(browser, "ana", next_path="/?from=idp")
    assert r.status_code == 303 and r.headers["location"] == "/?from=idp"
    home = browser.get("/", follow_redirects=False)
    assert home.status_code == 200 and 'data-group="evening"' in home.text
    signed = app.audit("sign_in")
    assert [(e.staff_id, e.detail) for e in signed] == [(app.staff(ANA).id, "oidc")]


@pytest.mark.parametrize(
    ("sub", "disabled", "reason"),
    [
        ("eve", False, "no account"),
        ("una", False, "e-mail not verified"),
        ("ana", True, "account disabled"),
    ],
)
def test_oidc_sign_in_is_refused_without_an_active_verified_account(
    staff_app: Callable[..., App], issuer: str, sub: str, disabled: bool, reason: str
) -> None:
    from notifier.staff import accounts as staff

    app = oidc_app(staff_app, issuer)
    app.add_staff(ANA, groups="evening")
    if disabled:
        staff.disable(app.db, ANA, app.clock.now)
    browser = app.browser()
    r = via_provider(browser, sub)
    assert r.status_code == 403 and "no active notifier account" in r.text
    assert "notifier_session" not in r.cookies
    assert browser.get("/", follow_redirects=False).status_code == 303
    assert app.audit("sign_in_refused")[-1].detail == f"oidc: {reason}"
    assert not app.audit("sign_in")


def test_oidc_callback_without_its_state_is_refused(
    staff_app: Callable[..., App], issuer: str
) -> None:
    app = oidc_app(staff_app, issuer)
    app.add_staff(ANA)
    r = app.browser().get("/login/oidc/callback?code=made-up&state=made-up", follow_redirects=False)
    assert r.status_code == 400
    assert app.audit("sign_in_failed")[-1].detail == "oidc: provider error"


@pytest.mark.parametrize(
    "given",
    [
        {"oidc_issuer": "https://idp.example.org"},
        {"oidc_client_id": "x", "oidc_client_secret": "y"},
    ],
)
def test_oidc_settings_are_all_three_or_none(given: dict[str, str]) -> None:
    from notifier.core.settings import SettingsError
    from notifier.core.settings_load import load_settings

    with pytest.raises(SettingsError) as err:
        load_settings(None, **given)
    assert "NOTIFIER_OIDC_ISSUER, NOTIFIER_OIDC_CLIENT_ID and NOTIFIER_OIDC_CLIENT_SECRET" in str(
        err.value
    )
    assert "\n" not in str(err.value)
