"""Twilio's delivery status callbacks in our words (``MessageStatus`` and ``ErrorCode``)."""

from __future__ import annotations

from notifier.core.models import CANCELED, DELIVERED, FAILED, SENT, UNDELIVERED
from notifier.transports.base import StatusReport
from notifier.transports.twilio.errors import OPTED_OUT_CODE

# Twilio's MessageStatus -> ours.
STATUS = {
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


def report(message_status: str, error_code: str | None) -> StatusReport | None:
    """The callback as a :class:`StatusReport`; None for a status Twilio does not send."""
    ours = STATUS.get(message_status.strip().lower())
    if ours is None:
        return None
    opted_out = error_code == OPTED_OUT_CODE
    return StatusReport(
        ours,
        error_code or None,
        opted_out=opted_out,
        source=f"twilio:status:{error_code}" if opted_out else None,
    )
