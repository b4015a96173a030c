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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifier.core.db import Database, insert_returning
from notifier.core.models import CLIENTS, MESSAGES, REPLIES, Appointment, Message, Reply
from notifier.core.settings import Settings
from notifier.core.settings_values import to_e164
from notifier.inbound import unknown
from notifier.inbound.actions import Actions, Context, Meeting
from notifier.inbound.concerning import concerning
from notifier.inbound.contexts import (
    ACK_LABELS,
    CLIENT_COLUMNS,
    PROMPT_COLUMNS,
    PROMPT_KINDS,
    PROMPT_STATUSES,
    BatchContext,
    client_view,
    prompts_of,
    stands_in,
)
from notifier.inbound.decision import decide, open_kinds
from notifier.inbound.episodes import join_episode, raise_alerts, read_episode, recent_risk
from notifier.inbound.result import (
    InboundResult,
    insert_reply,
    reply_values,
    send_row,
    urgency,
)
from notifier.outbound import outbox
from notifier.outbound.texts import Templates
from notifier.roster import consent
from notifier.understanding import DEFAULT_CRISIS_TERMS, Classification, classify

__all__ = ["Batch", "InboundResult", "concerning", "receive", "signals_of"]

log = logging.getLogger(__name__)


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
    terms = crisis_terms(settings)
    assert db.crypto is not None, "replies need an encrypting database"
    hashes = db.crypto.lookup_hashes(phone)
    # One read transaction: is it a retry, who sent it, what is it answering.
    with db.read() as s:
        if provider_sid:
            seen = s.scalar(select(REPLIES.c.id).where(REPLIES.c.provider_sid == provider_sid))
            if seen is not None:
                return InboundResult(seen, "duplicate", duplicate=True)
        # By keyed hash (under every configured key, in case a rotation is half done).
        client = s.execute(select(*CLIENT_COLUMNS).where(CLIENTS.c.phone_hash.in_(hashes))).first()
        if client is None:
            seen_before = unknown.read(s, hashes, now)
        else:
            ctx = _context(s, client, now, settings, twilio_answered=bool(opt_out_type))
            result = _classify(body, ctx, terms)
            if result.category == "checkin_answer":
                ctx = replace(ctx, acks_sent=_acks_sent(s, ctx.client.id))
    if client is None:
        result = classify(body, crisis_terms=terms)
        return unknown.handle(
            db, settings, templates, result, seen_before, phone=phone, body=body, now=now,
            provider_sid=provider_sid, source=source,
        )  # fmt: skip
    return answer(db, settings, templates, result, ctx, body, provider_sid, source)[0]


def crisis_terms(settings: Settings) -> tuple[str, ...]:
    return tuple(DEFAULT_CRISIS_TERMS) + settings.crisis_terms


def _classify(body: str, ctx: Context, terms: tuple[str, ...]) -> Classification:
    return classify(
        body,
        opted_out=ctx.client.opted_out,
        open_prompts=open_kinds(ctx),
        crisis_terms=terms,
        recent_risk=ctx.recent_risk,
    )


def answer(
    db: Database,
    settings: Settings,
    templates: Templates,
    result: Classification,
    ctx: Context,
    body: str,
    provider_sid: str | None,
    source: str,
) -> tuple[InboundResult, Actions]:
    """Decide, then record the reply and what answers it (a known client's)."""
    actions = decide(result, ctx, settings, templates)
    reply = reply_values(actions, ctx.client.id, None, body, ctx.now, provider_sid, source)
    reply.update(urgency(result))
    return apply(db, settings, actions, ctx, reply), actions


@dataclass
class _Pending:
    """A reply decided in a batch and not yet written (see :meth:`Batch.flush`)."""

    out: InboundResult  # returned already; its reply_id is filled in when written
    reply: dict[str, object]
    actions: Actions
    client_id: int
    now: datetime


class Batch:
    """The inbox worker's handler for one batch of deliveries, inside the batch's transaction
    (:func:`notifier.inbound.inbox.process`): what the replies need is read once for the
    whole batch (:class:`~notifier.inbound.contexts.BatchContext`) and kept up to date as
    each reply is recorded, so each delivery is what :func:`receive` would make of it, in
    order. The common reply (recorded, perhaps answered with a text) is written with the
    rest of the batch (:meth:`flush`, at :meth:`finish` or before anything that writes at
    once: an alert, a consent change, a number on no record). A number on no client's
    record, and anything the batch was not read for, takes :func:`receive` itself."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        templates: Templates,
        deliveries: Sequence[dict[str, Any]],
    ) -> None:
        assert db.crypto is not None, "replies need an encrypting database"
        self.db, self.settings, self.templates = db, settings, templates
        self.terms = crisis_terms(settings)
        self.hashes: dict[str, list[str]] = {}
        for d in deliveries:
            raw = d["from_phone"]
            if raw not in self.hashes:
                phone = to_e164(raw, settings.default_region) or raw.strip()
                self.hashes[raw] = db.crypto.lookup_hashes(phone)
        with db.read() as s:
            self.known = BatchContext(s, settings, deliveries, self.hashes)
        self.pending: list[_Pending] = []  # replies decided, written together by flush()

    def __call__(
        self,
        *,
        from_phone: str,
        body: str,
        now: datetime,
        provider_sid: str | None = None,
        opt_out_type: str | None = None,
        source: str = "webhook",
    ) -> InboundResult:
        b = self.known
        hashes = self.hashes.get(from_phone)
        known = b.client(hashes) if hashes is not None and b.covers(provider_sid) else None
        if known is None:
            self.flush()  # what this path writes comes after the replies before it
            out = receive(
                self.db, self.settings, from_phone=from_phone, body=body, now=now,
                provider_sid=provider_sid, opt_out_type=opt_out_type, source=source,
                templates=self.templates,
            )  # fmt: skip
            if provider_sid and out.reply_id is not None:
                b.sids.setdefault(provider_sid, out.reply_id)
            return out
        assert provider_sid is not None  # covers() holds only for a MessageSid
        if any(p.reply["provider_sid"] == provider_sid for p in self.pending):
            self.flush()  # the same MessageSid twice in one batch: the first is recorded
        seen = b.sids.get(provider_sid)
        if seen is not None:
            return InboundResult(seen, "duplicate", duplicate=True)
        body = body.replace("\x00", "")
        with self.db.read() as s:
            prompts = b.prompts(known, now, self.settings)
            ctx = Context(
                client=client_view(known.row, known.opted_out),
                now=now,
                prompts=prompts,
                next_meeting=(
                    _next_meeting(s, int(known.row.id), known.row.group_name, now, self.settings)
                    if stands_in(prompts, now)
                    else None
                ),
                twilio_answered=bool(opt_out_type),
                episode=b.episode(s, known),
                recent_risk=b.recent_risk(known, now),
            )
        result = _classify(body, ctx, self.terms)
        if result.category == "checkin_answer":
            ctx = replace(ctx, acks_sent=known.acks)
        actions = decide(result, ctx, self.settings, self.templates)
        reply = reply_values(actions, ctx.client.id, None, body, now, provider_sid, source)
        reply.update(urgency(result))
        if actions.alerts or actions.join is not None or actions.consent is not None:
            # Alerts, episodes and consent changes write (and read) at once, as one by one;
            # the replies before this one are written first, so ids and rows keep their order.
            self.flush()
            out = apply(self.db, self.settings, actions, ctx, reply)
            if out.reply_id is not None:
                b.recorded(known, provider_sid, out.reply_id, actions, now)
            return out
        # The common reply (recorded, perhaps answered): written with the rest of the batch.
        out = InboundResult(None, actions.category, known_client=True, score=actions.score,
                            signals=actions.signals, rule=actions.rule)  # fmt: skip
        out.queued += [x.label for x in actions.sends]
        self.pending.append(_Pending(out, reply, actions, ctx.client.id, now))
        b.recorded(known, None, None, actions, now)
        return out

    def finish(self) -> None:
        """Called by the inbox worker when the batch's deliveries are handled, before its
        transaction commits: what is still pending is written."""
        self.flush()

    def flush(self) -> None:
        """Write the pending replies in one INSERT (:func:`insert_returning`), then every
        text that answers them in one more, in the batch's transaction. One INSERT per reply
        was a round trip each, a third of a reply's time on PostgreSQL (docs/benchmarks.md,
        the inbox drain). An error here (a MessageSid
        another worker recorded meanwhile) rolls the batch back, and the inbox worker
        handles its deliveries one by one."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        with self.db.session() as s:
            # Each id comes back with its MessageSid: SQLite cannot promise RETURNING's order
            # (with sort_by_parameter_order SQLAlchemy falls back to a statement per row).
            written = insert_returning(
                s.connection(), REPLIES, [p.reply for p in pending], ("provider_sid", "id")
            )
            ids = {str(sid): int(i) for sid, i in written}
            rows: list[dict[str, object]] = []
            for p in pending:  # every pending reply has a MessageSid (Batch covers only those)
                reply_id = p.out.reply_id = ids[str(p.reply["provider_sid"])]
                rows += [send_row(p.client_id, x, reply_id, p.now) for x in p.actions.sends]
            outbox.enqueue(s, rows)
        for p in pending:
            sid = p.reply["provider_sid"]
            if isinstance(sid, str) and p.out.reply_id is not None:
                self.known.sids.setdefault(sid, p.out.reply_id)
            _logged(p.out, p.client_id, p.actions, p.reply["source"])


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
    view = client_view(client)
    rows = s.execute(
        select(*PROMPT_COLUMNS)
        .outerjoin(Appointment, Appointment.id == Message.session_id)
        .where(
            Message.client_id == view.id,
            Message.kind.in_(PROMPT_KINDS),
            Message.status.in_(PROMPT_STATUSES),
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
    prompts = prompts_of(rows, answered, now)
    return Context(
        client=view,
        now=now,
        prompts=prompts,
        next_meeting=(
            _next_meeting(s, view.id, client.group_name, now, settings)
            if stands_in(prompts, now)
            else None
        ),
        twilio_answered=twilio_answered,
        episode=read_episode(s, client_id=view.id),
        recent_risk=recent_risk(s, view.id, now),
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
            .where(MESSAGES.c.client_id == client_id, MESSAGES.c.label.in_(ACK_LABELS))
        )
        or 0
    )


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
            reply_id = insert_reply(s, reply)
            rows = [send_row(client.id, x, reply_id, now) for x in actions.sends]
            out.queued += [x.label for x in actions.sends]
            staff = raise_alerts(s, settings, actions.alerts, client_id=client.id,
                                 reply_id=reply_id, now=now)  # fmt: skip
            if actions.join is not None:
                staff += join_episode(s, settings, actions.join, client_id=client.id,
                                      reply_id=reply_id, now=now)  # fmt: skip
            out.queued += [str(r["label"]) for r in staff]
            rows += staff
            outbox.enqueue(s, rows)
    except IntegrityError:
        # The same MessageSid arrived twice at once (a retry racing the original).
        return InboundResult(None, "duplicate", duplicate=True)
    out.reply_id = reply_id
    _consent(db, actions, client.id, reply_id, str(reply["source"]), now, out)
    _logged(out, client.id, actions, reply["source"])
    return out


def _logged(out: InboundResult, client_id: int, actions: Actions, source: object) -> None:
    log.info(
        "reply received",
        extra={
            "event": "reply",
            "reply_id": out.reply_id,
            "client_id": client_id,
            "category": actions.category,
            "signals": ",".join(actions.signals),
            "rule": actions.rule,
            "source": source,
            "queued": ",".join(out.queued),
            "in_reply_to": actions.in_reply_to,
            "joined": actions.join.alert_id if actions.join else None,
        },
    )


def _consent(
    db: Database,
    actions: Actions,
    client_id: int,
    reply_id: int,
    source: str,
    now: datetime,
    out: InboundResult,
) -> None:
    """After the response: a crisis text that also says "stop texting me" is answered first."""
    changed = False
    if actions.consent == "opt_out":
        changed = consent.opt_out(db, client_id, now, source=f"sms:{source}")
    elif actions.consent == "wrong_number":
        consent.opt_out(db, client_id, now, source=f"sms:{source}", event="wrong_number")
    elif actions.consent == "opt_in":
        changed = consent.opt_in(db, client_id, now, source=f"sms:{source}")
    if changed and actions.confirmation is not None:
        x = actions.confirmation
        row = send_row(client_id, x, reply_id)
        with db.session() as s:
            outbox.enqueue(s, [row])
        out.queued.append(x.label)
