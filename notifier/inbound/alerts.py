"""The ``alerts`` table (one row per staff alert a reply raised): reads, and the short link
each alert's on-call text carries. Rows are written by the reply path (``replies.py``);
acknowledging is :mod:`notifier.inbound.outcomes`, escalating :mod:`notifier.inbound.escalation`.

The link is ``NOTIFIER_PUBLIC_URL/a/<token>``: ten base32 characters from :mod:`secrets`
(50 bits), fresh for each alert, so it says nothing about the client (no external id, no
sequence). ``GET /a/<token>`` needs a signed-in staff member allowed to see the client and
only redirects to the client's page. Without a public URL the text names the command
``notifier alerts --open`` instead, as it does for a number on no client's record (there is
no client page to open).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from notifier.core.db import Database
from notifier.core.models import ALERT_CRISIS, Alert, Client, Reply, Staff
from notifier.core.settings import Settings
from notifier.outbound.texts import LINK_SLOT, TOKEN_LENGTH

TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
OPEN_COMMAND = "notifier alerts --open"


def new_token() -> str:
    """A fresh link token: 10 base32 characters (50 random bits)."""
    return base64.b32encode(secrets.token_bytes(7)).decode("ascii")[:TOKEN_LENGTH]


def is_token(text: str) -> bool:
    return len(text) == TOKEN_LENGTH and set(text) <= TOKEN_ALPHABET


def link_text(settings: Settings, token: str | None, *, has_client: bool) -> str:
    """What ``{link}`` becomes in an on-call text."""
    if settings.public_url and token and has_client:
        return f"{settings.public_url}/a/{token}"
    return OPEN_COMMAND


def with_link(text: str, link: str) -> str:
    """An alert text decided with :data:`~notifier.outbound.texts.LINK_SLOT`, with its link."""
    return text.replace(LINK_SLOT, link)


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


@dataclass(frozen=True)
class AlertRow:
    """One alert as `notifier alerts` shows it (never the reply's body)."""

    id: int
    client: str | None  # external id; None for a number on no client's record
    kind: str
    created_at: datetime
    notify_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None  # the staff member's e-mail
    outcome: str | None
    note: str | None
    escalated_at: datetime | None
    reply_id: int


def list_alerts(db: Database, *, open_only: bool = False) -> list[AlertRow]:
    """Every alert (or only those nobody acknowledged), newest first."""
    q = (
        select(Alert, Client.external_id, Staff.email)
        .outerjoin(Client, Client.id == Alert.client_id)
        .outerjoin(Staff, Staff.id == Alert.acknowledged_by)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    )
    if open_only:
        q = q.where(Alert.acknowledged_at.is_(None))
    with db.read() as s:
        return [
            AlertRow(
                id=a.id,
                client=ext,
                kind=a.kind,
                created_at=a.created_at,
                notify_at=a.notify_at,
                acknowledged_at=a.acknowledged_at,
                acknowledged_by=email,
                outcome=a.outcome,
                note=a.note,
                escalated_at=a.escalated_at,
                reply_id=a.reply_id,
            )
            for a, ext, email in s.execute(q).all()
        ]


@dataclass(frozen=True)
class LinkTarget:
    alert_id: int
    client_id: int | None
    external_id: str | None
    group: str | None


def target_of_token(db: Database, token: str) -> LinkTarget | None:
    """The alert a link token names, with its client's external id and group; None for a
    token that is malformed or names no alert."""
    token = token.strip().upper()  # a phone may change the case of a link it shows
    if not is_token(token):
        return None
    q = (
        select(Alert.id, Alert.client_id, Client.external_id, Client.group_name)
        .outerjoin(Client, Client.id == Alert.client_id)
        .where(Alert.link_token == token)
    )
    with db.read() as s:
        row = s.execute(q).first()
    return None if row is None else LinkTarget(row[0], row[1], row[2], row[3])
