"""Alembic environment: the URL comes from notifier's settings (or the caller's Config)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from notifier.core.db import make_private, sqlite_path
from notifier.core.models import Base

config = context.config
target_metadata = Base.metadata

# Several replicas may start at once and all run `upgrade`; on PostgreSQL they take turns
# through this advisory lock (an arbitrary constant that names "notifier migrations").
MIGRATION_LOCK = 0x6E6F7469


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from notifier.core.settings import load_settings

        url = load_settings().database_url
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    path = sqlite_path(_url())
    if path is not None:
        make_private(path)  # a first `db upgrade` creates the file: owner-only from the start
    engine = create_engine(_url(), poolclass=pool.NullPool, hide_parameters=True)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            conn.commit()
        try:
            # render_as_batch: SQLite cannot ALTER most things, so Alembic rebuilds tables.
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                conn.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
