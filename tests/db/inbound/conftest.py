"""Fixtures shared by the inbound tests that compare runs on databases of their own."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import _truncate


@pytest.fixture
def fresh(database_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Callable[[], str]]:
    """A new empty database each call (a new SQLite file; PostgreSQL truncated): one run of a
    script batched and one one by one must not see each other's rows."""
    made = [0]

    def make() -> str:
        made[0] += 1
        if database_url.startswith("sqlite"):
            path = tmp_path / f"run{made[0]}.db"
            shutil.copy(sqlite_template, path)
            return f"sqlite:///{path}"
        _truncate(database_url)
        return database_url

    yield make
