"""GET /followup/{group}: the staff follow-up page (HTML, or JSON with ?format=json), behind
``Authorization: Bearer $NOTIFIER_STAFF_TOKEN``. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from notifier.core.db import Database
from notifier.core.models import CHECKIN, SENT
from notifier.core.settings import Settings
from notifier.outbound.planner import plan
from notifier.service import Service
from notifier.web import create_app
from tests.conftest import BASE_SETTINGS
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client, messages

NY = ZoneInfo("America/New_York")
# Tuesday 1 December 2026, noon in the program's zone: a check-in day for the evening group
# (mon,wed,thu 18:00). Its next meeting is Wednesday 2 December, 18:00.
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=NY).astimezone(UTC)
ENROLLED = NOON - timedelta(days=14)
NEXT_SESSION = datetime(2026, 12, 2, 18, 0, tzinfo=NY)
STAFF_TOKEN = BASE_SETTINGS["staff_token"]
AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}
ANA, ZOE = "+13125550101", "+13125550102"
CRISIS_TEXT = "I want to kill myself"
FREE_TEXT = "Rough week at work, thinking about using"
SCRIPT = '<script>alert("x")</script>'


@dataclass
class Staff:
    service: Service
    transport: FakeTransport
    http: TestClient

    @property
    def db(self) -> Database:
        return self.service.db

    def get(
        self, path: str, headers: dict[str, str] | None = None, **params: str
    ) -> httpx.Response:
        sent = AUTH if headers is None else headers
        response: httpx.Response = self.http.get(path, headers=sent, params=params)
        return response


@pytest.fixture
def start(
    database_url: str, make_settings: Callable[..., Settings]
) -> Iterator[Callable[..., Staff]]:
    services: list[Service] = []

    def build(**overrides: Any) -> Staff:
        settings = make_settings(
            **{
                "database_url": database_url,
                "sms_backend": "twilio",
                "escalation_tiers": "15m: +13125550191",
                "twilio_account_sid": "AC" + "1" * 32,
                "twilio_auth_token": "secret-token",
                "twilio_from_number": "+13125550100",
                "public_url": "https://notifier.example.org",
                **overrides,
            }
        )
        transport = FakeTransport()
        service = Service(settings, transport=transport, clock=lambda: NOON)
        services.append(service)
        return Staff(service, transport, TestClient(create_app(service)))

    yield build
    for service in services:
        service.close()


def seeded(start: Callable[..., Staff]) -> tuple[Staff, str]:
    """Two evening clients sent a check-in at noon: Zoe texts a crisis, Ana answers 8 and adds
    two free texts. Returns the app and the label of Ana's check-in."""
    staff = start()
    add_client(staff.db, "E1", first_name="Ana", phone=ANA, now=ENROLLED)
    add_client(staff.db, "E2", first_name="Zoe", phone=ZOE, now=ENROLLED)
    assert plan(staff.db, staff.service.settings, NOON).messages_added > 0
    staff.service.dispatch_step(NOON)
    checkins = [m for m in messages(staff.db, kind=CHECKIN) if m.status == SENT]
    assert len(checkins) == 2 and {m.sent_at for m in checkins} == {NOON}
    label = checkins[0].label
    assert label is not None
    svc = staff.service
    svc.receive(from_phone=ZOE, body=CRISIS_TEXT, now=NOON + timedelta(minutes=30))
    answer = svc.receive(from_phone=ANA, body="8", now=NOON + timedelta(minutes=40))
    assert answer.category == "checkin_answer" and answer.score == 8
    svc.receive(from_phone=ANA, body=FREE_TEXT, now=NOON + timedelta(minutes=50))
    svc.receive(from_phone=ANA, body=SCRIPT, now=NOON + timedelta(minutes=55))
    return staff, label


# --- access ------------------------------------------------------------------------------------
def test_no_authorization_header_is_401_with_a_bearer_challenge(
    start: Callable[..., Staff],
) -> None:
    staff = start()
    r = staff.get("/followup/evening", headers={})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.headers["cache-control"] == "no-store"
    assert "<svg" not in r.text


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-secret",
        "Bearer staff-secre",
        f"Bearer {STAFF_TOKEN}-and-more",
        "Bearer ",
        "Bearer",
        STAFF_TOKEN,
        "Basic c3RhZmY6c3RhZmYtc2VjcmV0",
        f"Basic {STAFF_TOKEN}",
        f"Token {STAFF_TOKEN}",
    ],
)
def test_wrong_token_or_scheme_is_401(start: Callable[..., Staff], authorization: str) -> None:
    staff = start()
    r = staff.get("/followup/evening", headers={"Authorization": authorization})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    json_r = staff.get("/followup/evening", headers={"Authorization": authorization}, format="json")
    assert json_r.status_code == 401 and "clients" not in json_r.text


def test_bearer_scheme_is_case_insensitive(start: Callable[..., Staff]) -> None:
    staff = start()
    r = staff.get("/followup/evening", headers={"Authorization": f"bearer {STAFF_TOKEN}"})
    assert r.status_code == 200


@pytest.mark.parametrize(
    "authorization", ["Bearer ", f"Bearer {STAFF_TOKEN}", "Bearer None", "Basic Og=="]
)
def test_staff_token_unset_is_always_401(start: Callable[..., Staff], authorization: str) -> None:
    staff = start(staff_token=None)
    r = staff.get("/followup/evening", headers={"Authorization": authorization})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_right_token_gets_the_html_page(start: Callable[..., Staff]) -> None:
    staff = start()
    add_client(staff.db, "E1", first_name="Ana", phone=ANA, now=ENROLLED)
    r = staff.get("/followup/evening")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store"
    assert "<svg" in r.text and "evening" in r.text and "Ana" in r.text
    assert "noindex" in r.text


def test_json_format_has_the_contract_keys(start: Callable[..., Staff]) -> None:
    staff = start()
    add_client(staff.db, "E1", first_name="Ana", phone=ANA, now=ENROLLED)
    r = staff.get("/followup/evening", format="json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["cache-control"] == "no-store"
    data = r.json()
    assert isinstance(data, dict)
    assert {"group", "session_start", "clients"} <= data.keys()
    assert data["group"] == "evening"
    assert datetime.fromisoformat(data["session_start"]) == NEXT_SESSION
    assert [c["external_id"] for c in data["clients"]] == ["E1"]
    for c in data["clients"]:
        assert {"external_id", "first_name", "flags", "scores", "replies"} <= c.keys()


def test_unknown_group_is_404(start: Callable[..., Staff]) -> None:
    staff = start()
    assert staff.get("/followup/nosuchgroup").status_code == 404
    assert staff.get("/followup/nosuchgroup", format="json").status_code == 404


def test_unknown_group_without_a_token_is_401_not_404(start: Callable[..., Staff]) -> None:
    """The group names are not disclosed to someone without the token."""
    staff = start()
    assert staff.get("/followup/nosuchgroup", headers={}).status_code == 401


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-12-01T15:00:00-05:00", NEXT_SESSION),
        ("2026-12-01T20:00:00Z", NEXT_SESSION),
        ("2026-12-01T15:00", NEXT_SESSION),  # no offset: the program's zone
        ("2026-12-02T19:00:00-05:00", datetime(2026, 12, 3, 18, 0, tzinfo=NY)),
        ("2026-12-04T09:00:00-05:00", datetime(2026, 12, 7, 18, 0, tzinfo=NY)),
    ],
)
def test_now_accepts_an_iso_time(start: Callable[..., Staff], now: str, expected: datetime) -> None:
    staff = start()
    r = staff.get("/followup/evening", format="json", now=now)
    assert r.status_code == 200, r.text
    assert datetime.fromisoformat(r.json()["session_start"]) == expected
    html = staff.get("/followup/evening", now=now)
    assert html.status_code == 200 and f"{expected:%Y-%m-%d}" in html.text


@pytest.mark.parametrize("now", ["yesterday", "2026-13-01T10:00", "2026-12-01T25:00", "12/01/2026"])
def test_bad_now_is_400(start: Callable[..., Staff], now: str) -> None:
    staff = start()
    r = staff.get("/followup/evening", format="json", now=now)
    assert r.status_code == 400
    assert "now" in r.json()["detail"]


def test_bad_format_is_400(start: Callable[..., Staff]) -> None:
    staff = start()
    assert staff.get("/followup/evening", format="xml").status_code == 400


# --- content -----------------------------------------------------------------------------------
def test_json_lists_the_crisis_first_then_the_high_score_with_verbatim_replies(
    start: Callable[..., Staff],
) -> None:
    staff, label = seeded(start)
    r = staff.get("/followup/evening", format="json", now="2026-12-01T15:00:00-05:00")
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["group"] == "evening"
    assert datetime.fromisoformat(data["session_start"]) == NEXT_SESSION
    zoe, ana = data["clients"]
    assert (zoe["external_id"], zoe["first_name"]) == ("E2", "Zoe")
    assert zoe["flags"][0] == "crisis"
    assert [rep["body"] for rep in zoe["replies"]] == [CRISIS_TEXT]
    assert zoe["replies"][0]["category"] == "crisis"
    assert (ana["external_id"], ana["first_name"]) == ("E1", "Ana")
    # high_craving names a cravings score only; any other label over its threshold is high_score
    expected = "high_craving" if label == "cravings" else "high_score"
    assert expected in ana["flags"] and "crisis" not in ana["flags"]
    assert ana["scores"][label]["latest"] == 8
    assert [v["score"] for v in ana["scores"][label]["values"]] == [8]
    assert [rep["body"] for rep in ana["replies"]] == [FREE_TEXT, SCRIPT]


def test_html_escapes_what_clients_wrote(start: Callable[..., Staff]) -> None:
    staff, _ = seeded(start)
    r = staff.get("/followup/evening", now="2026-12-01T15:00:00-05:00")
    assert r.status_code == 200
    page = r.text
    assert "<svg" in page and "evening" in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert CRISIS_TEXT in page and "Rough week at work" in page
    # Most urgent first: Zoe's row comes before Ana's.
    assert page.index("Zoe") < page.index("Ana")


def test_replies_before_the_previous_meeting_are_not_listed(start: Callable[..., Staff]) -> None:
    staff, label = seeded(start)
    # Asked the next morning: the next meeting is Thursday, and the window starts at
    # Wednesday's meeting, so Tuesday's replies belong to the list already used.
    r = staff.get("/followup/evening", format="json", now="2026-12-03T09:00:00-05:00")
    assert r.status_code == 200
    data = r.json()
    assert datetime.fromisoformat(data["session_start"]) == datetime(2026, 12, 3, 18, 0, tzinfo=NY)
    for c in data["clients"]:
        assert c["replies"] == [] and "crisis" not in c["flags"]
        assert label not in c["scores"]


def test_bearer_view_of_a_group_list_is_an_audit_event(start: Callable[..., Staff]) -> None:
    """Machine access is access too (42 CFR Part 2 access records): each list served over the
    bearer token leaves a view_group row naming the path it came by, and a refused token none."""
    from notifier.staff import audit

    staff = start()
    assert staff.get("/followup/evening", format="json").status_code == 200
    assert (
        staff.get("/followup/evening", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    rows = list(audit.export_rows(staff.db))
    assert [(r["action"], r["group"], r["staff_email"]) for r in rows] == [
        ("view_group", "evening", "")
    ]
    assert rows[0]["detail"] == "staff token (json)" and rows[0]["address"]
