"""A live notifier web server for the browser tests: uvicorn in a thread on 127.0.0.1, over a
seeded SQLite database, with a clock the tests can move.

The clock starts at a fixed instant (Tuesday 1 December 2026, 15:00 in New York: the evening
group met on Monday and meets again on Wednesday) and runs on with real time, so pages are the
same at any hour of the day, and a test can jump it forward (an idle timeout) with
:meth:`MovingClock.advance`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
from sqlalchemy import select

from notifier.core import db as dbmod
from notifier.core.models import CHECKIN, SENT, Client
from notifier.core.settings import Settings
from notifier.outbound.planner import plan
from notifier.roster import consent
from notifier.roster.clients import external_id_filter, import_roster
from notifier.service import Service
from notifier.staff import accounts as staffmod
from notifier.web import create_app
from tests.conftest import BASE_SETTINGS, TEST_CRYPTO
from tests.fakes.transport import FakeTransport
from tests.helpers import messages

NY = ZoneInfo("America/New_York")
ANCHOR = datetime(2026, 12, 1, 15, 0, tzinfo=NY).astimezone(UTC)
NOON_NY = time_of_day(12, 0)
ROSTER = Path(__file__).resolve().parents[2] / "notifier/examples/roster.csv"

# What the seeded clients text (by external id); see :func:`seed`.
CRISIS_TEXT = "I can't do this anymore, I want to end it"
CONCERN_TEXT = "Rough week at work. Thinking about using again, my brother keeps offering."
# A check-in answer in words, with its score inside (C001 Ana answers Tuesday's check-in so).
SPANISH_TEXT = "tengo muchas ganas de consumir hoy, como un 9"
LONG_TEXT = (
    "Sorry I missed Monday. My car broke down on the highway and I waited three hours for the "
    "tow truck, then my phone died. I'm okay, I went to a meeting near my sister's place "
    "instead and I'll be there Wednesday for sure. Can someone tell me what I missed?"
)


class MovingClock:
    """``ANCHOR`` plus the real time since the server started, plus any :meth:`advance`."""

    def __init__(self, anchor: datetime = ANCHOR) -> None:
        self.anchor = anchor
        self.started = time.monotonic()
        self.offset = timedelta()
        self.pinned: datetime | None = None  # while seeding: the instant being simulated

    def __call__(self) -> datetime:
        if self.pinned is not None:
            return self.pinned
        return self.anchor + timedelta(seconds=time.monotonic() - self.started) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@dataclass
class LiveServer:
    url: str
    service: Service
    clock: MovingClock
    transport: FakeTransport
    server: uvicorn.Server
    thread: threading.Thread
    extras: dict[str, Any] = field(default_factory=dict)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.service.close()


def settings_for(database_url: str, **overrides: Any) -> Settings:
    values = {**BASE_SETTINGS, "database_url": database_url, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def start_server(
    workdir: Path,
    *,
    seed_with: Callable[[Service, MovingClock], None] | None = None,
    poll_seconds: int | None = None,
    **overrides: Any,
) -> LiveServer:
    """Migrate a fresh SQLite file in ``workdir``, seed it, and serve the app on a free port."""
    url = f"sqlite:///{workdir / 'notifier.db'}"
    dbmod.upgrade(url)
    settings = settings_for(url, **overrides)
    clock = MovingClock()
    transport = FakeTransport()
    service = Service(
        settings,
        database=dbmod.Database(url, crypto=TEST_CRYPTO),
        transport=transport,
        clock=clock,
    )
    (seed_with or seed)(service, clock)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(service)
    if poll_seconds is not None:  # how often open pages ask (session left, new alerts)
        app.state.session_check_seconds = app.state.live_poll_seconds = poll_seconds
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", service, clock, transport, server, thread)


def seed(service: Service, clock: MovingClock) -> None:
    """The example roster, four weeks of check-ins and answers, and the texts that raise each
    flag: a crisis (C002 Ben), a worry (C003 Carla), a long free text (C001 Ana)."""
    settings, db = service.settings, service.db
    start = clock() - timedelta(days=29)
    import_roster(db, ROSTER, settings, start)
    phones = _phones(service)
    answered: set[int] = set()
    for i in range(30):
        noon = datetime.combine((start + timedelta(days=i)).astimezone(NY).date(), NOON_NY, NY)
        # Two dispatches a day: noon in New York, and noon in Phoenix (Carla) two hours later.
        for at in (noon.astimezone(UTC), noon.astimezone(UTC) + timedelta(hours=2)):
            if at + timedelta(minutes=20) >= clock():
                continue
            clock.pinned = at  # the dispatcher stamps sent_at from the clock
            plan(db, settings, at, service.templates)
            service.dispatch_step(at)
            clock.pinned = None
            for m in messages(db, kind=CHECKIN, status=SENT):
                if m.id in answered or m.sent_at != at:
                    continue
                answered.add(m.id)
                ext = _external_id(service, m.client_id)
                score = _score(ext, m.label or "", i / 29)
                if score is not None:
                    reply_at = at + timedelta(minutes=20)
                    body = SPANISH_TEXT if ext == "C001" and i == 29 else str(score)
                    service.receive(from_phone=phones[ext], body=body, now=reply_at)
    now = clock()
    service.receive(from_phone=phones["C001"], body=LONG_TEXT, now=now - timedelta(hours=15))
    service.receive(from_phone=phones["C003"], body=CONCERN_TEXT, now=now - timedelta(hours=3))
    service.receive(from_phone=phones["C002"], body=CRISIS_TEXT, now=now - timedelta(hours=1))
    service.dispatch_step(now)
    erin = _client_id(service, "C005")
    consent.opt_out(db, erin, now - timedelta(days=2), source="sms:STOP")
    seed_staff(service, now)


STAFF_EMAIL = "maria@clinic.example"
STAFF_NAME = "Maria"
STAFF_PASSWORD = "correct horse battery staple"
# Fixed, so a test computes the code the authenticator app would show.
STAFF_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def seed_staff(service: Service, now: datetime) -> None:
    """A facilitator for both groups, with a password and TOTP already set up."""
    staffmod.add(
        service.db,
        service.settings,
        email=STAFF_EMAIL,
        name=STAFF_NAME,
        role="facilitator",
        groups=("evening", "morning"),
        now=now,
        password=STAFF_PASSWORD,
    )
    with service.db.session() as s:
        account = staffmod.find(s, STAFF_EMAIL)
        assert account is not None
        account.totp_secret = STAFF_TOTP
        account.totp_enabled = True


def _client_id(service: Service, external_id: str) -> int:
    with service.db.read() as s:
        found = s.scalar(
            select(Client.id).where(external_id_filter(service.db.crypto, external_id))
        )
        assert found is not None
        return found


def _score(external_id: str, label: str, progress: float) -> int | None:
    """Ben's cravings and stress climb and his mood sinks over the month; Carla's mood sinks;
    Ana is steady; Dev skips one check-in in three."""
    p = progress
    table = {
        "C001": {"cravings": 2 + round(p), "mood": 7, "stress": 4},
        "C002": {
            "cravings": 3 + round(6 * p),
            "mood": 6 - round(4 * p),
            "stress": 4 + round(5 * p),
        },
        "C003": {"cravings": 4, "mood": 7 - round(5 * p), "stress": 5},
        "C004": {"cravings": 3, "mood": 6, "stress": 5} if round(p * 29) % 3 else {},
    }
    return table.get(external_id, {}).get(label)


def _phones(service: Service) -> dict[str, str]:
    with service.db.read() as s:
        return {c.external_id: c.phone for c in s.scalars(select(Client))}


def _external_id(service: Service, client_id: int | None) -> str:
    with service.db.read() as s:
        client = s.get(Client, client_id)
        return client.external_id if client else ""
