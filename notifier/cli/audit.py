"""`notifier audit export`: the access records (who saw or changed what) as CSV.

Columns: at, staff_email, action, client (the external id, resolved now), group, address,
detail. ``--output`` creates a new file, mode 600, and refuses an existing path or a symlink.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, time
from typing import Any

from notifier.cli._common import UsageError, audited_read, open_db, write_output
from notifier.core import grammar, output
from notifier.core.settings import Settings


def _since(raw: str | None, settings: Settings) -> datetime | None:
    if not raw:
        return None
    try:
        if len(raw) == 10:  # a date: from its midnight in the program's zone
            day = datetime.strptime(raw, "%Y-%m-%d").date()
            return datetime.combine(day, time(0), settings.timezone).astimezone(UTC)
        return grammar.parse_instant(raw, settings.timezone).astimezone(UTC)
    except ValueError:
        raise UsageError(
            f"--since {raw!r}: expected a date (2026-12-01) or an ISO 8601 time"
        ) from None


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.staff.audit import export_csv

    since = _since(args.since, settings)
    database = open_db(settings)
    text, count = export_csv(database, since)
    audited_read(database, "audit export", args, settings)  # it names clients too
    if args.output:
        path = write_output(args.output, text, new_only=True)  # records are never overwritten
        sys.stderr.write(f"wrote {count} audit event(s) to {path}\n")
    else:
        sys.stdout.write(output.printable(text, keep="\r\n\t"))
    return 0


def register(sub: Any) -> None:
    au = sub.add_parser("audit", help="access records (42 CFR Part 2 / HIPAA)").add_subparsers(
        dest="audit_command", metavar="SUBCOMMAND", required=True
    )
    ex = au.add_parser("export", help="every audit event as CSV")
    ex.add_argument(
        "--since",
        help="from this date or time on, e.g. 2026-12-01 or 2026-12-01T09:00 (default: all)",
    )
    ex.add_argument(
        "--output", help="write a new file (mode 600) instead of stdout, e.g. audit.csv"
    )
    ex.set_defaults(func=cmd_audit_export)
