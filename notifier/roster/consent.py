"""Consent changes: enrolment consent, opt-out, opt-in. Each one is recorded as an event.

Opting out stops every pending text to the client in the same transaction that records it;
the dispatcher checks again right before each send, so a row claimed a moment earlier is
canceled too.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from notifier.core.db import Database
from notifier.core.models import (
    ALERT,
    CANCELED,
    PENDING,
    REPLY,
    RISK_REPLY_LABELS,
    Client,
    ConsentEvent,
    Message,
)

log = logging.getLogger(__name__)

# Replies that still go to a client who has just opted out (a subset of the texts
# notifier.outbound.quiet exempts: the dispatcher sends those whatever the consent).
KEEP_ON_OPT_OUT = tuple(sorted(RISK_REPLY_LABELS | {"opt_out_confirm", "help", "wrong_number"}))


def opt_out(
    db: Database,
    client_id: int,
    now: datetime,
    *,
    source: str,
    cancel_pending: bool = True,
    event: str = "opt_out",
) -> bool:
    """Mark the client opted out (idempotent). Returns True when this call changed it.
    ``event`` "wrong_number": the phone is someone else's now; texts stop the same way, and
    the roster needs a new number before they may resume."""
    with db.session() as s:
        client = s.get(Client, client_id)
        if client is None:
            return False
        changed = client.opted_out_at is None
        if changed:
            client.opted_out_at = now
            client.updated_at = now
            s.add(ConsentEvent(client_id=client_id, event=event, at=now, source=source))
        if cancel_pending:
            s.execute(
                update(Message)
                .where(
                    Message.client_id == client_id,
                    Message.status == PENDING,
                    Message.kind != ALERT,
                    ~((Message.kind == REPLY) & Message.label.in_(KEEP_ON_OPT_OUT)),
                )
                .values(status=CANCELED, reason="opted_out", status_at=now)
            )
    if changed:
        log.info(
            "client opted out",
            extra={"event": f"consent.{event}", "client_id": client_id, "source": source},
        )
    return changed


def opt_in(db: Database, client_id: int, now: datetime, *, source: str) -> bool:
    with db.session() as s:
        client = s.get(Client, client_id)
        if client is None or client.opted_out_at is None:
            return False
        client.opted_out_at = None
        client.updated_at = now
        if client.consent_at is None:
            client.consent_at, client.consent_source = now, source
        s.add(ConsentEvent(client_id=client_id, event="opt_in", at=now, source=source))
    log.info(
        "client opted in",
        extra={"event": "consent.opt_in", "client_id": client_id, "source": source},
    )
    return True


def events(db: Database, client_id: int | None = None) -> list[tuple[str, str, datetime, str]]:
    """(external id, event, at, source), oldest first; every client's, or one client's."""
    q = (
        select(Client.external_id, ConsentEvent.event, ConsentEvent.at, ConsentEvent.source)
        .join(Client, Client.id == ConsentEvent.client_id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    )
    if client_id is not None:
        q = q.where(ConsentEvent.client_id == client_id)
    with db.session() as s:
        rows = s.execute(q).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]
