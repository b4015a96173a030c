"""`notifier sessions`: group meetings and individual sessions."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

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
from notifier.core import grammar
from notifier.core.settings import Settings

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from notifier.outbound.planning import ReminderOutlook


def cmd_sessions_add(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.appointments import add_individual

    try:
        starts = grammar.parse_instant(args.at, settings.timezone).astimezone(UTC)
        duration = grammar.parse_duration(args.duration)
    except ValueError as exc:
        raise UsageError(f"sessions add: {exc}") from None
    now = now_of(args, settings)
    try:
        added = add_individual(
            open_db(settings), args.client, starts, duration, args.location, now, settings,
            kind=args.kind,
        )  # fmt: skip
    except (LookupError, ValueError) as exc:
        raise UsageError(f"sessions add: {exc}") from None
    row = added.session
    local = row.starts_at.astimezone(settings.timezone)
    say(f"{row.kind} session {row.id} added for {args.client} at {local:%a %Y-%m-%d %H:%M %Z}")
    if added.no_reminders:
        say(f"  no reminders: {args.client} is {added.no_reminders}")
    if row.kind == "family":
        say(f"  support persons: {_support_text(added.supports, args.client)}")
    # Say now what the reminders will do: a reminder skipped for quiet hours is otherwise
    # only visible in the outbox after the next plan, and staff would wait for a text.
    from notifier.outbound.planning import reminder_outlook

    outlook = [] if added.no_reminders else reminder_outlook(starts, added.client_tz, settings, now)
    for o in outlook:
        say(f"  reminder {o.offset}: {_outlook_text(o, added.client_tz, settings, now)}")
    return 0


def _support_text(names: tuple[str, ...], client: str) -> str:
    if not names:
        return (
            f"none texted: no written consent of {client} covers a support person on that date"
            f" (record one with: notifier consent support-add --client {client} ...)"
        )
    return f"{len(names)} also reminded, with {client}'s written consent on record"


def _outlook_text(o: ReminderOutlook, tz: ZoneInfo, settings: Settings, now: datetime) -> str:
    def at(t: datetime) -> str:
        return f"{t.astimezone(tz):%a %d %b %H:%M %Z}"

    quiet = settings.quiet_hours
    window = f"{quiet.start:%H:%M}-{quiet.end:%H:%M}" if quiet else ""
    if o.state == "past":
        return f"none, its time ({at(o.due)}) has passed"
    if o.state == "skipped_quiet_hours":
        return (
            f"skipped: {at(o.due)} is in the client's quiet hours ({window}),"
            " which end after the session"
        )
    assert o.placed is not None  # "due" and "moved" always have a time
    when = "now" if o.placed <= now else at(o.placed)
    if o.state == "moved":
        return f"due {when}, moved out of the client's quiet hours ({window}) from {at(o.due)}"
    return f"due {when}"


def cmd_sessions_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.appointments import cancel

    if args.id is None and not (args.group and args.date):
        raise UsageError("sessions cancel: give --id N, or --group NAME --date YYYY-MM-DD")
    day = None
    if args.date:
        try:
            day = grammar.parse_dates(args.date)[0]
        except (ValueError, IndexError):
            raise UsageError(f"--date: expected YYYY-MM-DD, got {args.date!r}") from None
    try:
        row = cancel(
            open_db(settings),
            settings,
            now_of(args, settings),
            session_id=args.id,
            group=args.group,
            day=day,
        )
    except LookupError as exc:
        raise UsageError(f"sessions cancel: {exc}") from None
    local = row.starts_at.astimezone(settings.timezone)
    say(
        f"session {row.id} ({row.group_name or 'individual'}, {local:%a %Y-%m-%d %H:%M}) "
        "canceled; its pending reminders are canceled"
    )
    return 0


def cmd_sessions_list(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.appointments import list_sessions

    now = now_of(args, settings)
    try:
        days = grammar.parse_duration(args.days) if args.days else settings.plan_horizon
    except ValueError as exc:
        raise UsageError(f"--days: {exc}") from None
    rows = []
    database = open_db(settings)
    audited_read(database, "sessions list", args, settings)
    for a, ext in list_sessions(database, now - timedelta(days=1), now + days, args.group):
        rows.append(
            {
                "id": a.id,
                "kind": a.kind,
                "group": a.group_name,
                "client": ext,
                "starts_at": a.starts_at.astimezone(settings.timezone)
                if args.format != "json"
                else a.starts_at,
                "ends_at": a.ends_at,
                "location": a.location,
                "canceled": a.canceled_at is not None,
                "cancel_reason": a.cancel_reason,
            }
        )
    emit(args, rows, ["id", "kind", "group", "client", "starts_at", "location", "canceled"])
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("sessions", help="group meetings and individual sessions").add_subparsers(
        dest="sessions_command", metavar="SUBCOMMAND", required=True
    )
    sa = s.add_parser("add", help="add a session for one client; says when its reminders go")
    sa.add_argument("--client", required=True, help="the client's external_id")
    sa.add_argument(
        "--kind",
        choices=("individual", "family", "workshop"),
        default="individual",
        help="the kind of meeting, e.g. family (its reminder says so; a family session also"
        " reminds support persons with the client's written consent); default individual",
    )
    sa.add_argument("--at", required=True, help="start, e.g. 2026-12-03T15:00 (program zone)")
    sa.add_argument("--duration", default="50m")
    sa.add_argument("--location")
    add_now(sa)
    sa.set_defaults(func=cmd_sessions_add)
    sc = s.add_parser("cancel", help="cancel one session or one group meeting")
    sc.add_argument("--id", type=int)
    sc.add_argument("--group")
    sc.add_argument("--date", help="the meeting's date, YYYY-MM-DD (program zone)")
    add_now(sc)
    sc.set_defaults(func=cmd_sessions_cancel)
    sl = s.add_parser("list", help="sessions from yesterday over the planning horizon")
    sl.add_argument("--group")
    sl.add_argument("--days", help="how far ahead, e.g. 14d (default: NOTIFIER_PLAN_HORIZON)")
    add_now(sl)
    add_format(sl)
    sl.set_defaults(func=cmd_sessions_list)
