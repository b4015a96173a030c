"""Where the encryption keys come from, and opening a database with them.

Keys: ``NOTIFIER_ENCRYPTION_KEYS`` (newest first), else the key file (``NOTIFIER_KEY_FILE``;
by default ``<database>.key`` next to a SQLite file, else ``./notifier.key``). The embedded
default (SQLite) generates a key file on first use and says where it is. With real texts
(``NOTIFIER_SMS_BACKEND=twilio``) the key must be kept apart from the data: a key file in the
database's directory or the image's data volume is refused, since a copy of the data would
carry its own key (docs/data-at-rest.md). A database remembers a
canary encrypted with its key, so a missing or wrong key stops start-up with one clear line
instead of failing on the first row it reads, and a missing key is never silently replaced by
a new one once there is data to protect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, inspect, select, text
from sqlalchemy.exc import IntegrityError

from notifier.core import db as dbmod
from notifier.core.clock import utcnow
from notifier.core.crypto import Crypto, CryptoError, new_key
from notifier.core.db import rowcount
from notifier.core.settings import Settings

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


# The container image's data volume (Dockerfile: VOLUME /data): a copy of it must not carry
# the key that opens it.
DATA_VOLUMES = (Path("/data"),)
KEEP_APART = (
    "with NOTIFIER_SMS_BACKEND=twilio the key must be kept apart from the data (a copy of the "
    "data must not carry its own key): set NOTIFIER_ENCRYPTION_KEYS, or NOTIFIER_KEY_FILE to a "
    "mounted secret such as /run/secrets/notifier.key"
)


def refuse_key_beside_data(
    path: Path, database: Path | None, *, volumes: tuple[Path, ...] = DATA_VOLUMES
) -> None:
    """Raise KeysError if the key file is in the SQLite database's directory (or below it) or
    in a data volume. Symlinks are resolved: a link elsewhere to a key beside the data counts
    as beside the data."""
    key = path.expanduser().resolve()
    places = [v.resolve() for v in volumes]
    if database is not None:
        places.append(database.expanduser().resolve().parent)
    for place in places:
        if key == place or place in key.parents:
            raise KeysError(f"NOTIFIER_KEY_FILE: {path} is inside {place}, with the data; " +
                            KEEP_APART)  # fmt: skip


def _check_key_location(settings: Settings, path: Path) -> None:
    if not settings.real_sms:
        return  # the console backend (local use, demos) may keep its key beside SQLite
    if settings.key_file is None:
        raise KeysError(f"NOTIFIER_KEY_FILE: not set, and the default {path} sits beside the "
                        "database; " + KEEP_APART)  # fmt: skip
    database = dbmod.sqlite_path(settings.database_url) if settings.is_sqlite else None
    refuse_key_beside_data(path, database)


def _check_key_mode(settings: Settings, path: Path) -> None:
    """With real texts the key file must be readable by its owner only: a key others on the
    host can read is a copied database's key (a mounted secret: mode 0400 or 0600, owned by
    the service's user)."""
    if settings.sms_backend != "twilio":
        return  # the console backend writes its own key 0600; a trial may keep what it has
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeysError(
            f"NOTIFIER_KEY_FILE: {path} has mode {mode:o}, readable by others than its owner; "
            "run chmod 600 on it (or mount the secret with mode 0400)"
        )


def read_key_file(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Owner-only from the first byte, atomically, never through a symlink planted at the path
    or at a temporary name (the one private-file writer,
    :func:`notifier.core.output.write_private`)."""
    from notifier.core.output import OutputError, write_private

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = (
        "# notifier encryption keys, newest first. Back this file up apart from the\n"
        "# database: without it, the names, phone numbers and texts cannot be read.\n"
        + "\n".join(keys)
        + "\n"
    )
    try:
        write_private(path, text)
    except OutputError as exc:
        raise KeysError(f"NOTIFIER_KEY_FILE: {exc}") from None


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
        _check_key_location(settings, path)
        if path.exists():
            _check_key_mode(settings, path)
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
    if settings.key_file is not None:
        # A key file someone named is one they made and keep apart (the image names the
        # mounted secret): it is never invented, which would put a new key wherever it points.
        raise KeysError(
            f"NOTIFIER_KEY_FILE: {path} does not exist; make a key with `notifier keys new`, "
            "keep it apart from the data and put it there (or set NOTIFIER_ENCRYPTION_KEYS)"
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
    from notifier.core.models import ServiceState

    try:
        with database.session() as s:
            row = s.get(ServiceState, CANARY_KEY)
            if row is None:
                s.add(
                    ServiceState(
                        key=CANARY_KEY,
                        value=crypto.encrypt(CANARY_TEXT),
                        updated_at=utcnow(),
                    )
                )
            elif replace:
                row.value = crypto.encrypt(CANARY_TEXT)
    except IntegrityError:
        pass  # another replica wrote it at the same moment


def canary_present(database: dbmod.Database) -> bool:
    with database.read() as s:
        from notifier.core.models import ServiceState

        return s.scalar(select(ServiceState.key).where(ServiceState.key == CANARY_KEY)) is not None


# --- rotation ----------------------------------------------------------------------------------
def encrypted_columns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every table with encrypted columns, and those columns, read off the models: a table
    added later is rotated without anyone having to remember it here."""
    from notifier.core.columns import EncryptedText
    from notifier.core.models import Base

    found = []
    for table in Base.metadata.sorted_tables:
        columns = tuple(c.name for c in table.columns if isinstance(c.type, EncryptedText))
        if columns:
            found.append((table.name, columns))
    return tuple(found)


ENCRYPTED = encrypted_columns()
# Keyed hashes kept beside an encrypted value (hash column -> its value's column and how it is
# hashed): recomputed under the newest key as the value is re-encrypted.
HASHED: dict[str, dict[str, tuple[str, Callable[[Crypto, str], str]]]] = {
    "clients": {
        "phone_hash": ("phone", Crypto.lookup_hash),
        "external_id_hash": ("external_id", Crypto.external_id_hash),
    },
    # An unknown sender's number while it is kept (72 h); later messages are matched under
    # every configured key, as replies' from_ref are.
    "alerts": {"sender_ref": ("sender", Crypto.lookup_hash)},
}


def _rotate_row(
    conn: Connection, crypto: Crypto, table: str, columns: tuple[str, ...], row: Row[Any]
) -> int:
    """Re-encrypt one row's values (and recompute its hashes) under the newest key, if its
    ciphertext is still what was read. Returns 1 if the row was rewritten."""
    tokens: dict[str, str | None] = dict(zip(columns, row[1:], strict=True))
    values: dict[str, object] = {
        column: crypto.rotate(token)
        for column, token in tokens.items()
        if token and not crypto.is_current(token)
    }
    for hash_column, (source, hashed) in HASHED.get(table, {}).items():
        token = tokens[source]
        if token:
            values[hash_column] = hashed(crypto, crypto.decrypt(token))
    if not values:
        return 0
    guarded = [c for c in columns if c in values]
    where = " AND ".join(["id = :id", *(f"{c} = :old_{c}" for c in guarded)])
    sets = ", ".join(f"{c} = :{c}" for c in values)
    params = dict(values, id=row[0], **{f"old_{c}": tokens[c] for c in guarded})
    return rowcount(conn.execute(text(f"UPDATE {table} SET {sets} WHERE {where}"), params))


def _lock_batch(
    conn: Connection, is_sqlite: bool, table: str, columns: tuple[str, ...], cursor: int, n: int
) -> tuple[list[int], list[Row[Any]]]:
    """The ids of the next ``n`` rows after ``cursor``, and those of them this transaction holds.

    SQLite: all of them (``BEGIN IMMEDIATE`` already excludes every other writer). PostgreSQL:
    ``FOR UPDATE SKIP LOCKED``, so a batch never waits for a row while holding others. A
    dispatcher marking its batch sent locks rows in its own order; a rotation that held rows
    5-9 and waited for 10 while the dispatcher held 10 and wanted 5 was a deadlock (seen in CI).
    """
    listed = ", ".join(columns)
    if is_sqlite:
        rows = conn.execute(
            text(f"SELECT id, {listed} FROM {table} WHERE id > :c ORDER BY id LIMIT :n"),
            {"c": cursor, "n": n},
        ).all()
        return [int(row[0]) for row in rows], list(rows)
    ids = [
        int(i)
        for i in conn.execute(
            text(f"SELECT id FROM {table} WHERE id > :c ORDER BY id LIMIT :n"),
            {"c": cursor, "n": n},
        ).scalars()
    ]
    if not ids:
        return [], []
    rows = conn.execute(
        text(
            f"SELECT id, {listed} FROM {table} WHERE id = ANY(:ids) ORDER BY id "
            "FOR UPDATE SKIP LOCKED"
        ),
        {"ids": ids},
    ).all()
    return ids, list(rows)


def _rotate_one(
    database: dbmod.Database, crypto: Crypto, table: str, columns: tuple[str, ...], row_id: int
) -> int:
    """A row another transaction held when its batch ran: wait for it alone, in a transaction
    that holds nothing else, so the wait cannot be part of a deadlock."""
    with database.write_lock() as conn:
        row = conn.execute(
            text(f"SELECT id, {', '.join(columns)} FROM {table} WHERE id = :id FOR UPDATE"),
            {"id": row_id},
        ).first()
        return 0 if row is None else _rotate_row(conn, crypto, table, columns, row)


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
    is still the one we read (the dispatcher never rewrites bodies; purge may empty them), and
    rotation never waits for a row lock while it holds another (see ``_lock_batch``).
    """
    from notifier.core import state

    fp = fingerprint(crypto)
    done: dict[str, int] = {}
    now = utcnow()
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
                ids, rows = _lock_batch(conn, database.is_sqlite, table, columns, cursor, batch)
                for row in rows:
                    changed += _rotate_row(conn, crypto, table, columns, row)
            if not ids:
                break
            for row_id in sorted(set(ids) - {int(row[0]) for row in rows}):
                changed += _rotate_one(database, crypto, table, columns, row_id)
            cursor = ids[-1]
            seen += len(ids)
            state.put(database, cursor_key, str(cursor), now)
            if progress is not None:
                progress(table, seen, total)
        done[table] = changed
    write_canary(database, crypto, replace=True)
    log.info("keys rotated", extra={"event": "keys.rotate", **done})
    return done
