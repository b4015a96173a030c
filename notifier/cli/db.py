"""`notifier db`: the schema."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from notifier.cli._common import open_db, say
from notifier.core import db as dbmod
from notifier.core.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    database = open_db(settings)
    say(f"database at revision {dbmod.current_revision(database)} (head)")
    database.dispose()
    return 0


def register(sub: Any) -> None:
    d = sub.add_parser("db", help="database administration").add_subparsers(
        dest="db_command", metavar="SUBCOMMAND", required=True
    )
    d.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)
