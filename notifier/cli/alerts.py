"""`notifier alerts`: the staff alerts replies raised, and recording their outcome.

- ``notifier alerts [--open] [--format json]``: newest first, with ``id, client, kind,
  created_at, notify_at, acknowledged_at, acknowledged_by`` (the staff member's e-mail or null),
  ``outcome, note`` (decrypted), ``escalated_at, reply_id``. Never a reply's body or a phone
  number. ``--open``: only those nobody acknowledged.
- ``notifier alerts ack ID --outcome reached|left_message|called_911 --by EMAIL [--note T]``:
  what the client's page records, for staff without a browser; once per alert, audited
  (``alert_ack``, address "cli").
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from notifier.cli._common import (
    UsageError,
    add_format,
    audited_read,
    emit,
    now_of,
    open_db,
    say,
    staff_id_by,
)
from notifier.core.settings import Settings

LIST_COLUMNS = (
    "id",
    "client",
    "kind",
    "created_at",
    "notify_at",
    "acknowledged_at",
    "acknowledged_by",
    "outcome",
    "note",
    "escalated_at",
    "reply_id",
)


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.inbound.alerts import list_alerts

    database = open_db(settings)
    rows = [asdict(a) for a in list_alerts(database, open_only=args.open)]
    audited_read(database, "alerts" + (" --open" if args.open else ""), args, settings)
    emit(args, rows, LIST_COLUMNS, widths={"note": 40})
    return 0


def cmd_alerts_ack(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from notifier.core.models import Alert
    from notifier.inbound import outcomes as alert_outcomes
    from notifier.staff import audit

    db = open_db(settings)
    now = now_of(args, settings)
    staff_id = staff_id_by(db, args.by)
    with db.read() as s:
        row = s.execute(select(Alert.client_id, Alert.kind).where(Alert.id == args.id)).first()
    if row is None:
        raise UsageError(f"alert {args.id}: no such alert (see: notifier alerts --open)")
    if row.client_id is None:
        raise UsageError(f"alert {args.id}: from a number on no client's record; nothing to record")
    try:
        alert_outcomes.acknowledge(db, alert_id=args.id, client_id=row.client_id,
                                   outcome=args.outcome, note=args.note or "",
                                   staff_id=staff_id, now=now)  # fmt: skip
    except alert_outcomes.AckError as exc:
        raise UsageError(f"alert {args.id}: {exc}") from None
    audit.record(db, action="alert_ack", staff_id=staff_id, now=now, address="cli",
                 client_id=row.client_id,
                 detail=f"alert {args.id} ({row.kind}): {args.outcome}")  # fmt: skip
    say(f"alert {args.id}: {alert_outcomes.OUTCOMES[args.outcome]} (recorded for {args.by})")
    return 0


def register(sub: Any) -> None:
    al = sub.add_parser(
        "alerts", help="staff alerts, newest first (--open: not yet acknowledged); ack one"
    )
    al.add_argument("--open", action="store_true", help="only alerts nobody acknowledged")
    add_format(al)
    al.set_defaults(func=cmd_alerts)
    subs = al.add_subparsers(dest="alerts_command", metavar="SUBCOMMAND", required=False)
    ack = subs.add_parser("ack", help="record what happened after an alert")
    ack.add_argument("id", type=int)
    ack.add_argument("--outcome", required=True, choices=("reached", "left_message", "called_911"))
    ack.add_argument("--note", help="what happened (stored encrypted; at most 500 characters)")
    ack.add_argument("--by", required=True, help="the e-mail of the staff member who acted")
    ack.add_argument("--now", help=argparse.SUPPRESS)
    ack.set_defaults(func=cmd_alerts_ack)
