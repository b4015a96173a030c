"""A replayed 21610 status callback must not opt a client out again after they texted START
(review finding 4 of issue 11: the opt-out was applied even when the status update itself was
ignored, so consent read opt_out, opt_in, opt_out)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from notifier.core.db import Database
from notifier.core.models import MESSAGES, REMINDER, SENT, Client, ConsentEvent
from notifier.core.settings import Settings
from notifier.outbound.delivery import apply_status
from notifier.service import Service
from notifier.transports.base import StatusReport
from notifier.transports.twilio.status import report
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # Sat 12:00 New York
PHONE = "+13125550101"


def sent_text(db: Database, client_id: int, sid: str, sent_at: datetime) -> None:
    with db.session() as s:
        s.execute(insert(MESSAGES).values(
            kind=REMINDER, client_id=client_id, body="Hi Ana", dedupe_key=f"test:{sid}",
            due_at=sent_at, not_after=sent_at + timedelta(hours=1), status=SENT, attempts=1,
            needs_lookup=False, provider_sid=sid, sent_at=sent_at, status_at=sent_at,
            created_at=sent_at - timedelta(hours=1)))  # fmt: skip


def consent_trail(db: Database, client_id: int) -> list[str]:
    with db.read() as s:
        return list(s.scalars(
            select(ConsentEvent.event).where(ConsentEvent.client_id == client_id)
            .order_by(ConsentEvent.at, ConsentEvent.id)))  # fmt: skip


def blocked(status: str = "undelivered") -> StatusReport:
    """A status callback with 21610: the recipient blocked us at the carrier."""
    found = report(status, "21610")
    assert found is not None
    return found


def opted_out(db: Database, client_id: int) -> bool:
    with db.read() as s:
        client = s.get(Client, client_id)
        assert client is not None
        return client.opted_out_at is not None


def service(database: Database, make_settings: Callable[..., Settings]) -> Service:
    settings = make_settings(database_url=database.url, quiet_hours="off")
    return Service(settings, transport=FakeTransport(), database=database, clock=lambda: NOW)


def test_replayed_21610_callback_does_not_opt_out_again_after_start(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    svc = service(database, make_settings)
    client = add_client(database, "C1", phone=PHONE, now=NOW - timedelta(days=1))
    sent_text(database, client.id, "SM21610", NOW)
    assert apply_status(database, "SM21610", blocked(), NOW + timedelta(minutes=1)) \
        == "updated"  # fmt: skip
    assert opted_out(database, client.id)  # the carrier says they had blocked us: honoured
    svc.receive(from_phone=PHONE, body="START", now=NOW + timedelta(hours=1))
    assert not opted_out(database, client.id)
    # An attacker (or Twilio's retry) replays the same callback.
    replay = apply_status(database, "SM21610", blocked(), NOW + timedelta(hours=2))
    assert replay == "ignored"
    assert not opted_out(database, client.id)
    assert consent_trail(database, client.id) == ["consent", "opt_out", "opt_in"]


def test_late_21610_for_a_text_sent_before_the_opt_in_does_not_opt_out(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    svc = service(database, make_settings)
    client = add_client(database, "C1", phone=PHONE, now=NOW - timedelta(days=1))
    sent_text(database, client.id, "SMold", NOW)
    svc.receive(from_phone=PHONE, body="STOP", now=NOW + timedelta(minutes=5))
    svc.receive(from_phone=PHONE, body="START", now=NOW + timedelta(hours=1))
    # The callback for the text sent before STOP/START arrives only now (its status is new).
    late = apply_status(database, "SMold", blocked(), NOW + timedelta(hours=2))
    assert late == "updated"
    assert not opted_out(database, client.id)
    assert consent_trail(database, client.id) == ["consent", "opt_out", "opt_in"]


def test_21610_for_a_text_sent_after_the_opt_in_still_opts_out(
    database: Database, make_settings: Callable[..., Settings]
) -> None:
    svc = service(database, make_settings)
    client = add_client(database, "C1", phone=PHONE, now=NOW - timedelta(days=1))
    svc.receive(from_phone=PHONE, body="STOP", now=NOW)
    svc.receive(from_phone=PHONE, body="START", now=NOW + timedelta(minutes=5))
    sent_text(database, client.id, "SMnew", NOW + timedelta(hours=1))
    assert apply_status(database, "SMnew", blocked("failed"), NOW + timedelta(hours=2)) \
        == "updated"  # fmt: skip
    assert opted_out(database, client.id)  # blocked again since: the carrier's word stands
    assert consent_trail(database, client.id) == ["consent", "opt_out", "opt_in", "opt_out"]
