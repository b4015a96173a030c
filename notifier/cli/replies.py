"""`notifier inbound` and `replies`: what clients wrote."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from notifier.cli._common import (
    UsageError,
    add_format,
    add_now,
    audited_read,
    emit,
    now_of,
    open_db,
    say,
)
from notifier.core.models import Client, Reply
from notifier.core.settings import Settings
from notifier.core.settings_values import to_e164
from notifier.inbound.replies import signals_of
from notifier.roster.clients import external_id_filter
from notifier.understanding import Category

CATEGORIES = tuple(c.value for c in Category)


def cmd_inbound(args: argparse.Namespace, settings: Settings) -> int:
    """The same handling as the webhook, for a reply typed at the terminal."""
    from notifier.service import Service

    if to_e164(args.from_, settings.default_region) is None:
        raise UsageError(f"--from: expected a phone number, got {args.from_!r}")
    now = now_of(args, settings)
    service = Service(settings, database=open_db(settings), clock=lambda: now)
    try:
        result = service.receive(
            from_phone=args.from_, body=args.body, provider_sid=args.sid, source="cli", now=now
        )
        sent = service.send_now(now) if result.queued else None
    finally:
        service.close()
    if result.duplicate:
        say(f"reply {args.sid} was already recorded; nothing done")
        return 0
    who = "a known client" if result.known_client else "an unknown number (stored, no answer)"
    score = f", score {result.score}" if result.score is not None else ""
    score += f", signals {','.join(result.signals)}" if result.signals else ""
    score += f", alerts held back ({result.held})" if result.held else ""
    queued = ", ".join(result.queued) or "nothing"
    say(
        f"reply {result.reply_id} from {who}: {result.category}{score}; queued: {queued}"
        + (f"; dispatch: {sent}" if sent else "")
    )
    return 0


def reply_row(r: Reply, external_id: str | None) -> dict[str, Any]:
    return {
        "id": r.id,
        "client": external_id,
        "received_at": r.received_at,
        "body": r.body,
        "category": r.category,
        "score": r.score,
        "in_reply_to": r.in_reply_to,
        "label": r.label,
        "session_id": r.session_id,
        "source": r.source,
        "provider_sid": r.provider_sid,
        "signals": signals_of(r.signals),
        "rule": r.rule,
        "urgent": bool(r.urgent),
        "urgent_evidence": r.urgent_evidence or None,
    }


def cmd_replies(args: argparse.Namespace, settings: Settings) -> int:
    if args.category and args.category not in CATEGORIES:
        raise UsageError(f"--category: expected one of {', '.join(CATEGORIES)}")
    database = open_db(settings)
    with database.read() as s:
        q = select(Reply, Client.external_id).outerjoin(Client, Client.id == Reply.client_id)
        if args.client:
            q = q.where(external_id_filter(database.crypto, args.client))
        if args.category:
            q = q.where(Reply.category == args.category)
        q = q.order_by(Reply.received_at.desc(), Reply.id.desc()).limit(args.limit)
        rows = [reply_row(r, ext) for r, ext in s.execute(q).all()]
    audited_read(database, "replies", args, settings)
    if args.format != "json":
        for r in rows:
            r["received_at"] = r["received_at"].astimezone(settings.timezone)
            r["signals"] = ",".join(r["signals"]) or "-"
    emit(
        args,
        rows,
        ["id", "client", "received_at", "category", "score", "signals", "in_reply_to", "body"],
        widths={"body": 60},
    )
    return 0


def register(sub: Any) -> None:
    i = sub.add_parser("inbound", help="handle a reply as if it came through the webhook")
    i.add_argument("--from", dest="from_", required=True, metavar="PHONE")
    i.add_argument("--body", required=True)
    i.add_argument("--sid", help="provider MessageSid (replies with the same sid count once)")
    add_now(i)
    i.set_defaults(func=cmd_inbound)

    r = sub.add_parser("replies", help="replies received, newest first")
    r.add_argument("--client", help="external_id")
    r.add_argument("--category", help=f"one of {', '.join(CATEGORIES)}")
    r.add_argument("--limit", type=int, default=500)
    add_format(r)
    r.set_defaults(func=cmd_replies)
