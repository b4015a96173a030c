"""Delivery status callbacks: they only ever move a message forward.

Twilio may deliver callbacks out of order or more than once ("sent" after "delivered"). Each
status has a rank; a callback updates a message only to a higher rank, so "delivered" never
returns to "sent" and a late or repeated callback is harmless.

A 21610 ("the recipient has blocked you") opts the client out only when its status update is
new and the text was sent after the client's last opt-in: a replayed callback, or a late one
for a text sent before they texted START, must not undo their START.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update

from notifier.core.db import Database, rowcount
from notifier.core.models import (
    ALERT,
    CANCELED,
    DELIVERED,
    FAILED,
    SENT,
    UNDELIVERED,
    ConsentEvent,
    Message,
)
from notifier.roster import consent
from notifier.transports.errors import OPTED_OUT_CODE

log = logging.getLogger(__name__)

# Twilio's MessageStatus -> ours.
TWILIO_STATUS = {
    "accepted": SENT,
    "scheduled": SENT,
    "queued": SENT,
    "sending": SENT,
    "sent": SENT,
    "delivered": DELIVERED,
    "read": DELIVERED,
    "undelivered": UNDELIVERED,
    "failed": FAILED,
    "canceled": CANCELED,
}
RANK = {SENT: 1, DELIVERED: 2, UNDELIVERED: 2, FAILED: 2, CANCELED: 2}


def apply_status(
    db: Database, sid: str, twilio_status: str, error_code: str | None, now: datetime
) -> str:
    """Record a status callback. Returns what happened: updated, ignored, unknown or bad."""
    ours = TWILIO_STATUS.get(twilio_status.strip().lower())
    if ours is None:
        return "bad"
    lower = [s for s, r in RANK.items() if r < RANK[ours]]
    values: dict[str, object] = {"status": ours, "status_at": now}
    if error_code:
        values["error_code"] = error_code
    with db.session() as s:
        row = s.execute(
            select(
                Message.id, Message.client_id, Message.kind, Message.sent_at, Message.created_at
            ).where(Message.provider_sid == sid)
        ).first()
        if row is None:
            return "unknown"
        changed = rowcount(
            s.execute(
                update(Message)
                .where(Message.provider_sid == sid, Message.status.in_(lower))
                .values(**values)
            )
        )
        # The opt-in this text must postdate; read with the status change, in one transaction.
        opted_in = (
            s.scalar(
                select(func.max(ConsentEvent.at)).where(
                    ConsentEvent.client_id == row.client_id, ConsentEvent.event == "opt_in"
                )
            )
            if row.client_id is not None
            else None
        )
    sent_at = row.sent_at or row.created_at
    if (
        error_code == OPTED_OUT_CODE
        and changed
        and row.client_id is not None
        and row.kind != ALERT
        and (opted_in is None or sent_at > opted_in)
    ):
        consent.opt_out(db, row.client_id, now, source="twilio:status:21610")
    log.info(
        "delivery status",
        extra={
            "event": "status",
            "message_id": row.id,
            "status": ours,
            "code": error_code,
            "applied": bool(changed),
        },
    )
    return "updated" if changed else "ignored"
