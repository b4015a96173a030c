"""The send rate limiter: answers to replies take the next slot ahead of planned texts."""

from __future__ import annotations

import threading

from notifier.outbound.pacing import BULK, URGENT, RateLimiter


def test_an_urgent_send_takes_the_next_slot_ahead_of_bulk_sends_waiting() -> None:
    """Three bulk senders wait for their slots (4 a second); an urgent one that arrives
    after them is handed the next slot. Order only, no timing."""
    limiter = RateLimiter(4.0)
    assert limiter.acquire(priority=BULK)  # the current slot is taken
    order: list[str] = []
    lock = threading.Lock()
    waiting = threading.Barrier(4)

    def send(name: str, priority: int) -> None:
        waiting.wait()
        if name == "urgent":
            threading.Event().wait(0.02)  # arrives after the bulk senders queued
        assert limiter.acquire(priority=priority)
        with lock:
            order.append(name)

    threads = [threading.Thread(target=send, args=(f"bulk{i}", BULK)) for i in range(3)]
    threads.append(threading.Thread(target=send, args=("urgent", URGENT)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order[0] == "urgent", order


def test_a_stopped_wait_returns_false() -> None:
    limiter = RateLimiter(0.5)
    assert limiter.acquire()
    stop = threading.Event()
    stop.set()
    assert limiter.acquire(stop) is False
