"""The counselor's work is never lost, in a real browser (issue 16, items 3, 4 and 9): the
page warns before the idle timeout and can stay signed in; a form sent after the timeout is
saved once the counselor signs in again (never "Method Not Allowed"); a refused staff text
keeps what was typed, with the reason beside the box; a crisis that arrives while a page is
open appears without a reload. Screenshots at 375 and 1280 px, axe on every state.

A server of its own, whose pages ask every second (the clock jumps here would also end the
other tests' sessions)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from notifier.core.models import Alert, Client
from notifier.roster.clients import external_id_filter
from tests.browser.conftest import AXE_JS, Pages
from tests.helpers.live import (
    CRISIS_TEXT,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    STAFF_TOTP,
    LiveServer,
    start_server,
)

WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("live-session"), poll_seconds=1)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pages(
    driver: Any, own_server: LiveServer, screenshot_dir: Path, axe_results: dict[str, Any]
) -> Iterator[Pages]:
    driver.delete_all_cookies()
    yield Pages(driver, own_server, screenshot_dir, AXE_JS.read_text(), axe_results)


def wait_for(d: Any, css: str, seconds: float = 10) -> Any:
    return WebDriverWait(d, seconds).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def click_and_wait(d: Any, element: Any) -> None:
    old = d.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(d, 15).until(expected_conditions.staleness_of(old))
    WebDriverWait(d, 15).until(
        lambda drv: drv.execute_script("return document.readyState") == "complete"
    )


def sign_in(pages: Pages, *, path: str = "/login") -> None:
    """Password and code from the page the browser is on (or ``path``)."""
    d, server = pages.driver, pages.server
    server.clock.advance(minutes=1)  # a fresh TOTP step
    if "/login" not in d.current_url:
        d.get(server.url + path)
    d.find_element(By.ID, "email").send_keys(STAFF_EMAIL)
    d.find_element(By.ID, "password").send_keys(STAFF_PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))
    assert "/login/code" in d.current_url, d.current_url
    d.find_element(By.ID, "code").send_keys(pyotp.TOTP(STAFF_TOTP).at(server.clock()))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))


def both_widths(pages: Pages, name: str) -> None:
    for width in WIDTHS:
        pages.check(f"{name}-{width}", width=width, docs=True)


def main_text(pages: Pages) -> str:
    return str(pages.driver.find_element(By.TAG_NAME, "main").text)


def test_the_page_warns_before_the_timeout_and_can_stay_signed_in(pages: Pages) -> None:
    d, server = pages.driver, pages.server
    sign_in(pages)
    d.get(server.url + "/clients/C001")
    d.find_element(By.ID, "text").send_keys("See you Wednesday")
    server.clock.advance(minutes=13)  # NOTIFIER_STAFF_IDLE_TIMEOUT is 15m: 2 minutes left
    box = wait_for(d, ".session-warning.soon")
    assert "signed out in about 2 minutes" in box.text
    both_widths(pages, "session-warning")
    box = wait_for(d, ".session-warning.soon")
    click = box.find_element(By.TAG_NAME, "button")
    assert click.text == "Stay signed in"
    click.click()
    WebDriverWait(d, 10).until(
        lambda drv: not drv.find_elements(By.CSS_SELECTOR, ".session-warning")
    )
    assert d.find_element(By.ID, "text").get_attribute("value") == "See you Wednesday"
    server.clock.advance(minutes=13)  # the idle time was refreshed: still signed in
    d.get(server.url + "/clients/C001")
    assert d.current_url.endswith("/clients/C001"), d.current_url


def test_an_outcome_sent_after_the_timeout_is_saved_after_signing_in(pages: Pages) -> None:
    d, server = pages.driver, pages.server
    sign_in(pages)
    d.get(server.url + "/clients/C002")
    d.find_element(By.CSS_SELECTOR, "#alerts textarea").send_keys("Spoke 20 minutes, safe")
    server.clock.advance(minutes=20)  # a 20-minute call
    wait_for(d, ".session-warning.ended")
    both_widths(pages, "session-ended-banner")
    button = d.find_element(By.CSS_SELECTOR, "#alerts button[value=reached]")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    click_and_wait(d, button)
    assert "/login" in d.current_url and "ended=1" in d.current_url, d.current_url
    ended = d.find_element(By.ID, "session-ended").text
    assert "Your session ended" in ended and "What you sent was kept" in ended
    both_widths(pages, "login-session-ended")
    sign_in(pages)
    WebDriverWait(d, 15).until(lambda drv: "done=alert" in drv.current_url)
    assert "/clients/C002" in d.current_url
    text = main_text(pages)
    assert "Recorded: Reached them." in text and "Method Not Allowed" not in text
    pages.check("session-resumed", width=1280)
    with server.service.db.read() as s:
        ben = s.scalar(
            select(Client.id).where(external_id_filter(server.service.db.crypto, "C002"))
        )
        alert = s.scalar(select(Alert).where(Alert.client_id == ben, Alert.kind == "crisis"))
        assert alert is not None and alert.outcome == "reached"
        assert alert.note == "Spoke 20 minutes, safe"


def test_a_refused_text_keeps_what_was_typed_with_the_reason_beside_it(pages: Pages) -> None:
    d, server = pages.driver, pages.server
    sign_in(pages)
    d.get(server.url + "/clients/C001")
    typed = "Ana, see you at rehab tonight"
    d.find_element(By.ID, "text").send_keys(typed)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "section.reply button[type=submit]"))
    assert d.find_element(By.ID, "text").get_attribute("value") == typed
    error = d.find_element(By.ID, "text-error")
    assert "mentions “rehab”" in error.text and "text:" not in error.text
    form = d.find_element(By.CSS_SELECTOR, "section.reply form")
    assert form.find_element(By.ID, "text-error") == error  # beside the box, not at the top
    colour = error.value_of_css_property("color")
    assert colour.startswith("rgba(138, 31, 23"), colour  # the error style, not green
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", error)
    both_widths(pages, "staff-text-refused")
    assert not [m for m in server.transport.accepted if "rehab" in m.body]


@pytest.mark.parametrize(
    ("path", "name", "phone", "who"),
    [
        ("/groups/evening", "group", "+13125550101", "Ana (C001)"),
        ("/", "home", "+13125550104", "Dev (C004)"),
    ],
)
def test_a_crisis_that_arrives_appears_without_a_reload(
    pages: Pages, path: str, name: str, phone: str, who: str
) -> None:
    d, server = pages.driver, pages.server
    sign_in(pages)
    d.get(server.url + path)
    d.execute_script("window.notReloaded = true")
    assert not d.find_element(By.ID, "live-alerts").is_displayed()
    server.clock.advance(seconds=5)
    server.service.receive(from_phone=phone, body=CRISIS_TEXT, now=server.clock())
    region = wait_for(d, "#live-alerts li")
    assert who in region.text and "new since this page opened" in region.text
    live = d.find_element(By.ID, "live-alerts")
    assert live.get_attribute("aria-live") == "polite"
    assert d.execute_script("return window.notReloaded") is True
    link = live.find_element(By.TAG_NAME, "a").get_attribute("href")
    assert link.startswith(server.url + f"/clients/{who[-5:-1]}#alert-")
    both_widths(pages, f"live-alert-{name}")
