"""The ``alerts`` table and its history (``alert_events``): reads, the one function that adds
an event, and the short link each alert's on-call text carries. Alerts are raised by the reply
path (:mod:`notifier.inbound.episodes`); claims and outcomes are
:mod:`notifier.inbound.outcomes`, escalation :mod:`notifier.inbound.escalation`.

The link is ``NOTIFIER_PUBLIC_URL/a/<token>``: ten base32 characters from :mod:`secrets`
(50 bits), fresh for each alert, so it says nothing about the client (no external id, no
sequence). ``GET /a/<token>`` needs a signed-in staff member and only redirects: to the
client's page (for someone allowed to see the client), or to the audited page of an alert from
a number on no client's record. Without a public URL the text names the command
``notifier alerts --open`` instead.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased

from notifier.core.db import Database, rowcount
from notifier.core.models import ALERT_CRISIS, Alert, AlertEvent, AlertState, Client, Reply, Staff
from notifier.core.settings import Settings
from notifier.outbound.texts import LINK_SLOT, TOKEN_LENGTH

TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
OPEN_COMMAND = "notifier alerts --open"


def new_token() -> str:
    """A fresh link token: 10 base32 characters (50 random bits)."""
    return base64.b32encode(secrets.token_bytes(7)).decode("ascii")[:TOKEN_LENGTH]


def is_token(text: str) -> bool:
    return len(text) == TOKEN_LENGTH and set(text) <= TOKEN_ALPHABET


def link_text(settings: Settings, token: str | None, *, has_client: bool = True) -> str:
    """What ``{link}`` becomes in an on-call text (``has_client`` is no longer needed: an
    unknown sender's alert has its own page now)."""
    if settings.public_url and token:
        return f"{settings.public_url}/a/{token}"
    return OPEN_COMMAND


def add_event(
    s: Session,
    alert_id: int,
    at: datetime,
    event: str,
    *,
    staff_id: int | None = None,
    reply_id: int | None = None,
    tier: int | None = None,
    detail: str | None = None,
    note: str | None = None,
    disclosed_to: str | None = None,
    facility: str | None = None,
    emergency: str | None = None,
) -> None:
    """One step of an alert's history, in the caller's transaction."""
    s.add(
        AlertEvent(
            alert_id=alert_id, at=at, event=event, staff_id=staff_id, reply_id=reply_id,
            tier=tier, detail=detail[:120] if detail else None, note=note or None,
            disclosed_to=disclosed_to, facility=facility, emergency=emergency,
        )
    )  # fmt: skip


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
    """Alerts not closed (nobody reached yet), oldest first; with ``now``, only those staff
    have been told about by then (a call-back outside program hours waits for the opening)."""
    q = (
        select(Alert, Client.external_id)
        .outerjoin(Client, Client.id == Alert.client_id)
        .where(Alert.state != AlertState.CLOSED)
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


OUTCOME_EVENTS = (
    "reached", "safe", "left_message", "wellness_check", "mobile_crisis", "called_911",
    "not_reached",
)  # fmt: skip


def state_at(alert: Alert, now: datetime) -> str:
    """open, claimed (while the claim holds) or closed."""
    if alert.state == AlertState.CLOSED:
        return AlertState.CLOSED
    if alert.state == AlertState.CLAIMED and (alert.claimed_until or now) > now:
        return AlertState.CLAIMED
    return AlertState.OPEN


@dataclass(frozen=True)
class EventView:
    """One step of an alert's history. ``note`` and the §2.51 fields are decrypted: for the
    alert's page only (never a listing, a log or the audit trail)."""

    id: int
    at: datetime
    event: str
    by: str | None  # the staff member's e-mail
    by_name: str | None
    tier: int | None
    detail: str | None
    reply_id: int | None
    note: str | None = None
    disclosed_to: str | None = None
    facility: str | None = None
    emergency: str | None = None


def forget_notes(db: Database, cutoff: datetime) -> int:
    """Staff notes in alert histories older than the retention are erased like message bodies
    (they may hold health information); the §2.51 record of a disclosure stays, as the
    regulation asks it be kept in the patient's record."""
    with db.session() as s:
        done = s.execute(
            update(AlertEvent)
            .where(AlertEvent.at < cutoff, AlertEvent.note.is_not(None))
            .values(note=None)
        )
        return rowcount(done)


def history(db: Database, alert_ids: Sequence[int]) -> dict[int, list[EventView]]:
    """Each alert's events, oldest first."""
    if not alert_ids:
        return {}
    q = (
        select(AlertEvent, Staff.email, Staff.name)
        .outerjoin(Staff, Staff.id == AlertEvent.staff_id)
        .where(AlertEvent.alert_id.in_(list(alert_ids)))
        .order_by(AlertEvent.at, AlertEvent.id)
    )
    found: dict[int, list[EventView]] = {i: [] for i in alert_ids}
    with db.read() as s:
        for e, email, name in s.execute(q).all():
            found[e.alert_id].append(
                EventView(
                    e.id,
                    e.at,
                    e.event,
                    email,
                    name,
                    e.tier,
                    e.detail,
                    e.reply_id,
                    e.note,
                    e.disclosed_to,
                    e.facility,
                    e.emergency,
                )
            )
    return found


@dataclass(frozen=True)
class AlertRow:
    """One alert as `notifier alerts` shows it: never a reply's body, a note or a phone
    number. ``outcomes`` are ``{outcome, by, at}``, newest last."""

    id: int
    client: str | None  # external id; None for a number on no client's record
    kind: str
    raised_at: datetime
    state: str
    tier: int
    outcomes: list[dict[str, object]]
    level: str
    notify_at: datetime
    due_at: datetime | None
    due_reason: str | None
    deadline: datetime | None
    claimed_by: str | None
    claimed_until: datetime | None
    attempts: int
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None  # the e-mail of who recorded the latest outcome
    outcome: str | None
    escalated_at: datetime | None
    reply_id: int


def list_alerts(db: Database, *, open_only: bool = False, now: datetime) -> list[AlertRow]:
    """Every alert (or only those not closed), newest first."""
    claimer = aliased(Staff)
    q = (
        select(Alert, Client.external_id, Staff.email, claimer.email)
        .outerjoin(Client, Client.id == Alert.client_id)
        .outerjoin(Staff, Staff.id == Alert.acknowledged_by)
        .outerjoin(claimer, claimer.id == Alert.claimed_by)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    )
    if open_only:
        q = q.where(Alert.state != AlertState.CLOSED)
    with db.read() as s:
        found = s.execute(q).all()
    steps = history(db, [a.id for a, *_ in found])
    return [
        AlertRow(
            id=a.id,
            client=ext,
            kind=a.kind,
            raised_at=a.created_at,
            state=state_at(a, now),
            tier=a.tier,
            outcomes=[
                {"outcome": e.event, "by": e.by, "at": e.at}
                for e in steps[a.id]
                if e.event in OUTCOME_EVENTS
            ],
            level=a.level,
            notify_at=a.notify_at,
            due_at=a.due_at,
            due_reason=a.due_reason,
            deadline=a.deadline,
            claimed_by=claimed,
            claimed_until=a.claimed_until,
            attempts=a.attempts,
            created_at=a.created_at,
            acknowledged_at=a.acknowledged_at,
            acknowledged_by=email,
            outcome=a.outcome,
            escalated_at=a.escalated_at,
            reply_id=a.reply_id,
        )
        for a, ext, email, claimed in found
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
