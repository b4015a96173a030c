"""`notifier attendance`: mark who came to a group meeting, and list the last meetings."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from notifier.cli._common import (
    CLIENT_HELP,
    UsageError,
    add_format,
    add_group,
    add_now,
    audited_read,
    emit,
    now_of,
    open_db,
    say,
    staff_id_by,
    when,
)
from notifier.core.models import ATTENDANCE_STATUSES
from notifier.core.settings import Settings


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD, got {raw!r}") from None


def cmd_attendance_mark(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.followup.attendance import AttendanceError, mark

    day = _day(args.date)
    database = open_db(settings)
    staff_id = None if args.by is None else staff_id_by(database, args.by)
    now = now_of(args, settings)
    try:
        done = mark(
            database,
            group=args.group,
            day=day,
            external_id=args.client,
            status=args.status.strip().lower(),
            now=now,
            staff_id=staff_id,
            source="cli",
            settings=settings,
        )
    except AttendanceError as exc:
        raise UsageError(f"attendance mark: {exc}") from None
    was = "first mark" if done.previous is None else f"was {done.previous}"
    if done.previous == done.status:
        was = "unchanged"
    say(
        f"{done.external_id} marked {done.status} at {done.group} on "
        f"{when(done.starts_at, settings)} (session {done.session_id}; {was})"
    )
    return 0


def cmd_attendance_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from notifier.core.models import Client
    from notifier.followup.attendance import history

    if settings.group(args.group) is None:
        known = ", ".join(g.name for g in settings.groups) or "none configured"
        raise UsageError(f"attendance list: no group {args.group!r} (groups: {known})")
    database = open_db(settings)
    found = history(database, settings, group=args.group, now=now_of(args, settings))
    audited_read(database, "attendance list", args, settings)
    with database.read() as s:
        ids = dict(
            s.execute(select(Client.id, Client.external_id).where(Client.id.in_(found))).all()
        )
    rows = [
        {"client": ids[cid], "date": e.date, "session_id": e.session_id, "status": e.status}
        for cid in sorted(found, key=lambda c: ids[c])
        for e in found[cid]
    ]
    emit(args, rows, ["client", "date", "session_id", "status"], tz=settings.timezone)
    return 0


def register(sub: Any) -> None:
    a = sub.add_parser(
        "attendance", help="mark attended, late, absent or excused at a group meeting"
    ).add_subparsers(dest="attendance_command", metavar="SUBCOMMAND", required=True)
    m = a.add_parser(
        "mark",
        help="mark one client at one meeting (once it has started); marking again changes it",
    )
    add_group(m, required=True)
    m.add_argument(
        "--date", required=True, help="the meeting's date (program zone), e.g. 2026-12-07"
    )
    m.add_argument("--client", required=True, help=CLIENT_HELP)
    m.add_argument(
        "--status", required=True, help=" | ".join(ATTENDANCE_STATUSES) + ", e.g. attended"
    )
    m.add_argument("--by", help="who marks it (recorded in the audit), e.g. lee@clinic.example")
    add_now(m)
    m.set_defaults(func=cmd_attendance_mark)
    ls = a.add_parser("list", help="each client's last 8 meetings of a group, newest first")
    add_group(ls, required=True)
    add_now(ls)
    add_format(ls)
    ls.set_defaults(func=cmd_attendance_list)
