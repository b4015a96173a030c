"""Delivery status reports: they only ever move a message forward.

A provider may deliver reports out of order or more than once ("sent" after "delivered"). Each
status has a rank; a report updates a message only to a higher rank, so "delivered" never
returns to "sent" and a late or repeated report is harmless. The provider's words are turned
into ours by the transport (a :class:`~notifier.transports.base.StatusReport`).

A report that the recipient opted out at the carrier (Twilio's 21610, "the recipient has blocked
you") opts the client out only when its status update is new and the text was sent after the
client's last opt-in: a replayed report, or a late one for a text sent before they texted
START, must not undo their START.
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
    REMINDER,
    SENT,
    UNDELIVERED,
    ConsentEvent,
    Message,
)
from notifier.roster import consent, support
from notifier.transports.base import StatusReport

log = logging.getLogger(__name__)

RANK: dict[str, int] = {SENT: 1, DELIVERED: 2, UNDELIVERED: 2, FAILED: 2, CANCELED: 2}


def apply_status(db: Database, sid: str, report: StatusReport, now: datetime) -> str:
    """Record a status report. Returns what happened: updated, ignored or unknown."""
    ours, error_code = report.status, report.error_code
    lower = [s for s, r in RANK.items() if r < RANK[ours]]
    values: dict[str, object] = {"status": ours, "status_at": now}
    if error_code:
        values["error_code"] = error_code
    with db.session() as s:
        row = s.execute(
            select(
                Message.id,
                Message.client_id,
                Message.kind,
                Message.sent_at,
                Message.created_at,
                Message.recipient,
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
        report.opted_out
        and changed
        and row.client_id is not None
        and row.kind != ALERT
        and (opted_in is None or sent_at > opted_in)
    ):
        source = report.source or "status"
        if row.recipient and row.kind == REMINDER:  # a support person's number, not the client's
            support.number_opted_out(db, row.client_id, row.recipient, now, source)
        else:
            consent.opt_out(db, row.client_id, now, source=source)
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
