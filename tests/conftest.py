"""Shared fixtures: settings built per test, and the same database tests on SQLite and on a
real PostgreSQL (``NOTIFIER_TEST_POSTGRES_URL``). ``.ci/run`` sets ``NOTIFIER_REQUIRE_POSTGRES=1``,
which turns a skipped PostgreSQL test into a failure; ``NOTIFIER_REQUIRE_BROWSER=1`` does the same
for the real-browser tests (tests/browser)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from notifier.core import clock
from notifier.core import db as dbmod
from notifier.core.crypto import Crypto
from notifier.core.models import Base
from notifier.core.settings import Settings

PG_ENV = "NOTIFIER_TEST_POSTGRES_URL"
ROOT = Path(__file__).resolve().parents[1]
# A fixed test key, so every Database and Service a test builds can read what the others wrote.
TEST_KEY = "3q2zPBc9xqN_a9xYpQhqz7bY0bq1mD6Yv0vK8o9jW5c="
TEST_CRYPTO = Crypto([TEST_KEY])
# Every table the models define (a hand-kept list once missed one, and rows leaked between
# PostgreSQL tests).
TABLES = tuple(t.name for t in Base.metadata.sorted_tables)


# The wall clock as the service reads it (notifier.core.clock) runs this far ahead during the
# whole suite. A test that passes a fixed `now` while a component also reads the wall clock then
# fails today, every day, instead of on the calendar day the two drift apart. Time frozen by
# freezegun is left as frozen.
CLOCK_AHEAD = timedelta(days=400)


def _ahead() -> datetime:
    import datetime as real

    from freezegun.api import FakeDatetime

    now = real.datetime.now(UTC)
    return now if isinstance(now, FakeDatetime) else now + CLOCK_AHEAD


@pytest.fixture(autouse=True)
def _wall_clock_ahead() -> Iterator[None]:
    with clock.using(_ahead):
        yield


@pytest.hookimpl(tryfirst=True)  # before `-m postgres` selects on the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if (
        os.environ.get("NOTIFIER_REQUIRE_POSTGRES") == "1"
        and report.skipped
        and item.get_closest_marker("postgres") is not None
    ):
        report.outcome = "failed"
        report.longrepr = "PostgreSQL test skipped but NOTIFIER_REQUIRE_POSTGRES=1 (CI)"
    if (
        os.environ.get("NOTIFIER_REQUIRE_BROWSER") == "1"
        and report.skipped
        and item.get_closest_marker("browser") is not None
    ):
        report.outcome = "failed"
        report.longrepr = "browser test skipped but NOTIFIER_REQUIRE_BROWSER=1 (CI)"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No NOTIFIER_*/TWILIO_* from the developer's shell or ./settings.env leaks into a test."""
    for key in list(os.environ):
        if (
            key.startswith("NOTIFIER_")
            and not key.startswith("NOTIFIER_TEST_")
            and key
            not in (
                "NOTIFIER_REQUIRE_POSTGRES",
                "NOTIFIER_REQUIRE_CONTRACT",
                "NOTIFIER_REQUIRE_BROWSER",
                "NOTIFIER_SCREENSHOT_DIR",
                "NOTIFIER_DOCS_SCREENSHOTS",
                "NOTIFIER_PRISM_BIN",
                "NOTIFIER_TWILIO_SPEC",
            )
        ) or (key.startswith("TWILIO_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)


# --- PostgreSQL: one scratch database per test session -------------------------------------
@pytest.fixture(scope="session")
def pg_url() -> Iterator[str | None]:
    url = os.environ.get(PG_ENV)
    if not url:
        yield None
        return
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    name = f"notifier_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = make_url(url).set(database=name).render_as_string(hide_password=False)
    dbmod.upgrade(scratch)
    try:
        yield scratch
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    dbmod.upgrade(f"sqlite:///{path}")
    return path


def _truncate(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        existing = {
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        }
        names = [t for t in TABLES if t in existing]
        if names:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, pg_url: str | None
) -> str:
    """The URL of an empty, migrated database; each test runs once per backend."""
    if request.param == "sqlite":
        path = tmp_path / "notifier.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    if pg_url is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    _truncate(pg_url)
    return pg_url


@pytest.fixture
def database(database_url: str) -> Iterator[dbmod.Database]:
    d = dbmod.Database(database_url, crypto=TEST_CRYPTO)
    yield d
    d.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "notifier.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


# --- settings ------------------------------------------------------------------------------
BASE_SETTINGS: dict[str, Any] = {
    "sms_backend": "console",
    "timezone": "America/New_York",
    "groups": "evening: mon,wed,thu 18:00-21:00 @ Suite 200; morning: tue,thu,fri 09:00-12:00",
    "reminder_offsets": "24h,2h",
    "checkin_days": "non-session",
    "checkin_time": "12:00",
    "quiet_hours": "21:00-08:00",
    "oncall_numbers": "(312) 555-0190",
    "program_phone": "(312) 555-0100",
    "staff_token": "Xk2vQp9LmZ4rT7wB1nYc8HsJd3FgA6eUq0Wt",
    "retry_backoff": "30s",
    "send_concurrency": 4,
    "log_format": "json",
    "encryption_keys": TEST_KEY,
}


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values = {"database_url": "sqlite:///unused.db", **BASE_SETTINGS, **overrides}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture
def env_file(tmp_path: Path, sqlite_url: str) -> Path:
    """The example settings a user starts from (settings.example.env), on this test's SQLite
    database, with the suite's key (so the test can read what the CLI wrote) and JSON logs."""
    env = tmp_path / "settings.env"
    example = (ROOT / "settings.example.env").read_text()
    replaced = {
        "NOTIFIER_DATABASE_URL=sqlite:///notifier.db": f"NOTIFIER_DATABASE_URL={sqlite_url}",
        "NOTIFIER_ENCRYPTION_KEYS=": f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}",
        "NOTIFIER_LOG_FORMAT=auto": "NOTIFIER_LOG_FORMAT=json",
    }
    lines = [replaced.get(line, line) for line in example.splitlines()]
    # A renamed line in the example would leave a test on the wrong database: fail loudly.
    missing = [line for line in replaced if line not in example.splitlines()]
    assert not missing, f"settings.example.env no longer has {missing}"
    env.write_text("\n".join(lines) + "\n")
    return env


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
