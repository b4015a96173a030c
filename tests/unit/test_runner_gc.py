"""`notifier run` tunes the garbage collector before it serves (see notifier.runner)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from notifier.runner import GC_THRESHOLDS, tune_gc


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restore_gc")
def test_tune_gc_freezes_startup_objects_and_collects_less_often() -> None:
    gc.unfreeze()
    tune_gc()
    assert gc.get_threshold() == GC_THRESHOLDS
    assert GC_THRESHOLDS[0] > 700  # less often than CPython's default first generation
    # Objects alive at start-up are out of the collector's way: a full collection skips them.
    assert gc.get_freeze_count() > 1000
