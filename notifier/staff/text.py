"""A short text a staff member writes to one client from the client page.

It goes through the outbox like every other text (kind ``reply``, label ``staff_text``), so the
dispatcher's last-moment opt-out check and the provider's pacing apply. The rules here come
first, so the page can say at once what will happen:

- an opted-out (or discharged, or not consenting) client gets nothing, and the caller is told
  why in one line;
- inside the client's quiet hours the text waits for the end of them (never skipped: a person
  wrote it), unless staff override quiet hours for a client with an open crisis or concern
  alert: an explicit choice, sent at once (label ``staff_text_now``) and audited
  (``staff_text_override``) in the transaction that queues it;
- at most 320 characters, GSM-7 only (accents GSM-7 lacks are folded, as in templates), and no
  word that names the program's nature (wording.py's list): a lock screen can be read by anyone.

A form nonce is the outbox dedupe key, so a double click or a resent form queues one text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifier.core.db import Database
from notifier.core.disclosure import disclosing, words_with
from notifier.core.models import REPLY, Alert, AlertLevel, AlertState, Client, Message
from notifier.core.settings import Settings
from notifier.outbound import gsm, outbox, wording
from notifier.outbound.quiet import placement
from notifier.roster.clients import external_id_filter
from notifier.staff import audit

log = logging.getLogger(__name__)

MAX_CHARS = 320
LABEL = "staff_text"
OVERRIDE_LABEL = "staff_text_now"  # sent in quiet hours: outbound.quiet exempts it
# How long a staff text keeps trying once due (the provider may be down for a while).
FRESHNESS = timedelta(hours=4)
NONCE = re.compile(r"[0-9a-f]{32}")


class StaffTextError(ValueError):
    """The text cannot be sent as asked; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class Queued:
    message_id: int
    due_at: datetime
    deferred: bool  # True: held until the client's quiet hours end
    duplicate: bool = False  # the same form was already sent


def in_crisis(s: Session, client_id: int) -> bool:
    """Whether the client has an alert of crisis or concern level that is not closed."""
    found = s.scalar(
        select(func.count())
        .select_from(Alert)
        .where(
            Alert.client_id == client_id,
            Alert.state != AlertState.CLOSED,
            Alert.level.in_((AlertLevel.CRISIS, AlertLevel.CONCERN)),
        )
    )
    return bool(found)


def checked_text(raw: str, settings: Settings) -> str:
    """The text as it will be sent, or :class:`StaffTextError` naming what is wrong."""
    text = gsm.fold(" ".join(raw.split()))
    if not text:
        raise StaffTextError("text: write something to send")
    if len(text) > MAX_CHARS:
        raise StaffTextError(f"text: {len(text)} characters; at most {MAX_CHARS}")
    odd = wording.non_gsm(text)
    if odd:
        raise StaffTextError(
            "text: characters a plain SMS cannot carry: " + " ".join(repr(c) for c in odd)
        )
    found = disclosing(text, words_with(settings.disclosure_words))
    if found:
        raise StaffTextError(
            "text: names the program's nature, which a lock screen shows to anyone: "
            + ", ".join(repr(w) for w in found)
        )
    return text


@dataclass(frozen=True)
class Override:
    """Who chose to send now, in the client's quiet hours, and from where."""

    staff_id: int
    address: str | None
    group: str | None = None


def queue(
    db: Database,
    settings: Settings,
    *,
    external_id: str,
    text: str,
    nonce: str,
    now: datetime,
    override: Override | None = None,
) -> Queued:
    """Check and queue one staff text; raises :class:`StaffTextError` (nothing queued)."""
    if not NONCE.fullmatch(nonce):
        raise StaffTextError("form: missing or malformed nonce; reload the page")
    body = checked_text(text, settings)
    key = f"{LABEL}:{nonce}"
    with db.session() as s:
        client = s.scalar(select(Client).where(external_id_filter(db.crypto, external_id)))
        if client is None:
            raise StaffTextError(f"no client with id {external_id!r}")
        tz = ZoneInfo(client.timezone)
        why = client.inactive_reason(now.astimezone(tz).date())
        if why is not None:
            raise StaffTextError(f"{client.first_name} gets no texts ({why}): nothing was sent")
        seen = s.scalar(select(Message).where(Message.dedupe_key == key))
        if seen is not None:
            return Queued(seen.id, seen.due_at, seen.due_at > now, duplicate=True)
        label = LABEL
        if override is not None:
            if not in_crisis(s, client.id):
                raise StaffTextError(
                    "send now: only for a client with an open crisis or concern alert "
                    "(otherwise the text waits for the end of their quiet hours)"
                )
            label = OVERRIDE_LABEL
        # A person wrote it: it waits for the end of quiet hours, and is never skipped.
        due = placement(REPLY, label, now, None, tz, settings.quiet_hours) or now
        deferred = due != now
        row = outbox.message(
            REPLY,
            dedupe_key=key,
            body=body,
            due_at=due,
            not_after=due + FRESHNESS,
            client_id=client.id,
            label=label,
            created_at=now,
        )
        if not outbox.enqueue(s, [row]):  # the same form, sent twice at the same moment
            raise StaffTextError("this text was already sent")
        message_id = s.scalar(select(Message.id).where(Message.dedupe_key == key))
        assert message_id is not None
        if override is not None:
            audit.record(s, action="staff_text_override", staff_id=override.staff_id, now=now,
                         address=override.address, client_id=client.id, group=override.group,
                         detail=f"message {message_id}: quiet hours overridden")  # fmt: skip
        result = Queued(message_id, due, deferred)
    log.info(
        "staff text queued",
        extra={"event": "staff_text.queued", "message_id": result.message_id,
               "deferred": deferred},
    )  # fmt: skip
    return result
