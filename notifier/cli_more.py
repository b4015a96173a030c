"""CLI commands for replies, the follow-up list, operations and privacy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def register(sub: Any, fmt: Callable[..., None], now: Callable[..., None]) -> None:
    return None
