"""`notifier consent`: consent records for audits, and support persons' written consent."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from notifier.cli._common import (
    UsageError,
    add_now,
    audited_read,
    now_of,
    open_db,
    say,
    write_output,
)
from notifier.core import grammar, output
from notifier.core.settings import Settings

COLUMNS = ["external_id", "event", "at", "source"]
# A support person's consent record (42 CFR Part 2 §2.31: who, purpose, expiry, revocation).
SUPPORT_COLUMNS = [
    "support_id", "support_name", "relationship", "support_phone", "purpose", "signed_on",
    "expires_on", "revoked_at",
]  # fmt: skip


def cmd_consent_export(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.consent import events
    from notifier.roster.support import records

    database = open_db(settings)
    rows: list[dict[str, Any]] = [
        {"external_id": e, "event": ev, "at": at, "source": src}
        for e, ev, at, src in events(database)
    ]
    n_events = len(rows)
    for ext, p in records(database):
        rows.append(
            {
                "external_id": ext, "event": "support_record", "at": p.recorded_at,
                "source": p.source, "support_id": p.id, "support_name": p.name,
                "relationship": p.relationship or "", "support_phone": p.phone,
                "purpose": p.purpose, "signed_on": p.signed_on,
                "expires_on": p.expires_on or "", "revoked_at": p.revoked_at or "",
            }
        )  # fmt: skip
    audited_read(database, "consent export", args, settings)
    # The support columns only once there is a support person: exports without stay as before.
    text = output.csv_text(rows, COLUMNS + (SUPPORT_COLUMNS if len(rows) > n_events else []))
    if args.output:
        path = write_output(args.output, text)
        sys.stderr.write(f"wrote {len(rows)} consent event(s) to {path}\n")
    else:
        sys.stdout.write(output.printable(text, keep="\r\n\t"))
    return 0


def _day(value: str | None, flag: str) -> Any:
    if not value:
        return None
    try:
        return grammar.parse_dates(value)[0]
    except (ValueError, IndexError):
        raise UsageError(f"{flag}: expected YYYY-MM-DD, got {value!r}") from None


def cmd_support_add(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.support import NewSupport, add

    new = NewSupport(
        name=args.name, phone=args.phone, purpose=args.purpose,
        signed_on=_day(args.signed, "--signed"), expires_on=_day(args.expires, "--expires"),
        relationship=args.relationship,
    )  # fmt: skip
    try:
        row = add(open_db(settings), args.client, new, settings, now_of(args, settings))
    except (LookupError, ValueError) as exc:
        raise UsageError(f"consent support-add: {exc}") from None
    until = row.expires_on.isoformat() if row.expires_on else "revoked"
    say(
        f"support person {row.id} recorded for {args.client}: written consent signed "
        f"{row.signed_on.isoformat()}, until {until}; family sessions remind them too"
    )
    return 0


def cmd_support_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.roster.support import revoke

    try:
        row, canceled = revoke(open_db(settings), args.id, now_of(args, settings))
    except LookupError as exc:
        raise UsageError(f"consent support-revoke: {exc}") from None
    say(f"support person {row.id}: consent revoked; {canceled} pending text(s) canceled")
    return 0


def register(sub: Any) -> None:
    c = sub.add_parser("consent", help="consent records").add_subparsers(
        dest="consent_command", metavar="SUBCOMMAND", required=True
    )
    ce = c.add_parser("export", help="every consent event and support person's consent as CSV")
    ce.add_argument(
        "--output",
        help="write to this file (mode 600; an existing file is replaced, a symlink refused)",
    )
    ce.set_defaults(func=cmd_consent_export)
    sa = c.add_parser(
        "support-add",
        help="record a support person with the client's written 42 CFR Part 2 consent",
    )
    sa.add_argument("--client", required=True, help="the client's external_id, e.g. C001")
    sa.add_argument("--name", required=True, help="the support person's name, e.g. 'Rosa Diaz'")
    sa.add_argument("--phone", required=True, help="their number, e.g. +13125550142")
    sa.add_argument("--relationship", help="e.g. sister")
    sa.add_argument(
        "--purpose", required=True, help="as written on the form, e.g. 'family session reminders'"
    )
    sa.add_argument("--signed", required=True, help="the date the client signed, YYYY-MM-DD")
    sa.add_argument("--expires", help="the expiry on the form, YYYY-MM-DD (default: until revoked)")
    add_now(sa)
    sa.set_defaults(func=cmd_support_add)
    sr = c.add_parser(
        "support-revoke", help="revoke a support person's consent: their pending texts stop now"
    )
    sr.add_argument("id", type=int, help="the support person's id (consent export), e.g. 3")
    add_now(sr)
    sr.set_defaults(func=cmd_support_revoke)
