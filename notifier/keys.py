"""Where the encryption keys come from, and opening a database with them.

Keys: ``NOTIFIER_ENCRYPTION_KEYS`` (newest first), else the key file (``NOTIFIER_KEY_FILE``;
by default ``<database>.key`` next to a SQLite file, else ``./notifier.key``). The embedded
default (SQLite) generates a key file on first use and says where it is. A database remembers a
canary encrypted with its key, so a missing or wrong key stops start-up with one clear line
instead of failing on the first row it reads, and a missing key is never silently replaced by
a new one once there is data to protect.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from notifier import db as dbmod
from notifier.crypto import Crypto, CryptoError, new_key
from notifier.db import rowcount
from notifier.settings import Settings

log = logging.getLogger(__name__)
CANARY_KEY = "crypto:canary"
CANARY_TEXT = "notifier key check"


class KeysError(Exception):
    """No usable key; ``str()`` is the one line shown to the user."""


def key_file(settings: Settings) -> Path:
    if settings.key_file is not None:
        return Path(settings.key_file)
    if settings.is_sqlite:
        db_path = settings.database_url.split(":///", 1)[-1]
        if db_path and db_path != ":memory:":
            return Path(db_path).expanduser().with_suffix(".key")
    return Path("notifier.key")


def read_key_file(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def write_key_file(path: Path, keys: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(
            "# notifier encryption keys, newest first. Back this file up with the\n"
            "# database: without it, the phone numbers and texts cannot be read.\n"
        )
        fh.write("\n".join(keys) + "\n")
    os.replace(tmp, path)


def _canary(database: dbmod.Database) -> str | None:
    if not inspect(database.engine).has_table("service_state"):
        return None
    with database.engine.connect() as conn:
        value = conn.execute(
            text("SELECT value FROM service_state WHERE key = :k"), {"k": CANARY_KEY}
        ).scalar()
    return None if value is None else str(value)


def _has_clients(database: dbmod.Database) -> bool:
    if not inspect(database.engine).has_table("clients"):
        return False
    with database.engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM clients LIMIT 1")).first() is not None


def load_crypto(settings: Settings, probe: dbmod.Database | None = None) -> Crypto:
    """The keys from settings or the key file; generates one for a new embedded database."""
    try:
        if settings.encryption_keys:
            return Crypto(settings.encryption_keys)
        path = key_file(settings)
        if path.exists():
            return Crypto(read_key_file(path))
    except CryptoError as exc:
        raise KeysError(f"NOTIFIER_ENCRYPTION_KEYS / key file: {exc}") from None
    if probe is not None and _canary(probe) is not None:
        raise KeysError(
            f"the database holds encrypted data but no key was found: set "
            f"NOTIFIER_ENCRYPTION_KEYS or restore the key file {path}"
        )
    if probe is not None and _has_clients(probe):
        # A database from before encryption: its rows are encrypted by the next upgrade, with
        # a key the operator chose (and has backed up), not one made up here.
        raise KeysError(
            f"the database has client data but no encryption key: set "
            f"NOTIFIER_ENCRYPTION_KEYS (or write a key file at {path}) to encrypt it"
        )
    if not settings.is_sqlite:
        raise KeysError(
            "NOTIFIER_ENCRYPTION_KEYS is required with PostgreSQL (the same keys on every "
            "replica); make one with `notifier keys new`"
        )
    key = new_key()
    write_key_file(path, [key])
    log.warning(
        "generated a new encryption key", extra={"event": "keys.generated", "file": str(path)}
    )
    import sys

    sys.stderr.write(
        f"notifier: generated a new encryption key in {path} (mode 600): back it "
        "up with the database; without it nothing stored can be read\n"
    )
    return Crypto([key])


def open_database(settings: Settings, *, migrate: bool = True) -> dbmod.Database:
    """The database with its keys, migrated (unless ``migrate=False``) and key-checked."""
    probe = dbmod.Database(settings.database_url, pool_size=1)
    try:
        crypto = load_crypto(settings, probe)
        canary = _canary(probe)
    finally:
        probe.dispose()
    if canary is not None:
        try:
            if crypto.decrypt(canary) != CANARY_TEXT:
                raise CryptoError("canary mismatch")
        except CryptoError:
            raise KeysError(
                "the configured encryption keys cannot read this database (it was encrypted "
                "with another key): check NOTIFIER_ENCRYPTION_KEYS / NOTIFIER_KEY_FILE"
            ) from None
    database = dbmod.Database(
        settings.database_url, crypto=crypto, pool_size=max(10, settings.send_concurrency + 4)
    )
    if migrate and not dbmod.is_migrated(database):
        dbmod.upgrade(settings.database_url, crypto)
    if canary is None and dbmod.is_migrated(database):
        write_canary(database, crypto)
    return database


def write_canary(database: dbmod.Database, crypto: Crypto, *, replace: bool = False) -> None:
    from notifier.models import ServiceState

    try:
        with database.session() as s:
            row = s.get(ServiceState, CANARY_KEY)
            if row is None:
                s.add(
                    ServiceState(
                        key=CANARY_KEY,
                        value=crypto.encrypt(CANARY_TEXT),
                        updated_at=datetime.now(UTC),
                    )
                )
            elif replace:
                row.value = crypto.encrypt(CANARY_TEXT)
    except IntegrityError:
        pass  # another replica wrote it at the same moment


def canary_present(database: dbmod.Database) -> bool:
    with database.read() as s:
        from notifier.models import ServiceState

        return s.scalar(select(ServiceState.key).where(ServiceState.key == CANARY_KEY)) is not None


# --- rotation ----------------------------------------------------------------------------------
ENCRYPTED = (
    ("clients", ("phone",)),
    ("messages", ("body", "recipient")),
    ("replies", ("body",)),
    ("alerts", ("note",)),
)


def fingerprint(crypto: Crypto) -> str:
    """Names the newest key without revealing it (rotation progress is kept per target key)."""
    return crypto.lookup_hash("notifier key fingerprint")[:12]


def rotate(
    database: dbmod.Database,
    crypto: Crypto,
    *,
    batch: int = 500,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt every stored value under the newest key, in batches.

    Resumable: the last id done per table is kept in the database under the newest key's
    fingerprint, so an interrupted rotation continues where it stopped, and a finished one does
    nothing more. Safe beside a running service: each row is rewritten only if its ciphertext
    is still the one we read (the dispatcher never rewrites bodies; purge may empty them).
    """
    from notifier import state

    fp = fingerprint(crypto)
    done: dict[str, int] = {}
    now = datetime.now(UTC)
    for table, columns in ENCRYPTED:
        cursor_key = f"rotate:{fp}:{table}"
        cursor = int(state.get(database, cursor_key) or 0)
        with database.engine.connect() as conn:
            total = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
            before = int(
                conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE id <= :c"), {"c": cursor}
                ).scalar()
                or 0
            )
        changed = 0
        seen = before
        while True:
            with database.write_lock() as conn:  # BEGIN IMMEDIATE on SQLite
                rows = conn.execute(
                    text(
                        f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > :c "
                        f"ORDER BY id LIMIT :n"
                    ),
                    {"c": cursor, "n": batch},
                ).all()
                for row in rows:
                    values: dict[str, object] = {}
                    for column, token in zip(columns, row[1:], strict=True):
                        if token and not crypto.is_current(token):
                            values[column] = crypto.rotate(token)
                    if table == "clients" and row[1]:
                        values["phone_hash"] = crypto.lookup_hash(crypto.decrypt(row[1]))
                    if not values:
                        continue
                    guard = " AND ".join(f"{c} = :old_{c}" for c in columns if c in values)
                    sets = ", ".join(f"{c} = :{c}" for c in values)
                    params = dict(
                        values,
                        id=row[0],
                        **{f"old_{c}": row[1 + columns.index(c)] for c in columns if c in values},
                    )
                    where = f"id = :id AND {guard}" if guard else "id = :id"
                    changed += rowcount(
                        conn.execute(text(f"UPDATE {table} SET {sets} WHERE {where}"), params)
                    )
            if not rows:
                break
            cursor = int(rows[-1][0])
            seen += len(rows)
            state.put(database, cursor_key, str(cursor), now)
            if progress is not None:
                progress(table, seen, total)
        done[table] = changed
    write_canary(database, crypto, replace=True)
    log.info("keys rotated", extra={"event": "keys.rotate", **done})
    return done
