"""`notifier audit export`: the access records (who saw or changed what) as CSV.

Columns: at, staff_email, action, client (the external id, resolved now), group, address,
detail. ``--output`` creates a new file, mode 600, and refuses an existing path or a symlink.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, time
from typing import Any

from notifier import grammar
from notifier.cli._common import UsageError, open_db
from notifier.settings import Settings


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


def write_new_private(path: str, text: str) -> None:
    """Create ``path`` (mode 600) and write ``text``; never overwrites, never follows a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UsageError(f"--output {path}: already exists; choose a new file name") from None
    except OSError as exc:
        raise UsageError(f"--output {path}: cannot create it ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.audit import export_csv

    since = _since(args.since, settings)
    text, count = export_csv(open_db(settings), since)
    if args.output:
        write_new_private(args.output, text)
        sys.stderr.write(f"wrote {count} audit event(s) to {args.output}\n")
    else:
        sys.stdout.write(text)
    return 0


def register(sub: Any) -> None:
    au = sub.add_parser("audit", help="access records (42 CFR Part 2 / HIPAA)").add_subparsers(
        dest="audit_command", metavar="SUBCOMMAND", required=True
    )
    ex = au.add_parser("export", help="every audit event as CSV")
    ex.add_argument("--since", help="from this date or time on (default: everything)")
    ex.add_argument("--output", help="write a new file (mode 600) instead of stdout")
    ex.set_defaults(func=cmd_audit_export)
