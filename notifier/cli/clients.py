"""`notifier clients`: the roster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
)
from notifier.core import output
from notifier.core.models import Client
from notifier.core.settings import Settings

if TYPE_CHECKING:
    pass


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
    from notifier.roster.clients import RosterError, import_roster

    path = Path(args.file)
    total = 0
    if path.is_file():
        with path.open("rb") as fh:
            total = max(sum(1 for _ in fh) - 1, 0)
    progress = output.Progress(total, "checking rows")
    database = open_db(settings)
    try:
        result = import_roster(database, path, settings, now_of(args, settings), progress.update)
    except RosterError as exc:
        progress.done()
        for problem in exc.problems:
            sys.stderr.write(f"{path.name}: {problem}\n")
        sys.stderr.write(f"{path.name}: nothing imported ({len(exc.problems)} problem(s))\n")
        return 2
    progress.done()
    from notifier.outbound import welcome

    welcomed = welcome.queue(database, settings, result.consented, now_of(args, settings))
    say(
        f"imported {path.name}: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged; consent recorded for {result.consent_recorded}, "
        f"withdrawn for {result.consent_withdrawn}; {welcomed} welcome text(s) queued"
    )
    return 0


def cmd_clients_list(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.clients import list_clients

    database = open_db(settings)
    rows = [client_row(c) for c in list_clients(database, args.group)]
    shown = " phones shown" if args.show_phones or args.format == "json" else ""
    audited_read(database, f"clients list{shown}", args, settings)
    if args.format != "json":
        from notifier.core.logs import mask_phone

        for r in rows:  # a terminal table is often on a shared screen
            r["phone"] = r["phone"] if args.show_phones else mask_phone(r["phone"])
    emit(
        args,
        rows,
        ["external_id", "first_name", "phone", "group", "timezone", "opted_out", "discharged_at"],
        tz=settings.timezone,
    )
    return 0


def cmd_clients_discharge(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.clients import discharge

    try:
        canceled = discharge(open_db(settings), args.external_id, now_of(args, settings))
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    say(f"discharged {args.external_id}; {canceled} pending message(s) canceled")
    return 0


def cmd_clients_phase(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.phases import set_phase

    try:
        phase = set_phase(
            open_db(settings), args.client, args.set, settings, now_of(args, settings)
        )
    except (LookupError, ValueError) as exc:
        raise UsageError(f"clients phase: {exc}") from None
    from notifier.staff.audit import record_cli_change

    record_cli_change(open_db(settings), f"clients phase --set {args.set.strip().lower()}",
                      now_of(args, settings), client=args.client)  # fmt: skip
    how = "by the weeks since the start date" if args.set.strip().lower() == "auto" else "set"
    name = phase.name if phase else "-"
    say(f"{args.client}: phase {name} ({how}); check-ins follow it from the next plan")
    return 0


def register(sub: Any) -> None:
    c = sub.add_parser("clients", help="the client roster").add_subparsers(
        dest="clients_command", metavar="SUBCOMMAND", required=True
    )
    ci = c.add_parser("import", help="import or update clients from a roster CSV")
    ci.add_argument(
        "file",
        help="a roster CSV (header: external_id,first_name,phone,group,...), e.g. roster.csv",
    )
    add_now(ci)
    ci.set_defaults(func=cmd_clients_import)
    cl = c.add_parser("list", help="list clients")
    add_group(cl, what=": only its clients")
    cl.add_argument("--show-phones", action="store_true", help="unmasked numbers in the table")
    add_format(cl)
    cl.set_defaults(func=cmd_clients_list)
    cd = c.add_parser("discharge", help="stop all texts to a client who left the program")
    cd.add_argument("external_id", help=CLIENT_HELP)
    add_now(cd)
    cd.set_defaults(func=cmd_clients_discharge)
    cp = c.add_parser(
        "phase", help="set a client's phase (NOTIFIER_PHASES), e.g. --set step-down; auto: by weeks"
    )
    cp.add_argument("--client", required=True, help="the client's external_id, e.g. C001")
    cp.add_argument("--set", required=True, help="a phase name, e.g. step-down, or auto")
    add_now(cp)
    cp.set_defaults(func=cmd_clients_phase)
