"""The `notifier` command (also `python -m notifier`).

Exit codes: 0 success; 1 a runtime failure (database unreachable, ...); 2 bad input (settings,
arguments, a roster file) -- always with one clear line per problem and nothing changed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from notifier import db as dbmod
from notifier import grammar, output
from notifier.keys import KeysError
from notifier.logs import setup_logging
from notifier.models import PENDING, SENDING, STATUSES, Client, Message
from notifier.settings import Settings, SettingsError, load_settings
from notifier.templates import TemplatesError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from notifier.planner import ReminderOutlook

log = logging.getLogger("notifier.cli")


class UsageError(Exception):
    """Bad input on the command line; the message is the one line shown."""


def _now(args: argparse.Namespace, settings: Settings) -> datetime:
    raw = getattr(args, "now", None)
    if not raw:
        return datetime.now(UTC)
    try:
        return grammar.parse_instant(raw, settings.timezone).astimezone(UTC)
    except ValueError as exc:
        raise UsageError(f"--now: {exc}") from None


def _database(settings: Settings) -> dbmod.Database:
    from notifier.keys import open_database

    return open_database(settings)


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _emit(
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    widths: dict[str, int] | None = None,
) -> None:
    if args.format == "json":
        _print(output.dumps(rows))
    elif args.format == "csv":
        _print(output.csv_text(rows, columns))
    elif not rows:
        _print("(none)")
    else:
        _print(output.table(rows, columns, widths=widths))


# --- db ------------------------------------------------------------------------------------
def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    _print(f"database at revision {dbmod.current_revision(database)} (head)")
    database.dispose()
    return 0


# --- clients -------------------------------------------------------------------------------
def client_row(c: Client) -> dict[str, Any]:
    return {
        "external_id": c.external_id,
        "first_name": c.first_name,
        "phone": c.phone,
        "group": c.group_name,
        "timezone": c.timezone,
        "opted_out": c.opted_out_at is not None,
        "language": c.language,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "consent_at": c.consent_at,
        "consent_source": c.consent_source,
        "opted_out_at": c.opted_out_at,
        "discharged_at": c.discharged_at,
    }


def cmd_clients_import(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster import RosterError, import_roster

    path = Path(args.file)
    total = 0
    if path.is_file():
        with path.open("rb") as fh:
            total = max(sum(1 for _ in fh) - 1, 0)
    progress = output.Progress(total, "checking rows")
    database = _database(settings)
    try:
        result = import_roster(database, path, settings, _now(args, settings), progress.update)
    except RosterError as exc:
        progress.done()
        for problem in exc.problems:
            sys.stderr.write(f"{path.name}: {problem}\n")
        sys.stderr.write(f"{path.name}: nothing imported ({len(exc.problems)} problem(s))\n")
        return 2
    progress.done()
    _print(
        f"imported {path.name}: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged; consent recorded for {result.consent_recorded}, "
        f"withdrawn for {result.consent_withdrawn}"
    )
    return 0


def cmd_clients_list(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster import list_clients

    rows = [client_row(c) for c in list_clients(_database(settings), args.group)]
    if args.format != "json":
        from notifier.logs import mask_phone

        for r in rows:  # a terminal table is often on a shared screen
            r["phone"] = r["phone"] if args.show_phones else mask_phone(r["phone"])
    _emit(
        args,
        rows,
        ["external_id", "first_name", "phone", "group", "timezone", "opted_out", "discharged_at"],
    )
    return 0


def cmd_clients_discharge(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster import discharge

    try:
        canceled = discharge(_database(settings), args.external_id, _now(args, settings))
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    _print(f"discharged {args.external_id}; {canceled} pending message(s) canceled")
    return 0


# --- sessions ------------------------------------------------------------------------------
def cmd_sessions_add(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.sessions import add_individual

    try:
        starts = grammar.parse_instant(args.at, settings.timezone).astimezone(UTC)
        duration = grammar.parse_duration(args.duration)
    except ValueError as exc:
        raise UsageError(f"sessions add: {exc}") from None
    now = _now(args, settings)
    try:
        added = add_individual(
            _database(settings), args.client, starts, duration, args.location, now, settings
        )
    except (LookupError, ValueError) as exc:
        raise UsageError(f"sessions add: {exc}") from None
    row = added.session
    local = row.starts_at.astimezone(settings.timezone)
    _print(f"session {row.id} added for {args.client} at {local:%a %Y-%m-%d %H:%M %Z}")
    if added.no_reminders:
        _print(f"  no reminders: {args.client} is {added.no_reminders}")
    # Say now what the reminders will do: a reminder skipped for quiet hours is otherwise
    # only visible in the outbox after the next plan, and staff would wait for a text.
    for o in added.reminders:
        _print(f"  reminder {o.offset}: {_outlook_text(o, added.client_tz, settings, now)}")
    return 0


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
    from notifier.sessions import cancel

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
            _database(settings),
            settings,
            _now(args, settings),
            session_id=args.id,
            group=args.group,
            day=day,
        )
    except LookupError as exc:
        raise UsageError(f"sessions cancel: {exc}") from None
    local = row.starts_at.astimezone(settings.timezone)
    _print(
        f"session {row.id} ({row.group_name or 'individual'}, {local:%a %Y-%m-%d %H:%M}) "
        "canceled; its pending reminders are canceled"
    )
    return 0


def cmd_sessions_list(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.sessions import list_sessions

    now = _now(args, settings)
    try:
        days = grammar.parse_duration(args.days) if args.days else settings.plan_horizon
    except ValueError as exc:
        raise UsageError(f"--days: {exc}") from None
    rows = []
    for a, ext in list_sessions(
        _database(settings), now - timedelta(days=1), now + days, args.group
    ):
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
    _emit(args, rows, ["id", "kind", "group", "client", "starts_at", "location", "canceled"])
    return 0


# --- the loop ------------------------------------------------------------------------------
def cmd_tick(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.service import Service

    now = _now(args, settings)
    service = Service(settings, database=_database(settings), clock=lambda: now)
    try:
        planned, sent = service.tick(now)
    finally:
        service.close()
    local = now.astimezone(settings.timezone)
    _print(
        f"tick at {local:%Y-%m-%d %H:%M %Z}: planned {planned.messages_added} new message(s) "
        f"({planned.skipped_quiet_hours} skipped for quiet hours, {planned.canceled} canceled); "
        f"dispatch: {sent}"
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
    database = _database(settings)
    if args.status and args.status not in STATUSES:
        raise UsageError(f"--status: expected one of {', '.join(STATUSES)}, got {args.status!r}")
    from notifier.models import Appointment
    from notifier.render import words_of
    from notifier.templates import Templates

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
            q = q.where(Client.external_id == args.client)
        q = q.order_by(Message.due_at, Message.id).limit(args.limit)
        rows = []
        for m, c, a in s.execute(q).all():
            row = outbox_row(m, c.external_id if c else None)
            if not m.body and m.status in (PENDING, SENDING) and c is not None:
                # Planned rows get their words when sent; show what they would say now.
                row["body"] = words_of(templates, settings, m, c, a)
            rows.append(row)
    if args.format != "json":
        for r in rows:
            r["due_at"] = r["due_at"].astimezone(settings.timezone)
    _emit(
        args,
        rows,
        ["id", "client", "kind", "label", "due_at", "status", "error_code", "body"],
        widths={"body": 60},
    )
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.runner import run_service

    return run_service(settings)


def cmd_demo(args: argparse.Namespace, settings: Settings | None) -> int:
    from notifier.demo import run_demo

    return run_demo(sys.stdout, keep=args.keep)


# --- parser --------------------------------------------------------------------------------
Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="notifier",
        description="SMS session reminders, coping check-ins and a follow-up list for an IOP.",
    )
    p.add_argument("--env-file", help="settings file (default: ./settings.env if present)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def fmt(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")) -> None:
        parser.add_argument("--format", choices=choices, default="table")

    def now(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--now", help="act as of this ISO 8601 time (default: the clock)")

    d = sub.add_parser("db", help="database administration").add_subparsers(
        dest="db_command", metavar="SUBCOMMAND", required=True
    )
    d.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    c = sub.add_parser("clients", help="the client roster").add_subparsers(
        dest="clients_command", metavar="SUBCOMMAND", required=True
    )
    ci = c.add_parser("import", help="import or update clients from a roster CSV")
    ci.add_argument("file")
    now(ci)
    ci.set_defaults(func=cmd_clients_import)
    cl = c.add_parser("list", help="list clients")
    cl.add_argument("--group")
    cl.add_argument("--show-phones", action="store_true", help="unmasked numbers in the table")
    fmt(cl)
    cl.set_defaults(func=cmd_clients_list)
    cd = c.add_parser("discharge", help="stop all texts to a client who left the program")
    cd.add_argument("external_id")
    now(cd)
    cd.set_defaults(func=cmd_clients_discharge)

    s = sub.add_parser("sessions", help="group meetings and individual sessions").add_subparsers(
        dest="sessions_command", metavar="SUBCOMMAND", required=True
    )
    sa = s.add_parser(
        "add", help="add an individual session for one client; says when its reminders go"
    )
    sa.add_argument("--client", required=True, help="the client's external_id")
    sa.add_argument("--at", required=True, help="start, e.g. 2026-12-03T15:00 (program zone)")
    sa.add_argument("--duration", default="50m")
    sa.add_argument("--location")
    now(sa)
    sa.set_defaults(func=cmd_sessions_add)
    sc = s.add_parser("cancel", help="cancel one session or one group meeting")
    sc.add_argument("--id", type=int)
    sc.add_argument("--group")
    sc.add_argument("--date", help="the meeting's date, YYYY-MM-DD (program zone)")
    now(sc)
    sc.set_defaults(func=cmd_sessions_cancel)
    sl = s.add_parser("list", help="sessions from yesterday over the planning horizon")
    sl.add_argument("--group")
    sl.add_argument("--days", help="how far ahead, e.g. 14d (default: NOTIFIER_PLAN_HORIZON)")
    now(sl)
    fmt(sl)
    sl.set_defaults(func=cmd_sessions_list)

    t = sub.add_parser("tick", help="one plan + dispatch cycle")
    now(t)
    t.set_defaults(func=cmd_tick)

    o = sub.add_parser("outbox", help="messages planned, sent and failed")
    o.add_argument("--status", help=f"one of {', '.join(STATUSES)}")
    o.add_argument("--kind")
    o.add_argument("--client", help="external_id")
    o.add_argument("--limit", type=int, default=1000)
    fmt(o)
    o.set_defaults(func=cmd_outbox)

    r = sub.add_parser("run", help="the service: scheduler + HTTP")
    r.set_defaults(func=cmd_run)

    dm = sub.add_parser("demo", help="a simulated fortnight on a temporary database")
    dm.add_argument("--keep", action="store_true", help="keep the temporary database")
    dm.set_defaults(func=cmd_demo, no_settings=True)

    _register_extra(sub, fmt, now)
    return p


def _register_extra(sub: Any, fmt: Callable[..., None], now: Callable[..., None]) -> None:
    """Commands of later features register here (kept apart to keep the core parser short)."""
    from notifier import cli_more

    cli_more.register(sub, fmt, now)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings: Settings | None = None
    if not getattr(args, "no_settings", False):
        try:
            settings = load_settings(args.env_file)
        except SettingsError as exc:
            sys.stderr.write(f"notifier: {exc}\n")
            return 2
        setup_logging(settings.log_format, settings.log_level)
    else:
        setup_logging("auto", "WARNING")
    try:
        return int(args.func(args, settings))
    except (UsageError, KeysError, TemplatesError) as exc:
        sys.stderr.write(f"notifier: {exc}\n")
        return 2
    except OperationalError as exc:
        sys.stderr.write(f"notifier: database unavailable ({type(exc.orig).__name__})\n")
        return 1
    except SQLAlchemyError as exc:
        sys.stderr.write(f"notifier: database error ({type(exc).__name__})\n")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
