"""The `notifier` command (also `python -m notifier`).

Exit codes: 0 success; 1 a runtime failure (database unreachable, ...); 2 bad input (settings,
arguments, a roster file) -- always with one clear line per problem and nothing changed.

Each command group lives in its own module with a ``register(subparsers)``; this module only
builds the parser from them and maps errors to exit codes.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from notifier.cli import (
    alerts,
    attendance,
    audit,
    clients,
    consent,
    db,
    followup,
    keys,
    loop,
    ops,
    replies,
    sessions,
    staff,
)
from notifier.cli._common import UsageError
from notifier.core.keys import KeysError
from notifier.core.logs import setup_logging
from notifier.core.settings import Settings, SettingsError
from notifier.core.settings_load import load_settings
from notifier.outbound.texts import TemplatesError

__all__ = ["UsageError", "build_parser", "main"]

#: In the order `notifier --help` lists them.
COMMAND_GROUPS = (
    db,
    clients,
    sessions,
    attendance,
    loop,
    ops,
    replies,
    alerts,
    followup,
    keys,
    consent,
    staff,
    audit,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="notifier",
        description="SMS session reminders, coping check-ins and a follow-up list for an IOP.",
    )
    p.add_argument("--env-file", help="settings file (default: ./settings.env if present)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # Everything the service creates (the SQLite file and its -wal/-shm, the key file, reports,
    # exports) is for its owner only, whatever umask it was started with.
    os.umask(0o077)
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
