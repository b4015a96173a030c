"""Attack on staff sign-in (issue 17, N2): keeping someone locked out.

Anyone who knew a staff e-mail could keep the account locked: one wrong password every 12 s
from one address kept the per-account bucket empty, so the owner's right password got 429 at
75 s and 135 s, and on-call could not open an alert link. The owner's known devices (a
browser that completed a sign-in with password and code) now have a bucket of their own;
strangers still share the account's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from notifier.cli import main
from notifier.core import throttle
from notifier.core.db import Database
from tests.conftest import TEST_KEY
from tests.helpers.staffkit import (
    START,
    App,
    csrf_of,
    enrol,
    sign_in_password,
    staff_app,
    totp_now,
)

__all__ = ["staff_app"]

ANA = "ana@clinic.org"
BOSS = "boss@clinic.org"
OWNER_ADDRESS, STRANGER = "10.1.2.3", "203.0.113.9"


def code_step(app: App, browser: TestClient, secret: str) -> int:
    page = browser.get("/login/code")
    r = browser.post("/login/code", data={"csrf_token": csrf_of(page),
                                          "code": totp_now(secret, app.clock.now)},
                     follow_redirects=False)  # fmt: skip
    return r.status_code


def sign_out(browser: TestClient) -> None:
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})


def test_a_stranger_guessing_cannot_lock_the_owner_out_of_a_known_device(
    staff_app: Callable[..., App],
) -> None:
    app = staff_app()
    app.add_staff(ANA, groups="evening")
    owner = app.browser(OWNER_ADDRESS)
    secret = enrol(owner, ANA, app.clock.now)  # a sign-in with password and code: known device
    sign_out(owner)
    strangers = [app.browser(STRANGER), app.browser(OWNER_ADDRESS)]  # also behind her NAT
    refused = 0
    owner_answers = []
    for tick in range(1, 61):  # ten minutes, a wrong password every 10 s
        app.clock.advance(timedelta(seconds=10))
        r = sign_in_password(strangers[tick % 2], ANA, "a wrong guess 123456")
        refused += r.status_code == 429
        if tick % 6 == 0:  # once a minute the owner signs in, then out
            r = sign_in_password(owner, ANA)
            owner_answers.append(r.status_code)
            if r.status_code == 303:
                owner_answers.append(code_step(app, owner, secret))
                assert owner.get("/", follow_redirects=False).status_code == 200
                sign_out(owner)
    assert set(owner_answers) == {303}, owner_answers
    assert refused >= 40  # the account's bucket still stops the guesser
    # A browser that never signed in is a stranger too: the account bucket applies to it.
    assert sign_in_password(app.browser("198.51.100.1"), ANA).status_code == 429
    # The lock-out is in the audit trail, with the account...
    throttled = app.audit("sign_in_throttled")
    assert len(throttled) >= 40 and {e.staff_id for e in throttled} == {app.staff(ANA).id}


def test_a_known_device_has_its_own_limit(staff_app: Callable[..., App]) -> None:
    """A stolen device cookie is not a way around the limit: the device's bucket is small."""
    app = staff_app(staff_mfa="optional")
    app.add_staff(ANA)
    owner = app.browser(OWNER_ADDRESS)
    assert sign_in_password(owner, ANA).status_code == 303
    sign_out(owner)
    answers = [sign_in_password(owner, ANA, "wrong wrong wrong").status_code for _ in range(7)]
    assert answers[:5] == [401] * 5 and answers[5:] == [429, 429]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_lockouts_are_visible_to_an_admin(
    staff_app: Callable[..., App], database_url: str, tmp_path: object,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    app = staff_app()
    app.add_staff(ANA, groups="evening")
    app.add_staff(BOSS, role="admin")
    for _ in range(8):
        sign_in_password(app.browser(STRANGER), ANA, "a wrong guess 123456")
    boss = app.browser("10.9.9.9")
    enrol(boss, BOSS, app.clock.now)
    home = boss.get("/").text
    assert "Sign-in lock-outs" in home and ANA in home
    # Not shown to a facilitator.
    ana_home = app.browser(OWNER_ADDRESS)
    app.clock.advance(timedelta(minutes=10))
    enrol(ana_home, ANA, app.clock.now)
    assert "Sign-in lock-outs" not in ana_home.get("/").text
    # And from the shell.
    env = tmp_path / "settings.env"  # type: ignore[operator]
    env.write_text(f"NOTIFIER_DATABASE_URL={database_url}\nNOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
                   "NOTIFIER_GROUPS=evening: mon 18:00-21:00\n")  # fmt: skip
    assert main(["--env-file", str(env), "staff", "list", "--format", "json",
                 "--now", app.clock.now.isoformat()]) == 0  # fmt: skip
    rows = {r["email"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[ANA]["lockouts_24h"] >= 3 and rows[ANA]["last_lockout_at"]
    assert rows[BOSS]["lockouts_24h"] == 0 and rows[BOSS]["last_lockout_at"] is None


def test_failures_only_buckets_take_up_front_and_give_back(database: Database) -> None:
    """``take`` spends at once (attempts at the same moment cannot all pass a check and
    then spend), ``refund`` gives a right answer's token back, ``reset`` forgets failures."""
    now = START
    kw = {"rate": 1 / 60, "burst": 3}
    assert [throttle.take(database, "signin-test", "ana", now, **kw) for _ in range(4)] == [
        True, True, True, False,
    ]  # fmt: skip
    throttle.refund(database, "signin-test", "ana", now, **kw)
    assert throttle.take(database, "signin-test", "ana", now, **kw)
    assert not throttle.take(database, "signin-test", "ana", now, **kw)
    assert throttle.retry_after(database, "signin-test", "ana", now, **kw) == 60
    throttle.reset(database, "signin-test", "ana")
    assert [throttle.take(database, "signin-test", "ana", now, **kw) for _ in range(3)] == [
        True
    ] * 3
    # A refund never fills a bucket beyond its burst, and a missing row is a full bucket.
    for _ in range(5):
        throttle.refund(database, "signin-test", "bo", now, **kw)
    assert [throttle.take(database, "signin-test", "bo", now, **kw) for _ in range(4)] == [
        True, True, True, False,
    ]  # fmt: skip
