"""Kinds of meeting, support persons' consent and step-down phases on real databases."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifier.core.db import Database
from notifier.core.models import (
    CANCELED,
    CHECKIN,
    PENDING,
    REMINDER,
    Client,
    ConsentEvent,
    Message,
)
from notifier.core.settings import Settings
from notifier.outbound.dispatch import Dispatcher
from notifier.outbound.planner import plan
from notifier.roster.appointments import add_individual
from notifier.roster.consent import opt_out
from notifier.roster.phases import set_phase
from notifier.roster.support import NewSupport, add, records, revoke
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client, messages, words

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=NY).astimezone(UTC)  # Sun
FAMILY_AT = datetime(2026, 12, 9, 17, 0, tzinfo=NY).astimezone(UTC)  # Wed
ROSA = NewSupport(
    name="Rosa Diaz",
    phone="(312) 555-0142",
    purpose="family session reminders",
    signed_on=date(2026, 12, 1),
    expires_on=date(2027, 6, 1),
    relationship="sister",
)
TABLE = "intensive: 0w mon,tue,wed,thu,fri; step-down: 6w mon,wed,fri; continuing: 12w wed"


def support_rows(db: Database) -> list[Message]:
    return [m for m in messages(db, kind=REMINDER) if m.dedupe_key.startswith("support:")]


def family_session(db: Database, settings: Settings) -> int:
    added = add_individual(
        db, "C1", FAMILY_AT, timedelta(minutes=60), "Suite 200", NOW, settings, kind="family"
    )
    return added.session.id


def test_a_family_session_reminds_the_support_person_with_consent(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(program_name="Northside Wellness")
    add_client(database, "C1", group=None, now=NOW)
    person = add(database, "C1", ROSA, s, NOW)
    sid = family_session(database, s)
    plan(database, s, NOW)
    own = [m for m in messages(database, kind=REMINDER) if m.session_id == sid]
    support = support_rows(database)
    assert len(own) == 4 and len(support) == 2  # the client's two, and Rosa's two
    assert {m.recipient for m in support} == {"+13125550142"}
    assert all(m.client_id is not None and m.status == PENDING for m in support)
    text = words(database, s, support[0])
    assert text.startswith("Northside Wellness: a reminder that the family session with Ana")
    client_text = words(database, s, next(m for m in own if m.recipient is None))
    assert "your family session is" in client_text
    # Planning again adds nothing.
    assert plan(database, s, NOW + timedelta(minutes=5)).messages_added == 0
    assert person.id and len(support_rows(database)) == 2


def test_the_support_reminder_goes_to_the_support_persons_number(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(program_name="Northside Wellness")
    add_client(database, "C1", group=None, now=NOW)
    add(database, "C1", ROSA, s, NOW)
    family_session(database, s)
    plan(database, s, NOW)
    due = support_rows(database)[0].due_at
    transport = FakeTransport()
    d = Dispatcher(database, transport, s, clock=lambda: due, worker_id="w1", rng=random.Random(7))
    d.run_once(due)
    to_rosa = [x for x in transport.accepted if x.to == "+13125550142"]
    assert len(to_rosa) == 1
    assert "family session with Ana" in to_rosa[0].body
    assert any(x.to == "+13125550101" and "your family session" in x.body
               for x in transport.accepted)  # fmt: skip


def test_without_consent_no_text_goes_to_a_support_person(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", group=None, now=NOW)
    # Consent expired before the session: none either.
    add(database, "C1", NewSupport("Rosa", "(312) 555-0142", "reminders", date(2026, 1, 1),
                                   date(2026, 12, 8)), s, NOW)  # fmt: skip
    added = add_individual(
        database, "C1", FAMILY_AT, timedelta(minutes=60), None, NOW, s, kind="family"
    )
    assert added.supports == ()
    plan(database, s, NOW)
    assert support_rows(database) == []
    assert len(messages(database, kind=REMINDER)) == 2  # the client's own


def test_revoking_consent_cancels_pending_texts_at_once_and_plans_none_after(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    add_client(database, "C1", group=None, now=NOW)
    person = add(database, "C1", ROSA, s, NOW)
    family_session(database, s)
    plan(database, s, NOW)
    row, canceled = revoke(database, person.id, NOW + timedelta(minutes=1))
    assert canceled == 2 and row.revoked_at is not None
    assert {(m.status, m.reason) for m in support_rows(database)} == {(CANCELED, "consent_revoked")}
    own = [m for m in messages(database, kind=REMINDER) if not m.dedupe_key.startswith("sup")]
    assert {m.status for m in own} == {PENDING}
    plan(database, s, NOW + timedelta(minutes=2))
    assert {m.status for m in support_rows(database)} == {CANCELED}
    assert revoke(database, person.id, NOW + timedelta(minutes=3))[1] == 0  # idempotent
    with database.read() as sess:
        events = [e.event for e in sess.query(ConsentEvent).order_by(ConsentEvent.id)]
    assert events.count("support_consent") == 1 and events.count("support_revoked") == 1
    ((ext, rec),) = records(database)
    assert ext == "C1" and rec.name == "Rosa Diaz" and rec.purpose == "family session reminders"


def test_a_client_who_opts_out_stops_their_support_persons_texts_too(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings()
    client = add_client(database, "C1", group=None, now=NOW)
    add(database, "C1", ROSA, s, NOW)
    family_session(database, s)
    plan(database, s, NOW)
    opt_out(database, client.id, NOW, source="sms")
    assert {m.status for m in support_rows(database)} == {CANCELED}


def test_a_bad_consent_record_changes_nothing(
    database: Database,
    make_settings: Callable[..., Settings],
) -> None:
    from dataclasses import replace

    s = make_settings()
    add_client(database, "C1", group=None, now=NOW)
    bad = [
        (replace(ROSA, phone="12"), "--phone"),
        (replace(ROSA, phone="+13125550101"), "client's own number"),
        (replace(ROSA, purpose=" "), "--purpose"),
        (replace(ROSA, signed_on=date(2027, 1, 1)), "in the future"),
        (replace(ROSA, expires_on=date(2026, 11, 1)), "before --signed"),
    ]
    for new, message in bad:
        with pytest.raises(ValueError, match=message):
            add(database, "C1", new, s, NOW)
    with pytest.raises(LookupError, match="no client"):
        add(database, "C9", ROSA, s, NOW)
    assert records(database) == []


# --- phases ----------------------------------------------------------------------------------
def checkin_days(db: Database) -> set[date]:
    return {
        m.due_at.astimezone(NY).date()
        for m in messages(db, kind=CHECKIN)
        if m.status in (PENDING, "skipped")
    }


def test_the_planner_tapers_checkins_by_phase_and_staff_can_set_one(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(phases=TABLE, checkin_days="daily", plan_horizon="7d")
    add_client(database, "C1", group=None, start=date(2026, 10, 1), now=NOW)  # step-down
    plan(database, s, NOW)
    assert {d.weekday() for d in checkin_days(database)} == {0, 2, 4}
    assert set_phase(database, "C1", "continuing", s, NOW).name == "continuing"  # type: ignore[union-attr]
    plan(database, s, NOW + timedelta(minutes=5))
    assert {d.weekday() for d in checkin_days(database)} == {2}
    assert set_phase(database, "C1", "auto", s, NOW).name == "step-down"  # type: ignore[union-attr]


def test_back_to_auto_plans_the_phases_days_again(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(phases=TABLE, checkin_days="daily", plan_horizon="7d")
    add_client(database, "C1", group=None, start=date(2026, 10, 1), now=NOW)
    plan(database, s, NOW)
    set_phase(database, "C1", "continuing", s, NOW)
    plan(database, s, NOW + timedelta(minutes=5))
    set_phase(database, "C1", "auto", s, NOW)
    plan(database, s, NOW + timedelta(minutes=10))
    assert {d.weekday() for d in checkin_days(database)} == {0, 2, 4}


def test_setting_an_unknown_phase_changes_nothing(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    s = make_settings(phases=TABLE)
    add_client(database, "C1", now=NOW)
    with pytest.raises(ValueError, match="expected one of intensive, step-down, continuing"):
        set_phase(database, "C1", "graduated", s, NOW)
    with pytest.raises(ValueError, match="NOTIFIER_PHASES"):
        set_phase(database, "C1", "intensive", make_settings(), NOW)
    with pytest.raises(LookupError):
        set_phase(database, "C9", "intensive", s, NOW)


# --- a support person's own STOP (the carrier's opt-out, Twilio 21610) ----------------------
def _sent_to_rosa(database: Database, s: Settings, transport: FakeTransport) -> datetime:
    add_client(database, "C1", group=None, now=NOW)
    add(database, "C1", ROSA, s, NOW)
    family_session(database, s)
    plan(database, s, NOW)
    due = support_rows(database)[0].due_at
    d = Dispatcher(database, transport, s, clock=lambda: due, worker_id="w1", rng=random.Random(7))
    d.run_once(due)
    return due


def client_opted_out(database: Database) -> bool:
    with database.read() as sess:
        return sess.query(Client).one().opted_out_at is not None


def test_a_support_persons_carrier_opt_out_stops_their_texts_not_the_clients(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    from tests.fakes.transport import permanent

    s = make_settings()
    # The client's own reminder goes first (id order), then Rosa's is refused with 21610.
    transport = FakeTransport(script=[None, permanent("21610")])
    _sent_to_rosa(database, s, transport)
    assert not client_opted_out(database)
    ((_, rec),) = records(database)
    assert rec.revoked_at is not None
    assert {m.status for m in support_rows(database)} <= {CANCELED, "failed"}
    own = [m for m in messages(database, kind=REMINDER) if not m.dedupe_key.startswith("sup")]
    assert PENDING in {m.status for m in own}


def test_a_status_report_of_a_support_persons_opt_out_does_not_opt_out_the_client(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    from notifier.outbound.delivery import apply_status
    from notifier.transports.base import StatusReport

    s = make_settings()
    transport = FakeTransport()
    due = _sent_to_rosa(database, s, transport)
    sent = next(m for m in support_rows(database) if m.provider_sid)
    report = StatusReport("undelivered", "21610", opted_out=True, source="twilio:21610")
    assert apply_status(database, sent.provider_sid or "", report, due) == "updated"
    assert not client_opted_out(database)
    ((_, rec),) = records(database)
    assert rec.revoked_at is not None
    assert [m.status for m in support_rows(database) if not m.provider_sid] == [CANCELED]


@pytest.mark.parametrize("body", ["STOP", "stop texting me", "BAJA"])
def test_a_support_person_who_texts_stop_gets_no_more_texts(
    body: str, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    """Opt-out is sacred for a support person too: their STOP arrives from a number on no
    client's record, and still stops every text to them (not only once the carrier refuses one
    with 21610), without opting the client out and without an answer that names the program."""
    from notifier.service import Service

    s = make_settings(database_url=database_url)
    transport = FakeTransport()
    svc = Service(s, transport=transport, clock=lambda: NOW, worker_id="t")
    try:
        add_client(svc.db, "C1", group=None, now=NOW)
        add(svc.db, "C1", ROSA, s, NOW)
        family_session(svc.db, s)
        plan(svc.db, s, NOW)
        assert {m.status for m in support_rows(svc.db)} == {PENDING}
        result = svc.receive(from_phone="+13125550142", body=body, now=NOW)
        assert result.category == "opt_out" and not result.known_client
        assert {m.status for m in support_rows(svc.db)} == {CANCELED}
        ((_, rec),) = records(svc.db)
        assert rec.revoked_at is not None
        assert not client_opted_out(svc.db)
        with svc.db.read() as sess:
            events = [e.event for e in sess.query(ConsentEvent)]
        assert "support_opted_out" in events
        assert plan(svc.db, s, NOW + timedelta(minutes=5)).messages_added == 0
        assert not support_rows(svc.db) or {m.status for m in support_rows(svc.db)} == {CANCELED}
        svc.send_now(NOW)
        assert not [x for x in transport.accepted if x.to == "+13125550142"]
    finally:
        svc.close()


def test_two_adds_of_the_same_session_racing_past_the_check_add_one(
    database: Database, make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sessions add` twice at once (a retried command, two staff): both may look before
    either has written. The session's key is the client and the start, so the second insert
    is refused by the database and reports the first; a session canceled at that start does
    not block a new one."""
    from notifier.core.models import Appointment
    from notifier.roster import appointments

    s = make_settings()
    add_client(database, "C1", group=None, now=NOW)
    first = family_session(database, s)
    monkeypatch.setattr(appointments, "_live_session", lambda *a: None)  # the race's window
    again = appointments.add_individual(
        database, "C1", FAMILY_AT, timedelta(minutes=60), "Suite 200", NOW, s, kind="family"
    )
    assert again.existed and again.session.id == first
    with database.read() as sess:
        assert sess.query(Appointment).filter(Appointment.client_id.is_not(None)).count() == 1
    monkeypatch.undo()
    appointments.cancel(database, s, NOW, session_id=first)
    added = appointments.add_individual(
        database, "C1", FAMILY_AT, timedelta(minutes=60), "Suite 200", NOW, s, kind="family"
    )
    assert not added.existed and added.session.id != first
