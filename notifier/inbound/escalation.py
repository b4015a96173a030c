"""Escalation: an alert that nobody claimed or closed in time reaches someone else.

Each alert carries ``due_at`` (when escalation next acts) and ``due_reason``; this step acts on
those due. Rules (each has a test in tests/db/inbound/test_escalation.py and tests/unit):

- ``tier`` (crisis level): the next tier of ``NOTIFIER_ESCALATION_TIERS`` is texted (and
  called, when the tier says ``call``) "NOT YET ANSWERED"; the following tier is then due at its
  own delay from when on-call was told, and never sooner than the gap between the two tiers
  (so a claim that lapsed does not fire two tiers at once). A claim ("I'm calling now") moves
  ``due_at`` to the end of the claim; after the last tier nothing more is due (the alert stays
  open on the pages);
- ``retry``: the next try after "left a message" (or 911, mobile crisis, a wellness check, or
  "could not reach") is due: the tier that has the alert is reminded, and a crisis goes on to
  its next tier after ``NOTIFIER_ALERT_RETRY_AFTER`` more;
- ``deadline`` (concern and task levels): nobody recorded an outcome by the time the client
  was promised: the first tier (on-call again when there is none) hears of it, once;
- **once per step**: the alert row is updated on the condition that ``due_at`` and
  ``due_reason`` are still what was read, in the transaction that queues the texts; only the
  transaction whose update changed the row queues them (two replicas escalate once; a claim
  or an outcome that lands first wins). Outbox keys hold the step as well;
- not for a step due more than :data:`ESCALATION_WINDOW` ago: after a long outage a burst of
  stale pages helps nobody (the alert stays open on the pages, ``due_at`` is cleared).

:func:`decide` is pure; :func:`escalate` reads the candidates and applies.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notifier.core.db import Database, rowcount
from notifier.core.models import ALERT, ALERTS, CALL, Alert, AlertLevel, AlertState, Client
from notifier.core.settings import Settings
from notifier.inbound.alerts import add_event, link_text
from notifier.inbound.episodes import told_numbers
from notifier.inbound.outcomes import OUTCOMES
from notifier.outbound import outbox
from notifier.outbound.texts import Templates, clock_text, duration_text

log = logging.getLogger(__name__)

ESCALATION_WINDOW = timedelta(hours=6)  # as long as a crisis alert's own text keeps trying
CALL_FRESHNESS = timedelta(minutes=30)  # a voice alert placed later than this helps nobody
LABEL = "crisis_escalation"
UNKNOWN_NAME, UNKNOWN_ID = "A number", "not on the roster"


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    level: str
    state: str
    tier: int
    notify_at: datetime
    due_at: datetime | None
    due_reason: str | None
    client_id: int | None = None


@dataclass(frozen=True)
class Step:
    """What one alert's escalation does now."""

    alert_id: int
    action: str  # tier | retry | deadline | stale
    tier: int  # the tier told (tier and deadline: the new one; retry: the current one)
    numbers: tuple[str, ...]
    call: bool
    next_due: datetime | None
    next_reason: str | None


def numbers_of(settings: Settings, tier: int) -> tuple[tuple[str, ...], bool]:
    """(numbers, voice call) of a tier: 0 is on-call."""
    if tier <= 0 or not settings.tiers:
        return settings.oncall_numbers, False
    t = settings.tiers[min(tier, len(settings.tiers)) - 1]
    return t.numbers, t.call


def decide(c: Candidate, now: datetime, settings: Settings) -> Step | None:
    """The step due for one alert now, or None (see the module's rules)."""
    if c.state == AlertState.CLOSED or c.due_at is None or c.due_at > now:
        return None
    if now - c.due_at > ESCALATION_WINDOW:
        return Step(c.id, "stale", c.tier, (), False, None, None)
    tiers = settings.tiers
    if c.due_reason == "retry":
        numbers, _ = numbers_of(settings, c.tier)
        next_due = None
        if c.level == AlertLevel.CRISIS and c.tier < len(tiers):
            next_due = max(c.notify_at + tiers[c.tier].after, now + settings.alert_retry_after)
        return Step(c.id, "retry", c.tier, numbers, False, next_due, "tier" if next_due else None)
    if c.due_reason == "tier" and c.level == AlertLevel.CRISIS:
        if c.tier >= len(tiers):
            return Step(c.id, "stale", c.tier, (), False, None, None)
        new = c.tier + 1
        numbers, call = numbers_of(settings, new)
        next_due = None
        if new < len(tiers):
            gap = tiers[new].after - tiers[new - 1].after
            next_due = max(c.notify_at + tiers[new].after, now + gap)
        return Step(c.id, "tier", new, numbers, call, next_due, "tier" if next_due else None)
    new = min(c.tier + 1, len(tiers)) if tiers else 0
    numbers, call = numbers_of(settings, new)
    return Step(c.id, "deadline", max(new, c.tier), numbers, call, None, None)


def plan(candidates: Iterable[Candidate], now: datetime, settings: Settings) -> list[Step]:
    return [step for c in candidates if (step := decide(c, now, settings)) is not None]


@dataclass(frozen=True)
class EscalationResult:
    escalated: tuple[int, ...]  # alert ids this call escalated (texts queued)
    queued: int  # texts queued


def escalate(
    db: Database, settings: Settings, templates: Templates, now: datetime
) -> EscalationResult:
    candidates = _candidates(db, now)
    done: list[int] = []
    queued = 0
    for step in plan(candidates.values(), now, settings):
        count = _apply(db, settings, templates, step, candidates[step.alert_id], now)
        if count is not None and step.action != "stale":
            done.append(step.alert_id)
            queued += count
    if done:
        log.info(
            "alerts escalated",
            extra={"event": "alert.escalated", "alerts": ",".join(map(str, done)),
                   "queued": queued},
        )  # fmt: skip
    return EscalationResult(tuple(done), queued)


def _candidates(db: Database, now: datetime) -> dict[int, Candidate]:
    q = select(
        Alert.id, Alert.kind, Alert.level, Alert.state, Alert.tier, Alert.notify_at,
        Alert.due_at, Alert.due_reason, Alert.client_id,
    ).where(Alert.state != AlertState.CLOSED, Alert.due_at <= now)  # fmt: skip
    with db.read() as s:
        return {row[0]: Candidate(*row) for row in s.execute(q).all()}


def _apply(
    db: Database,
    settings: Settings,
    templates: Templates,
    step: Step,
    seen: Candidate,
    now: datetime,
) -> int | None:
    """Take the step and queue its texts in one transaction; None when a claim, an outcome
    or another replica changed the alert first."""
    a = ALERTS.c
    values: dict[str, object] = {"due_at": step.next_due, "due_reason": step.next_reason}
    if step.action in ("tier", "deadline"):
        values["tier"] = step.tier
    if step.action == "tier" and seen.state == AlertState.CLAIMED:
        values.update(state=AlertState.OPEN, claimed_by=None, claimed_until=None)  # lapsed
    with db.session() as s:
        taken = s.connection().execute(
            update(ALERTS)
            .where(a.id == step.alert_id, a.due_at == seen.due_at, a.state != AlertState.CLOSED)
            .where(a.due_reason == seen.due_reason if seen.due_reason else a.due_reason.is_(None))
            .values(**values)
        )
        if rowcount(taken) != 1:
            return None
        if step.action == "stale":
            add_event(s, step.alert_id, now, "stale", detail="escalation step too old: skipped")
            return 0
        alert = s.get_one(Alert, step.alert_id)
        if alert.escalated_at is None and step.action != "retry":
            alert.escalated_at = now
        text = _text(s, settings, templates, step, alert, now)
        key = _key(step, seen)
        rows = [
            outbox.message(
                ALERT, dedupe_key=f"{key}:{i}", body=text, due_at=now,
                not_after=now + ESCALATION_WINDOW, client_id=alert.client_id,
                label=_label(step), recipient=number, created_at=now,
            )
            for i, number in enumerate(step.numbers)
        ]  # fmt: skip
        texts = len(rows)
        calls = len(step.numbers) if step.call else 0
        if calls:
            # The spoken alert names nobody and nothing: the text beside it has the link.
            spoken = templates.render("call_alert", "en")
            rows += [
                outbox.message(
                    CALL, dedupe_key=f"call:{key}:{i}", body=spoken, due_at=now,
                    not_after=now + CALL_FRESHNESS, client_id=alert.client_id,
                    label="call_alert", recipient=number, created_at=now,
                )
                for i, number in enumerate(step.numbers)
            ]  # fmt: skip
        detail = f"{texts} text(s)" + (f", {calls} call(s)" if calls else "")
        add_event(s, alert.id, now, f"escalated_{step.action}", tier=step.tier, detail=detail)
        return outbox.enqueue(s, rows)


def _key(step: Step, seen: Candidate) -> str:
    if step.action == "tier":
        return f"escalate:{step.alert_id}" + (f":{step.tier}" if step.tier > 1 else "")
    stamp = int(seen.due_at.timestamp()) if seen.due_at else 0
    return f"{step.action}:{step.alert_id}:{stamp}"


def _label(step: Step) -> str:
    return {"tier": LABEL, "retry": "retry_alert"}.get(step.action, "overdue_alert")


def _text(
    s: Session, settings: Settings, templates: Templates, step: Step, alert: Alert, now: datetime
) -> str:
    name, ext = UNKNOWN_NAME, UNKNOWN_ID
    if alert.client_id is not None:
        client = s.get_one(Client, alert.client_id)
        name, ext = client.first_name, client.external_id
    tz = settings.timezone
    values = {
        "first_name": name,
        "external_id": ext,
        "time": clock_text(alert.created_at, tz, "en"),
        "link": link_text(settings, alert.link_token),
        "kind": alert.kind.replace("_", " "),
    }
    if step.action == "tier":
        after = duration_text(now - alert.notify_at)
        return templates.render("alert_escalated", "en", after=after, **values)
    if step.action == "retry":
        last = OUTCOMES.get(alert.outcome or "", "claimed").lower()
        return templates.render("alert_retry", "en", outcome=last, **values)
    due = alert.deadline or alert.due_at or now
    return templates.render("alert_overdue", "en", due=clock_text(due, tz, "en"), **values)


__all__ = ["Candidate", "EscalationResult", "Step", "decide", "escalate", "told_numbers"]
