"""`notifier consent`: consent records for audits."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from notifier.cli._common import OUTPUT_HELP, audited_read, open_db, write_output
from notifier.core import output
from notifier.core.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_consent_export(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.consent import events

    database = open_db(settings)
    rows = [{"external_id": e, "event": ev, "at": at, "source": src}
            for e, ev, at, src in events(database)]  # fmt: skip
    audited_read(database, "consent export", args, settings)
    text = output.csv_text(rows, ["external_id", "event", "at", "source"])
    if args.output:
        path = write_output(args.output, text)
        sys.stderr.write(f"wrote {len(rows)} consent event(s) to {path}\n")
    else:
        sys.stdout.write(output.printable(text, keep="\r\n\t"))
    return 0


def register(sub: Any) -> None:
    c = sub.add_parser("consent", help="consent records").add_subparsers(
        dest="consent_command", metavar="SUBCOMMAND", required=True
    )
    ce = c.add_parser("export", help="every consent event as CSV, for audits")
    ce.add_argument(
        "--output",
        help=OUTPUT_HELP.replace("evening.html", "consent.csv"),
    )
    ce.set_defaults(func=cmd_consent_export)
