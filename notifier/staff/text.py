"""A short text a staff member writes to one client from the client page.

It goes through the outbox like every other text (kind ``reply``, label ``staff_text``), so the
dispatcher's last-moment opt-out check and the provider's pacing apply. The rules here come
first, so the page can say at once what will happen:

- an opted-out (or discharged, or not consenting) client gets nothing, and the caller is told
  why in one line;
- inside the client's quiet hours the text waits for the end of them (never skipped: a person
  wrote it);
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

from sqlalchemy import select

from notifier.core.db import Database
from notifier.core.disclosure import disclosing, words_with
from notifier.core.models import REPLY, Client, Message
from notifier.core.settings import Settings
from notifier.outbound import gsm, outbox, wording
from notifier.outbound.quiet import placement
from notifier.roster.clients import external_id_filter

log = logging.getLogger(__name__)

MAX_CHARS = 320
LABEL = "staff_text"
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


def queue(
    db: Database,
    settings: Settings,
    *,
    external_id: str,
    text: str,
    nonce: str,
    now: datetime,
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
        # A person wrote it: it waits for the end of quiet hours, and is never skipped.
        due = placement(REPLY, LABEL, now, None, tz, settings.quiet_hours) or now
        deferred = due != now
        row = outbox.message(
            REPLY,
            dedupe_key=key,
            body=body,
            due_at=due,
            not_after=due + FRESHNESS,
            client_id=client.id,
            label=LABEL,
            created_at=now,
        )
        if not outbox.enqueue(s, [row]):  # the same form, sent twice at the same moment
            raise StaffTextError("this text was already sent")
        message_id = s.scalar(select(Message.id).where(Message.dedupe_key == key))
        assert message_id is not None
        result = Queued(message_id, due, deferred)
    log.info(
        "staff text queued",
        extra={"event": "staff_text.queued", "message_id": result.message_id,
               "deferred": deferred},
    )  # fmt: skip
    return result
