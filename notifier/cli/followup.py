"""`notifier followup`: the list for a group's next session."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from notifier.cli._common import (
    OUTPUT_HELP,
    UsageError,
    add_format,
    add_now,
    group_name,
    now_of,
    open_db,
    say,
    write_output,
)
from notifier.core import output
from notifier.core.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_followup(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.followup.digest import NoSession, build_digest
    from notifier.followup.render import as_dict, csv_text, page, table
    from notifier.staff import audit

    database = open_db(settings)
    now = now_of(args, settings)
    try:
        digest = build_digest(database, settings, args.group, now)
    except NoSession as exc:
        raise UsageError(f"followup: {exc}") from None
    # A view of a group list is an access record, from a shell as from a browser.
    audit.record(database, action="view_group", staff_id=None, now=now, address="cli",
                 group=args.group, detail=f"notifier followup ({args.format})")  # fmt: skip
    tz = settings.timezone
    if args.format == "json":
        text = output.dumps(as_dict(digest))
    elif args.format == "csv":
        text = csv_text(digest, tz)
    elif args.format == "html":
        text = page(digest, tz)
    else:
        text = table(digest, tz)
    if args.output:
        path = write_output(args.output, text if text.endswith("\n") else text + "\n")
        sys.stderr.write(f"wrote {path} ({len(digest.clients)} clients)\n")
    else:
        say(text)
    return 0


def register(sub: Any) -> None:
    f = sub.add_parser("followup", help="the follow-up list for a group's next session")
    f.add_argument(
        "group", type=group_name, help="a group from NOTIFIER_GROUPS, any case, e.g. evening"
    )
    add_now(f)
    add_format(f, ("table", "json", "csv", "html"))
    f.add_argument(
        "--output",
        help=OUTPUT_HELP,
    )
    f.set_defaults(func=cmd_followup)
