"""`notifier staff`: staff accounts for the web pages (add, list, disable, enable, reset).

A new or reset account gets a one-time link (NOTIFIER_PUBLIC_URL + /setup/<token>, valid 24
hours, single use) where the person chooses a password; ``--password-stdin`` sets it from
standard input instead (scripts, tests; at least 12 characters). ``disable`` refuses the account
at once and ends its sessions; ``enable`` lets it sign in again with the password and
authenticator it had (no session comes back; an account without a password needs ``reset``).
Every change is audited.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from notifier.cli._common import (
    BY_HELP,
    UsageError,
    add_format,
    emit,
    group_names,
    now_of,
    open_db,
    say,
)
from notifier.core.settings import Settings
from notifier.staff.accounts import SETUP_LINK_VALID, StaffError, setup_url

LIST_COLUMNS = (
    "email",
    "name",
    "role",
    "groups",
    "active",
    "mfa_enrolled",
    "created_at",
    "last_sign_in_at",
    "lockouts_24h",
    "last_lockout_at",
)


def _stdin_password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


def _link(settings: Settings, token: str, email: str) -> None:
    hours = int(SETUP_LINK_VALID.total_seconds() // 3600)
    say(f"one-time link for {email} (valid {hours} h, single use): {setup_url(settings, token)}")
    if not settings.public_url:
        say("  (NOTIFIER_PUBLIC_URL is not set: put the address staff use for notifier first)")


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.staff import accounts as staff

    try:
        email = staff.normalize_email(args.email)
        groups = staff.parse_groups(args.groups, settings)
        password = _stdin_password(args)
        if password is not None:
            staff.check_password(password, (email, args.name))
        token = staff.add(open_db(settings), settings, email=email, name=args.name,
                          role=args.role, groups=groups, now=now_of(args, settings),
                          password=password)  # fmt: skip
    except StaffError as exc:
        raise UsageError(f"staff add: {exc}") from None
    say(f"added {args.role} {email}" + (f" (groups: {','.join(groups)})" if groups else ""))
    if token is not None:
        _link(settings, token, email)
    return 0


def cmd_staff_list(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.staff import accounts as staff
    from notifier.staff.audit import lockouts

    db = open_db(settings)
    locked = {x.staff_id: x for x in lockouts(db, now_of(args, settings))}
    rows = [
        {
            "email": s.email,
            "name": s.name,
            "role": s.role,
            "groups": list(s.group_names) if args.format == "json" else ",".join(s.group_names),
            "active": s.active,
            "mfa_enrolled": s.totp_enabled,
            "created_at": s.created_at,
            "last_sign_in_at": s.last_sign_in_at,
            # Sign-in attempts the throttle refused in the last 24 hours (someone guessing).
            "lockouts_24h": locked[s.id].count if s.id in locked else 0,
            "last_lockout_at": locked[s.id].last_at if s.id in locked else None,
        }
        for s in staff.list_all(db)
    ]
    emit(args, rows, LIST_COLUMNS, tz=settings.timezone)
    return 0


def cmd_staff_disable(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.staff import accounts as staff

    try:
        staff.disable(open_db(settings), args.email, now_of(args, settings))
    except StaffError as exc:
        raise UsageError(f"staff disable: {exc}") from None
    say(f"disabled {args.email.strip().lower()}; their sessions are ended")
    return 0


def cmd_staff_enable(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.staff import accounts as staff

    try:
        found = staff.enable(open_db(settings), args.email, now_of(args, settings))
    except StaffError as exc:
        raise UsageError(f"staff enable: {exc}") from None
    if found.was_active:
        say(f"{found.email} is already active; nothing changed")
    elif found.has_password:
        say(f"enabled {found.email}: the same password and authenticator; no session comes back")
    else:
        # disable dropped any unused set-up link, so only a new one lets them in.
        say(f"enabled {found.email}, but it has no password yet: "
            f"`notifier staff reset {found.email}` prints a set-up link")  # fmt: skip
    return 0


def cmd_staff_reset(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.staff import accounts as staff

    try:
        password = _stdin_password(args)
        token = staff.reset(open_db(settings), args.email, now_of(args, settings), password)
    except StaffError as exc:
        raise UsageError(f"staff reset: {exc}") from None
    email = args.email.strip().lower()
    say(f"reset {email}: password and authenticator cleared, sessions ended")
    if token is not None:
        _link(settings, token, email)
    return 0


def register(sub: Any) -> None:
    st = sub.add_parser("staff", help="staff accounts for the web pages").add_subparsers(
        dest="staff_command", metavar="SUBCOMMAND", required=True
    )
    a = st.add_parser("add", help="add an account and print its one-time set-up link")
    a.add_argument("email", help="their e-mail, the sign-in name, e.g. lee@clinic.example")
    a.add_argument(
        "--name", required=True, help="the person's name, shown on the pages, e.g. 'Lee Park'"
    )
    a.add_argument("--role", choices=("facilitator", "admin"), default="facilitator",
                   help="a facilitator sees their --groups; an admin sees every group")  # fmt: skip
    a.add_argument(
        "--groups", type=group_names,
        help="comma-separated groups from NOTIFIER_GROUPS, any case, e.g. evening,morning",
    )  # fmt: skip
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password (at least 12 characters) from standard input "
                   "instead of printing a set-up link")  # fmt: skip
    a.add_argument("--now", help=argparse.SUPPRESS)
    a.set_defaults(func=cmd_staff_add)
    ls = st.add_parser("list", help="every account, with sign-in lock-outs of the last 24 hours")
    add_format(ls)
    ls.add_argument("--now", help=argparse.SUPPRESS)
    ls.set_defaults(func=cmd_staff_list)
    d = st.add_parser("disable", help="refuse the account at once and end its sessions")
    d.add_argument("email", help=BY_HELP.replace("an active", "a"))
    d.add_argument("--now", help=argparse.SUPPRESS)
    d.set_defaults(func=cmd_staff_disable)
    e = st.add_parser("enable", help="let a disabled account sign in again (same credentials)")
    e.add_argument("email", help=BY_HELP.replace("an active", "a disabled"))
    e.add_argument("--now", help=argparse.SUPPRESS)
    e.set_defaults(func=cmd_staff_enable)
    r = st.add_parser("reset", help="clear password and authenticator; print a new set-up link")
    r.add_argument("email", help=BY_HELP.replace("an active", "a"))
    r.add_argument("--password-stdin", action="store_true",
                   help="read the new password from standard input instead")  # fmt: skip
    r.add_argument("--now", help=argparse.SUPPRESS)
    r.set_defaults(func=cmd_staff_reset)
