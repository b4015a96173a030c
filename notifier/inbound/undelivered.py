"""A reply to a risk message that did not arrive is an alert: "did NOT get the 988/911 text,
call now".

The client may have texted STOP earlier (21610), or the phone may be off or unreachable
(30003, 30006): then nobody knows they never saw 911 or 988. :func:`check` finds risk replies
(``RISK_REPLY_LABELS``) whose status is undelivered or failed, and raises one crisis-level
alert for each (``alerts.message_id`` is unique: twice is impossible, on every replica). It
runs right after a status callback and with every escalation step (a send refused at once,
21610 at the API, never gets a callback).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from notifier.core.db import Database
from notifier.core.models import (
    FAILED,
    REPLY,
    RISK_REPLY_LABELS,
    UNDELIVERED,
    Alert,
    AlertKind,
    AlertLevel,
    Client,
    Message,
)
from notifier.core.settings import Settings
from notifier.inbound.actions import URGENT_FRESHNESS, StaffAlert
from notifier.inbound.episodes import raise_alerts
from notifier.outbound import outbox
from notifier.outbound.texts import LINK_SLOT, Templates, clock_text

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(hours=6)  # as long as a risk reply keeps trying
REASONS = {
    "21610": "they had texted STOP",
    "30003": "phone unreachable",
    "30005": "unknown number",
    "30006": "not a mobile, or blocked",
    "30007": "blocked as spam",
}


def reason_of(code: str | None) -> str:
    return REASONS.get(code or "", f"not delivered, code {code}" if code else "not delivered")


def check(db: Database, settings: Settings, templates: Templates, now: datetime) -> int:
    """Raise an alert for each risk reply that did not arrive. Returns how many were raised."""
    q = (
        select(
            Message.id,
            Message.client_id,
            Message.dedupe_key,
            Message.created_at,
            Message.error_code,
            Client.first_name,
            Client.external_id,
        )
        .join(Client, Client.id == Message.client_id)
        .where(
            Message.kind == REPLY,
            Message.label.in_(RISK_REPLY_LABELS),
            Message.status.in_((UNDELIVERED, FAILED)),
            Message.created_at >= now - LOOK_BACK,
            ~exists().where(Alert.message_id == Message.id),
        )
    )
    with db.read() as s:
        found = s.execute(q).all()
    raised = 0
    for message_id, client_id, key, sent_at, code, name, ext in found:
        reply_id = _reply_of(key)
        if reply_id is None:
            continue
        text = templates.render(
            "alert_undelivered", "en", first_name=name, external_id=ext,
            time=clock_text(sent_at, settings.timezone, "en"), reason=reason_of(code),
            link=LINK_SLOT,
        )  # fmt: skip
        tiers = settings.tiers
        alert = StaffAlert(
            AlertKind.UNDELIVERED, "undelivered_alert", text, now, now + URGENT_FRESHNESS,
            level=AlertLevel.CRISIS, due_at=now + tiers[0].after if tiers else None,
            due_reason="tier" if tiers else None, urgent=True,
        )  # fmt: skip
        try:
            with db.session() as s:
                rows = raise_alerts(s, settings, [alert], client_id=client_id,
                                    reply_id=reply_id, now=now, message_id=message_id)  # fmt: skip
                outbox.enqueue(s, rows)
        except IntegrityError:
            continue  # another replica raised it first
        raised += 1
        log.warning(
            "risk reply not delivered: alert raised",
            extra={"event": "alert.undelivered", "message_id": message_id, "code": code},
        )
    return raised


def _reply_of(key: str) -> int | None:
    """The reply a risk text answered: its outbox key ends with the reply's id."""
    tail = key.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None
