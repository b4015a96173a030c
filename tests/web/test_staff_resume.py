"""The counselor's work is never lost (issue 16, items 3 and 9), over HTTP on SQLite and
PostgreSQL: a form sent after the idle timeout is saved once the same person signs in again
(with a CSRF token of the new session), never for anyone else; the sign-in page says the
session ended; a form's address opened as a page goes to its page; an open page's checks
(session left, new alerts) never count as activity. In a real browser:
tests/browser/test_session.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient
from sqlalchemy import select

from notifier.core.models import Alert
from notifier.web.security import PENDING_COOKIE, WHO_COOKIE
from tests.helpers import add_client
from tests.helpers.staffkit import App, csrf_of, enrol, sign_in_password, totp_now

ANA, BO = "ana@clinic.org", "bo@clinic.org"
BEN, ZOE = "+13125550101", "+13125550102"
CRISIS = "I want to kill myself"
FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def setup(staff_app: Callable[..., App]) -> tuple[App, TestClient, str]:
    """Ana signed in (password and code), Ben with an open crisis alert; (app, browser, TOTP
    secret)."""
    app = staff_app(staff_idle_timeout="15m")
    then = app.clock.now - timedelta(days=14)
    add_client(app.db, "E1", first_name="Ben", phone=BEN, group="evening", now=then)
    add_client(app.db, "M1", first_name="Zoe", phone=ZOE, group="morning", now=then)
    app.add_staff(ANA, groups="evening")
    browser = app.browser()
    secret = enrol(browser, ANA, app.clock.now)
    return app, browser, secret


def crisis(app: App, phone: str = BEN) -> int:
    app.service.receive(from_phone=phone, body=CRISIS, now=app.clock.now)
    with app.db.read() as s:
        found = s.scalars(select(Alert.id).order_by(Alert.id.desc())).first()
        assert found is not None
        return found


def sign_in_again(app: App, browser: TestClient, email: str, secret: str) -> str:
    """Password and code; where the code step sends the browser."""
    app.clock.advance(timedelta(seconds=31))  # the next code (a code works once)
    r = sign_in_password(browser, email)
    assert r.status_code == 303 and r.headers["location"].startswith("/login/code"), r.text
    page = browser.get("/login/code")
    r = browser.post("/login/code", data={"csrf_token": csrf_of(page),
                                          "code": totp_now(secret, app.clock.now)},
                     follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_an_alert_outcome_sent_after_the_timeout_is_saved_after_signing_in_again(
    staff_app: Callable[..., App],
) -> None:
    app, browser, secret = setup(staff_app)
    alert_id = crisis(app)
    page = browser.get("/clients/E1")
    app.clock.advance(timedelta(minutes=20))  # a 20-minute call
    r = browser.post(f"/clients/E1/alerts/{alert_id}", data={
        "csrf_token": csrf_of(page), "outcome": "reached", "note": "Safe at his sister's"},
        follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fclients%2FE1&ended=1"
    assert PENDING_COOKIE in browser.cookies
    login = browser.get(r.headers["location"]).text
    assert "Your session ended" in login and "What you sent was kept" in login
    with app.db.read() as s:
        assert s.get_one(Alert, alert_id).state != "closed"  # nothing done without a session

    assert sign_in_again(app, browser, ANA, secret) == "/resume"
    resume = browser.get("/resume")
    assert resume.status_code == 200
    assert "“Reached them” on an alert for E1 (with your note)" in unescape(resume.text)
    assert f'action="/clients/E1/alerts/{alert_id}"' in resume.text
    assert PENDING_COOKIE not in browser.cookies  # read once
    fields = dict(FIELD.findall(resume.text))
    assert fields["note"] == "Safe at his sister&#39;s" and fields["outcome"] == "reached"
    assert fields["csrf_token"] != csrf_of(page)  # the new session's token, checked again
    r = browser.post(f"/clients/E1/alerts/{alert_id}",
                     data={k: unescape(v) for k, v in fields.items()},
                     follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and "done=alert%3Areached" in r.headers["location"]
    with app.db.read() as s:
        alert = s.get_one(Alert, alert_id)
        assert alert.state == "closed" and alert.note == "Safe at his sister's"
    assert browser.get("/resume", follow_redirects=False).headers["location"] == "/"


def test_a_kept_form_is_never_shown_to_someone_else(staff_app: Callable[..., App]) -> None:
    app, browser, _ = setup(staff_app)
    app.add_staff(BO, groups="evening")
    page = browser.get("/clients/E1")
    app.clock.advance(timedelta(minutes=16))
    data = {"csrf_token": csrf_of(page), "text": "Hi Ben", "nonce": "0" * 32}
    r = browser.post("/clients/E1/text", data=data, follow_redirects=False)
    assert r.headers["location"].endswith("ended=1") and PENDING_COOKIE in browser.cookies
    # Bo signs in on the same computer: Bo goes to the start page and the form is dropped.
    r = sign_in_password(browser, BO)
    assert r.status_code == 303 and r.headers["location"].startswith("/mfa/setup")
    page = browser.get("/mfa/setup")
    bo_secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.text)
    assert bo_secret
    r = browser.post("/mfa/setup", data={"csrf_token": csrf_of(page),
                                         "code": totp_now(bo_secret.group(1), app.clock.now)},
                     follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/" and PENDING_COOKIE not in browser.cookies
    assert browser.get("/resume", follow_redirects=False).headers["location"] == "/"
    assert "Hi Ben" not in browser.get("/clients/E1").text


def test_a_form_without_that_sessions_csrf_token_is_not_kept(
    staff_app: Callable[..., App],
) -> None:
    app, browser, _ = setup(staff_app)
    browser.get("/clients/E1")
    app.clock.advance(timedelta(minutes=16))
    data = {"csrf_token": "forged", "text": "Hi", "nonce": "0" * 32}
    r = browser.post("/clients/E1/text", data=data, follow_redirects=False)
    assert r.status_code == 303 and PENDING_COOKIE not in browser.cookies
    # And a browser that never had a session: no "ended", nothing kept, no 405 after sign-in.
    stranger = app.browser("203.0.113.5")
    r = stranger.post("/clients/E1/text", data={"text": "Hi"}, follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Fclients%2FE1"
    assert PENDING_COOKIE not in stranger.cookies


def test_sign_out_forgets_the_session_and_never_keeps_a_form(
    staff_app: Callable[..., App],
) -> None:
    app, browser, _ = setup(staff_app)
    page = browser.get("/clients/E1")
    browser.post("/logout", data={"csrf_token": csrf_of(page)})
    assert WHO_COOKIE not in browser.cookies
    data = {"csrf_token": csrf_of(page), "text": "Hi", "nonce": "0" * 32}
    r = browser.post("/clients/E1/text", data=data, follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Fclients%2FE1"
    assert PENDING_COOKIE not in browser.cookies
    # Signing out of a session that already ended is not an error either.
    r = app.browser().post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_a_forms_address_opened_as_a_page_goes_to_its_page(
    staff_app: Callable[..., App],
) -> None:
    _, browser, _ = setup(staff_app)
    for path, page in [("/clients/E1/text", "/clients/E1"),
                       ("/groups/evening/attendance", "/groups/evening"),
                       ("/clients/E1/alerts/1/claim", "/clients/E1")]:  # fmt: skip
        r = browser.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == page, path


def test_the_pages_session_check_never_counts_as_activity(
    staff_app: Callable[..., App],
) -> None:
    app, browser, _ = setup(staff_app)
    page = browser.get("/")
    app.clock.advance(timedelta(minutes=13))
    status = browser.get("/session/status").json()
    assert status == {"signed_in": True, "seconds_left": 120, "warn_before": 180}
    app.clock.advance(timedelta(minutes=1))
    assert browser.get("/session/status").json()["seconds_left"] == 60  # not refreshed
    # "Stay signed in" refreshes it.
    r = browser.post("/session/keepalive", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 200 and r.json()["seconds_left"] == 900
    app.clock.advance(timedelta(minutes=16))
    assert browser.get("/session/status").json()["signed_in"] is False
    assert browser.get("/alerts/open.json").status_code == 401


def test_new_alerts_for_an_open_page_are_listed_once_and_audited(
    staff_app: Callable[..., App],
) -> None:
    app, browser, _ = setup(staff_app)
    home = browser.get("/").text
    after = re.search(r'data-after="([^"]+)"', home)
    assert after, "the home page has the live region"
    url = "/alerts/open.json?" + f"after={after.group(1).replace('+', '%2B')}"
    first = browser.get(url).json()
    assert first["changed"] is True and first["alerts"] == []
    app.clock.advance(timedelta(minutes=2))
    ben = crisis(app)
    crisis(app, ZOE)  # the morning group's: not Ana's
    answer = browser.get(url + f"&seen={first['seen']}").json()
    assert answer["changed"] is True
    [shown] = answer["alerts"]
    assert shown["id"] == ben and shown["first_name"] == "Ben" and shown["client"] == "E1"
    assert shown["href"] == f"/clients/E1#alert-{ben}" and shown["level"] == "crisis"
    assert len(app.audit("view_alert")) == 1
    again = browser.get(url + f"&seen={answer['seen']}").json()
    assert again == {"signed_in": True, "seen": answer["seen"], "changed": False, "alerts": []}
    assert len(app.audit("view_alert")) == 1  # an unchanged answer names nobody
    assert browser.get(url + "&group=morning").json()["alerts"] == []
    # Polling never refreshes the idle time.
    app.clock.advance(timedelta(minutes=14))
    browser.get(url)
    app.clock.advance(timedelta(minutes=2))
    assert browser.get(url).status_code == 401
    query = parse_qs(urlparse(browser.get("/", follow_redirects=False).headers["location"]).query)
    assert query == {"ended": ["1"]}


def test_a_form_from_before_signing_in_again_comes_back_for_one_click(
    staff_app: Callable[..., App],
) -> None:
    """The session ended, the counselor signed in again in another tab, then sent the form
    from the first tab (with the old session's token): the form comes back filled in, to
    send with one click; nothing is done without that click."""
    app, browser, secret = setup(staff_app)
    alert_id = crisis(app)
    old_tab = browser.get("/clients/E1")
    app.clock.advance(timedelta(minutes=16))
    assert "/login" in str(browser.get("/").url)  # the other tab
    assert sign_in_again(app, browser, ANA, secret) == "/"
    data = {"csrf_token": csrf_of(old_tab), "outcome": "reached", "note": "All good"}
    r = browser.post(f"/clients/E1/alerts/{alert_id}", data=data, follow_redirects=False)
    assert r.status_code == 403 and "Send this again?" in r.text
    assert "/static/resume.js" not in r.text  # never sent without the click
    fields = dict(FIELD.findall(r.text))
    assert fields["note"] == "All good" and fields["csrf_token"] != csrf_of(old_tab)
    with app.db.read() as s:
        assert s.get_one(Alert, alert_id).state != "closed"
    r = browser.post(f"/clients/E1/alerts/{alert_id}",
                     data={k: unescape(v) for k, v in fields.items()},
                     follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and "done=alert%3Areached" in r.headers["location"]
