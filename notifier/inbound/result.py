"""What the inbound path returns, and the rows every reply writes (the reply itself, the texts
back to its sender): shared by known clients (:mod:`notifier.inbound.replies`) and numbers on
no client's record (:mod:`notifier.inbound.unknown`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from notifier.core.models import REPLIES, REPLY
from notifier.inbound.actions import Actions, Send
from notifier.outbound import outbox
from notifier.understanding import Classification


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


def reply_values(
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


# Built once: the values go in as parameters, so each reply reuses the compiled statement
# (building ``insert().values(**row)`` and its cache key anew was half a reply's cost).
INSERT_REPLY = insert(REPLIES).returning(REPLIES.c.id)


def insert_reply(s: Session, values: dict[str, object]) -> int:
    return int(s.execute(INSERT_REPLY, values).scalar_one())


def send_row(
    client_id: int | None,
    x: Send,
    reply_id: int,
    created_at: datetime | None = None,
    recipient: str | None = None,
) -> dict[str, object]:
    """The outbox row of a text the decision sends back (``recipient``: a number on no
    client's record, kept in the row like a staff number)."""
    key = x.key.format(reply_id=reply_id)
    return outbox.message(
        REPLY, dedupe_key=key, body=x.text, due_at=x.due_at, not_after=x.not_after,
        client_id=client_id, label=x.label, recipient=recipient, created_at=created_at,
    )  # fmt: skip


def urgency(result: Classification) -> dict[str, object]:
    """Whether life was in danger now (911 first), and the words that said so (stored with
    the reply, encrypted, purged with its body)."""
    return {"urgent": result.urgent, "urgent_evidence": result.urgent_evidence or None}
