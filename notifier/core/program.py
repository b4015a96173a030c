"""What the clinic's program adds to a client: support persons a client named, with the
client's written consent to text them, and a step-down phase staff set.

42 CFR Part 2 (§2.31): a text to anyone but the client discloses that the client attends the
program, so it needs the client's written consent naming who, for what purpose, until when,
and it can be revoked. The row is that record; without a current one nobody is texted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from notifier.core.columns import EncryptedText, UTCDateTime
from notifier.core.models import Base


class SupportPerson(Base):
    __tablename__ = "support_persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str] = mapped_column(EncryptedText)
    relationship: Mapped[str | None] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)  # the date on the written consent
    expires_on: Mapped[date | None] = mapped_column(Date)  # None: until revoked
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(120))

    def consent_covers(self, day: date) -> bool:
        """A text about local date ``day`` is allowed by this consent."""
        if self.revoked_at is not None or day < self.signed_on:
            return False
        return self.expires_on is None or day <= self.expires_on


class ClientPhase(Base):
    """A phase staff set for a client (NOTIFIER_PHASES); no row: the phase follows the weeks
    since the start date. Its own table, so the clients table (and its migrations) stay as
    they are."""

    __tablename__ = "client_phases"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(40))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
