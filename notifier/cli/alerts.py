"""`notifier alerts`: staff alerts, claiming them, and recording what happened.

- ``notifier alerts [--open] [--format json]``: newest first, with ``id, client, kind,
  raised_at, state`` (open, claimed, closed), ``tier`` (0 = on-call) and ``outcomes`` (a list
  of ``{outcome, by, at}``, newest last), then when escalation next acts and the latest
  outcome. Never a reply's body, a note or a phone number. ``--open``: those not closed.
- ``notifier alerts claim ID --by EMAIL``: "I'm calling now" (escalation holds for
  ``NOTIFIER_ALERT_CLAIM_PAUSE``).
- ``notifier alerts outcome ID --outcome O --by EMAIL [--note-stdin]``: one more outcome
  (reached, safe, left_message, wellness_check, mobile_crisis, called_911, not_reached);
  ``called_911`` also takes ``--to``, ``--facility`` and ``--emergency`` (the 42 CFR Part 2
  §2.51 record). ``alerts ack`` is the same command under its older name.

What is recorded, its event and its audit row (address "cli") are written by
:mod:`notifier.inbound.outcomes`, in one transaction.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from notifier.cli._common import (
    BY_HELP,
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

if TYPE_CHECKING:
    from notifier.core.db import Database
    from notifier.inbound.outcomes import Who

LIST_COLUMNS = ("id", "client", "kind", "raised_at", "state", "tier", "outcomes", "due_at")
OUTCOME_CHOICES = (
    "reached", "safe", "left_message", "wellness_check", "mobile_crisis", "called_911",
    "not_reached",
)  # fmt: skip


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.inbound.alerts import list_alerts

    now = now_of(args, settings)
    database = open_db(settings)
    rows = [asdict(a) for a in list_alerts(database, open_only=args.open, now=now)]
    audited_read(database, "alerts" + (" --open" if args.open else ""), args, settings)
    if args.format != "json":
        for r in rows:
            r["outcomes"] = ", ".join(str(o["outcome"]) for o in r["outcomes"]) or "-"
    emit(args, rows, LIST_COLUMNS, widths={"outcomes": 40}, tz=settings.timezone)
    return 0


def _who(args: argparse.Namespace, settings: Settings) -> tuple[Database, Who]:
    from notifier.inbound.outcomes import Who

    db = open_db(settings)
    return db, Who(staff_id=staff_id_by(db, args.by), address="cli")


def cmd_claim(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.inbound import outcomes

    db, who = _who(args, settings)
    try:
        outcomes.claim(db, settings, alert_id=args.id, who=who, now=now_of(args, settings))
    except outcomes.AckError as exc:
        raise UsageError(_no_such(args.id, exc)) from None
    pause = int(settings.alert_claim_pause.total_seconds() // 60)
    say(f"alert {args.id}: claimed for {args.by}; escalation holds for {pause} min")
    return 0


def cmd_outcome(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.inbound import outcomes

    disclosure = None
    if args.to is not None or args.facility is not None or args.emergency is not None:
        disclosure = outcomes.Disclosure(args.to or "", args.facility or "", args.emergency or "")
    note = args.note or ""
    if args.note_stdin:
        note = sys.stdin.read()
    db, who = _who(args, settings)
    try:
        outcomes.record(db, settings, alert_id=args.id, outcome=args.outcome, note=note,
                        who=who, now=now_of(args, settings), disclosure=disclosure)  # fmt: skip
    except outcomes.AckError as exc:
        raise UsageError(_no_such(args.id, exc)) from None
    say(f"alert {args.id}: {outcomes.OUTCOMES[args.outcome]} (recorded for {args.by})")
    return 0


def _no_such(alert_id: int, exc: Exception) -> str:
    text = str(exc)
    if text.startswith(f"no alert {alert_id}"):
        return f"alert {alert_id}: no such alert (see: notifier alerts --open)"
    return text if text.startswith(f"alert {alert_id}") else f"alert {alert_id}: {text}"


def register(sub: Any) -> None:
    al = sub.add_parser(
        "alerts", help="staff alerts, newest first (--open: not closed); claim, outcome"
    )
    al.add_argument("--open", action="store_true", help="only alerts nobody closed")
    al.add_argument("--now", help=argparse.SUPPRESS)
    add_format(al)
    al.set_defaults(func=cmd_alerts)
    subs = al.add_subparsers(dest="alerts_command", metavar="SUBCOMMAND", required=False)
    claim = subs.add_parser("claim", help='"I\'m calling now": hold the escalation')
    claim.add_argument("id", type=int, help="the alert's id from `notifier alerts`, e.g. 12")
    claim.add_argument("--by", required=True, help="who is calling: " + BY_HELP)
    claim.add_argument("--now", help=argparse.SUPPRESS)
    claim.set_defaults(func=cmd_claim)
    for name in ("outcome", "ack"):
        out = subs.add_parser(
            name,
            help="record what happened after an alert"
            + (" (the older name of outcome)" if name == "ack" else ""),
        )
        out.add_argument("id", type=int, help="the alert's id from `notifier alerts`, e.g. 12")
        out.add_argument("--outcome", required=True, choices=OUTCOME_CHOICES, help="what happened")
        out.add_argument("--by", required=True, help="who acted: " + BY_HELP)
        out.add_argument("--note-stdin", action="store_true",
                         help="read the note from standard input (stored encrypted; at most "
                         "500 characters)")  # fmt: skip
        out.add_argument("--note", help=argparse.SUPPRESS)  # older form; a note in argv shows
        out.add_argument(
            "--to", help="called_911: the medical personnel told (42 CFR §2.51), e.g. 'EMS crew'"
        )
        out.add_argument(
            "--facility", help="called_911: their facility or agency, e.g. 'County EMS'"
        )
        out.add_argument(
            "--emergency", help="called_911: the nature of the emergency, e.g. 'overdose'"
        )
        out.add_argument("--now", help=argparse.SUPPRESS)
        out.set_defaults(func=cmd_outcome)
