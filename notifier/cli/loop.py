"""`notifier tick`, `outbox`, `run` and `demo`: the sending loop and the service."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from notifier.cli._common import (
    CLIENT_HELP,
    UsageError,
    add_format,
    add_now,
    audited_read,
    emit,
    now_of,
    open_db,
    say,
    when,
)
from notifier.core.models import PENDING, SENDING, STATUSES, Client, Message
from notifier.core.settings import Settings
from notifier.roster.clients import external_id_filter

if TYPE_CHECKING:
    pass


log = logging.getLogger(__name__)


def cmd_tick(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.service import Service

    now = now_of(args, settings)
    service = Service(settings, database=open_db(settings), clock=lambda: now)
    try:
        # Every scheduled job once, in the order that sends what it queues: an escalation's
        # texts go out in this same tick.
        planned = service.plan_step(now)
        escalated = service.escalate_step(now)
        sent = service.dispatch_step(now)
    finally:
        service.close()
    say(
        f"tick at {when(now, settings)}: planned {planned.messages_added} new message(s) "
        f"({planned.skipped_quiet_hours} skipped for quiet hours, {planned.canceled} canceled, "
        f"{planned.revived} planned again); "
        f"escalated {len(escalated.escalated)} alert(s); dispatch: {sent}"
    )
    return 0


def outbox_row(m: Message, external_id: str | None) -> dict[str, Any]:
    return {
        "id": m.id,
        "client": external_id,
        "kind": m.kind,
        "due_at": m.due_at,
        "status": m.status,
        "body": m.body,
        "sent_at": m.sent_at,
        "provider_sid": m.provider_sid,
        "error_code": m.error_code,
        "label": m.label,
        "not_after": m.not_after,
        "attempts": m.attempts,
        "reason": m.reason,
        "session_id": m.session_id,
        "status_at": m.status_at,
    }


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    database = open_db(settings)
    if args.status and args.status not in STATUSES:
        raise UsageError(f"--status: expected one of {', '.join(STATUSES)}, got {args.status!r}")
    from notifier.core.models import Appointment
    from notifier.outbound.render import words_of
    from notifier.outbound.texts import Templates

    templates = Templates.from_settings(settings)
    with database.read() as s:
        q = (
            select(Message, Client, Appointment)
            .outerjoin(Client, Client.id == Message.client_id)
            .outerjoin(Appointment, Appointment.id == Message.session_id)
        )
        if args.status:
            q = q.where(Message.status == args.status)
        if args.kind:
            q = q.where(Message.kind == args.kind)
        if args.client:
            q = q.where(external_id_filter(database.crypto, args.client))
        q = q.order_by(Message.due_at, Message.id).limit(args.limit)
        rows = []
        for m, c, a in s.execute(q).all():
            row = outbox_row(m, c.external_id if c else None)
            if not m.body and m.status in (PENDING, SENDING) and c is not None:
                # Planned rows get their words when sent; show what they would say now.
                row["body"] = words_of(templates, settings, m, c, a)
            rows.append(row)
    audited_read(database, "outbox", args, settings)
    if args.format != "json":
        for r in rows:
            r["due_at"] = r["due_at"].astimezone(settings.timezone)
    emit(
        args,
        rows,
        ["id", "client", "kind", "label", "due_at", "status", "error_code", "body"],
        widths={"body": 60},
        tz=settings.timezone,
    )
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.core.settings_values import plain_http_warning
    from notifier.runner import run_service

    warning = plain_http_warning(settings.http_host, settings.public_url)
    if warning:
        log.warning(warning, extra={"event": "start.plain_http"})
    return run_service(settings)


def cmd_demo(args: argparse.Namespace, settings: Settings | None) -> int:
    from notifier.demo import run_demo

    return run_demo(sys.stdout, keep=args.keep)


def register(sub: Any) -> None:
    t = sub.add_parser("tick", help="one plan + dispatch cycle")
    add_now(t)
    t.set_defaults(func=cmd_tick)

    o = sub.add_parser("outbox", help="messages planned, sent and failed")
    o.add_argument("--status", help=f"one of {', '.join(STATUSES)}, e.g. pending")
    o.add_argument("--kind", help="reminder, checkin, reply, alert, ..., e.g. reminder")
    o.add_argument("--client", help=CLIENT_HELP)
    o.add_argument(
        "--limit", type=int, default=1000, help="at most this many rows, e.g. 50 (default: 1000)"
    )
    add_format(o)
    o.set_defaults(func=cmd_outbox)

    r = sub.add_parser("run", help="the service: scheduler + HTTP")
    r.set_defaults(func=cmd_run)

    dm = sub.add_parser("demo", help="a simulated fortnight on a temporary database")
    dm.add_argument("--keep", action="store_true", help="keep the temporary database")
    dm.set_defaults(func=cmd_demo, no_settings=True)
