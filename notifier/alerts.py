"""Reads of the ``alerts`` table (one row per staff alert a reply raised). Rows are written
by the reply path (``replies.py``); acknowledging and escalating them is elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from notifier.db import Database
from notifier.models import ALERT_CRISIS, Alert, Client, Reply


@dataclass(frozen=True)
class OpenAlert:
    id: int
    kind: str
    client: str | None  # external id; None for a number on no client's record
    reply_id: int
    created_at: datetime
    notify_at: datetime


def open_alerts(db: Database, now: datetime | None = None) -> list[OpenAlert]:
    """Alerts nobody has acknowledged, oldest first; with ``now``, only those staff have
    been told about by then (a call-back outside program hours waits for the opening)."""
    q = (
        select(Alert, Client.external_id)
        .outerjoin(Client, Client.id == Alert.client_id)
        .where(Alert.acknowledged_at.is_(None))
        .order_by(Alert.created_at, Alert.id)
    )
    if now is not None:
        q = q.where(Alert.notify_at <= now)
    with db.read() as s:
        return [
            OpenAlert(a.id, a.kind, ext, a.reply_id, a.created_at, a.notify_at)
            for a, ext in s.execute(q).all()
        ]


def unknown_crisis_alerts(s: Session, since: datetime, from_refs: Sequence[str] = ()) -> int:
    """Crisis alerts raised by numbers on no client's record since ``since``; with
    ``from_refs`` (keyed hashes of one number), only that number's."""
    q = (
        select(func.count())
        .select_from(Alert)
        .where(
            and_(Alert.client_id.is_(None), Alert.kind == ALERT_CRISIS, Alert.created_at > since)
        )
    )
    if from_refs:
        q = q.join(Reply, Reply.id == Alert.reply_id).where(Reply.from_ref.in_(from_refs))
    return int(s.scalar(q) or 0)
