"""Staff sign-in: password + TOTP, enrolment, throttling, CSRF, session timeouts, sign-out,
disabled accounts, group and client access, audit rows, headers and cookie flags. Every test
runs on SQLite and PostgreSQL (the ``database_url`` fixture)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from notifier.web.deps import ClientAccess, CsrfForm, CurrentStaff, GroupAccess
from tests.conftest import TEST_KEY
from tests.helpers import add_client
from tests.helpers.staffkit import (
    PASSWORD,
    App,
    csrf_of,
    enrol,
    post_form,
    sign_in_password,
    totp_now,
)

ANA = "ana@clinic.org"


def signed_in(app: App, email: str = ANA, **staff: str) -> tuple[TestClient, str]:
    """An account, enrolled and signed in: (browser, TOTP secret)."""
    app.add_staff(email, **staff)
    browser = app.browser()
    return browser, enrol(browser, email, app.clock.now)


def sign_in_with_code(app: App, browser: TestClient, email: str, secret: str) -> None:
    r = sign_in_password(browser, email)
    assert r.status_code == 303 and r.headers["location"].startswith("/login/code")
    page = browser.get("/login/code")
    r = browser.post(
        "/login/code",
        data={"csrf_token": csrf_of(page), "code": totp_now(secret, app.clock.now)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


# --- sign-in --------------------------------------------------------------------------------------
def test_password_then_totp_signs_in_and_is_audited(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    browser, secret = signed_in(app, groups="evening")
    assert browser.get("/").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})
    app.clock.advance(timedelta(minutes=1))  # the next code
    sign_in_with_code(app, browser, ANA, secret)
    home = browser.get("/", follow_redirects=False)
    assert home.status_code == 200 and "evening" in home.text
    assert [e.detail for e in app.audit("sign_in")] == [
        "password, code enrolled",
        "password and code",
    ]
    assert app.staff(ANA).last_sign_in_at == app.clock.now
    assert app.staff(ANA).totp_enabled


def test_enrolment_comes_before_any_page(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    app.add_staff(ANA, groups="evening")
    browser = app.browser()
    r = sign_in_password(browser, ANA)
    assert r.status_code == 303 and r.headers["location"] == "/mfa/setup"
    r = browser.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/mfa/setup"
    page = browser.get("/mfa/setup")
    assert '<img class="qr" src="data:image/svg+xml' in page.text
    assert "<script" not in page.text
    assert not app.staff(ANA).totp_enabled  # not until a first code confirms it
    r = browser.post("/mfa/setup", data={"csrf_token": csrf_of(page), "code": "000000"})
    assert r.status_code == 400 and not app.staff(ANA).totp_enabled
    assert len(app.audit("mfa_enrolled")) == 0


def test_totp_stored_encrypted(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    _, secret = signed_in(app)
    with app.db.engine.connect() as conn:
        from sqlalchemy import text

        raw = conn.execute(text("SELECT totp_secret FROM staff")).scalar()
    assert raw and secret not in str(raw)


def test_mfa_optional_signs_in_with_the_password_alone(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA, groups="evening")
    browser = app.browser()
    r = sign_in_password(browser, ANA)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert browser.get("/", follow_redirects=False).status_code == 200


def test_wrong_password_is_refused_and_audited(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    app.add_staff(ANA)
    browser = app.browser()
    r = sign_in_password(browser, ANA, "wrong password entirely")
    assert r.status_code == 401 and "wrong" in r.text
    assert "notifier_session" not in r.cookies
    r = sign_in_password(browser, "nobody@clinic.org")
    assert r.status_code == 401
    failed = app.audit("sign_in_failed")
    assert [(e.staff_id is not None, e.detail) for e in failed] == [
        (True, "wrong password"),
        (False, "unknown account"),
    ]
    # Nothing identifying is kept for an unknown e-mail.
    assert all("nobody" not in (e.detail or "") for e in failed)


def test_email_is_case_insensitive(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff("Ana@Clinic.org")
    r = sign_in_password(app.browser(), "  ANA@clinic.ORG ")
    assert r.status_code == 303


def test_wrong_totp_code_is_refused(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    browser, _ = signed_in(app)
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})
    sign_in_password(browser, ANA)
    page = browser.get("/login/code")
    r = browser.post("/login/code", data={"csrf_token": csrf_of(page), "code": "123456"})
    assert r.status_code == 401
    assert browser.get("/", follow_redirects=False).headers["location"] == "/login/code"
    assert app.audit("sign_in_failed")[-1].detail == "wrong code"


def test_replayed_totp_code_is_refused(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    browser, secret = signed_in(app)  # enrolment spent this step's code
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})
    app.clock.advance(timedelta(seconds=5))  # same 30-second window
    sign_in_password(browser, ANA)
    page = browser.get("/login/code")
    code = totp_now(secret, app.clock.now)
    r = browser.post("/login/code", data={"csrf_token": csrf_of(page), "code": code})
    assert r.status_code == 401
    app.clock.advance(timedelta(seconds=30))
    fresh = totp_now(secret, app.clock.now)
    r = browser.post(
        "/login/code", data={"csrf_token": csrf_of(page), "code": fresh}, follow_redirects=False
    )
    assert r.status_code == 303


# --- throttling -----------------------------------------------------------------------------------
def test_failed_sign_ins_are_throttled_per_account(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    for i in range(5):
        r = sign_in_password(app.browser(f"10.0.0.{i}"), ANA, "not the password at all")
        assert r.status_code == 401
    # Even the right password, from another address, waits now.
    r = sign_in_password(app.browser("10.0.1.1"), ANA)
    assert r.status_code == 429 and "Too many" in r.text
    assert app.audit("sign_in_throttled")[-1].staff_id == app.staff(ANA).id
    app.clock.advance(timedelta(minutes=2))
    assert sign_in_password(app.browser("10.0.1.1"), ANA).status_code == 303


def test_failed_sign_ins_are_throttled_per_address(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    browser = app.browser("192.0.2.7")
    for i in range(100):
        r = sign_in_password(browser, f"guess{i}@clinic.org", "not the password at all")
        assert r.status_code == 401
    assert sign_in_password(browser, ANA).status_code == 429
    assert sign_in_password(app.browser("192.0.2.8"), ANA).status_code == 303
    assert app.audit("sign_in_throttled")[-1].address == "192.0.2.7"


def test_successful_sign_ins_never_count(staff_app: Callable[..., App]) -> None:
    """Issue 16: a second facilitator was locked out after two normal sign-ins and a typo."""
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    for _ in range(8):
        assert sign_in_password(app.browser("10.0.0.1"), ANA).status_code == 303
    assert sign_in_password(app.browser("10.0.0.1"), ANA, "a typo typo").status_code == 401
    assert sign_in_password(app.browser("10.0.0.1"), ANA).status_code == 303
    assert not app.audit("sign_in_throttled")


def test_a_right_password_forgets_the_accounts_failures(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    for _ in range(2):
        for _ in range(4):
            assert sign_in_password(app.browser(), ANA, "not it at all").status_code == 401
        assert sign_in_password(app.browser(), ANA).status_code == 303
    assert not app.audit("sign_in_throttled")


def test_the_refusal_says_how_long_to_wait(staff_app: Callable[..., App]) -> None:
    app = staff_app(
        staff_mfa="optional",
    )
    app.add_staff(ANA)
    for _ in range(5):
        sign_in_password(app.browser(), ANA, "not the password at all")
    r = sign_in_password(app.browser(), ANA)
    assert r.status_code == 429
    assert "Too many sign-in attempts. Try again in 1 minute." in r.text
    assert r.headers["Retry-After"] == "60"
    app.clock.advance(timedelta(seconds=30))
    assert sign_in_password(app.browser(), ANA).headers["Retry-After"] == "30"


def test_too_many_names_the_wait_in_whole_minutes() -> None:
    from notifier.web.signin_limits import too_many

    assert too_many(1) == "Too many sign-in attempts. Try again in 1 minute."
    assert too_many(60) == "Too many sign-in attempts. Try again in 1 minute."
    assert too_many(181) == "Too many sign-in attempts. Try again in 4 minutes."


def test_a_clinic_behind_one_address_is_not_locked_out(staff_app: Callable[..., App]) -> None:
    """Thirty staff behind the clinic's one address, each with two typos before the right
    password: nobody is refused (the per-address limit counts failures, and is not tiny)."""
    app = staff_app(staff_mfa="optional")
    people = [f"staff{i}@clinic.org" for i in range(30)]
    for email in people:
        app.add_staff(email)
    answers = []
    for email in people:
        browser = app.browser("198.51.100.20")
        answers += [sign_in_password(browser, email, "typo typo typo").status_code for _ in "ab"]
        answers.append(sign_in_password(browser, email).status_code)
    assert answers == [401, 401, 303] * 30
    assert not app.audit("sign_in_throttled")


def test_wrong_codes_are_throttled_and_a_right_one_forgets_them(
    staff_app: Callable[..., App],
) -> None:
    app = staff_app()
    browser, secret = signed_in(app)
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})

    def code(value: str) -> int:
        page = browser.get("/login/code")
        r = browser.post("/login/code", data={"csrf_token": csrf_of(page), "code": value},
                         follow_redirects=False)  # fmt: skip
        return r.status_code

    for _ in range(3):
        app.clock.advance(timedelta(minutes=1))
        assert sign_in_password(browser, ANA).status_code == 303
        assert [code("000000") for _ in range(3)] == [401] * 3
        assert code(totp_now(secret, app.clock.now)) == 303
        browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})
    assert not app.audit("sign_in_throttled")


# --- CSRF -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "", "forged-token-value"])
def test_login_post_without_a_valid_csrf_token_is_403(
    staff_app: Callable[..., App], token: str | None
) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    browser = app.browser()
    browser.get("/login")  # has its CSRF cookie
    data = {"email": ANA, "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    r = browser.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 403
    assert not app.audit("sign_in")


def test_signed_in_form_needs_the_sessions_own_token(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    browser, _ = signed_in(app)
    other, _ = signed_in(app, "bo@clinic.org")
    foreign = csrf_of(other.get("/"))
    r = browser.post("/logout", data={"csrf_token": foreign}, follow_redirects=False)
    assert r.status_code == 403
    assert browser.get("/", follow_redirects=False).status_code == 200


def test_every_staff_post_route_checks_csrf(staff_app: Callable[..., App]) -> None:
    from fastapi.routing import APIRoute

    from notifier.web.deps import csrf_form

    app = staff_app()
    unchecked = []
    for route in app.http.app.routes:
        if not isinstance(route, APIRoute) or "POST" not in route.methods:
            continue
        if route.path.startswith("/twilio/"):
            continue  # signed by Twilio instead
        calls = {d.call for d in route.dependant.dependencies}
        if csrf_form not in calls:
            unchecked.append(route.path)
    assert unchecked == []


# --- sessions -------------------------------------------------------------------------------------
def test_idle_timeout_ends_the_session(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_idle_timeout="15m")
    browser, _ = signed_in(app)
    app.clock.advance(timedelta(minutes=14))
    assert browser.get("/", follow_redirects=False).status_code == 200
    app.clock.advance(timedelta(minutes=14))  # 14 idle minutes again: still fine
    assert browser.get("/", follow_redirects=False).status_code == 200
    app.clock.advance(timedelta(minutes=15))
    r = browser.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?ended=1"


def test_absolute_timeout_ends_a_busy_session(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_session_max="1h")
    browser, _ = signed_in(app)
    for _ in range(5):
        app.clock.advance(timedelta(minutes=10))
        assert browser.get("/", follow_redirects=False).status_code == 200
    app.clock.advance(timedelta(minutes=10))
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_sign_out_revokes_the_session_row(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    browser, _ = signed_in(app)
    stolen = dict(browser.cookies)
    r = browser.post(
        "/logout", data={"csrf_token": csrf_of(browser.get("/"))}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/login"
    replay = app.browser()
    replay.cookies.update(stolen)
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert len(app.audit("sign_out")) == 1


def test_disabled_account_is_refused_at_once(staff_app: Callable[..., App]) -> None:
    from notifier.staff import accounts as staff

    app = staff_app()
    browser, _ = signed_in(app)
    staff.disable(app.db, ANA, app.clock.now)
    assert browser.get("/", follow_redirects=False).status_code == 303
    r = sign_in_password(app.browser(), ANA)
    assert r.status_code == 401
    assert app.audit("sign_in_failed")[-1].detail == "account disabled"


def test_staff_enable_lets_a_disabled_person_sign_in_again(
    staff_app: Callable[..., App], tmp_path: Path
) -> None:
    """`notifier staff enable` (the command itself, on the app's database): the old password and
    authenticator work again; the session that was open at `disable` does not come back."""
    from notifier.cli import main
    from notifier.staff import accounts as staff

    app = staff_app()
    browser, secret = signed_in(app)
    stolen = dict(browser.cookies)
    staff.disable(app.db, ANA, app.clock.now)
    env = tmp_path / "settings.env"
    env.write_text(
        f"NOTIFIER_DATABASE_URL={app.settings.database_url}\n"
        f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\nNOTIFIER_LOG_FORMAT=json\n"
    )
    app.clock.advance(timedelta(minutes=1))  # the next code
    assert main(["--env-file", str(env), "staff", "enable", ANA]) == 0
    old = app.browser()
    old.cookies.update(stolen)
    assert old.get("/", follow_redirects=False).status_code == 303  # still signed out
    again = app.browser()
    sign_in_with_code(app, again, ANA, secret)
    assert again.get("/", follow_redirects=False).status_code == 200
    assert app.staff(ANA).active and app.staff(ANA).disabled_at is None
    actions = [e.action for e in app.audit()]
    assert actions[actions.index("staff_disabled") :] == [
        "staff_disabled",
        "staff_enabled",
        "sign_in",
        "view_home",
    ]


def test_no_session_redirects_to_login_with_next(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    r = app.browser().get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    with_route(app)
    r = app.browser().get("/groups/evening?x=1", follow_redirects=False)
    assert r.status_code == 303
    assert parse_qs(urlparse(r.headers["location"]).query)["next"] == ["/groups/evening?x=1"]


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_next_goes_only_to_a_same_site_path(staff_app: Callable[..., App], next_path: str) -> None:
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    r = sign_in_password(app.browser(), ANA, next_path=next_path)
    assert r.status_code == 303 and r.headers["location"] == "/"


# --- access ---------------------------------------------------------------------------------------
def with_route(app: App) -> None:
    """Pages the other staff routes will provide, reduced to their access checks."""
    router = APIRouter()

    @router.get("/groups/{group}")
    def group_page(grant: GroupAccess) -> PlainTextResponse:
        return PlainTextResponse(grant.group)

    @router.get("/clients/{external_id}")
    def client_page(grant: ClientAccess) -> PlainTextResponse:
        return PlainTextResponse(f"{grant.external_id} {grant.group}")

    @router.post("/groups/{group}/note")
    def group_note(grant: GroupAccess, form: CsrfForm, staff: CurrentStaff) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app.http.app.include_router(router)


def test_facilitator_sees_only_their_groups_and_clients(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    with_route(app)
    add_client(
        app.db, "E1", first_name="Ana", phone="+13125550101", group="evening", now=app.clock.now
    )
    add_client(
        app.db, "M1", first_name="Max", phone="+13125550102", group="morning", now=app.clock.now
    )
    browser, _ = signed_in(app, "mo@clinic.org", groups="morning")
    # The real group page (routes/pages.py) answers before this test's stand-in.
    assert browser.get("/groups/morning").status_code == 200
    assert browser.get("/groups/evening").status_code == 403
    assert browser.get("/groups/nosuch").status_code == 404
    assert browser.get("/clients/M1").status_code == 200
    assert browser.get("/clients/E1").status_code == 404
    assert browser.get("/clients/nobody").status_code == 404
    home = browser.get("/")
    assert 'data-group="morning"' in home.text and 'data-group="evening"' not in home.text
    views = [
        (e.action, e.group_name, e.client_id)
        for e in app.audit()
        if e.action in ("view_group", "view_client", "access_denied")
    ]
    e1, m1 = app_client_ids(app, "E1", "M1")
    assert views == [
        ("view_group", "morning", None),
        ("access_denied", "evening", None),
        ("view_client", "morning", m1),
        ("access_denied", None, e1),
        ("access_denied", None, None),
    ]


def app_client_ids(app: App, *external_ids: str) -> list[int]:
    from sqlalchemy import select

    from notifier.core.models import Client

    with app.db.read() as s:
        ids = dict(s.execute(select(Client.external_id, Client.id)).all())
    return [ids[e] for e in external_ids]


def test_admin_sees_every_group(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    with_route(app)
    add_client(
        app.db, "E1", first_name="Ana", phone="+13125550101", group="evening", now=app.clock.now
    )
    browser, _ = signed_in(app, "boss@clinic.org", role="admin")
    assert browser.get("/groups/evening").status_code == 200
    assert browser.get("/groups/morning").status_code == 200
    assert browser.get("/clients/E1").status_code == 200
    home = browser.get("/")
    assert 'data-group="morning"' in home.text and 'data-group="evening"' in home.text


def test_home_lists_next_meeting_and_flag_counts(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    add_client(
        app.db,
        "E1",
        first_name="Ana",
        phone="+13125550101",
        group="evening",
        now=app.clock.now - timedelta(days=14),
    )
    app.service.receive(
        from_phone="+13125550101",
        body="I want to kill myself",
        now=app.clock.now - timedelta(minutes=5),
    )
    browser, _ = signed_in(app, groups="evening")
    page = browser.get("/").text
    # The clinic's zone beside every time a person reads (never a bare time to guess at).
    assert "Wed Dec 2, 6:00 PM EST" in page and "Suite 200" in page
    assert 'data-flag="crisis">CRISIS: 1' in page
    assert "kill" not in page  # no message bodies on the start page


# --- headers and cookies --------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/login", "/", "/setup/nope", "/nosuchpage"])
def test_security_headers_on_staff_pages(staff_app: Callable[..., App], path: str) -> None:
    app = staff_app()
    r = app.browser().get(path, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "form-action 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in r.text and "style=" not in r.text


@pytest.mark.parametrize("path", ["/healthz", "/twilio/inbound"])
def test_machine_paths_keep_their_own_headers(staff_app: Callable[..., App], path: str) -> None:
    # The staff headers are for pages a person reads; Twilio and probes get plain answers.
    app = staff_app()
    client = app.browser()
    r = client.get(path) if path == "/healthz" else client.post(path, data={})
    assert "content-security-policy" not in r.headers
    assert "x-frame-options" not in r.headers


def test_error_pages_carry_the_staff_headers(staff_app: Callable[..., App]) -> None:
    r = (
        staff_app()
        .browser()
        .post("/login", content=b"x" * 10, headers={"Content-Type": "text/plain"})
    )
    assert r.status_code >= 400
    assert r.headers["x-frame-options"] == "DENY"


def test_stylesheet_is_served(staff_app: Callable[..., App]) -> None:
    r = staff_app().browser().get("/static/notifier.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    ("public_url", "secure"), [("https://n.example.org", True), ("http://localhost:8000", False)]
)
def test_session_cookie_flags(staff_app: Callable[..., App], public_url: str, secure: bool) -> None:
    app = staff_app(public_url=public_url, staff_mfa="optional")
    app.add_staff(ANA)
    r = sign_in_password(app.browser(), ANA)
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("notifier_session="))
    flags = {p.strip().lower() for p in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert ("secure" in flags) is secure


def test_bearer_follow_up_keeps_working(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    r = app.browser().get(
        "/followup/evening",
        headers={"Authorization": "Bearer Xk2vQp9LmZ4rT7wB1nYc8HsJd3FgA6eUq0Wt"},
    )
    assert r.status_code == 200
    assert "content-security-policy" not in r.headers


# --- the set-up link ------------------------------------------------------------------------------
def test_setup_link_sets_the_password_once(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional")
    token = app.add_staff(ANA, password=None)
    assert token is not None
    browser = app.browser()
    r = post_form(browser, f"/setup/{token}", {"password": "short", "confirm": "short"})
    assert r.status_code == 400 and "12 characters" in r.text
    new = "a long enough new password"
    r = post_form(browser, f"/setup/{token}", {"password": new, "confirm": new + "x"})
    assert r.status_code == 400
    r = post_form(browser, f"/setup/{token}", {"password": new, "confirm": new})
    assert r.status_code == 303
    assert browser.get(f"/setup/{token}").status_code == 410  # single use
    assert sign_in_password(app.browser(), ANA, new).status_code == 303
    assert len(app.audit("password_set")) == 1


def test_setup_link_expires_after_24_hours(staff_app: Callable[..., App]) -> None:
    app = staff_app()
    token = app.add_staff(ANA, password=None)
    app.clock.advance(timedelta(hours=23, minutes=59))
    assert app.browser().get(f"/setup/{token}").status_code == 200
    app.clock.advance(timedelta(minutes=1))
    assert app.browser().get(f"/setup/{token}").status_code == 410
