"""Small builders shared by tests: clients, messages, the program's local time and a clock a
test sets. Shared test modules live beside this one (staffkit, live, harness, cases); a test
module imports only from here, tests/fakes and conftest (tests/unit/test_architecture.py)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import CHECKIN, PENDING, Client, Message
from notifier.core.settings import Settings
from notifier.roster.clients import RosterRow, apply_rows, external_id_filter

# The program's zone in the test settings (tests/conftest.py BASE_SETTINGS).
NY = ZoneInfo("America/New_York")


def ny(*args: int) -> datetime:
    """A wall-clock time in New York as the aware UTC instant the code takes."""
    return datetime(*args, tzinfo=NY).astimezone(UTC)  # type: ignore[misc]


class Clock:
    """A clock the test sets and moves: the service reads it through its clock seam."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def add_client(
    db: Database,
    external_id: str,
    *,
    first_name: str = "Ana",
    phone: str = "+13125550101",
    group: str | None = "evening",
    tz: str = "America/New_York",
    consent: bool = True,
    start: date | None = None,
    end: date | None = None,
    language: str = "en",
    now: datetime,
    consent_at: datetime | None = None,
) -> Client:
    row = RosterRow(
        1,
        external_id,
        first_name,
        phone,
        group,
        start,
        end,
        tz,
        consent,
        consent_at or (now if consent else None),
        language,
    )
    apply_rows(db, [row], now, source="test")
    with db.session() as s:
        client = s.scalar(select(Client).where(external_id_filter(db.crypto, external_id)))
        assert client is not None
        return client


def messages(db: Database, **filters: object) -> list[Message]:
    with db.session() as s:
        q = select(Message).order_by(Message.due_at, Message.id)
        for key, value in filters.items():
            q = q.where(getattr(Message, key) == value)
        return list(s.scalars(q))


def words(db: Database, settings: Settings, message: Message) -> str:
    """What a planned row will say when it is sent (the dispatcher renders it then)."""
    from notifier.core.models import Appointment
    from notifier.outbound.render import words_of
    from notifier.outbound.texts import Templates

    with db.read() as s:
        client = s.get(Client, message.client_id)
        session = s.get(Appointment, message.session_id) if message.session_id else None
        return words_of(Templates.from_settings(settings), settings, message, client, session)


def put_message(
    db: Database,
    client_id: int,
    *,
    due: datetime,
    not_after: datetime | None = None,
    kind: str = CHECKIN,
    label: str | None = "cravings",
    body: str = "Hi Ana, a check-in",
    key: str | None = None,
) -> int:
    """A pending outbox row written directly (no planner): its id."""
    with db.session() as s:
        m = Message(
            kind=kind,
            client_id=client_id,
            label=label,
            body=body,
            dedupe_key=key or f"t:{client_id}:{due.isoformat()}:{random.random()}",
            due_at=due,
            not_after=not_after or due + timedelta(hours=4),
            status=PENDING,
            attempts=0,
            needs_lookup=False,
            created_at=due,
        )
        s.add(m)
        s.flush()
        return m.id


def get_message(db: Database, mid: int) -> Message:
    """The outbox row as the database holds it now."""
    with db.session() as s:
        m = s.get(Message, mid)
        assert m is not None
        return m
