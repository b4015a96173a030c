"""Pacing sends to the provider's rate (``NOTIFIER_MAX_SEND_RATE``)."""

from __future__ import annotations

import threading
import time

LATE_WAKE = 0.005  # seconds of a sleeping sender's lateness the rate limiter absorbs


class RateLimiter:
    """Paces the send threads of this process to ``rate`` messages per second.

    Sends get evenly spaced time slots, handed out in order (no bursts: a provider that counts
    sends per sliding second never sees two seconds' worth in one). A thread that wakes a
    little late does not push the whole schedule back; nothing more is ever made up. The pace
    is 3% under the configured rate, so timing jitter between here and the provider does not
    push a second over the limit (a 429).
    """

    MARGIN = 0.97

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / (rate * self.MARGIN)
        self.next_slot = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self, stop: threading.Event | None = None) -> bool:
        """Wait for this send's slot; False when ``stop`` was set meanwhile."""
        with self.lock:
            now = time.monotonic()
            # A thread woken a few milliseconds late does not push the schedule back; but
            # after a pause nothing is "made up" beyond that, or two sends would bunch.
            slot = max(self.next_slot, now - min(self.interval / 2, LATE_WAKE))
            self.next_slot = slot + self.interval
        wait = slot - time.monotonic()
        if wait <= 0:
            return True
        if stop is not None:
            return not stop.wait(wait)
        time.sleep(wait)
        return True
