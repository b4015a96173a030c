"""Column types every table shares: aware UTC datetimes and text encrypted at rest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import DateTime, Dialect, Text, TypeDecorator

from notifier.core.crypto import Crypto


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out; stored naive-UTC on SQLite, timestamptz on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text (e.g. from a RETURNING clause)
            value = datetime.fromisoformat(value)
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token. The key travels with the engine (``dialect``), set by
    :class:`notifier.core.db.Database`; an engine without one refuses to read or write these
    columns, so plaintext can never be written by mistake. The empty string (a purged body) is
    kept as is.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or value == "":
            return value
        return _crypto(dialect).encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value == "":
            return ""
        return _crypto(dialect).decrypt(str(value))


def _crypto(dialect: Dialect) -> Crypto:
    crypto = getattr(dialect, "notifier_crypto", None)
    if crypto is None:
        raise RuntimeError("this database engine has no encryption key (see notifier.core.keys)")
    return cast(Crypto, crypto)
