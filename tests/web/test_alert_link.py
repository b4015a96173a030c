"""GET /a/{token}: the link in an on-call alert text leads signed-in staff who may see the
client to the client's page, and nobody else anywhere. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from notifier.core.models import ALERT, Alert, Message
from notifier.inbound.alerts import TOKEN_ALPHABET, TOKEN_LENGTH, new_token
from tests.helpers import add_client
from tests.helpers.staffkit import App, post_form, sign_in_password

ANA, BEN = "+13125550101", "+13125550102"
LINK = re.compile(r"https://notifier\.example\.org/a/([A-Z2-7]+)")


def build(staff_app: Callable[..., App]) -> App:
    app = staff_app(staff_mfa="optional")
    add_client(app.db, "C001", first_name="Ana", phone=ANA, group="evening", now=app.clock.now)
    add_client(app.db, "M002", first_name="Ben", phone=BEN, group="morning", now=app.clock.now)
    app.add_staff("eve@clinic.org", groups="evening")
    app.add_staff("mo@clinic.org", groups="morning")
    app.add_staff("admin@clinic.org", role="admin")
    return app


def crisis_link(app: App, phone: str = ANA) -> tuple[Alert, str]:
    """Raise a crisis alert; the alert row and the link in its on-call text."""
    app.service.receive(from_phone=phone, body="i took too many pills", now=app.clock.now)
    with app.db.read() as s:
        alert = s.scalars(select(Alert).order_by(Alert.id.desc())).first()
        text = s.scalars(
            select(Message).where(Message.kind == ALERT).order_by(Message.id.desc())
        ).first()
    assert alert is not None and text is not None
    found = LINK.search(text.body)
    assert found, text.body
    return alert, found.group(0)


def signed_in(app: App, email: str) -> TestClient:
    browser = app.browser()
    assert sign_in_password(browser, email).status_code == 303
    return browser


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_alert_text_carries_the_link_and_no_reply_or_phone(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    alert, link = crisis_link(app)
    assert alert.link_token is not None and link.endswith(f"/a/{alert.link_token}")
    with app.db.read() as s:
        (text,) = s.scalars(select(Message).where(Message.kind == ALERT))
    assert "Ana (C001)" in text.body and "pills" not in text.body and "555" not in text.body


def test_alert_link_needs_sign_in(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    _, link = crisis_link(app)
    r = app.browser().get(path_of(link), follow_redirects=False)
    assert r.status_code == 303
    location = urlsplit(r.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path_of(link)]


def test_alert_link_after_sign_in_comes_back_to_the_link(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    _, link = crisis_link(app)
    browser = app.browser()
    r = sign_in_password(browser, "eve@clinic.org", next_path=path_of(link))
    assert r.status_code == 303 and r.headers["location"] == path_of(link)


def test_alert_link_redirects_the_groups_facilitator_to_the_client_page(
    staff_app: Callable[..., App],
) -> None:
    app = build(staff_app)
    alert, link = crisis_link(app)
    for email in ("eve@clinic.org", "admin@clinic.org"):
        r = signed_in(app, email).get(path_of(link), follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == f"/clients/C001#alert-{alert.id}"
        page = signed_in(app, email).get("/clients/C001")
        assert f'id="alert-{alert.id}"' in page.text  # the link lands on the alert itself
    opened = app.audit("open_alert_link")
    assert [e.client_id for e in opened] == [alert.client_id, alert.client_id]  # one per link
    assert all(e.detail == f"alert {alert.id}" for e in opened)
    assert all(alert.link_token not in (e.detail or "") for e in app.audit())


def test_alert_link_is_404_for_another_groups_facilitator(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    _, link = crisis_link(app)
    r = signed_in(app, "mo@clinic.org").get(path_of(link), follow_redirects=False)
    assert r.status_code == 404 and "C001" not in r.text and "Ana" not in r.text
    (denied,) = app.audit("access_denied")
    assert denied.staff_id == app.staff("mo@clinic.org").id
    assert app.audit("open_alert_link") == []


def test_alert_link_unknown_or_malformed_token_is_404(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    crisis_link(app)
    browser = signed_in(app, "admin@clinic.org")
    for token in (new_token(), "C001", "AAAAAAAAAAAAAAAAAAAA", "1"):
        assert browser.get(f"/a/{token}", follow_redirects=False).status_code == 404


def test_alert_link_accepts_a_lower_case_token(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    alert, link = crisis_link(app)
    r = signed_in(app, "eve@clinic.org").get(path_of(link).lower(), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#alert-{alert.id}")


def test_alert_link_token_is_random_and_holds_no_client_id(staff_app: Callable[..., App]) -> None:
    app = build(staff_app)
    first, link1 = crisis_link(app)
    second, link2 = crisis_link(app, BEN)
    for alert, link in ((first, link1), (second, link2)):
        token = path_of(link).removeprefix("/a/")
        assert len(token) == TOKEN_LENGTH and set(token) <= TOKEN_ALPHABET
        assert token == alert.link_token and "C001" not in link and "M002" not in link
    assert link1 != link2
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000  # 50 random bits each: no repeats, no sequence


def test_rule_unknown_numbers_the_alert_links_to_an_audited_page_with_the_number(
    staff_app: Callable[..., App],
) -> None:
    app = build(staff_app)
    stranger = "+13125550177"
    alert, link = crisis_link(app, stranger)
    assert alert.client_id is None and stranger not in link
    browser = signed_in(app, "mo@clinic.org")  # any signed-in staff member: on call is anyone
    r = browser.get(path_of(link), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/alerts/{alert.id}"
    page = browser.get(f"/alerts/{alert.id}")
    assert page.status_code == 200 and "i took too many pills" in page.text
    assert stranger not in page.text and "Show their number" in page.text
    shown = post_form(browser, f"/alerts/{alert.id}/number", {}, page=f"/alerts/{alert.id}")
    assert stranger in shown.text
    actions = [e.action for e in app.audit()]
    assert actions[-4:] == ["open_alert_link", "view_alert", "view_alert", "show_sender"]
    # A client's alert has no page here: its page is the client's.
    mine, _ = crisis_link(app, ANA)
    assert browser.get(f"/alerts/{mine.id}").status_code == 404


def test_without_public_url_the_alert_names_the_command(staff_app: Callable[..., App]) -> None:
    app = staff_app(staff_mfa="optional", public_url="")
    add_client(app.db, "C001", first_name="Ana", phone=ANA, group="evening", now=app.clock.now)
    app.service.receive(from_phone=ANA, body="i took too many pills", now=app.clock.now)
    with app.db.read() as s:
        (text,) = s.scalars(select(Message).where(Message.kind == ALERT))
    assert text.body.endswith("Open: notifier alerts --open")
