"""The one inbound path: the webhook, `notifier inbound` and the poller all call :func:`receive`.

A reply is stored once (de-duplicated on the provider's MessageSid, since Twilio retries a
webhook it thinks failed), classified, attributed to the prompt it answers, and acted on:
opt-out and opt-in, HELP, a crisis response with staff alerts, a coping acknowledgement.
Everything we send back is queued in the outbox like any other text and sent at once by the
caller; the outbox's dedupe keys make "exactly one confirmation" and "at most one
acknowledgement per check-in" hold even when the same reply is processed twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifier import consent
from notifier.db import Database, bulk_insert_ignore
from notifier.inbound import DEFAULT_CRISIS_TERMS, Classification, classify
from notifier.models import (
    ALERT,
    CHECKIN,
    CLIENTS,
    DELIVERED,
    MESSAGES,
    PENDING,
    REMINDER,
    REPLIES,
    REPLY,
    SENT,
    Message,
    Reply,
)
from notifier.schedule import in_quiet_hours
from notifier.scores import concerning
from notifier.settings import Settings, to_e164
from notifier.templates import DEFAULT_SKILLS_ES, Templates, clock_text

log = logging.getLogger(__name__)

REPLY_FRESHNESS = timedelta(hours=1)
URGENT_FRESHNESS = timedelta(hours=6)  # crisis responses and staff alerts keep trying longer


@dataclass
class InboundResult:
    reply_id: int | None
    category: str
    duplicate: bool = False
    known_client: bool = False
    queued: list[str] = field(default_factory=list)  # labels of texts queued in response
    score: int | None = None


@dataclass(frozen=True)
class _Prompt:
    id: int
    kind: str
    label: str | None
    session_id: int | None


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
    terms = DEFAULT_CRISIS_TERMS + settings.crisis_terms
    assert db.crypto is not None, "replies need an encrypting database"
    c = CLIENTS.c
    # One read transaction: is it a retry, who sent it, what is it answering.
    with db.read() as s:
        if provider_sid:
            seen = s.scalar(select(REPLIES.c.id).where(REPLIES.c.provider_sid == provider_sid))
            if seen is not None:
                return InboundResult(seen, "duplicate", duplicate=True)
        # By keyed hash (under every configured key, in case a rotation is half done).
        client = s.execute(
            select(c.id, c.external_id, c.first_name, c.timezone, c.language, c.opted_out_at).where(
                c.phone_hash.in_(db.crypto.lookup_hashes(phone))
            )
        ).first()
        if client is None:
            prompts: list[_Prompt] = []
        else:
            prompts = _open_prompts(s, client.id, now, settings)
            result = classify(
                body,
                opted_out=client.opted_out_at is not None,
                open_prompts=[p.kind for p in prompts],
                crisis_terms=terms,
            )
            acks = 0
            if result.category == "checkin_answer":
                acks = int(
                    s.scalar(
                        select(func.count())
                        .select_from(MESSAGES)
                        .where(
                            MESSAGES.c.client_id == client.id,
                            MESSAGES.c.label.in_(("ack", "ack_high")),
                        )
                    )
                    or 0
                )
    if client is None:
        return _unknown_sender(
            db, settings, phone, body, now, provider_sid, source, terms, templates
        )

    opted_out = client.opted_out_at is not None
    answered = _attribute(result, prompts)
    lang, name = client.language, client.first_name
    quiet = in_quiet_hours(now, ZoneInfo(client.timezone), settings.quiet_hours)
    # Twilio's Advanced Opt-Out answers STOP/START/HELP itself and says so in OptOutType:
    # we record the change but do not send a second confirmation.
    twilio_answered = bool(opt_out_type)
    out = InboundResult(None, result.category, known_client=True, score=result.score)

    def responses(reply_id: int) -> list[dict[str, object]]:
        """What goes back at once (everything but consent confirmations, which wait for the
        consent change itself)."""
        rows: list[dict[str, object]] = []

        def respond(label: str, text: str, key: str, fresh: timedelta = REPLY_FRESHNESS) -> None:
            rows.append(_row(REPLY, client.id, label, text, key, now, fresh))
            out.queued.append(label)

        if result.category == "crisis":
            respond(
                "crisis",
                templates.render(
                    "crisis", lang, first_name=name, program_phone=settings.program_phone
                ),
                f"crisis:{reply_id}",
                URGENT_FRESHNESS,
            )
            alert = templates.render(
                "alert",
                "en",
                first_name=name,
                external_id=client.external_id,
                time=clock_text(now, settings.timezone, "en"),
            )
            for i, number in enumerate(settings.oncall_numbers):
                # The key holds the index, never the number: keys are stored in clear.
                rows.append(
                    _row(
                        ALERT,
                        client.id,
                        "crisis_alert",
                        alert,
                        f"alert:{reply_id}:{i}",
                        now,
                        URGENT_FRESHNESS,
                        recipient=number,
                    )
                )
                out.queued.append("crisis_alert")
        elif result.category == "help" and not twilio_answered:
            respond(
                "help",
                templates.render(
                    "help", lang, first_name=name, program_phone=settings.program_phone
                ),
                f"help:{reply_id}",
            )
        elif result.category == "checkin_answer" and answered is not None and not quiet:
            skills = _skills(settings, lang)
            skill = skills[acks % len(skills)]
            high = result.score is not None and concerning(answered.label, result.score, settings)
            label = "ack_high" if high else "ack"
            # The key allows one acknowledgement per check-in, however often it is answered.
            respond(
                label,
                templates.render(
                    label, lang, first_name=name, skill=skill, program_phone=settings.program_phone
                ),
                f"ack:{answered.id}",
            )
        return rows

    reply = {
        "client_id": client.id,
        "provider_sid": provider_sid,
        "from_ref": None,
        "received_at": now,
        "body": body,
        "category": result.category,
        "score": result.score,
        "label": answered.label if answered and answered.kind == CHECKIN else None,
        "in_reply_to": answered.id if answered else None,
        "session_id": answered.session_id if answered and answered.kind == REMINDER else None,
        "source": source,
        "created_at": now,
    }
    try:
        # One write transaction: the reply and what answers it.
        with db.session() as s:
            reply_id = int(
                s.execute(insert(REPLIES).values(**reply).returning(REPLIES.c.id)).scalar_one()
            )
            rows = responses(reply_id)
            if rows:
                bulk_insert_ignore(s.connection(), MESSAGES, rows, "dedupe_key")
    except IntegrityError:
        # The same MessageSid arrived twice at once (a retry racing the original).
        return InboundResult(None, "duplicate", duplicate=True)
    out.reply_id = reply_id

    confirmations: list[dict[str, object]] = []
    revoke = result.category == "opt_out" or (
        result.category == "crisis" and result.revokes and not opted_out
    )
    if revoke:
        changed = consent.opt_out(db, client.id, now, source=f"sms:{source}")
        if changed and not twilio_answered:
            confirmations.append(
                _row(
                    REPLY,
                    client.id,
                    "opt_out_confirm",
                    templates.render("opt_out_confirm", lang),
                    f"optout:{client.id}:{reply_id}",
                    now,
                    REPLY_FRESHNESS,
                )
            )
            out.queued.append("opt_out_confirm")
    elif result.category == "opt_in":
        changed = consent.opt_in(db, client.id, now, source=f"sms:{source}")
        if changed and not twilio_answered:
            confirmations.append(
                _row(
                    REPLY,
                    client.id,
                    "opt_in_confirm",
                    templates.render("opt_in_confirm", lang, first_name=name),
                    f"optin:{reply_id}",
                    now,
                    REPLY_FRESHNESS,
                )
            )
            out.queued.append("opt_in_confirm")
    if confirmations:
        with db.session() as s:
            bulk_insert_ignore(s.connection(), MESSAGES, confirmations, "dedupe_key")
    log.info(
        "reply received",
        extra={
            "event": "reply",
            "reply_id": reply_id,
            "client_id": client.id,
            "category": result.category,
            "source": source,
            "queued": ",".join(out.queued),
            "in_reply_to": answered.id if answered else None,
        },
    )
    return out


def _skills(settings: Settings, language: str) -> tuple[str, ...]:
    if (
        language == "es"
        and settings.coping_skills == Settings.model_fields["coping_skills"].default
    ):
        return DEFAULT_SKILLS_ES
    return settings.coping_skills


def _open_prompts(s: Session, client_id: int, now: datetime, settings: Settings) -> list[_Prompt]:
    rows = s.execute(
        select(Message.id, Message.kind, Message.label, Message.session_id)
        .where(
            Message.client_id == client_id,
            Message.kind.in_((REMINDER, CHECKIN)),
            Message.status.in_((SENT, DELIVERED)),
            Message.sent_at >= now - settings.reply_window,
            Message.sent_at <= now,
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
    ).all()
    return [_Prompt(r[0], r[1], r[2], r[3]) for r in rows]


def _attribute(result: Classification, prompts: list[_Prompt]) -> _Prompt | None:
    """The most recent open prompt of the kind this reply answers."""
    kind = {"confirm": REMINDER, "decline": REMINDER, "checkin_answer": CHECKIN}.get(
        result.category
    )
    if kind is None:
        return None
    return next((p for p in prompts if p.kind == kind), None)


def _row(
    kind: str,
    client_id: int | None,
    label: str,
    body: str,
    key: str,
    now: datetime,
    freshness: timedelta,
    recipient: str | None = None,
) -> dict[str, object]:
    return {
        "kind": kind,
        "client_id": client_id,
        "session_id": None,
        "recipient": recipient,
        "label": label,
        "body": body,
        "dedupe_key": key,
        "due_at": now,
        "not_after": now + freshness,
        "status": PENDING,
        "reason": None,
        "attempts": 0,
        "needs_lookup": False,
        "created_at": now,
    }


def _unknown_sender(
    db: Database,
    settings: Settings,
    phone: str,
    body: str,
    now: datetime,
    provider_sid: str | None,
    source: str,
    terms: tuple[str, ...],
    templates: Templates,
) -> InboundResult:
    """Stored unlinked and never answered: nothing about the program reaches a stranger. A
    crisis message still alerts on-call staff (it may be a client on a new phone)."""
    result = classify(body, crisis_terms=terms)
    try:
        with db.session() as s:
            assert db.crypto is not None
            reply = Reply(
                client_id=None,
                provider_sid=provider_sid,
                from_ref=db.crypto.lookup_hash(phone),
                received_at=now,
                body=body,
                category=result.category,
                score=None,
                label=None,
                in_reply_to=None,
                session_id=None,
                source=source,
                created_at=now,
            )
            s.add(reply)
            s.flush()
            reply_id = reply.id
            if result.category == "crisis":
                alerts = [
                    _row(
                        ALERT,
                        None,
                        "crisis_alert",
                        templates.render(
                            "alert",
                            "en",
                            first_name="An unknown number",
                            external_id="not on the roster",
                            time=clock_text(now, settings.timezone, "en"),
                        ),
                        f"alert:{reply_id}:{i}",
                        now,
                        URGENT_FRESHNESS,
                        recipient=n,
                    )
                    for i, n in enumerate(settings.oncall_numbers)
                ]
                if alerts:
                    bulk_insert_ignore(s.connection(), MESSAGES, alerts, "dedupe_key")
    except IntegrityError:
        return InboundResult(None, "duplicate", duplicate=True)
    log.info(
        "reply from an unknown number",
        extra={"event": "reply.unknown", "reply_id": reply_id, "category": result.category},
    )
    queued = ["crisis_alert"] * len(settings.oncall_numbers) if result.category == "crisis" else []
    return InboundResult(reply_id, result.category, queued=queued)
