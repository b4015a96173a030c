"""Helpers every command module uses: errors, the clock, the database, printing, options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from notifier.core import db as dbmod
from notifier.core import grammar, output
from notifier.core.clock import utcnow
from notifier.core.settings import Settings


class UsageError(Exception):
    """Bad input on the command line; the message is the one line shown."""


def now_of(args: argparse.Namespace, settings: Settings) -> datetime:
    """``--now`` when given (tests, replays), else the clock."""
    raw = getattr(args, "now", None)
    if not raw:
        return utcnow()
    try:
        return grammar.parse_instant(raw, settings.timezone).astimezone(UTC)
    except ValueError as exc:
        raise UsageError(f"--now: {exc}") from None


def open_db(settings: Settings) -> dbmod.Database:
    from notifier.core.keys import open_database

    return open_database(settings)


def staff_id_by(database: dbmod.Database, email: str) -> int:
    """The active staff account a ``--by EMAIL`` names (who acted, for the audit trail);
    anything else is refused with one line."""
    from notifier.staff import accounts as staff

    with database.read() as s:
        person = staff.find(s, email)
        if person is not None and person.active:
            return person.id
    raise UsageError(f"--by {email!r}: expected the e-mail of an active staff account")


def audited_read(
    database: dbmod.Database, command: str, args: argparse.Namespace, settings: Settings
) -> None:
    """Every read of client data from the shell is an audit event (notifier.staff.audit)."""
    from notifier.staff.audit import record_cli_read

    fmt = getattr(args, "format", None)
    what = command + (f" ({fmt})" if fmt else "")
    record_cli_read(database, what, now_of(args, settings), client=getattr(args, "client", None))


def write_output(path: str, text: str, *, new_only: bool = False) -> Path:
    """``--output``: a private file (notifier.core.output.write_private); a refusal is bad input."""
    try:
        return output.write_private(path, text, new_only=new_only)
    except output.OutputError as exc:
        raise UsageError(f"--output {exc}") from None


def say(text: str) -> None:
    """Print to the staff terminal, control characters escaped (notifier.core.output.printable):
    whatever a client wrote cannot move the cursor or erase a line."""
    text = output.printable(text, keep="\n")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def emit(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    widths: dict[str, int] | None = None,
    tz: tzinfo | None = None,
) -> None:
    """Rows as JSON or CSV (times ISO 8601 with offset) or a table (times in ``tz``, the
    program's zone, with its abbreviation)."""
    if args.format == "json":
        say(output.dumps(rows))
    elif args.format == "csv":
        say(output.csv_text(rows, columns))
    elif not rows:
        say("(none)")
    else:
        say(output.table(rows, columns, widths=widths, tz=tz))


def when(value: datetime, settings: Settings) -> str:
    """An instant as a person reads it: program-local with the zone (notifier.core.output)."""
    return output.local_time(value, settings.timezone)


def add_format(
    parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")
) -> None:
    parser.add_argument(
        "--format",
        choices=choices,
        default="table",
        help="table (for people: program-local times) or json (for scripts: ISO 8601 times"
        " with offset)" + (", csv or html" if "html" in choices else ""),
    )


NOW_HELP = (
    "act as of this time, e.g. 2026-12-07T18:00 (program zone) or 2026-12-07T23:00Z"
    " (default: the clock)"
)


def add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", help=NOW_HELP)


def group_name(text: str) -> str:
    """A group name as typed: any case, as NOTIFIER_GROUPS and the roster store it (lower)."""
    return text.strip().lower()


def group_names(text: str) -> str:
    """Comma-separated group names, each as :func:`group_name` reads it."""
    return ",".join(group_name(name) for name in text.split(","))


def add_group(parser: argparse.ArgumentParser, *, required: bool = False, what: str = "") -> None:
    parser.add_argument(
        "--group",
        type=group_name,
        required=required,
        help=f"a group from NOTIFIER_GROUPS{what}, any case, e.g. evening",
    )


CLIENT_HELP = "the client's external_id (record number), e.g. C001"
BY_HELP = "the e-mail of an active staff account, e.g. lee@clinic.example"
OUTPUT_HELP = (
    "write to this file instead of the screen (mode 600; an existing file is replaced, a"
    " symlink refused), e.g. evening.html"
)
