"""Writing what a reply decided about alerts, inside the reply's own transaction: a new alert
(its row, its "raised" and "told" events, one outbox text per on-call number), or a further
message that joins the alert still open (its "message" event, the rate-limited "new message"
text, a concern raised to crisis). Reading the episode the decision needs is here too.

Outbox keys hold indexes, never numbers (keys are stored in clear).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from notifier.core.models import ALERT, ALERTS, Alert, AlertState, Reply
from notifier.core.settings import Settings
from notifier.inbound.actions import URGENT_FRESHNESS, Episode, Join, StaffAlert
from notifier.inbound.alerts import add_event, link_text, new_token, with_link
from notifier.outbound import outbox

RECENT_RISK = timedelta(hours=24)  # HELP/AYUDA after a risk reply: docs/kinds.md


def read_episode(
    s: Session, *, client_id: int | None = None, sender_refs: Sequence[str] = ()
) -> Episode | None:
    """The client's (or the unknown sender's) latest alert that is not closed."""
    q = select(Alert).where(Alert.state != AlertState.CLOSED)
    if client_id is not None:
        q = q.where(Alert.client_id == client_id)
    elif sender_refs:
        q = q.where(Alert.client_id.is_(None), Alert.sender_ref.in_(sender_refs))
    else:
        return None
    a = s.scalars(q.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1)).first()
    return episode_of(a) if a is not None else None


def episode_of(a: Alert) -> Episode:
    return Episode(
        alert_id=a.id,
        kind=a.kind,
        level=a.level,
        told_at=max(a.told_at or a.notify_at, a.notify_at),
        followup_at=a.followup_at,
        urgent=a.urgent,
        discreet=a.discreet,
    )


def recent_risk(s: Session, client_id: int, now: datetime) -> bool:
    """Whether the client sent a crisis or concern message (and was answered) in the last day."""
    found = s.scalar(
        select(func.count())
        .select_from(Reply)
        .where(
            Reply.client_id == client_id,
            Reply.category.in_(("crisis", "concern")),
            Reply.received_at >= now - RECENT_RISK,
            Reply.received_at <= now,
        )
    )
    return bool(found)


def told_numbers(settings: Settings, tier: int) -> tuple[str, ...]:
    """Who knows of an alert at ``tier``: on-call, and every tier reached so far."""
    numbers = list(settings.oncall_numbers)
    for t in settings.tiers[:tier]:
        numbers += t.numbers
    return tuple(dict.fromkeys(numbers))


def raise_alerts(
    s: Session,
    settings: Settings,
    alerts: Sequence[StaffAlert],
    *,
    client_id: int | None,
    reply_id: int,
    now: datetime,
    sender: str | None = None,
    sender_ref: str | None = None,
    sender_until: datetime | None = None,
    message_id: int | None = None,
) -> list[dict[str, object]]:
    """An ``alerts`` row per alert, its first events, and its texts to every on-call number
    (``message_id``: the risk text that did not arrive, for an "undelivered" alert)."""
    rows: list[dict[str, object]] = []
    for a in alerts:
        token = new_token()
        alert_id = int(
            s.execute(
                insert(ALERTS)
                .values(
                    client_id=client_id, reply_id=reply_id, kind=a.kind, created_at=now,
                    notify_at=a.notify_at, link_token=token, level=a.level,
                    state=AlertState.OPEN, tier=0, due_at=a.due_at, due_reason=a.due_reason,
                    deadline=a.deadline, attempts=0, urgent=a.urgent, discreet=a.discreet,
                    told_at=a.notify_at, sender=sender, sender_ref=sender_ref,
                    sender_until=sender_until, message_id=message_id,
                )
                .returning(ALERTS.c.id)
            ).scalar_one()
        )  # fmt: skip
        add_event(s, alert_id, now, "raised", reply_id=reply_id, detail=a.kind)
        text = with_link(a.text, link_text(settings, token))
        prefix = "alert" if a.kind == "crisis" else f"{a.kind}_alert"
        key = f"{prefix}:{reply_id}" if message_id is None else f"{prefix}:m{message_id}"
        rows += _to_numbers(settings.oncall_numbers, text, a.label, key,
                            client_id, a.notify_at, a.not_after, now)  # fmt: skip
        add_event(s, alert_id, a.notify_at, "told", tier=0, detail=_told_detail(
            len(settings.oncall_numbers)))  # fmt: skip
    return rows


def join_episode(
    s: Session,
    settings: Settings,
    join: Join,
    *,
    client_id: int | None,
    reply_id: int,
    now: datetime,
) -> list[dict[str, object]]:
    """A further message joins the open alert: its event, the alert's windows, and the texts
    that tell staff (a raise to crisis pages on-call again)."""
    alert = s.get_one(Alert, join.alert_id)
    add_event(s, alert.id, now, "message", reply_id=reply_id)
    values: dict[str, object] = {}
    if join.followup_at is not None:
        values["followup_at"] = join.followup_at
    if join.urgent:
        values["urgent"] = True
    rows: list[dict[str, object]] = []
    link = link_text(settings, alert.link_token)
    if join.upgrade is not None:
        up = join.upgrade
        values.update(kind=up.kind, level=up.level, due_at=up.due_at, due_reason=up.due_reason,
                      deadline=None, told_at=now, discreet=up.discreet)  # fmt: skip
        add_event(s, alert.id, now, "raised", reply_id=reply_id, detail=f"now {up.kind}")
        rows += _to_numbers(settings.oncall_numbers, with_link(up.text, link), up.label,
                            f"alert:{reply_id}", client_id, now, up.not_after, now)  # fmt: skip
    elif join.text is not None and alert.notify_at <= now:
        numbers = told_numbers(settings, alert.tier)
        values["told_at"] = now
        rows += _to_numbers(numbers, with_link(join.text, link), "message_alert",
                            f"message:{reply_id}", client_id, now, now + URGENT_FRESHNESS,
                            now)  # fmt: skip
        add_event(s, alert.id, now, "told", tier=alert.tier, detail=_told_detail(len(numbers)))
    if values:
        s.execute(update(Alert).where(Alert.id == alert.id).values(**values))
    return rows


def _told_detail(texts: int, calls: int = 0) -> str:
    if not texts:
        return "nobody: no numbers to tell"
    return f"{texts} text(s)" + (f", {calls} call(s)" if calls else "")


def _to_numbers(
    numbers: Sequence[str],
    text: str,
    label: str,
    key: str,
    client_id: int | None,
    due_at: datetime,
    not_after: datetime,
    now: datetime,
) -> list[dict[str, object]]:
    return [
        outbox.message(
            ALERT, dedupe_key=f"{key}:{i}", body=text, due_at=due_at, not_after=not_after,
            client_id=client_id, label=label, recipient=number, created_at=now,
        )
        for i, number in enumerate(numbers)
    ]  # fmt: skip
