"""Engine and session setup for SQLite (embedded default) and PostgreSQL (several replicas).

No global engine: :class:`Database` is built from settings and passed to whoever needs it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import notifier.core.program  # noqa: F401  (its table joins Base.metadata: schema checks, key rotation)
from notifier.core.columns import EncryptedText
from notifier.core.crypto import Crypto

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _migrations_dir() -> Path:
    # Installed as the top-level package "migrations" next to "notifier" (see pyproject).
    try:
        import migrations

        return Path(migrations.__file__).resolve().parent
    except ImportError:  # pragma: no cover - running from a source tree without install
        return MIGRATIONS_DIR


class Database:
    """An engine, a session factory and the few dialect-specific operations we need."""

    def __init__(self, url: str, *, crypto: Crypto | None = None, pool_size: int = 10) -> None:
        self.url = url
        self.crypto = crypto
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = sqlite_path(url)
            if path is not None:
                make_private(path)
            self.engine: Engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                pool_size=pool_size,
                max_overflow=pool_size,
                hide_parameters=True,  # an exception's text must not carry names or numbers
            )
            _configure_sqlite(self.engine, path)
        else:
            self.engine = create_engine(
                url,
                pool_pre_ping=True,  # survive a PostgreSQL restart without a stale-pool error
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_recycle=1800,
                hide_parameters=True,
            )
        # Encrypted columns find their key on the engine's dialect (one per engine, no global).
        self.engine.dialect.notifier_crypto = crypto  # type: ignore[attr-defined]
        # On SQLite a transaction that reads and then writes can fail at once with "database is
        # locked" when another writer committed in between (its snapshot is stale; the busy
        # timeout does not apply). Write transactions therefore take the lock up front.
        writer = (
            self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            if self.is_sqlite_url(url)
            else self.engine
        )
        self.sessions = sessionmaker(writer, expire_on_commit=False)
        self.readers = sessionmaker(self.engine, expire_on_commit=False)
        self._batch = threading.local()  # the shared transaction of batch(), per thread

    @staticmethod
    def is_sqlite_url(url: str) -> bool:
        return make_url(url).get_backend_name() == "sqlite"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.
        Inside :meth:`batch` (same thread), the batch's transaction."""
        shared = self._shared()
        if shared is not None:
            with self._joined(shared) as joined:
                yield joined
            return
        with self.sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (never takes SQLite's write lock). Inside :meth:`batch`
        (same thread), the batch's transaction, so reads see the batch's own writes."""
        shared = self._shared()
        if shared is not None:
            with self._joined(shared) as joined:
                yield joined
            return
        with self.readers() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def batch(self) -> Iterator[Session]:
        """One write transaction for a run of work that would otherwise commit piece by
        piece: every :meth:`session` and :meth:`read` opened in this thread until the block
        ends joins it (reads see what the block wrote; nothing is committed until the end).

        Why: a durable commit per step was most of the inbox worker's cost per reply (three
        per reply on PostgreSQL). Code run inside needs no change, and behaves as it would
        run one piece after another, except that an error inside one piece cannot be rolled
        back alone: when any piece's block ends in an exception (even one its caller
        catches), the whole batch is rolled back and :class:`BatchFailed` raised, and the
        caller does the work again piece by piece."""
        if self._shared() is not None:
            raise RuntimeError("batches do not nest")
        with self.sessions() as session, session.begin():
            self._batch.session, self._batch.failed = session, None
            try:
                yield session
                session.flush()
                if self._batch.failed is not None:
                    raise BatchFailed(self._batch.failed)
            finally:
                self._batch.session = None

    def _shared(self) -> Session | None:
        return getattr(self._batch, "session", None)

    @contextlib.contextmanager
    def _joined(self, shared: Session) -> Iterator[Session]:
        try:
            yield shared
            shared.flush()  # what a commit would have done
        except BaseException as exc:
            self._batch.failed = self._batch.failed or type(exc).__name__
            raise

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[Connection]:
        """A connection in a transaction that holds the write lock from its first statement.

        On SQLite this is ``BEGIN IMMEDIATE``: two workers claiming rows at once serialise here
        instead of both reading the same rows and one failing on upgrade to a write lock.
        PostgreSQL gets a plain transaction; its claims use ``FOR UPDATE SKIP LOCKED``.
        """
        if self._shared() is not None:  # a second writer in this thread would wait for itself
            raise RuntimeError("write_lock() inside a batch")
        conn = self.engine.connect()
        try:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn
        finally:
            conn.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


class BatchFailed(Exception):
    """A piece of a :meth:`Database.batch` ended in an error: nothing of it was committed."""


def bulk_insert_ignore(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING for many rows at once; returns rows inserted.

    The values go through each column's own bind processor (so encryption and UTC storage are
    exactly what the ORM does) and then straight to the driver: for 100,000 planned messages
    this is several times faster than a Core insert, which does the same conversions with
    much more bookkeeping per row. SQLite (3.24+): executemany; PostgreSQL: the rows as
    arrays in one statement (:func:`_unnest`), or COPY for many.
    """
    if not rows:
        return 0
    dialect = conn.dialect
    columns = [c for c in table.columns if c.name in rows[0]]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(c.name for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))}) ON CONFLICT ({key}) DO NOTHING"
    )
    names = [c.name for c in columns]
    converted = _converted(dialect, columns, rows)
    params = list(zip(*converted, strict=True))
    if dialect.name == "sqlite":
        return rowcount(conn.exec_driver_sql(sql, params))
    if len(params) > COPY_THRESHOLD:
        return _copy_insert_ignore(conn, table, names, params, key)
    # PostgreSQL: one statement, one round trip, each column one array (see _unnest: a
    # multi-row VALUES was parsed by psycopg in Python at every call).
    statement = f"{_unnest(dialect, table, columns)} ON CONFLICT ({key}) DO NOTHING"
    return rowcount(conn.exec_driver_sql(statement, tuple(converted)))


def insert_returning(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """INSERT many rows (each with the same keys) in one statement; the ``returning`` columns
    of each row inserted (in no promised order: match them by a key of the row). The values
    go through each column's bind processor, as in :func:`bulk_insert_ignore`. PostgreSQL
    gets each column as one array (:func:`_unnest`); SQLite, SQLAlchemy's insertmanyvalues."""
    if not rows:
        return []
    dialect = conn.dialect
    if dialect.name == "sqlite":
        stmt = table.insert().returning(*(table.c[name] for name in returning))
        return [tuple(r) for r in conn.execute(stmt, list(rows))]
    columns = [c for c in table.columns if c.name in rows[0]]
    sql = f"{_unnest(dialect, table, columns)} RETURNING {', '.join(returning)}"
    params = tuple(_converted(dialect, columns, rows))
    return [tuple(r) for r in conn.exec_driver_sql(sql, params)]


def _unnest(dialect: Any, table: Table, columns: Sequence[Any]) -> str:
    """PostgreSQL: ``INSERT INTO table (columns) SELECT * FROM unnest(%s::type[], ...)``, to
    be given one list per column. The statement is short whatever the row count: psycopg
    converts a statement's ``%s`` marks in Python and caches that only for statements under
    4,096 characters, which a multi-row VALUES of 50 replies or 256 webhook deliveries is
    not (about 4 ms each time, a tenth of a batch's CPU in the inbox drain)."""
    arrays = ", ".join(f"%s::{c.type.compile(dialect=dialect)}[]" for c in columns)
    return (
        f"INSERT INTO {table.name} ({', '.join(c.name for c in columns)}) "
        f"SELECT * FROM unnest({arrays})"
    )


def _converted(
    dialect: Any, columns: Sequence[Any], rows: Sequence[Mapping[str, Any]]
) -> list[list[Any]]:
    """Each column's values, through the column's own bind processor (so encryption and UTC
    storage are exactly what the ORM does): column by column, so a whole column of one time
    (or kind, or status) converts once."""
    # The dialect's own processor (e.g. SQLite's fixed datetime text format, so that stored
    # times compare correctly as strings), wrapped by ours (UTC, encryption).
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = [c.name for c in columns]
    # Times repeat across rows (a whole group shares one due time): convert each once.
    # Encrypted values are never shared: each gets its own random IV.
    memos: list[dict[Any, Any] | None] = [
        None if isinstance(c.type, EncryptedText) or p is None else {}
        for c, p in zip(columns, processors, strict=True)
    ]

    # Column by column: a whole column of one time (or kind, or status) converts once.
    converted: list[list[Any]] = []
    for name, process, memo in zip(names, processors, memos, strict=True):
        values = [row[name] for row in rows]
        if process is not None:
            if memo is not None:
                for value in set(values):
                    memo[value] = None if value is None else process(value)
                values = [memo[value] for value in values]
            else:
                values = [None if value is None else process(value) for value in values]
        converted.append(values)
    return converted


COPY_THRESHOLD = 5000


def _copy_insert_ignore(
    conn: Connection, table: Table, names: list[str], params: list[tuple[Any, ...]], key: str
) -> int:
    """PostgreSQL, many rows: COPY into a temporary table, then one INSERT ... SELECT ... ON
    CONFLICT DO NOTHING. COPY streams rows without a statement per row: for a week of
    100,000 planned messages it is several times faster than executemany."""
    cols = ", ".join(names)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE _bulk_{table.name} (LIKE {table.name} INCLUDING DEFAULTS) "
        "ON COMMIT DROP"
    )
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY _bulk_{table.name} ({cols}) FROM STDIN") as copy:
        for row in params:
            copy.write_row(row)
    return rowcount(
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM _bulk_{table.name} "
            f"ON CONFLICT ({key}) DO NOTHING"
        )
    )


def rowcount(result: object) -> int:
    """Rows an UPDATE/DELETE touched (drivers may report -1 for "unknown": treated as 0)."""
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


# The database file and its -wal and -shm companions hold everything; only the service's own
# user may read them, whatever the umask of whoever created them (a shell, a library caller).
PRIVATE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database or another backend)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def make_private(path: Path) -> None:
    """Create the SQLite file owner-only before SQLite does (it would follow the umask; its
    -wal and -shm then take the file's mode), and tighten one made earlier."""
    path.resolve().parent.mkdir(parents=True, exist_ok=True)
    # Exists already, or cannot be made here: then SQLite's own open says why, as before.
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    tighten(path)


def tighten(path: Path) -> None:
    """chmod 600 the database and its -wal/-shm files where they are looser."""
    for suffix in SQLITE_COMPANIONS:
        companion = Path(f"{path}{suffix}")
        try:
            if os.stat(companion).st_mode & 0o077:
                os.chmod(companion, PRIVATE)
        except FileNotFoundError:
            continue
        except OSError:  # another user's file, a read-only disk: not ours to change
            log.warning("cannot make the database file owner-only", extra={"file": str(companion)})


def _configure_sqlite(engine: Engine, path: Path | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that BEGIN IMMEDIATE works.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        if path is not None:
            tighten(path)  # the -wal and -shm files exist from here on

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


def alembic_config(url: str, crypto: Crypto | None = None) -> Config:
    cfg = Config()
    # Data migrations that encrypt existing rows need the key.
    cfg.attributes["crypto"] = crypto
    cfg.set_main_option("script_location", str(_migrations_dir()))
    # ConfigParser treats "%" as interpolation; URLs with escaped passwords contain it.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, crypto: Crypto | None = None) -> None:
    """Bring the schema to the newest revision (safe to run from several replicas at once)."""
    command.upgrade(alembic_config(url, crypto), "head")


@functools.lru_cache(maxsize=1)
def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def head_revision() -> str | None:
    return _head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_migrated(db: Database) -> bool:
    try:
        return current_revision(db) == head_revision()
    except SQLAlchemyError:
        return False
