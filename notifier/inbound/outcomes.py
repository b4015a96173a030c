"""What staff do with an alert until a person is reached: claim it ("I'm calling now"), then
record outcomes, several over time, each with who, when and a note.

- **claim** holds escalation for ``NOTIFIER_ALERT_CLAIM_PAUSE`` (default 10 minutes);
- **reached**, **safe** (safety plan reviewed) close the alert: nothing more is due;
- **left_message**, **wellness_check**, **mobile_crisis**, **called_911** keep it open with the
  next try due after ``NOTIFIER_ALERT_RETRY_AFTER``: escalation waits until then, and the tier
  that has it is reminded if nothing was recorded by then;
- **not_reached** counts a try like a message left; after ``NOTIFIER_ALERT_ATTEMPTS`` tries it
  escalates at once to the next tier;
- **called_911** also records what 42 CFR Part 2 §2.51 asks of a disclosure in a medical
  emergency: to whom, their facility, who disclosed (the staff member), when (now), and the
  nature of the emergency.

Each change writes its event and its audit row in the same transaction (like
``attendance.mark``); routes and commands never write audit rows for it. Notes and the §2.51
fields are encrypted and never go into the audit trail or a log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from notifier.core.db import Database
from notifier.core.models import Alert, AlertLevel, AlertState, Staff
from notifier.core.settings import Settings
from notifier.inbound.alerts import EventView, add_event, history, state_at
from notifier.staff import audit

log = logging.getLogger(__name__)

OUTCOMES = {
    "reached": "Reached them",
    "safe": "Safe: safety plan reviewed",
    "left_message": "Left a message",
    "wellness_check": "Wellness check requested",
    "mobile_crisis": "Mobile crisis dispatched",
    "called_911": "Called 911",
    "not_reached": "Could not reach",
}
CLOSING = frozenset({"reached", "safe"})
TRIES = frozenset({"left_message", "not_reached"})
NOTE_MAX = 500
FIELD_MAX = 120


class AckError(ValueError):
    """The change cannot be made as asked; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class Disclosure:
    """42 CFR Part 2 §2.51: a disclosure to medical personnel in a medical emergency."""

    to_whom: str  # the medical personnel (e.g. "911 dispatcher J. Ruiz")
    facility: str  # their facility or agency
    nature: str  # the nature of the emergency

    def problem(self) -> str | None:
        for name, value in (("to", self.to_whom), ("facility", self.facility),
                            ("emergency", self.nature)):  # fmt: skip
            if not value.strip():
                return f"{name}: required for called_911 (42 CFR Part 2 §2.51 record)"
            if len(value) > FIELD_MAX:
                return f"{name}: {len(value)} characters; at most {FIELD_MAX}"
        return None


@dataclass(frozen=True)
class AlertView:
    id: int
    client_id: int | None
    kind: str
    level: str
    reply_id: int
    created_at: datetime
    state: str
    tier: int
    due_at: datetime | None
    due_reason: str | None
    deadline: datetime | None
    claimed_by: str | None  # the name of who claimed it, while the claim holds
    claimed_until: datetime | None
    attempts: int
    discreet: bool
    events: tuple[EventView, ...]
    # The latest outcome (as before the history existed).
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    outcome: str | None = None
    note: str | None = None
    escalated_at: datetime | None = None


@dataclass(frozen=True)
class Who:
    """Who acts, from where, and which client the caller may act on (None: any, e.g. CLI)."""

    staff_id: int
    address: str
    client_id: int | None = None
    group: str | None = None
    unknown_only: bool = False  # the page of a number on no record: only such alerts


def claim(db: Database, settings: Settings, *, alert_id: int, who: Who, now: datetime) -> int:
    """ "I'm calling now": escalation holds for the claim pause. Returns the alert id."""
    with db.session() as s:
        alert = _locked(s, alert_id, who)
        if alert.state == AlertState.CLOSED:
            raise AckError(f"alert {alert_id} is closed: {_closed_by(s, alert)}")
        if state_at(alert, now) == AlertState.CLAIMED and alert.claimed_by != who.staff_id:
            name = s.scalar(select(Staff.name).where(Staff.id == alert.claimed_by))
            held = (alert.claimed_until or now).isoformat(timespec="minutes")
            raise AckError(f"alert {alert_id}: {name or 'someone'} is calling now (until {held})")
        until = now + settings.alert_claim_pause
        alert.state, alert.claimed_by, alert.claimed_until = AlertState.CLAIMED, who.staff_id, until
        if alert.due_at is not None and alert.due_at < until:
            alert.due_at = until  # the next tier waits for the claim
        add_event(s, alert.id, now, "claimed", staff_id=who.staff_id, tier=alert.tier)
        _audit(s, who, now, "alert_claim", alert, "claimed")
    log.info("alert claimed", extra={"event": "alert.claim", "alert_id": alert_id})
    return alert_id


def record(
    db: Database,
    settings: Settings,
    *,
    alert_id: int,
    outcome: str,
    note: str,
    who: Who,
    now: datetime,
    disclosure: Disclosure | None = None,
) -> int:
    """Record one outcome (see the module's rules). Returns the alert id."""
    if outcome not in OUTCOMES:
        raise AckError(f"outcome: expected one of {', '.join(OUTCOMES)}, got {outcome!r}")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise AckError(f"note: {len(note)} characters; at most {NOTE_MAX}")
    if outcome == "called_911":
        problem = (disclosure or Disclosure("", "", "")).problem()
        if problem:
            raise AckError(problem)
    elif disclosure is not None:
        raise AckError("to/facility/emergency: only for called_911")
    with db.session() as s:
        alert = _locked(s, alert_id, who)
        if alert.state == AlertState.CLOSED:
            raise AckError(f"alert {alert_id} is closed: {_closed_by(s, alert)}")
        _apply(alert, outcome, who, now, settings)
        d = disclosure
        add_event(
            s, alert.id, now, outcome, staff_id=who.staff_id, tier=alert.tier, note=note,
            disclosed_to=d.to_whom.strip() if d else None,
            facility=d.facility.strip() if d else None, emergency=d.nature.strip() if d else None,
        )  # fmt: skip
        alert.acknowledged_at, alert.acknowledged_by = now, who.staff_id
        alert.outcome, alert.note = outcome, note or None
        _audit(s, who, now, "alert_ack", alert, outcome)
        if d is not None:
            _audit(s, who, now, "part2_disclosure", alert, "disclosed to emergency services")
    log.info(
        "alert outcome", extra={"event": "alert.outcome", "alert_id": alert_id, "outcome": outcome}
    )
    return alert_id


def _apply(alert: Alert, outcome: str, who: Who, now: datetime, settings: Settings) -> None:
    """The alert's state after an outcome: closed, escalated at once, or the next try due."""
    alert.claimed_by, alert.claimed_until = None, None
    if outcome in CLOSING:
        alert.state, alert.due_at, alert.due_reason = AlertState.CLOSED, None, None
        return
    alert.state = AlertState.OPEN
    if outcome in TRIES:
        alert.attempts += 1
    if outcome == "not_reached" and alert.attempts >= settings.alert_attempts:
        # Tried enough: the next tier hears of it now (a concern or a task: the first tier).
        alert.due_at = now
        alert.due_reason = "tier" if alert.level == AlertLevel.CRISIS else "deadline"
        return
    alert.due_at, alert.due_reason = now + settings.alert_retry_after, "retry"


def _locked(s: Session, alert_id: int, who: Who) -> Alert:
    q = select(Alert).where(Alert.id == alert_id).with_for_update()
    if who.client_id is not None:
        q = q.where(Alert.client_id == who.client_id)
    if who.unknown_only:
        q = q.where(Alert.client_id.is_(None))
    alert = s.scalar(q)
    if alert is None:
        raise AckError(f"no alert {alert_id}" + (" for this client" if who.client_id else ""))
    return alert


def _closed_by(s: Session, alert: Alert) -> str:
    who = s.scalar(select(Staff.name).where(Staff.id == alert.acknowledged_by))
    return f"{OUTCOMES.get(alert.outcome or '', 'closed')} ({who or 'someone'})"


def _audit(s: Session, who: Who, now: datetime, action: str, alert: Alert, what: str) -> None:
    audit.record(s, action=action, staff_id=who.staff_id, now=now, address=who.address,
                 client_id=alert.client_id, group=who.group,
                 detail=f"alert {alert.id} ({alert.kind}): {what}")  # fmt: skip


def for_clients(db: Database, client_ids: list[int], now: datetime) -> list[AlertView]:
    """Every alert of these clients, newest first, each with its whole history."""
    return _views(db, select(Alert).where(Alert.client_id.in_(client_ids)), now)


def for_alert(db: Database, alert_id: int, now: datetime) -> AlertView | None:
    found = _views(db, select(Alert).where(Alert.id == alert_id), now)
    return found[0] if found else None


def _views(db: Database, q: Select[Any], now: datetime) -> list[AlertView]:
    with db.read() as s:
        alerts = list(s.scalars(q.order_by(Alert.created_at.desc(), Alert.id.desc())))
        staff_rows = s.execute(select(Staff.id, Staff.name)).all() if alerts else []
        names = {row[0]: row[1] for row in staff_rows}
    steps = history(db, [a.id for a in alerts])
    views = []
    for a in alerts:
        state = state_at(a, now)
        views.append(
            AlertView(
                a.id, a.client_id, a.kind, a.level, a.reply_id, a.created_at, state, a.tier,
                a.due_at, a.due_reason, a.deadline,
                names.get(a.claimed_by) if state == AlertState.CLAIMED else None,
                a.claimed_until, a.attempts, a.discreet, tuple(steps[a.id]), a.acknowledged_at,
                names.get(a.acknowledged_by), a.outcome, a.note, a.escalated_at,
            )
        )  # fmt: skip
    return views
