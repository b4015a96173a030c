"""A night on call, end to end (issue "From alert to a person reached"): through the signed
Twilio webhook, the staff pages and the CLI, with the real transport's settings and a fake
at the transport seam, on SQLite and PostgreSQL.

1. A client: a crisis at 2 AM; nobody on call answers; the first escalation tier is told,
   claims the alert from the link in its text, leaves a message, and reaches the client at
   the second try. The client's page and the audit export show the whole history.
2. A number on no client's record: the same night, and its number kept encrypted, shown on an
   audited page, forgotten after 72 hours.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from notifier.cli import main
from notifier.core.settings import Settings
from notifier.service import Service
from notifier.web import create_app
from tests.conftest import TEST_KEY
from tests.fakes.transport import FakeTransport
from tests.helpers import Clock, add_client
from tests.helpers.staffkit import PASSWORD, post_form, sign_in_password

NY = ZoneInfo("America/New_York")
TWO_AM = datetime(2026, 12, 3, 2, 0, tzinfo=NY).astimezone(UTC)  # a Thursday night
TOKEN = "night-shift-auth-token-0123456789"
ACCOUNT = "AC" + "7" * 32
PUBLIC = "https://notifier.example.org"
ANA, ONCALL, SUPERVISOR, SERVICE_LINE = (
    "+13125550101", "+13125550190", "+13125550191", "+13125550192",
)  # fmt: skip
STRANGER = "+17735550177"
LINK = re.compile(r"https://notifier\.example\.org/a/[A-Z2-7]{10}")
M = timedelta(minutes=1)


@dataclass
class Night:
    service: Service
    clock: Clock
    http: TestClient
    env: Path
    fake: FakeTransport
    n: int = 0

    def text_in(self, phone: str, body: str) -> None:
        """The client's SMS, as Twilio posts it (signed), handled as the webhook does."""
        self.n += 1
        params = {"MessageSid": f"SM{self.n:032x}", "AccountSid": ACCOUNT, "From": phone,
                  "To": "+13125550100", "Body": body}  # fmt: skip
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/inbound", params)
        r = self.http.post("/twilio/inbound", content=urlencode(params), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature})  # fmt: skip
        assert r.status_code == 200, r.text
        self.service.send_now(self.clock.now)

    def at(self, minutes: int) -> datetime:
        self.clock.now = TWO_AM + minutes * M
        self.service.escalate_step(self.clock.now)
        self.service.send_now(self.clock.now)
        return self.clock.now

    def sent_to(self, phone: str) -> list[str]:
        return [a.body for a in self.fake.accepted if a.to == phone]

    def cli(self, *args: str, now: bool = True) -> int:
        when = ["--now", self.clock.now.isoformat()] if now else []
        return main(["--env-file", str(self.env), *args, *when])


@pytest.fixture
def night(
    database_url: str,
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Night]:
    values: dict[str, Any] = {
        "database_url": database_url, "sms_backend": "twilio", "twilio_account_sid": ACCOUNT,
        "twilio_auth_token": TOKEN, "twilio_from_number": "+13125550100", "public_url": PUBLIC,
        "oncall_numbers": ONCALL,
        "escalation_tiers": f"15m: {SUPERVISOR}; 30m call: {SERVICE_LINE}",
        "staff_mfa": "optional", "program_name": "Westside Texts", "staff_idle_timeout": "1h",
    }  # fmt: skip
    settings = make_settings(**values)
    env = tmp_path / "settings.env"
    env.write_text(
        "".join(f"NOTIFIER_{k.upper()}={v}\n" for k, v in values.items() if "twilio_" not in k)
        + f"NOTIFIER_SMS_BACKEND=console\nNOTIFIER_ENCRYPTION_KEYS={TEST_KEY}\n"
        + f"NOTIFIER_GROUPS={settings.groups[0].name}: mon 18:00-21:00\n"
    )
    clock = Clock(TWO_AM - timedelta(days=1))
    fake = FakeTransport()
    service = Service(settings, transport=fake, clock=clock, worker_id="night")
    add_client(service.db, "C1", first_name="Ana", phone=ANA, group="evening", now=clock.now)
    for email, role in (("oncall@clinic.org", "facilitator"), ("sam@clinic.org", "admin")):
        from notifier.staff import accounts

        accounts.add(service.db, settings, email=email, name=email.split("@")[0].title(),
                     role=role, groups=("evening",), now=clock.now,
                     password=PASSWORD)  # fmt: skip
    http = TestClient(create_app(service), base_url="https://testserver")
    yield Night(service, clock, http, env, fake)
    service.close()


def signed_in(night: Night, email: str, link: str) -> tuple[TestClient, str]:
    """Open the link from a text on a phone: sign-in first, then back to the alert."""
    browser = TestClient(night.http.app, base_url="https://testserver")
    path = urlsplit(link).path
    r = browser.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert sign_in_password(browser, email, next_path=path).status_code == 303
    r = browser.get(path, follow_redirects=False)
    assert r.status_code == 303
    return browser, r.headers["location"].split("#")[0]


def form(browser: TestClient, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    r = post_form(browser, action, data, page=page)
    assert r.status_code == 303 and "error" not in r.headers["location"], r.headers
    return r


def words_of(html: str) -> str:
    """A page's text as a person reads it (tags out, spaces folded)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def audit_rows(night: Night, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert night.cli("audit", "export", now=False) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_night_a_clients_crisis_at_2am_reaches_a_person_at_the_second_try(
    night: Night, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    night.clock.now = TWO_AM
    night.text_in(ANA, "i cant do this anymore. i want to end it tonight")
    (reply,) = night.sent_to(ANA)
    assert reply.index("988") < reply.index("911") and "We have let our team know." in reply
    (page,) = night.sent_to(ONCALL)
    assert "Ana (C1) needs a call now" in page and "end it" not in page
    link = LINK.search(page)
    assert link is not None
    # 2:05: she writes again. It joins the alert: a follow-up for her, no second page yet.
    night.at(5)
    night.text_in(ANA, "i really just want to die")
    assert "you don't have to wait for us" in night.sent_to(ANA)[-1]
    assert len(night.sent_to(ONCALL)) == 1
    # Nobody on call answers: at 2:15 the first tier hears of it (not the on-call number).
    night.at(14)
    assert night.sent_to(SUPERVISOR) == []
    night.at(15)
    (escalated,) = night.sent_to(SUPERVISOR)
    assert "NOT YET ANSWERED after 15 min" in escalated and link.group(0) in escalated
    # 2:17: Sam opens the link, signs in, and claims it: "I'm calling now".
    night.at(17)
    sam, client_page = signed_in(night, "sam@clinic.org", link.group(0))
    assert client_page == "/clients/C1"
    shown = sam.get(client_page).text
    assert "i want to end it tonight" in shown and "i really just want to die" in shown
    alert_id = int(re.search(r'id="alert-(\d+)"', shown).group(1))  # type: ignore[union-attr]
    form(sam, client_page, f"/clients/C1/alerts/{alert_id}/claim", {})
    # 2:22: voicemail. Recorded from the CLI, the note on standard input.
    night.at(22)
    monkeypatch.setattr("sys.stdin", io.StringIO("voicemail; left the 988 number and mine"))
    assert night.cli("alerts", "outcome", str(alert_id), "--outcome", "left_message",
                     "--by", "sam@clinic.org", "--note-stdin") == 0  # fmt: skip
    # The claim and the message left hold the next tier: no call to the service line at 2:30.
    night.at(30)
    assert night.sent_to(SERVICE_LINE) == []
    # 2:40: the second try reaches her; recorded on the page. Closed: nothing more is due.
    night.at(40)
    reached = {"outcome": "reached", "note": "talked 20 min; safety plan; sister on her way"}
    form(sam, client_page, f"/clients/C1/alerts/{alert_id}", reached)
    for minutes in (52, 60, 90):
        night.at(minutes)
    assert night.sent_to(SERVICE_LINE) == [] and len(night.sent_to(SUPERVISOR)) == 1

    # The page shows the whole history, oldest first.
    text = words_of(sam.get(client_page).text)
    history = [
        "Alert raised", "Staff told", "Another message", "Not yet answered: the next tier told",
        "Claimed: calling now — Sam", "Left a message — Sam", "Note: voicemail",
        "Reached them — Sam", "Note: talked 20 min",
    ]  # fmt: skip
    positions = [text.find(step) for step in history]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    assert "Closed" in text
    # The CLI's listing: closed, tier 1, both outcomes by Sam, no note text.
    capsys.readouterr()
    assert night.cli("alerts", "--format", "json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["state"], row["tier"]) == ("closed", 1)
    assert [(o["outcome"], o["by"]) for o in row["outcomes"]] == [
        ("left_message", "sam@clinic.org"), ("reached", "sam@clinic.org")]  # fmt: skip
    assert "voicemail" not in json.dumps(row)
    # The audit export: the link opened, the page viewed, the claim and both outcomes.
    trail = [(r["action"], r["staff_email"], r["client"]) for r in audit_rows(night, capsys)
             if r["action"] != "sign_in"]  # fmt: skip
    assert ("open_alert_link", "sam@clinic.org", "C1") in trail
    assert [t for t in trail if t[0] in ("alert_claim", "alert_ack")] == [
        ("alert_claim", "sam@clinic.org", "C1"),
        ("alert_ack", "sam@clinic.org", "C1"),
        ("alert_ack", "sam@clinic.org", "C1"),
    ]
    assert not any("voicemail" in str(r) or "end it" in str(r) for r in trail)


def test_night_a_stranger_in_crisis_at_2am_is_called_back_from_an_audited_page(
    night: Night, capsys: pytest.CaptureFixture[str]
) -> None:
    night.clock.now = TWO_AM
    night.text_in(STRANGER, "i took all my pills i want to die")
    (reply,) = night.sent_to(STRANGER)
    assert reply.index("911") < reply.index("988")
    assert "Westside" not in reply and "team" not in reply  # nothing that names the program
    (page,) = night.sent_to(ONCALL)
    assert "not on the roster" in page and STRANGER not in page
    link = LINK.search(page)
    assert link is not None
    night.at(15)
    (escalated,) = night.sent_to(SUPERVISOR)
    assert "A number (not on the roster)" in escalated and STRANGER not in escalated
    night.at(17)
    sam, alert_page = signed_in(night, "sam@clinic.org", link.group(0))
    assert alert_page.startswith("/alerts/")
    shown = sam.get(alert_page).text
    assert "i took all my pills" in shown and STRANGER not in shown
    number = post_form(sam, f"{alert_page}/number", {}, page=alert_page)
    assert STRANGER in number.text
    alert_id = alert_page.rsplit("/", 1)[1]
    form(sam, alert_page, f"{alert_page}/claim", {})
    night.at(22)
    form(sam, alert_page, f"{alert_page}/outcome", {"outcome": "left_message"})
    night.at(30)
    assert night.sent_to(SERVICE_LINE) == []
    night.at(40)
    form(sam, alert_page, f"{alert_page}/outcome", {"outcome": "reached", "note": "EMS there"})
    text = words_of(sam.get(alert_page).text)
    history = ["Alert raised", "Not yet answered", "Claimed: calling now — Sam",
               "Left a message — Sam", "Reached them — Sam"]  # fmt: skip
    positions = [text.find(step) for step in history]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    trail = [(r["action"], r["detail"]) for r in audit_rows(night, capsys)]
    for action in ("open_alert_link", "view_alert", "show_sender", "alert_claim", "alert_ack"):
        assert any(a == action for a, _ in trail), action
    assert not any(STRANGER in d or "pills" in d for _, d in trail)
    # 72 hours on, the number is forgotten; the alert and its history stay.
    night.clock.now = TWO_AM + timedelta(hours=72)
    capsys.readouterr()
    assert night.cli("purge") == 0
    assert "forgot 1 unknown sender number(s)" in capsys.readouterr().out
    sam, _ = signed_in(night, "sam@clinic.org", link.group(0))  # a new day, a new sign-in
    after = sam.get(alert_page).text
    assert "no longer kept" in after and f"Alert {alert_id}" in after and STRANGER not in after
