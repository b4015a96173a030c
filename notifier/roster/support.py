"""Support persons and the client's written consent to text them (42 CFR Part 2, §2.31).

A family session may remind a support person the client named, and only while a consent
record covers the session's date: who (name, relationship), the number, the purpose, the date
signed, an expiry (or until revoked). Revoking it cancels every pending text to that person in
the same transaction; the planner plans none after (notifier.outbound.planning).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from notifier.core.db import Database, rowcount
from notifier.core.models import CANCELED, PENDING, Client, ConsentEvent, Message
from notifier.core.program import SupportPerson
from notifier.core.settings import Settings
from notifier.core.settings_values import to_e164
from notifier.roster.clients import client_by_external_id

log = logging.getLogger(__name__)

SOURCE = "cli"


@dataclass(frozen=True)
class NewSupport:
    """What staff copy from the signed consent form."""

    name: str
    phone: str
    purpose: str
    signed_on: date
    expires_on: date | None = None
    relationship: str | None = None


def check(new: NewSupport, settings: Settings, today: date) -> NewSupport:
    """The record with its number in E.164; ValueError with one line naming what is wrong."""
    name = new.name.strip()
    if not name or len(name) > 80:
        raise ValueError("--name: expected the support person's name (up to 80 characters)")
    phone = to_e164(new.phone, settings.default_region)
    if phone is None:  # the value is not echoed: a number is not for the terminal's history
        raise ValueError(f"--phone: not a valid phone number for region {settings.default_region}")
    purpose = new.purpose.strip()
    if not purpose or len(purpose) > 200:
        raise ValueError("--purpose: expected the purpose written on the consent (up to 200)")
    if new.signed_on > today:
        raise ValueError(f"--signed: {new.signed_on.isoformat()} is in the future")
    if new.expires_on is not None and new.expires_on < new.signed_on:
        raise ValueError("--expires: is before --signed")
    relationship = (new.relationship or "").strip() or None
    if relationship is not None and len(relationship) > 40:
        raise ValueError("--relationship: expected up to 40 characters")
    return NewSupport(name, phone, purpose, new.signed_on, new.expires_on, relationship)


def add(
    db: Database, external_id: str, new: NewSupport, settings: Settings, now: datetime
) -> SupportPerson:
    """Record a support person with the client's written consent (checked first)."""
    new = check(new, settings, now.astimezone(settings.timezone).date())
    with db.session() as s:
        client = client_by_external_id(s, db.crypto, external_id)
        if client is None:
            raise LookupError(f"no client with external_id {external_id!r}")
        if new.phone == client.phone:
            raise ValueError("--phone: is the client's own number")
        row = SupportPerson(
            client_id=client.id, name=new.name, phone=new.phone, relationship=new.relationship,
            purpose=new.purpose, signed_on=new.signed_on, expires_on=new.expires_on,
            revoked_at=None, recorded_at=now, source=SOURCE,
        )  # fmt: skip
        s.add(row)
        s.flush()
        s.add(ConsentEvent(client_id=client.id, event="support_consent", at=now, source=SOURCE))
    log.info("support consent", extra={"event": "consent.support", "support_id": row.id})
    return row


def revoke(
    db: Database,
    support_id: int,
    now: datetime,
    *,
    event: str = "support_revoked",
    source: str = SOURCE,
) -> tuple[SupportPerson, int]:
    """Revoke a consent at once: (the record, pending texts canceled). Idempotent.
    ``event`` "support_opted_out": the person's own number opted out at the carrier."""
    with db.session() as s:
        row = s.get(SupportPerson, support_id)
        if row is None:
            raise LookupError(f"no support person with id {support_id}")
        if row.revoked_at is None:
            row.revoked_at = now
            s.add(ConsentEvent(client_id=row.client_id, event=event, at=now, source=source))
        canceled = rowcount(
            s.execute(
                update(Message)
                .where(
                    Message.dedupe_key.like(f"support:{support_id}:%"),
                    Message.status == PENDING,
                )
                .values(status=CANCELED, reason="consent_revoked", status_at=now)
            )
        )
    log.info(
        "support consent revoked",
        extra={"event": "consent.support_revoked", "support_id": support_id, "canceled": canceled},
    )
    return row, canceled


def number_opted_out(db: Database, client_id: int, phone: str, now: datetime, source: str) -> int:
    """The provider says a support person's number opted out (Twilio 21610: they texted STOP):
    no more texts to them, as if the consent were revoked. The client's own texts go on: it
    was not their number. Returns how many records this stopped."""
    return _stop(db, phone, now, source, SupportPerson.client_id == client_id)


def number_stopped(db: Database, phone: str, now: datetime, source: str = "sms") -> int:
    """A number on no client's record texted an opt-out (STOP, BAJA, "stop texting me"): if it
    is a support person's, the same as :func:`number_opted_out`, whichever client named them.
    Without this they would go on getting texts until the carrier refused one (21610), and on
    a transport without carrier opt-out, for ever."""
    return _stop(db, phone, now, source)


def _stop(db: Database, phone: str, now: datetime, source: str, *where: Any) -> int:
    """Revoke every active record with this number (among ``where``). Numbers are encrypted,
    so they are compared once decrypted: an opt-out is rare and a program has few."""
    active = select(SupportPerson).where(SupportPerson.revoked_at.is_(None), *where)
    with db.read() as s:
        ids = [p.id for p in s.scalars(active) if p.phone == phone]
    for support_id in ids:
        revoke(db, support_id, now, event="support_opted_out", source=source)
    return len(ids)


def covering(db: Database, client_id: int, day: date) -> list[SupportPerson]:
    """The client's support persons whose consent covers local date ``day``."""
    with db.read() as s:
        rows = s.scalars(
            select(SupportPerson)
            .where(SupportPerson.client_id == client_id)
            .order_by(SupportPerson.id)
        ).all()
    return [r for r in rows if r.consent_covers(day)]


def records(db: Database) -> list[tuple[str, SupportPerson]]:
    """(client's external id, record) of every support person, oldest first."""
    with db.read() as s:
        rows = s.execute(
            select(Client.external_id, SupportPerson)
            .join(Client, Client.id == SupportPerson.client_id)
            .order_by(SupportPerson.id)
        ).all()
    return [(r[0], r[1]) for r in rows]
