"""Pacing sends to the provider's rate (``NOTIFIER_MAX_SEND_RATE``)."""

from __future__ import annotations

import threading
import time
from collections import Counter

LATE_WAKE = 0.005  # seconds of a sleeping sender's lateness the rate limiter absorbs
STOP_POLL = 0.05  # seconds at most between looks at the stop event while waiting

# Who goes first when several senders wait for a slot: a life may hang on the first (the
# 988/911 reply, the on-call page and call), the second answers a person who just wrote (an
# acknowledgement), the third was planned (reminders, check-ins) and can wait a moment.
URGENT, ANSWER, BULK = 0, 1, 2


class RateLimiter:
    """Paces the send threads of this process to ``rate`` messages per second.

    Sends get evenly spaced time slots (no bursts: a provider that counts sends per sliding
    second never sees two seconds' worth in one). A thread that wakes a little late does not
    push the whole schedule back; nothing more is ever made up. The pace is 3% under the
    configured rate, so timing jitter between here and the provider does not push a second
    over the limit (a 429).

    A slot goes to a waiting sender of the highest priority. Slots used to be handed out in
    the order senders asked, each reserved ahead: at a noon's cap every one of the dispatch
    job's send threads held a slot ahead of a 988/911 reply (16 at the noon benchmark's
    concurrency), and the two answer threads got 2 slots in 18.
    """

    MARGIN = 0.97

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / (rate * self.MARGIN)
        self.next_slot = time.monotonic()
        self.changed = threading.Condition()
        self.waiting: Counter[int] = Counter()  # priority -> senders waiting for a slot

    def acquire(self, stop: threading.Event | None = None, priority: int = BULK) -> bool:
        """Wait for a slot; False when ``stop`` was set meanwhile."""
        with self.changed:
            self.waiting[priority] += 1
            try:
                while stop is None or not stop.is_set():
                    now = time.monotonic()
                    # A thread woken a few milliseconds late does not push the schedule back;
                    # but after a pause nothing is "made up" beyond that, or sends would bunch.
                    slot = max(self.next_slot, now - min(self.interval / 2, LATE_WAKE))
                    first = not any(n for p, n in self.waiting.items() if p < priority)
                    if first and slot <= now:
                        self.next_slot = slot + self.interval
                        return True
                    # Not first: whoever is ahead wakes us when they take their slot.
                    wait = slot - now if first else self.interval
                    self.changed.wait(min(wait, STOP_POLL) if stop is not None else wait)
                return False
            finally:
                self.waiting[priority] -= 1
                if priority < BULK:  # senders held back for this one may go; a planned
                    self.changed.notify_all()  # send holds none back (no wake-up storm)
