"""What a batch of replies reads once: the replies already recorded under the batch's
MessageSids, its senders' client rows, their open prompts and which are answered, their open
alert (the episode), their recent risk replies and how many acknowledgements they were sent.

The inbox worker handles a batch of deliveries in one transaction
(:func:`notifier.inbound.inbox.process`); read one delivery at a time, this context was five
to six queries per reply and most of the reply path's cost (docs/benchmarks.md, the inbox
drain). :class:`BatchContext` reads it for the whole batch in a few queries, and
:meth:`BatchContext.recorded` updates it after each reply with what that reply changed, so
the next reply of the same client sees what a fresh read would: the prompt it answered is
answered, a crisis or concern reply is recent risk, an acknowledgement counts, an opt-out or
opt-in holds; an episode a reply raised or joined is read again when next needed. The
per-delivery functions (:func:`client_view`, :func:`prompts_of`) are shared with the
one-by-one path, so both build the same :class:`~notifier.inbound.actions.Context`.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifier.core.models import (
    CHECKIN,
    CLIENTS,
    DELIVERED,
    MESSAGES,
    REMINDER,
    REPLIES,
    SENT,
    Alert,
    AlertState,
    Appointment,
    Message,
)
from notifier.core.settings import Settings
from notifier.inbound.actions import Actions, ClientView, Episode, Meeting, Prompt
from notifier.inbound.episodes import RECENT_RISK, episode_of, read_episode

ACK_LABELS = ("ack", "ack_high")  # what counts as an acknowledgement sent (the skill rotation)
RISK_CATEGORIES = ("crisis", "concern")  # a reply that makes HELP a plea for a day

c = CLIENTS.c
CLIENT_COLUMNS = (c.id, c.external_id, c.first_name, c.timezone, c.language, c.opted_out_at,
                  c.group_name)  # fmt: skip
PROMPT_COLUMNS = (Message.id, Message.kind, Message.label, Message.sent_at, Appointment.id,
                  Appointment.starts_at, Appointment.location)  # fmt: skip
PROMPT_KINDS = (REMINDER, CHECKIN)
PROMPT_STATUSES = (SENT, DELIVERED)


def client_view(client: Any, opted_out: bool | None = None) -> ClientView:
    return ClientView(
        id=int(client.id),
        external_id=str(client.external_id),
        first_name=str(client.first_name),
        language=str(client.language),
        timezone=str(client.timezone),
        opted_out=client.opted_out_at is not None if opted_out is None else opted_out,
    )


def prompts_of(
    rows: Iterable[Sequence[Any]], answered: Container[int | None], now: datetime
) -> tuple[Prompt, ...]:
    """Prompts from rows of PROMPT_COLUMNS."""
    return tuple(
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


def stands_in(prompts: Iterable[Prompt], now: datetime) -> bool:
    """Whether the next meeting may stand in for a reminder's own meeting that has started
    (or that it has none of): only then is it looked up."""
    return any(
        p.kind == REMINDER and (p.meeting is None or p.meeting.starts_at <= now) for p in prompts
    )


@dataclass
class _Known:
    """One client's part of the batch's context."""

    row: Any
    opted_out: bool
    prompts: list[Sequence[Any]] = field(default_factory=list)  # rows of PROMPT_COLUMNS
    answered: set[int] = field(default_factory=set)  # prompt ids a reply answered
    risk: list[datetime] = field(default_factory=list)  # received times of risk replies
    episode: Episode | None = None
    episode_stale: bool = False  # a reply in the batch raised or joined an alert
    acks: int = 0


class BatchContext:
    """The context of every sender in a batch, read at once in the batch's transaction
    (``deliveries``: the keyword arguments of each delivery, ``hashes``: each sender's
    lookup hashes by the ``from_phone`` it was given)."""

    def __init__(
        self,
        s: Session,
        settings: Settings,
        deliveries: Sequence[dict[str, Any]],
        hashes: dict[str, list[str]],
    ) -> None:
        self.sids: dict[str, int] = {}  # MessageSid -> the reply already recorded under it
        self.by_hash: dict[str, _Known] = {}
        self.known: dict[int, _Known] = {}
        self.ack_keys: set[str] = set()  # acknowledgement keys already in the outbox
        self.prepared = {d["provider_sid"] for d in deliveries if d.get("provider_sid")}
        if not deliveries:
            return
        if self.prepared:
            recorded = s.execute(
                select(REPLIES.c.provider_sid, REPLIES.c.id).where(
                    REPLIES.c.provider_sid.in_(sorted(self.prepared))
                )
            )
            self.sids = {str(sid): int(reply_id) for sid, reply_id in recorded}
        every = sorted({h for d in deliveries for h in hashes[d["from_phone"]]})
        for row in s.execute(select(c.phone_hash, *CLIENT_COLUMNS).where(c.phone_hash.in_(every))):
            known = self.known.setdefault(
                int(row.id), _Known(row=row, opted_out=row.opted_out_at is not None)
            )
            self.by_hash[row.phone_hash] = known
        if self.known:
            nows = [d["now"] for d in deliveries]
            self._read(s, settings, min(nows), max(nows))

    def _read(self, s: Session, settings: Settings, first: datetime, last: datetime) -> None:
        ids = sorted(self.known)
        rows = s.execute(
            select(Message.client_id, *PROMPT_COLUMNS)
            .outerjoin(Appointment, Appointment.id == Message.session_id)
            .where(
                Message.client_id.in_(ids),
                Message.kind.in_(PROMPT_KINDS),
                Message.status.in_(PROMPT_STATUSES),
                Message.sent_at >= first - settings.reply_window,
                Message.sent_at <= last,
            )
            .order_by(Message.id)
        ).all()
        for r in rows:
            self.known[int(r[0] or 0)].prompts.append(tuple(r[1:]))  # client_id IN (ids)
        prompt_ids = [r[1] for r in rows]
        if prompt_ids:
            answered = s.execute(
                select(REPLIES.c.client_id, REPLIES.c.in_reply_to).where(
                    REPLIES.c.client_id.in_(ids), REPLIES.c.in_reply_to.in_(prompt_ids)
                )
            )
            for client_id, prompt_id in answered:
                self.known[int(client_id)].answered.add(int(prompt_id))
            self.ack_keys = set(
                s.scalars(
                    select(MESSAGES.c.dedupe_key).where(
                        MESSAGES.c.dedupe_key.in_([f"ack:{i}" for i in prompt_ids])
                    )
                )
            )
        risk = s.execute(
            select(REPLIES.c.client_id, REPLIES.c.received_at).where(
                REPLIES.c.client_id.in_(ids),
                REPLIES.c.category.in_(RISK_CATEGORIES),
                REPLIES.c.received_at >= first - RECENT_RISK,
                REPLIES.c.received_at <= last,
            )
        )
        for client_id, at in risk:
            self.known[int(client_id)].risk.append(at)
        alerts = s.scalars(
            select(Alert)
            .where(Alert.state != AlertState.CLOSED, Alert.client_id.in_(ids))
            .order_by(Alert.client_id, Alert.created_at.desc(), Alert.id.desc())
        )
        for a in alerts:
            known = self.known[int(a.client_id)]  # type: ignore[arg-type]
            if known.episode is None:
                known.episode = episode_of(a)
        acks = s.execute(
            select(MESSAGES.c.client_id, func.count())
            .where(MESSAGES.c.client_id.in_(ids), MESSAGES.c.label.in_(ACK_LABELS))
            .group_by(MESSAGES.c.client_id)
        )
        for client_id, n in acks:
            self.known[int(client_id)].acks = int(n)

    def covers(self, provider_sid: str | None) -> bool:
        """Whether this delivery was read for (else it takes the one-by-one path)."""
        return provider_sid is not None and provider_sid in self.prepared

    def client(self, hashes: Sequence[str]) -> _Known | None:
        return next((self.by_hash[h] for h in hashes if h in self.by_hash), None)

    def prompts(self, known: _Known, now: datetime, settings: Settings) -> tuple[Prompt, ...]:
        since = now - settings.reply_window
        rows = [r for r in known.prompts if r[3] is not None and since <= r[3] <= now]
        return prompts_of(rows, known.answered, now)

    def episode(self, s: Session, known: _Known) -> Episode | None:
        if known.episode_stale:
            known.episode = read_episode(s, client_id=int(known.row.id))
            known.episode_stale = False
        return known.episode

    @staticmethod
    def recent_risk(known: _Known, now: datetime) -> bool:
        return any(now - RECENT_RISK <= at <= now for at in known.risk)

    def recorded(
        self,
        known: _Known,
        provider_sid: str | None,
        reply_id: int | None,
        actions: Actions,
        now: datetime,
    ) -> None:
        """What a reply just recorded changes for the next delivery of the batch
        (``reply_id`` None: it is written later with the batch's other replies, which record
        its MessageSid then)."""
        if provider_sid and reply_id is not None:
            self.sids.setdefault(provider_sid, reply_id)
        if actions.in_reply_to is not None:
            known.answered.add(actions.in_reply_to)
        if actions.category in RISK_CATEGORIES:
            known.risk.append(now)
        if actions.alerts or actions.join is not None:
            known.episode_stale = True
        if actions.consent in ("opt_out", "wrong_number"):
            known.opted_out = True
        elif actions.consent == "opt_in":
            known.opted_out = False
        for x in actions.sends:
            # Acknowledgement keys name the check-in, never the reply (ack:<prompt id>), so a
            # reply not written yet formats them the same.
            key = x.key.format(reply_id=reply_id)
            if x.label in ACK_LABELS and key not in self.ack_keys:
                self.ack_keys.add(key)
                known.acks += 1
