"""Closing the crisis loop: a staff member records what happened after an alert (reached them,
left a message, called 911) with a note. The alert row keeps who and when; the note is stored
encrypted (it may hold health information) and never goes into the audit trail or a log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.models import Alert, Staff

log = logging.getLogger(__name__)

OUTCOMES = {
    "reached": "Reached them",
    "left_message": "Left a message",
    "called_911": "Called 911",
}
NOTE_MAX = 500


class AckError(ValueError):
    """The outcome cannot be recorded as asked; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class AlertView:
    id: int
    client_id: int | None
    kind: str
    reply_id: int
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None  # the staff member's name
    outcome: str | None
    note: str | None
    # When nobody recorded an outcome in time and the alert went to the escalation numbers.
    escalated_at: datetime | None = None


def acknowledge(
    db: Database,
    *,
    alert_id: int,
    client_id: int,
    outcome: str,
    note: str,
    staff_id: int,
    now: datetime,
) -> AlertView:
    """Record the outcome of an open alert of this client (once: a second answer is refused,
    naming who answered first)."""
    if outcome not in OUTCOMES:
        raise AckError(f"outcome: expected one of {', '.join(OUTCOMES)}, got {outcome!r}")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise AckError(f"note: {len(note)} characters; at most {NOTE_MAX}")
    with db.session() as s:
        alert = s.scalar(
            select(Alert)
            .where(Alert.id == alert_id, Alert.client_id == client_id)
            .with_for_update()
        )
        if alert is None:
            raise AckError(f"no alert {alert_id} for this client")
        if alert.acknowledged_at is not None:
            who = s.scalar(select(Staff.name).where(Staff.id == alert.acknowledged_by))
            raise AckError(
                f"already recorded by {who or 'someone'}: {OUTCOMES.get(alert.outcome or '', '?')}"
            )
        alert.acknowledged_at = now
        alert.acknowledged_by = staff_id
        alert.outcome = outcome
        alert.note = note or None
    log.info(
        "alert acknowledged",
        extra={"event": "alert.ack", "alert_id": alert_id, "outcome": outcome},
    )
    return next(a for a in for_clients(db, [client_id]) if a.id == alert_id)


def for_clients(db: Database, client_ids: list[int]) -> list[AlertView]:
    """Every alert of these clients, newest first, with the name of who handled each."""
    with db.read() as s:
        rows = s.execute(
            select(Alert, Staff.name)
            .outerjoin(Staff, Staff.id == Alert.acknowledged_by)
            .where(Alert.client_id.in_(client_ids))
            .order_by(Alert.created_at.desc(), Alert.id.desc())
        ).all()
        return [
            AlertView(
                a.id,
                a.client_id,
                a.kind,
                a.reply_id,
                a.created_at,
                a.acknowledged_at,
                name,
                a.outcome,
                a.note,
                a.escalated_at,
            )
            for a, name in rows
        ]
