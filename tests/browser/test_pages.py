"""The staff pages in a real browser, as a facilitator uses them: sign in with a password and a
TOTP code, read the group list, mark attendance, close a crisis alert, text a client, see the
phone number, sign out, and be signed out after the idle timeout. Every page is screenshotted
and checked with axe (tests/browser/conftest.py)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pyotp
import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from notifier.core.models import Alert, AuditEvent, Client
from notifier.roster.clients import external_id_filter
from tests.browser.conftest import Pages, click_and_wait, text_of
from tests.helpers.live import (
    CONCERN_TEXT,
    CRISIS_TEXT,
    LONG_TEXT,
    SPANISH_TEXT,
    STAFF_EMAIL,
    STAFF_NAME,
    STAFF_PASSWORD,
    STAFF_TOTP,
)


def sign_in(pages: Pages, *, shots: bool = False) -> None:
    d, server = pages.driver, pages.server
    d.delete_all_cookies()
    # A fresh TOTP step (a code is never accepted twice), and time for the sign-in throttle
    # (5 attempts, then 1 a minute per account) to allow this one.
    server.clock.advance(minutes=3)
    if shots:
        pages.open("/login", "login")
    else:
        d.get(server.url + "/login")
    d.find_element(By.ID, "email").send_keys(STAFF_EMAIL)
    d.find_element(By.ID, "password").send_keys(STAFF_PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))
    assert d.current_url.startswith(server.url + "/login/code"), text_of(pages)
    if shots:
        pages.check("login-code")
    code = pyotp.TOTP(STAFF_TOTP).at(server.clock())
    d.find_element(By.ID, "code").send_keys(code)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))
    assert d.current_url == server.url + "/", d.current_url


@pytest.fixture
def signed_in(pages: Pages) -> Iterator[Pages]:
    sign_in(pages)
    yield pages


def audit_actions(pages: Pages, action: str) -> list[AuditEvent]:
    with pages.server.service.db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_sign_in_with_password_and_totp_shows_the_groups_and_open_alerts(pages: Pages) -> None:
    pages.open("/", "signed-out-redirect")
    assert "/login" in pages.driver.current_url
    sign_in(pages, shots=True)
    pages.check("home", docs=True)
    main = text_of(pages)
    assert "Evening" in main and "Morning" in main
    assert "Open alerts" in main and "C002" in main
    assert "can't do this" not in main  # no message bodies on the start page


def test_group_page_lists_the_most_urgent_first_with_full_replies_and_charts(
    signed_in: Pages,
) -> None:
    pages = signed_in
    pages.open("/groups/evening", "group-evening")
    pages.check("group-evening", width=1280, docs=True)
    d = pages.driver
    names = [e.text for e in d.find_elements(By.CSS_SELECTOR, "article.client h2")]
    assert names[0] == "Ben", names
    main = text_of(pages)
    assert CRISIS_TEXT in main and LONG_TEXT in main and CONCERN_TEXT in main  # never cut
    assert "weekly average" in main  # the legend
    charts = d.find_elements(By.CSS_SELECTOR, "article.client svg.trend")
    assert len(charts) >= 6
    assert "cravings, weekly average" in (charts[0].get_attribute("aria-label") or "")
    assert not d.find_elements(By.CSS_SELECTOR, "fieldset.attendance")  # not started yet


def test_group_page_reads_on_a_phone(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    d.get(pages.server.url + "/groups/evening")
    pages.check("group-evening-phone", width=375, docs=True)
    d.set_window_size(375, 667)  # a small phone's first screen
    try:
        wide = d.execute_script("return document.documentElement.scrollWidth")
        assert wide <= 375, f"the page is {wide}px wide on a 375px phone"
        # The most urgent client is on the first screen, without scrolling.
        first = d.find_element(By.CSS_SELECTOR, "article.client h2")
        bottom = d.execute_script("return arguments[0].getBoundingClientRect().bottom", first)
        assert first.text == "Ben" and bottom <= d.execute_script("return innerHeight"), bottom
    finally:
        d.set_window_size(1200, 900)


def test_group_page_shows_every_message_once_and_answers_in_words(signed_in: Pages) -> None:
    """A flagged message is quoted under its flag and not again below it; a check-in answer
    written in words is shown in those words, beside the score it gave."""
    pages = signed_in
    d = pages.driver
    d.get(pages.server.url + "/groups/evening")
    for card in d.find_elements(By.CSS_SELECTOR, "article.client"):
        said = [q.text for q in card.find_elements(By.CSS_SELECTOR, "blockquote.said")]
        assert len(said) == len(set(said)), said
    main = text_of(pages)
    assert main.count(CRISIS_TEXT) == 1 and main.count(CONCERN_TEXT) == 1
    ana = d.find_element(By.ID, "client-C001").text
    assert SPANISH_TEXT in ana and "9 of 10" in ana


def test_group_page_chart_labels_are_readable(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    for width in (375, 1280):
        d.set_window_size(width, 900)
        d.get(pages.server.url + "/groups/evening")
        sizes = d.execute_script(
            """return [...document.querySelectorAll('svg.trend text')].map(t => {
                 const svg = t.ownerSVGElement, box = svg.getBoundingClientRect();
                 const scale = box.width / svg.viewBox.baseVal.width;
                 return parseFloat(getComputedStyle(t).fontSize) * scale; });"""
        )
        assert sizes and min(sizes) >= 12, (width, min(sizes))
        wide = d.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, (width, wide)
    d.set_window_size(1200, 900)


def test_client_page_fits_a_phone(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    d.get(pages.server.url + "/clients/C002")
    pages.check("client-phone-375", width=375, docs=True)
    d.set_window_size(375, 800)
    try:
        wide = d.execute_script("return document.documentElement.scrollWidth")
        assert wide <= 375, f"the client page is {wide}px wide on a 375px phone"
        button = d.find_element(By.CSS_SELECTOR, "form.signout button")
        right = d.execute_script("return arguments[0].getBoundingClientRect().right", button)
        assert right <= 375 and button.is_displayed()
    finally:
        d.set_window_size(1200, 900)
    pages.check("client-1280", width=1280, docs=True)


def test_group_page_prints_the_list_without_the_controls(signed_in: Pages) -> None:
    """Counselors print the list before group: the print style keeps every client and reply
    and drops navigation, forms and buttons (checked with the browser's print media); every
    printed page repeats the group and date and the confidentiality notice (the frame's head
    and foot), and three clients fit on two pages."""
    pages = signed_in
    d = pages.driver
    d.get(pages.server.url + "/groups/evening")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        pages.check("group-evening-print")
        for selector in ("header.site", "nav", "form", ".btn"):
            shown = [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]
            assert not shown, f"{selector} is printed"
        main = text_of(pages)
        assert CRISIS_TEXT in main and LONG_TEXT in main
        head = d.find_element(By.CSS_SELECTOR, "table.print-frame > thead")
        foot = d.find_element(By.CSS_SELECTOR, "table.print-frame > tfoot")
        assert head.value_of_css_property("display") == "table-header-group"
        assert foot.value_of_css_property("display") == "table-footer-group"
        assert "Evening group · Wednesday, December 2, 6:00 PM" in head.text
        assert "Confidential" in foot.text and "42 CFR Part 2" in foot.text
        pdf = d.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.5, "paperHeight": 11})
        raw = base64.b64decode(pdf["data"])
        printed = len(re.findall(rb"/Type\s*/Page[^s]", raw))
        clients = len(d.find_elements(By.CSS_SELECTOR, "article.client"))
        assert clients == 3 and printed <= 2, f"{clients} clients took {printed} pages"
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_mark_the_whole_groups_attendance_with_one_save(signed_in: Pages) -> None:
    """One form for everyone, one save; the result is beside the save button, in view, and
    on each card; the cards no longer say "Not marked"."""
    pages = signed_in
    d = pages.driver
    pages.open("/groups/evening?date=2026-11-30", "group-evening-attendance")
    assert len(d.find_elements(By.CSS_SELECTOR, "form[action$='/attendance/all']")) == 1
    assert len(d.find_elements(By.CSS_SELECTOR, "article.client form")) == 0
    chosen = {"C001": "late", "C002": "absent", "C003": "attended"}
    for ext, status in chosen.items():
        d.find_element(By.CSS_SELECTOR, f"input[name=status-{ext}][value={status}]").click()
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#attendance-save button"))
    notice = d.find_element(By.CSS_SELECTOR, "#attendance-save .notice")
    assert notice.text == "Saved: 1 attended, 1 late, 1 absent."
    top, bottom = d.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];", notice
    )
    assert top >= 0 and bottom <= d.execute_script("return innerHeight"), (top, bottom)
    pages.check("group-evening-attendance-saved", width=1280, docs=True)
    for ext, status in chosen.items():
        card = d.find_element(By.ID, f"client-{ext}").text
        assert f"This meeting\n{status}" in card or f"This meeting {status}" in card, card
        assert "Not marked" not in card
    assert d.find_element(By.CSS_SELECTOR, "input[name=status-C001][value=late]").is_selected()
    events = sorted(e.detail or "" for e in audit_actions(pages, "attendance_change"))
    assert events == ["2026-11-30: unmarked -> absent", "2026-11-30: unmarked -> attended",
                      "2026-11-30: unmarked -> late"]  # fmt: skip
    d.get(pages.server.url + "/groups/evening?date=2026-11-30")
    pages.check("group-evening-attendance-phone", width=375, docs=True)


def test_saving_attendance_with_nobody_chosen_says_so_beside_the_button(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    d.get(pages.server.url + "/groups/evening?date=2026-11-26")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#attendance-save button"))
    error = d.find_element(By.CSS_SELECTOR, "#attendance-save .notice.error")
    assert error.text.startswith("Nothing saved: no one to mark"), error.text
    pages.check("group-evening-attendance-refused", width=375)
    assert not audit_actions(pages, "attendance_change") or all(
        "2026-11-26" not in (e.detail or "") for e in audit_actions(pages, "attendance_change")
    )


def test_acknowledge_a_crisis_records_who_when_and_the_outcome(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    pages.open("/clients/C002", "client-crisis")
    assert CRISIS_TEXT in text_of(pages)
    assert "sent again to the escalation numbers" not in text_of(pages)
    # The crisis came in an hour ago and nobody recorded an outcome: the escalation job's step
    # sends it again, and the page says so to whoever opens it next.
    assert pages.server.service.escalate_step(pages.server.clock()).escalated
    pages.open("/clients/C002", "client-crisis-escalated")
    assert "No outcome recorded in time: sent again to the escalation numbers" in text_of(pages)
    d.find_element(By.CSS_SELECTOR, "#alerts textarea").send_keys("Spoke at 3:05, safe at home")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#alerts button[value=reached]"))
    pages.check("client-crisis-acknowledged", docs=True)
    main = text_of(pages)
    assert "Recorded: Reached them." in main and f"Reached them — {STAFF_NAME}" in main
    with pages.server.service.db.read() as s:
        ben = s.scalar(
            select(Client.id).where(external_id_filter(pages.server.service.db.crypto, "C002"))
        )
        alert = s.scalar(select(Alert).where(Alert.client_id == ben, Alert.kind == "crisis"))
        assert alert is not None and alert.outcome == "reached"
        assert alert.acknowledged_at is not None and alert.note == "Spoke at 3:05, safe at home"
    assert [e.detail for e in audit_actions(pages, "alert_ack")] == [
        f"alert {alert.id} (crisis): reached"
    ]
    pages.open("/groups/evening", "group-evening-after-ack")
    assert f"Reached them — {STAFF_NAME}" in text_of(pages)


def test_answer_a_client_sends_through_the_outbox(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    pages.open("/clients/C001", "client")
    d.find_element(By.ID, "text").send_keys("Thanks for letting us know, Ana. See you Wednesday!")
    assert d.find_element(By.ID, "text-count").text == "269 of 320 characters left"
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "section.reply button[type=submit]"))
    pages.check("client-text-sent")
    main = text_of(pages)
    assert "Your text is on its way." in main and STAFF_NAME in main
    sent = [m.body for m in pages.server.transport.accepted]
    assert "Thanks for letting us know, Ana. See you Wednesday!" in sent
    assert len(audit_actions(pages, "staff_text")) == 1


def test_an_opted_out_client_gets_nothing_and_the_page_says_so(signed_in: Pages) -> None:
    pages = signed_in
    pages.open("/clients/C005", "client-opted-out")
    assert "Erin gets no texts (opted out)." in text_of(pages)
    assert not pages.driver.find_elements(By.ID, "text")


def test_phone_number_only_on_request_and_audited(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    pages.open("/clients/C003", "client-concern")
    assert not d.find_elements(By.CSS_SELECTOR, "a[href^='tel:']")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "section.phone button"))
    pages.check("client-phone")
    [link] = d.find_elements(By.CSS_SELECTOR, "a[href^='tel:']")
    assert link.get_attribute("href") == "tel:+16025550103"
    assert len(audit_actions(pages, "show_phone")) == 1


def test_sign_out_then_pages_need_sign_in(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.signout button"))
    assert "/login" in d.current_url
    pages.open("/groups/evening", "signed-out")
    assert "/login" in d.current_url


def test_idle_timeout_signs_out(signed_in: Pages) -> None:
    pages = signed_in
    d = pages.driver
    pages.server.clock.advance(minutes=16)  # NOTIFIER_STAFF_IDLE_TIMEOUT is 15m
    d.get(pages.server.url + "/groups/evening")
    assert "/login" in d.current_url, d.current_url
    pages.check("idle-timeout")


def test_a_new_account_sets_its_password_and_enrols_with_the_qr_code(pages: Pages) -> None:
    """The first-time path: the one-time link, a password, then the QR code for the
    authenticator app; both pages screenshotted and checked with axe."""
    from notifier.staff import accounts as staffmod

    d, server = pages.driver, pages.server
    d.delete_all_cookies()
    server.clock.advance(minutes=3)
    token = staffmod.add(
        server.service.db,
        server.service.settings,
        email="new@clinic.org",
        name="Noa",
        role="facilitator",
        groups=("morning",),
        now=server.clock(),
    )
    assert token is not None
    pages.open(f"/setup/{token}", "setup")
    password = "a long new password 2026"
    d.find_element(By.ID, "password").send_keys(password)
    d.find_element(By.ID, "confirm").send_keys(password)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))
    if "/login" in d.current_url and "/mfa" not in d.current_url:
        d.find_element(By.ID, "email").send_keys("new@clinic.org")
        d.find_element(By.ID, "password").send_keys(password)
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))
    assert "/mfa/setup" in d.current_url, d.current_url
    pages.check("mfa-setup")
    qr = d.find_element(By.CSS_SELECTOR, "img.qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert d.execute_script("return arguments[0].naturalWidth", qr) > 0  # the QR code renders
    secret = d.find_element(By.CSS_SELECTOR, "code.secret").text.replace(" ", "")
    d.find_element(By.ID, "code").send_keys(pyotp.TOTP(secret).at(server.clock()))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))
    assert d.current_url == server.url + "/", d.current_url
    assert "Morning" in text_of(pages) and "Evening" not in text_of(pages)
    assert audit_actions(pages, "mfa_enrolled") and audit_actions(pages, "password_set")
