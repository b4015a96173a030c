"""The one inbound path: the webhook, `notifier inbound` and the poller all call :func:`receive`.

A reply is stored once (de-duplicated on the provider's MessageSid, since Twilio retries a
webhook it thinks failed), classified, and handled in two steps: :mod:`notifier.inbound.decision`
decides what to do (pure), and this module reads what the decision needs and writes what it
says: the reply with its signals and rule, texts back, staff alerts (``alerts`` rows and one
outbox text per on-call number), consent changes. Everything we send is queued in the outbox
and sent at once by the caller; the outbox's dedupe keys make "exactly one confirmation" and
"at most one acknowledgement per check-in" hold even when the same reply is processed twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifier.core.db import Database, bulk_insert_ignore
from notifier.core.models import (
    ALERT,
    ALERT_CRISIS,
    ALERTS,
    CHECKIN,
    CLIENTS,
    DELIVERED,
    MESSAGES,
    PENDING,
    REMINDER,
    REPLIES,
    REPLY,
    SENT,
    Alert,
    Appointment,
    Message,
    Reply,
)
from notifier.core.settings import Settings, to_e164
from notifier.inbound.alerts import link_text, new_token, unknown_crisis_alerts, with_link
from notifier.inbound.concerning import concerning
from notifier.inbound.decision import (
    ALERT_WINDOW,
    URGENT_FRESHNESS,
    Actions,
    ClientView,
    Context,
    Flood,
    Meeting,
    Prompt,
    Send,
    decide,
    decide_unknown,
    held_summary,
    open_kinds,
)
from notifier.outbound.texts import Templates
from notifier.roster import consent
from notifier.understanding import DEFAULT_CRISIS_TERMS, Classification, classify

__all__ = ["InboundResult", "concerning", "receive", "signals_of"]

log = logging.getLogger(__name__)


@dataclass
class InboundResult:
    reply_id: int | None
    category: str
    duplicate: bool = False
    known_client: bool = False
    queued: list[str] = field(default_factory=list)  # labels of texts queued in response
    score: int | None = None
    signals: tuple[str, ...] = ()
    rule: str = ""
    held: str | None = None  # an unknown number's alert held back: same_number | cap


def receive(
    db: Database,
    settings: Settings,
    *,
    from_phone: str,
    body: str,
    now: datetime,
    provider_sid: str | None = None,
    opt_out_type: str | None = None,
    source: str = "webhook",
    templates: Templates | None = None,
) -> InboundResult:
    templates = templates or Templates()
    # A NUL cannot be stored in PostgreSQL text; it carries nothing a person wrote.
    body = body.replace("\x00", "")
    phone = to_e164(from_phone, settings.default_region) or from_phone.strip()
    terms = tuple(DEFAULT_CRISIS_TERMS) + settings.crisis_terms
    assert db.crypto is not None, "replies need an encrypting database"
    hashes = db.crypto.lookup_hashes(phone)
    c = CLIENTS.c
    # One read transaction: is it a retry, who sent it, what is it answering.
    with db.read() as s:
        if provider_sid:
            seen = s.scalar(select(REPLIES.c.id).where(REPLIES.c.provider_sid == provider_sid))
            if seen is not None:
                return InboundResult(seen, "duplicate", duplicate=True)
        # By keyed hash (under every configured key, in case a rotation is half done).
        client = s.execute(
            select(
                c.id,
                c.external_id,
                c.first_name,
                c.timezone,
                c.language,
                c.opted_out_at,
                c.group_name,
            ).where(c.phone_hash.in_(hashes))
        ).first()
        if client is None:
            flood = _flood(s, hashes, now)
        else:
            ctx = _context(s, client, now, settings, twilio_answered=bool(opt_out_type))
            result = classify(
                body,
                opted_out=ctx.client.opted_out,
                open_prompts=open_kinds(ctx),
                crisis_terms=terms,
            )
            if result.category == "checkin_answer":
                ctx = replace(ctx, acks_sent=_acks_sent(s, ctx.client.id))
    if client is None:
        result = classify(body, crisis_terms=terms)
        actions = decide_unknown(result, flood, now, settings, templates)
        reply = _reply_values(
            actions, None, db.crypto.lookup_hash(phone), body, now, provider_sid, source
        )
        reply.update(_urgency(result))
        return _apply_unknown(db, settings, templates, actions, reply, now)
    actions = decide(result, ctx, settings, templates)
    reply = _reply_values(actions, ctx.client.id, None, body, now, provider_sid, source)
    reply.update(_urgency(result))
    return apply(db, settings, actions, ctx, reply)


def _urgency(result: Classification) -> dict[str, object]:
    """Whether life was in danger now (911 first), and the words that said so."""
    return {"urgent": result.urgent, "urgent_evidence": result.urgent_evidence or None}


def signals_of(stored: str | None) -> list[str]:
    """The signals stored on a reply (a JSON list; NULL on rows older than signals)."""
    if not stored:
        return []
    value = json.loads(stored)
    return [str(v) for v in value] if isinstance(value, list) else []


# --- reading what the decision needs ---------------------------------------------------------
def _context(
    s: Session,
    client: Any,
    now: datetime,
    settings: Settings,
    twilio_answered: bool,
) -> Context:
    view = ClientView(
        id=int(client.id),
        external_id=str(client.external_id),
        first_name=str(client.first_name),
        language=str(client.language),
        timezone=str(client.timezone),
        opted_out=client.opted_out_at is not None,
    )
    rows = s.execute(
        select(
            Message.id,
            Message.kind,
            Message.label,
            Message.sent_at,
            Appointment.id,
            Appointment.starts_at,
            Appointment.location,
        )
        .outerjoin(Appointment, Appointment.id == Message.session_id)
        .where(
            Message.client_id == view.id,
            Message.kind.in_((REMINDER, CHECKIN)),
            Message.status.in_((SENT, DELIVERED)),
            Message.sent_at >= now - settings.reply_window,
            Message.sent_at <= now,
        )
    ).all()
    ids = [r[0] for r in rows]
    answered = (
        set(
            s.scalars(
                select(Reply.in_reply_to).where(
                    Reply.client_id == view.id, Reply.in_reply_to.in_(ids)
                )
            )
        )
        if ids
        else set()
    )
    prompts = tuple(
        Prompt(
            id=r[0],
            kind=r[1],
            label=r[2],
            sent_at=r[3] or now,
            meeting=Meeting(r[4], r[5], r[6]) if r[4] is not None else None,
            answered=r[0] in answered,
        )
        for r in rows
    )
    # The next meeting only stands in for a reminder's own meeting that has started (or that
    # it has none of): looked up only then, one query fewer for most replies.
    stands_in = any(
        p.kind == REMINDER and (p.meeting is None or p.meeting.starts_at <= now) for p in prompts
    )
    return Context(
        client=view,
        now=now,
        prompts=prompts,
        next_meeting=(
            _next_meeting(s, view.id, client.group_name, now, settings) if stands_in else None
        ),
        twilio_answered=twilio_answered,
    )


def _next_meeting(
    s: Session, client_id: int, group: object, now: datetime, settings: Settings
) -> Meeting | None:
    """The client's next group meeting or individual session that has not started."""
    mine = Appointment.client_id == client_id
    if group is not None:
        mine = or_(mine, and_(Appointment.kind == "group", Appointment.group_name == group))
    row = s.execute(
        select(Appointment.id, Appointment.starts_at, Appointment.location)
        .where(
            mine,
            Appointment.canceled_at.is_(None),
            Appointment.starts_at > now,
            Appointment.starts_at <= now + settings.plan_horizon,
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(1)
    ).first()
    return Meeting(row[0], row[1], row[2]) if row is not None else None


def _acks_sent(s: Session, client_id: int) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(MESSAGES)
            .where(MESSAGES.c.client_id == client_id, MESSAGES.c.label.in_(("ack", "ack_high")))
        )
        or 0
    )


def _flood(s: Session, hashes: list[str], now: datetime) -> Flood:
    """Alerts unknown numbers raised in the last hour: this one, and all of them."""
    since = now - ALERT_WINDOW
    return Flood(unknown_crisis_alerts(s, since, hashes), unknown_crisis_alerts(s, since))


# --- writing what was decided ----------------------------------------------------------------
def apply(
    db: Database, settings: Settings, actions: Actions, ctx: Context, reply: dict[str, object]
) -> InboundResult:
    client = ctx.client
    now = ctx.now
    out = InboundResult(
        None,
        actions.category,
        known_client=True,
        score=actions.score,
        signals=actions.signals,
        rule=actions.rule,
    )
    try:
        # One write transaction: the reply and what answers it.
        with db.session() as s:
            reply_id = _insert_reply(s, reply)
            rows = [_send_row(client.id, x, reply_id, now) for x in actions.sends]
            out.queued += [x.label for x in actions.sends]
            rows += _alerts(s, settings, actions, client.id, reply_id, now, out)
            if rows:
                bulk_insert_ignore(s.connection(), MESSAGES, rows, "dedupe_key")
    except IntegrityError:
        # The same MessageSid arrived twice at once (a retry racing the original).
        return InboundResult(None, "duplicate", duplicate=True)
    out.reply_id = reply_id

    # After the response: a crisis text that also says "stop texting me" is answered first.
    changed = False
    if actions.consent == "opt_out":
        changed = consent.opt_out(db, client.id, now, source=f"sms:{reply['source']}")
    elif actions.consent == "opt_in":
        changed = consent.opt_in(db, client.id, now, source=f"sms:{reply['source']}")
    if changed and actions.confirmation is not None:
        x = actions.confirmation
        row = _send_row(client.id, x, reply_id)
        with db.session() as s:
            bulk_insert_ignore(s.connection(), MESSAGES, [row], "dedupe_key")
        out.queued.append(x.label)
    log.info(
        "reply received",
        extra={
            "event": "reply",
            "reply_id": reply_id,
            "client_id": client.id,
            "category": actions.category,
            "signals": ",".join(actions.signals),
            "rule": actions.rule,
            "source": reply["source"],
            "queued": ",".join(out.queued),
            "in_reply_to": actions.in_reply_to,
        },
    )
    return out


def _alerts(
    s: Session,
    settings: Settings,
    actions: Actions,
    client_id: int | None,
    reply_id: int,
    now: datetime,
    out: InboundResult,
) -> list[dict[str, object]]:
    """An ``alerts`` row per staff alert, and its outbox text (with the alert's own link) to
    every on-call number."""
    rows: list[dict[str, object]] = []
    for a in actions.alerts:
        token = new_token()
        s.execute(
            insert(ALERTS).values(
                client_id=client_id,
                reply_id=reply_id,
                kind=a.kind,
                created_at=now,
                notify_at=a.notify_at,
                link_token=token,
            )
        )
        text = with_link(a.text, link_text(settings, token, has_client=client_id is not None))
        prefix = "alert" if a.kind == ALERT_CRISIS else f"{a.kind}_alert"
        for i, number in enumerate(settings.oncall_numbers):
            # The key holds the index, never the number: keys are stored in clear.
            key = f"{prefix}:{reply_id}:{i}"
            rows.append(
                _row(
                    ALERT,
                    client_id,
                    a.label,
                    text,
                    key,
                    a.notify_at,
                    a.not_after,
                    recipient=number,
                    created_at=now,
                )
            )
            out.queued.append(a.label)
    return rows


def _reply_values(
    actions: Actions,
    client_id: int | None,
    from_ref: str | None,
    body: str,
    now: datetime,
    provider_sid: str | None,
    source: str,
) -> dict[str, object]:
    return {
        "client_id": client_id,
        "provider_sid": provider_sid,
        "from_ref": from_ref,
        "received_at": now,
        "body": body,
        "category": actions.category,
        "score": actions.score if client_id is not None else None,
        "label": actions.label,
        "in_reply_to": actions.in_reply_to,
        "session_id": actions.session_id,
        "source": source,
        "created_at": now,
        "signals": json.dumps(list(actions.signals)),
        "rule": actions.rule[:64] or None,
    }


def _insert_reply(s: Session, values: dict[str, object]) -> int:
    return int(s.execute(insert(REPLIES).values(**values).returning(REPLIES.c.id)).scalar_one())


def _row(
    kind: str,
    client_id: int | None,
    label: str,
    body: str,
    key: str,
    due_at: datetime,
    not_after: datetime,
    recipient: str | None = None,
    created_at: datetime | None = None,
) -> dict[str, object]:
    return {
        "kind": kind,
        "client_id": client_id,
        "session_id": None,
        "recipient": recipient,
        "label": label,
        "body": body,
        "dedupe_key": key,
        "due_at": due_at,
        "not_after": not_after,
        "status": PENDING,
        "reason": None,
        "attempts": 0,
        "needs_lookup": False,
        "created_at": created_at or due_at,
    }


def _send_row(
    client_id: int, x: Send, reply_id: int, created_at: datetime | None = None
) -> dict[str, object]:
    """The outbox row of a text the decision sends back to the client."""
    key = x.key.format(reply_id=reply_id)
    return _row(
        REPLY, client_id, x.label, x.text, key, x.due_at, x.not_after, created_at=created_at
    )


# --- numbers on no client's record -----------------------------------------------------------
def _apply_unknown(
    db: Database,
    settings: Settings,
    templates: Templates,
    actions: Actions,
    reply: dict[str, object],
    now: datetime,
) -> InboundResult:
    """Stored unlinked and never answered. Crisis language alerts on-call (it may be a client
    on a new phone) within the flood limits; what is held back is counted in one summary."""
    out = InboundResult(
        None, actions.category, signals=actions.signals, rule=actions.rule, held=actions.held
    )
    try:
        with db.session() as s:
            reply_id = _insert_reply(s, reply)
            rows = _alerts(s, settings, actions, None, reply_id, now, out)
            if rows:
                bulk_insert_ignore(s.connection(), MESSAGES, rows, "dedupe_key")
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
            _row(
                ALERT,
                None,
                "held_alert",
                text,
                key,
                due,
                due + URGENT_FRESHNESS,
                recipient=n,
                created_at=now,
            )
            for key, n in zip(keys, settings.oncall_numbers, strict=True)
        ]
        bulk_insert_ignore(s.connection(), MESSAGES, rows, "dedupe_key")
    s.execute(
        update(Message)
        .where(Message.dedupe_key.in_(keys), Message.status == PENDING)
        .values(body=text)
    )
