"""Loaded only by `make test-clock-ahead` (PYTHONPATH), in every Python process of that run.

libfaketime moves the wall clock a year ahead for the whole process tree (the suite, the CLI
subprocesses, uvicorn, Chromium). Monotonic time stays real (``DONT_FAKE_MONOTONIC=1``) so that
threads, asyncio and timeouts behave, but this libfaketime rejects Python's ``time.sleep``
(``clock_nanosleep`` on an absolute monotonic deadline: EINVAL); a condition-variable wait
sleeps the same time and works.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from typing import Any

_real_sleep = time.sleep


def _sleep(seconds: float) -> None:
    if seconds <= 0:
        return
    threading.Event().wait(seconds)


time.sleep = _sleep


# Chromium and its driver do not run under libfaketime (they hang on their own timers). The
# page's clock is not what this run proves (the server's is), so they start on the real clock.
_BROWSERS = ("chromedriver", "chromium")
_real_init = subprocess.Popen.__init__


def _init(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
    first = args[0] if isinstance(args, (list, tuple)) and args else args
    if isinstance(first, (str, os.PathLike)) and os.path.basename(os.fspath(first)) in _BROWSERS:
        env = dict(kwargs.get("env") or os.environ)
        env.pop("LD_PRELOAD", None)
        env.pop("FAKETIME", None)
        kwargs["env"] = env
    _real_init(self, args, *rest, **kwargs)


subprocess.Popen.__init__ = _init  # type: ignore[method-assign]
