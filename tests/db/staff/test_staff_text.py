"""Staff texts from the client page: checked, queued in the outbox as replies, opt-out and
quiet hours respected, one text per form. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from notifier.core.db import Database
from notifier.core.models import PENDING, REPLY, SENT
from notifier.core.settings import Settings
from notifier.outbound.dispatch import Dispatcher
from notifier.roster import consent
from notifier.staff import text as staff_text
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client, messages

NY = ZoneInfo("America/New_York")
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=NY).astimezone(UTC)
NIGHT = datetime(2026, 12, 1, 22, 30, tzinfo=NY).astimezone(UTC)
NONCE = "a" * 32


def test_staff_text_is_queued_as_a_reply_and_sent(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    add_client(database, "C1", now=NOON)
    q = staff_text.queue(
        database, settings, external_id="C1", text="See you Wednesday, Ana!", nonce=NONCE, now=NOON
    )
    assert not q.deferred and q.due_at == NOON
    [m] = messages(database, kind=REPLY)
    assert (m.label, m.status, m.body) == ("staff_text", PENDING, "See you Wednesday, Ana!")
    transport = FakeTransport()
    Dispatcher(database, transport, settings).drain(NOON)
    assert [s.body for s in transport.accepted] == ["See you Wednesday, Ana!"]
    assert messages(database, kind=REPLY)[0].status == SENT


def test_staff_text_to_an_opted_out_client_queues_nothing(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    c = add_client(database, "C1", now=NOON)
    consent.opt_out(database, c.id, NOON, source="test")
    with pytest.raises(staff_text.StaffTextError, match="Ana gets no texts \\(opted out\\)"):
        staff_text.queue(
            database, make_settings(), external_id="C1", text="Hi", nonce=NONCE, now=NOON
        )
    assert messages(database) == []


def test_staff_text_in_quiet_hours_waits_for_the_morning(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    add_client(database, "C1", now=NOON)
    q = staff_text.queue(
        database, settings, external_id="C1", text="Call us tomorrow", nonce=NONCE, now=NIGHT
    )
    assert q.deferred
    assert q.due_at == datetime(2026, 12, 2, 8, 0, tzinfo=NY)
    transport = FakeTransport()
    Dispatcher(database, transport, settings).drain(NIGHT)
    assert transport.accepted == []
    Dispatcher(database, transport, settings).drain(q.due_at)
    assert [s.body for s in transport.accepted] == ["Call us tomorrow"]


def test_staff_text_same_form_twice_queues_one_text(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    add_client(database, "C1", now=NOON)
    first = staff_text.queue(database, settings, external_id="C1", text="Hi", nonce=NONCE, now=NOON)
    again = staff_text.queue(database, settings, external_id="C1", text="Hi", nonce=NONCE, now=NOON)
    assert again.duplicate and again.message_id == first.message_id
    assert len(messages(database)) == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("   ", "write something"),
        ("x" * 321, "321 characters; at most 320"),
        ("Good luck at your recovery meeting", "'recovery'"),
        ("Hi 😀", "cannot carry: '😀'"),
    ],
)
def test_staff_text_rules_refuse_with_one_line(
    database: Database, make_settings: Callable[..., Settings], text: str, problem: str
) -> None:
    add_client(database, "C1", now=NOON)
    with pytest.raises(staff_text.StaffTextError, match=r"^text: ") as err:
        staff_text.queue(
            database, make_settings(), external_id="C1", text=text, nonce=NONCE, now=NOON
        )
    assert problem in str(err.value) and "\n" not in str(err.value)
    assert messages(database) == []


def test_staff_text_folds_accents_gsm7_lacks(make_settings: Callable[..., Settings]) -> None:
    assert staff_text.checked_text("¿Cómo estás?  Hasta  el miércoles", make_settings()) == (
        "¿Como estas? Hasta el miércoles"  # é is GSM-7; ó and á are not
    )


def test_staff_text_needs_a_well_formed_nonce(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    add_client(database, "C1", now=NOON)
    with pytest.raises(staff_text.StaffTextError, match="nonce"):
        staff_text.queue(
            database, make_settings(), external_id="C1", text="Hi", nonce="x", now=NOON
        )


def test_rule_staff_text_quiet_hours_override_only_for_a_client_in_crisis_and_audited(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    from sqlalchemy import select

    from notifier.core.models import AuditEvent
    from notifier.service import Service
    from notifier.staff import accounts as staff

    settings = make_settings(database_url=database.url)
    add_client(database, "C1", phone="+13125550101", now=NIGHT)
    staff.add(database, settings, email="eve@clinic.org", name="Eve", role="facilitator",
              groups=("evening",), now=NIGHT, password="correct horse battery staple")  # fmt: skip
    with database.read() as s:
        person = staff.find(s, "eve@clinic.org")
        assert person is not None
    override = staff_text.Override(person.id, "203.0.113.9", "evening")
    # No open alert: refused, nothing queued.
    with pytest.raises(staff_text.StaffTextError, match="open crisis or concern alert"):
        staff_text.queue(database, settings, external_id="C1", text="Are you safe?",
                         nonce=NONCE, now=NIGHT, override=override)  # fmt: skip
    assert messages(database, kind=REPLY) == []
    # A crisis at 10:25 PM: the override sends at once, whatever the hour.
    svc = Service(settings, database=database, transport=FakeTransport(), clock=lambda: NIGHT)
    svc.receive(from_phone="+13125550101", body="i want to die", now=NIGHT)
    q = staff_text.queue(database, settings, external_id="C1", text="Ana, I'm calling you now.",
                         nonce="b" * 32, now=NIGHT, override=override)  # fmt: skip
    assert not q.deferred and q.due_at == NIGHT
    transport = FakeTransport()
    Dispatcher(database, transport, settings).drain(NIGHT)
    assert "Ana, I'm calling you now." in [s.body for s in transport.accepted]
    with database.read() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "staff_text_override"))
    assert event.staff_id == person.id and event.detail == f"message {q.message_id}: quiet " \
        "hours overridden"  # fmt: skip
