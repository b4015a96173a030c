"""Attack (finding 9): an exception trace carried SQL parameters into the logs
([parameters: ('Ben', 'C002')]), readable by anyone who can read the logs. Engines hide
parameters, and a filter on the log handler scrubs statements, parameters and row dumps."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from notifier.core.db import Database
from notifier.core.logs import setup_logging
from tests.conftest import TEST_CRYPTO

NAME = "Ben"  # not on a line a traceback quotes


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    setup_logging("json", "DEBUG", stream=stream)
    yield stream
    setup_logging("json", "WARNING")


def test_sql_parameters_of_a_failed_statement_never_reach_the_logs(
    database_url: str, log_output: io.StringIO
) -> None:
    database = Database(database_url, crypto=TEST_CRYPTO)
    try:
        with database.engine.begin() as conn:
            conn.execute(text("CREATE TEMPORARY TABLE probe (name VARCHAR(8) UNIQUE NOT NULL)"))
            conn.execute(text("INSERT INTO probe (name) VALUES (:n)"), {"n": NAME})
            conn.execute(text("INSERT INTO probe (name) VALUES (:n)"), {"n": NAME})
    except SQLAlchemyError:
        logging.getLogger("notifier.test").exception("write failed")
    finally:
        database.dispose()
    out = log_output.getvalue()
    assert "write failed" in out and "IntegrityError" in out
    assert "Ben" not in out


def test_every_engine_hides_parameters(database_url: str) -> None:
    database = Database(database_url, crypto=TEST_CRYPTO)
    try:
        assert database.engine.hide_parameters
    finally:
        database.dispose()


DUMP = """(psycopg.errors.NotNullViolation) null value in column "phone" violates not-null
DETAIL:  Failing row contains (7, Ben, C002, null).
[SQL: INSERT INTO clients (first_name, external_id)
VALUES (%(first_name)s, %(external_id)s)]
[parameters: {'first_name': 'Ben', 'external_id': 'C002'}]
(Background on this error at: https://sqlalche.me/e/20/gkpj)"""


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_sql_dumps_in_any_message_field_or_trace_are_scrubbed(fmt: str) -> None:
    """Whatever logger it comes from (an engine built elsewhere, a driver, a library)."""
    stream = io.StringIO()
    setup_logging(fmt, "DEBUG", stream=stream)
    try:
        log = logging.getLogger("some.library")
        log.error("failed: %s", DUMP)
        log.warning("failed", extra={"detail": DUMP})
        try:
            raise RuntimeError(DUMP)
        except RuntimeError:
            log.exception("failed with a trace")
    finally:
        setup_logging("json", "WARNING")
    out = stream.getvalue()
    for leaked in ("Ben", "C002", "first_name", "Failing row contains ("):
        assert leaked not in out, leaked
    assert "[parameters: hidden]" in out and "NotNullViolation" in out
