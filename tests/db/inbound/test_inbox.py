"""The inbox keeps a delivery it cannot handle, and says so in `notifier status`."""

from __future__ import annotations

from concurrent.futures import wait

from notifier.core import db as dbmod
from notifier.inbound import inbox
from tests.conftest import utc

NOW = utc(2026, 11, 28, 17, 0)


def store(database: dbmod.Database, *sids: str) -> None:
    writer = inbox.InboxWriter(database, lambda: None)
    try:
        futures = [
            writer.submit(
                provider_sid=sid,
                from_phone="+13125550105",
                body="7",
                opt_out_type=None,
                urgent=False,
                now=NOW,
            )
            for sid in sids
        ]
        wait(futures, timeout=10)
        for f in futures:
            f.result()
    finally:
        writer.close()


def test_a_retried_delivery_is_stored_once(database: dbmod.Database) -> None:
    store(database, "SM" + "1" * 32, "SM" + "1" * 32, "SM" + "2" * 32)
    assert inbox.backlog(database) == (2, 0)


def test_a_delivery_that_keeps_failing_is_kept_as_failed(database: dbmod.Database) -> None:
    store(database, "SM" + "3" * 32)
    calls: list[str] = []

    def broken(**kwargs: object) -> None:
        calls.append(str(kwargs["provider_sid"]))
        raise RuntimeError("handler down")

    for attempt in range(inbox.MAX_ATTEMPTS):
        assert inbox.process(database, "w1", NOW, broken) == 0
        expected = (0, 1) if attempt == inbox.MAX_ATTEMPTS - 1 else (1, 0)
        assert inbox.backlog(database) == expected
    # Each attempt calls the handler twice: in its batch (rolled back), then on its own.
    assert len(calls) == 2 * inbox.MAX_ATTEMPTS
    # Given up: no worker claims it again; it stays for a person to look at.
    assert inbox.process(database, "w1", NOW, broken) == 0
    assert len(calls) == 2 * inbox.MAX_ATTEMPTS
    assert inbox.backlog(database) == (0, 1)


def test_a_handled_delivery_leaves_the_inbox(database: dbmod.Database) -> None:
    store(database, "SM" + "4" * 32)
    seen: list[object] = []
    assert inbox.process(database, "w1", NOW, lambda **kw: seen.append(kw["body"])) == 1
    assert seen == ["7"]
    assert inbox.backlog(database) == (0, 0)


def test_the_writer_says_when_a_crisis_delivery_is_durable(database: dbmod.Database) -> None:
    told: list[str] = []
    writer = inbox.InboxWriter(database, lambda: None, on_urgent=lambda: told.append("urgent"))
    try:
        for sid, urgent in (("SM" + "5" * 32, False), ("SM" + "6" * 32, True)):
            writer.submit(provider_sid=sid, from_phone="+13125550105", body="x",
                          opt_out_type=None, urgent=urgent, now=NOW).result(timeout=10)  # fmt: skip
            assert told == (["urgent"] if urgent else [])
    finally:
        writer.close()


def test_a_crisis_stored_mid_batch_is_handled_before_the_rest_of_the_batch(
    database: dbmod.Database,
) -> None:
    store(database, "SM" + "7" * 32, "SM" + "8" * 32, "SM" + "9" * 32)
    writer = inbox.InboxWriter(database, lambda: None)
    arrived: list[bool] = []
    seen: list[str] = []

    def handle(**kw: object) -> None:
        seen.append(str(kw["provider_sid"])[2:3] + ("!" if kw["body"] == "help me" else ""))
        if len(seen) == 1:  # a crisis message arrives while the first of the batch is handled
            writer.submit(provider_sid="SM" + "a" * 32, from_phone="+13125550106",
                          body="help me", opt_out_type=None, urgent=True,
                          now=NOW).result(timeout=10)  # fmt: skip
            arrived.append(True)

    def urgent_arrived() -> bool:
        return bool(arrived) and arrived.pop() is True

    try:
        handled = inbox.process(database, "w1", NOW, handle, urgent_arrived=urgent_arrived)
    finally:
        writer.close()
    assert seen == ["7", "a!", "8", "9"]
    assert handled == 4
    assert inbox.backlog(database) == (0, 0)
