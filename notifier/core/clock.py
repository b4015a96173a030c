"""The one place the wall clock is read.

Pure logic takes ``now`` as an argument; entry points (CLI, HTTP, jobs) and long-lived workers
ask for the time here. Keeping every read in one function gives the test suite one seam: it runs
with this clock moved far ahead of any fixed date a test passes, so a component that mixes the
caller's ``now`` with the wall clock fails at once instead of on some future calendar day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def _wall() -> datetime:
    return datetime.now(UTC)


_source: Clock = _wall


def utcnow() -> datetime:
    """The current instant, aware UTC."""
    return _source()


@contextmanager
def using(source: Clock) -> Iterator[None]:
    """Read the time from ``source`` instead of the wall clock (the test suite's guard; the
    service itself never calls this)."""
    global _source
    before, _source = _source, source
    try:
        yield
    finally:
        _source = before
