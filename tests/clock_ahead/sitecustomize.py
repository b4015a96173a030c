"""Loaded only by `make test-clock-ahead` (PYTHONPATH), in every Python process of that run.

libfaketime moves the wall clock a year ahead for the whole process tree (the suite, the CLI
subprocesses, uvicorn, Chromium). Monotonic time stays real (``DONT_FAKE_MONOTONIC=1``) so that
threads, asyncio and timeouts behave, but this libfaketime rejects Python's ``time.sleep``
(``clock_nanosleep`` on an absolute monotonic deadline: EINVAL); a condition-variable wait
sleeps the same time and works.
"""

from __future__ import annotations

import threading
import time

_real_sleep = time.sleep


def _sleep(seconds: float) -> None:
    if seconds <= 0:
        return
    threading.Event().wait(seconds)


time.sleep = _sleep
