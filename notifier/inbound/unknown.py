"""Messages from a number on no client's record.

The message is stored unlinked (the number only as a keyed hash on the reply). A crisis gets a
neutral reply (911, 988; nothing that names the program) and an alert that keeps the number
itself, encrypted, for :data:`~notifier.inbound.actions.UNKNOWN_KEEP` (72 hours): staff open it
on an audited page the alert's link leads to, so someone can call back; housekeeping forgets it
then (:func:`forget_senders`). Nothing else from such a number is kept in clear or answered.

Flood limits (an attacker may text from many numbers): at most one alert per number per hour
(a further message joins that alert while it is open) and ``NOTIFIER_UNKNOWN_ALERTS_PER_HOUR``
in all; what is held back is counted in one summary alert per clock hour.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifier.core.db import Database, rowcount
from notifier.core.models import (
    ALERT,
    FINAL_STATUSES,
    REPLY,
    SENT,
    Alert,
    Message,
    Reply,
)
from notifier.core.settings import Settings
from notifier.inbound.actions import (
    ALERT_WINDOW,
    UNKNOWN_KEEP,
    URGENT_FRESHNESS,
    Actions,
    Episode,
    Flood,
)
from notifier.inbound.alerts import unknown_crisis_alerts
from notifier.inbound.decision import decide_unknown, held_summary
from notifier.inbound.episodes import join_episode, raise_alerts, read_episode
from notifier.inbound.result import (
    InboundResult,
    insert_reply,
    reply_values,
    send_row,
    urgency,
)
from notifier.outbound import outbox
from notifier.outbound.texts import Templates
from notifier.roster import support
from notifier.understanding import Category, Classification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Seen:
    """What the decision needs to know about this number: recent alerts, an open one."""

    flood: Flood
    episode: Episode | None
    refs: tuple[str, ...]  # the number's keyed hashes (every configured key)


def read(s: Session, hashes: list[str], now: datetime) -> Seen:
    since = now - ALERT_WINDOW
    flood = Flood(unknown_crisis_alerts(s, since, hashes), unknown_crisis_alerts(s, since))
    return Seen(flood, read_episode(s, sender_refs=hashes), tuple(hashes))


def handle(
    db: Database,
    settings: Settings,
    templates: Templates,
    result: Classification,
    seen: Seen,
    *,
    phone: str,
    body: str,
    now: datetime,
    provider_sid: str | None,
    source: str,
) -> InboundResult:
    assert db.crypto is not None
    actions = decide_unknown(result, seen.flood, now, settings, templates, seen.episode)
    ref = db.crypto.lookup_hash(phone)
    reply = reply_values(actions, None, ref, body, now, provider_sid, source)
    reply.update(urgency(result))
    out = _apply(db, settings, templates, actions, reply, phone, ref, now)
    if actions.category == Category.OPT_OUT and not out.duplicate:
        # A support person's STOP: honoured at once, like a client's (never answered: the
        # carrier sends its own confirmation, and a reply would name the program).
        support.number_stopped(db, phone, now, source="sms")
    return out


def _apply(
    db: Database,
    settings: Settings,
    templates: Templates,
    actions: Actions,
    reply: dict[str, object],
    phone: str,
    ref: str,
    now: datetime,
) -> InboundResult:
    out = InboundResult(
        None, actions.category, signals=actions.signals, rule=actions.rule, held=actions.held
    )
    try:
        with db.session() as s:
            reply_id = insert_reply(s, reply)
            rows = [send_row(None, x, reply_id, now, recipient=phone) for x in actions.sends]
            keep = actions.keep_sender
            rows += raise_alerts(
                s, settings, actions.alerts, client_id=None, reply_id=reply_id, now=now,
                sender=phone if keep else None, sender_ref=ref if keep else None,
                sender_until=now + UNKNOWN_KEEP if keep else None,
            )  # fmt: skip
            if actions.join is not None:
                rows += join_episode(s, settings, actions.join, client_id=None,
                                     reply_id=reply_id, now=now)  # fmt: skip
            outbox.enqueue(s, rows)
            out.queued += [str(r["label"]) for r in rows]
            if actions.held is not None:
                _held_summary(s, settings, templates, now, create=actions.held == "cap")
    except IntegrityError:
        return InboundResult(None, "duplicate", duplicate=True)
    out.reply_id = reply_id
    log.info(
        "reply from an unknown number",
        extra={
            "event": "reply.unknown",
            "reply_id": reply_id,
            "category": actions.category,
            "held": actions.held,
            "joined": actions.join.alert_id if actions.join else None,
        },
    )
    return out


def _held_summary(
    s: Session, settings: Settings, templates: Templates, now: datetime, *, create: bool
) -> None:
    """One alert per clock hour, sent when the hour is over, counting the unknown numbers'
    crisis messages of that hour that raised no alert of their own. Created when the hourly
    cap holds one back; its count is rewritten while it waits."""
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    keys = [f"alert_held:{hour:%Y%m%d%H}:{i}" for i in range(len(settings.oncall_numbers))]
    if not keys:
        return
    held = s.scalar(
        select(func.count())
        .select_from(Reply)
        .where(
            Reply.client_id.is_(None),
            Reply.category == "crisis",
            Reply.received_at >= hour,
            ~exists().where(Alert.reply_id == Reply.id),
        )
    )
    text = held_summary(int(held or 0), hour, settings, templates)
    due = hour + timedelta(hours=1)
    if create:
        rows = [
            outbox.message(
                ALERT, dedupe_key=key, body=text, due_at=due, not_after=due + URGENT_FRESHNESS,
                label="held_alert", recipient=n, created_at=now,
            )
            for key, n in zip(keys, settings.oncall_numbers, strict=True)
        ]  # fmt: skip
        outbox.enqueue(s, rows)
    outbox.reword_pending(s, keys, text)


def forget_senders(db: Database, now: datetime) -> int:
    """Unknown senders' numbers kept past their 72 hours are erased: on the alert (which
    stays) and in the replies we sent them. Returns how many alerts forgot a number."""
    with db.session() as s:
        done = s.execute(
            update(Alert)
            .where(Alert.sender_until <= now, Alert.sender.is_not(None))
            .values(sender=None)
        )
        s.execute(
            update(Message)
            .where(
                Message.client_id.is_(None),
                Message.kind == REPLY,
                Message.recipient.is_not(None),
                Message.created_at <= now - UNKNOWN_KEEP,
                Message.status.in_(FINAL_STATUSES | {SENT}),
            )
            .values(recipient=None)
        )
        return rowcount(done)
