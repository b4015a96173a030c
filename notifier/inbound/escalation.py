"""Escalation: a crisis alert nobody acknowledged within ``NOTIFIER_CRISIS_ESCALATE_AFTER``
(default 15 minutes) of staff being told is sent once more, to ``NOTIFIER_ESCALATION_NUMBERS``
(default: every on-call number again), with the same link and a distinct text ("NOT YET
ANSWERED after 15 min").

Rules (each has a test in tests/db/test_escalation.py):

- only **crisis** alerts of a **client** escalate; concern and call-back alerts never do, nor do
  alerts from a number on no client's record (there is no page to acknowledge them on; they
  have their own flood limits);
- **once**: ``alerts.escalated_at`` is set by a conditional ``UPDATE ... WHERE escalated_at IS
  NULL AND acknowledged_at IS NULL`` in the same transaction that queues the texts, and only the
  transaction whose update changed the row queues them (two replicas, or two steps at once,
  escalate once; an acknowledgement that lands first wins). The outbox keys
  ``escalate:{alert_id}:{i}`` hold even if that were bypassed;
- not for alerts older than :data:`ESCALATION_WINDOW` since staff were told: after a long
  outage, or for alerts raised before this feature, a burst of stale texts helps nobody.

:func:`due` / :func:`decide` are pure; :func:`escalate` reads the candidates and applies.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from notifier.core.db import Database
from notifier.core.models import ALERT, ALERT_CRISIS, ALERTS, Alert, Client
from notifier.core.settings import Settings
from notifier.inbound.alerts import link_text
from notifier.outbound import outbox
from notifier.outbound.texts import Templates, clock_text, duration_text

log = logging.getLogger(__name__)

ESCALATION_WINDOW = timedelta(hours=6)  # as long as a crisis alert's own text keeps trying
LABEL = "crisis_escalation"


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    client_id: int | None
    notify_at: datetime
    acknowledged_at: datetime | None
    escalated_at: datetime | None


def due(c: Candidate, now: datetime, after: timedelta) -> bool:
    """Whether this alert escalates now (see the module's rules)."""
    return (
        c.kind == ALERT_CRISIS
        and c.client_id is not None
        and c.acknowledged_at is None
        and c.escalated_at is None
        and c.notify_at + after <= now < c.notify_at + ESCALATION_WINDOW
    )


def decide(candidates: Iterable[Candidate], now: datetime, settings: Settings) -> list[int]:
    """The ids of the alerts to escalate now (none when there is nobody to tell)."""
    if not settings.escalation_recipients:
        return []
    return [c.id for c in candidates if due(c, now, settings.crisis_escalate_after)]


@dataclass(frozen=True)
class EscalationResult:
    escalated: tuple[int, ...]  # alert ids this call escalated
    queued: int  # texts queued


def escalate(
    db: Database, settings: Settings, templates: Templates, now: datetime
) -> EscalationResult:
    ids = decide(_candidates(db, now, settings), now, settings)
    done: list[int] = []
    queued = 0
    for alert_id in ids:
        count = _apply(db, settings, templates, alert_id, now)
        if count is not None:
            done.append(alert_id)
            queued += count
    if done:
        log.info(
            "crisis alerts escalated",
            extra={"event": "alert.escalated", "alerts": ",".join(map(str, done)),
                   "queued": queued},
        )  # fmt: skip
    return EscalationResult(tuple(done), queued)


def _candidates(db: Database, now: datetime, settings: Settings) -> list[Candidate]:
    q = select(
        Alert.id,
        Alert.kind,
        Alert.client_id,
        Alert.notify_at,
        Alert.acknowledged_at,
        Alert.escalated_at,
    ).where(
        Alert.kind == ALERT_CRISIS,
        Alert.acknowledged_at.is_(None),
        Alert.escalated_at.is_(None),
        Alert.notify_at <= now - settings.crisis_escalate_after,
        Alert.notify_at > now - ESCALATION_WINDOW,
    )
    with db.read() as s:
        return [Candidate(*row) for row in s.execute(q).all()]


def _apply(
    db: Database, settings: Settings, templates: Templates, alert_id: int, now: datetime
) -> int | None:
    """Mark one alert escalated and queue its texts, in one transaction; None when another
    step (or an acknowledgement) got there first."""
    a = ALERTS.c
    with db.session() as s:
        claimed = s.connection().execute(
            update(ALERTS)
            .where(a.id == alert_id, a.escalated_at.is_(None), a.acknowledged_at.is_(None))
            .values(escalated_at=now)
        )
        if claimed.rowcount != 1:
            return None
        alert = s.get_one(Alert, alert_id)
        client = s.get_one(Client, alert.client_id)
        text = templates.render(
            "alert_escalated",
            "en",
            first_name=client.first_name,
            external_id=client.external_id,
            time=clock_text(alert.created_at, settings.timezone, "en"),
            after=duration_text(settings.crisis_escalate_after),
            link=link_text(settings, alert.link_token, has_client=True),
        )
        # The key holds the index, never the number: keys are stored in clear.
        rows = [
            outbox.message(
                ALERT,
                dedupe_key=f"escalate:{alert_id}:{i}",
                body=text,
                due_at=now,
                not_after=now + ESCALATION_WINDOW,
                client_id=alert.client_id,
                label=LABEL,
                recipient=number,
                created_at=now,
            )
            for i, number in enumerate(settings.escalation_recipients)
        ]
        return outbox.enqueue(s, rows)
