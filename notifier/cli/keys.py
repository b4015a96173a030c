"""`notifier keys`: encryption keys and their rotation."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from notifier.cli._common import UsageError, open_db, say
from notifier.core import output
from notifier.core.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_keys_new(args: argparse.Namespace, settings: Settings | None) -> int:
    from notifier.core.crypto import new_key

    say(new_key())
    return 0


def cmd_keys_add(args: argparse.Namespace, settings: Settings) -> int:
    """Put a new key first in the key file (then run `keys rotate`)."""
    from notifier.core.crypto import new_key
    from notifier.core.keys import key_file, read_key_file, write_key_file

    if settings.encryption_keys:
        raise UsageError(
            "keys add: keys come from NOTIFIER_ENCRYPTION_KEYS; put a new key "
            "(`notifier keys new`) first in that list instead"
        )
    path = key_file(settings)
    if not path.exists():
        raise UsageError(f"keys add: no key file at {path}")
    write_key_file(path, [new_key(), *read_key_file(path)])
    say(f"added a new key to {path}; now run `notifier keys rotate`")
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.core.keys import rotate

    database = open_db(settings)
    assert database.crypto is not None
    bars: dict[str, output.Progress] = {}

    def progress(table: str, done: int, total: int) -> None:
        bar = bars.setdefault(table, output.Progress(total, f"re-encrypting {table}"))
        bar.update(done)

    changed = rotate(database, database.crypto, batch=args.batch, progress=progress)
    for bar in bars.values():
        bar.done()
    older = len(database.crypto.keys) - 1
    say(
        "re-encrypted under the newest key: "
        + ", ".join(f"{t} {n}" for t, n in changed.items())
        + (f"; the {older} older key(s) can now be removed" if older else "")
    )
    return 0


def register(sub: Any) -> None:
    k = sub.add_parser("keys", help="encryption keys").add_subparsers(
        dest="keys_command", metavar="SUBCOMMAND", required=True
    )
    k.add_parser("new", help="print a new key (for NOTIFIER_ENCRYPTION_KEYS)").set_defaults(
        func=cmd_keys_new, no_settings=True
    )
    k.add_parser("add", help="put a new key first in the key file").set_defaults(func=cmd_keys_add)
    kr = k.add_parser("rotate", help="re-encrypt every row under the newest key (resumable)")
    kr.add_argument(
        "--batch", type=int, default=500, help="rows per transaction, e.g. 1000 (default: 500)"
    )
    kr.set_defaults(func=cmd_keys_rotate)
