"""B2: dispatching 10,000 due messages with a zero-latency transport, against two raw loops
with the same batch size:

- ``baseline``: claim (UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT k)
  RETURNING) and mark-sent. It does less than a send needs (no number, no words), so its ratio
  says little; kept beside the fair one for comparison with earlier figures.
- ``work``: the same necessary work as the dispatcher, written directly against the driver:
  claim, read the client's encrypted number and name and decrypt them, render the check-in's
  words (one ``str.format`` of the same template), hand number and words to the transport,
  encrypt the words and mark the row sent with them.

    python -m benchmarks.b2_dispatch seed URL N
    python -m benchmarks.b2_dispatch worker URL OUT       (notifier's dispatcher)
    python -m benchmarks.b2_dispatch baseline URL OUT     (the raw claim + mark-sent loop)
    python -m benchmarks.b2_dispatch work URL OUT         (the raw loop doing the same work)
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from benchmarks.common import KEY, peak_rss_mb

BATCH = 100


def seed(url: str, n: int) -> None:
    """n due check-ins over 100 clients, stored as the planner stores them (no words yet: the
    dispatcher renders each one, as it does in production)."""
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.models import CLIENTS, MESSAGES

    crypto = Crypto([KEY])
    db = Database(url, crypto=crypto)
    now = datetime.now(UTC)
    clients = [{"external_id": f"D{i:04d}", "first_name": "Client", "phone": f"+1312555{i:04d}",
                "phone_hash": crypto.lookup_hash(f"+1312555{i:04d}"),
                "external_id_hash": crypto.external_id_hash(f"D{i:04d}"), "group_name": None,
                "timezone": "UTC", "language": "en", "consent_at": now, "consent_source": "b",
                "created_at": now, "updated_at": now} for i in range(100)]  # fmt: skip
    with db.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(insert(CLIENTS).returning(CLIENTS.c.id), clients)]
        rows = [{"kind": "checkin", "client_id": ids[i % len(ids)], "label": "cravings",
                 "body": "", "dedupe_key": f"b2:{i}", "due_at": now - timedelta(seconds=1),
                 "not_after": now + timedelta(hours=2), "status": "pending", "attempts": 0,
                 "needs_lookup": False, "created_at": now} for i in range(n)]  # fmt: skip
        for i in range(0, n, 2000):
            conn.execute(insert(MESSAGES), rows[i : i + 2000])
    db.dispose()


class ZeroLatency:
    """Accepts at once; remembers which messages it was handed (to count duplicates)."""

    name = "zero-latency"
    real = False
    polls = False
    local = True  # like the console transport: no network, so no send threads

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.counter = itertools.count()

    def send(self, to: str, body: str, *, message_id: int, valid_for: float | None = None):  # type: ignore[no-untyped-def]
        from notifier.transports.base import SendResult

        self.ids.append(message_id)
        return SendResult(f"SM{os.getpid():08x}{next(self.counter):024x}")

    def lookup(self, to, body, since):  # type: ignore[no-untyped-def]
        return None

    def list_inbound(self, since):  # type: ignore[no-untyped-def]
        return []

    def close(self) -> None:
        pass


def worker(url: str, out: Path) -> dict[str, object]:
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.settings import Settings
    from notifier.outbound.dispatch import Dispatcher

    settings = Settings.model_validate({"database_url": url, "quiet_hours": "off",
                                        "dispatch_batch": BATCH, "send_concurrency": 4,
                                        "encryption_keys": KEY})  # fmt: skip
    transport = ZeroLatency()
    db = Database(url, crypto=Crypto([KEY]))
    d = Dispatcher(db, transport, settings)  # type: ignore[arg-type]
    started = time.time()
    d.drain()
    ended = time.time()
    d.stop()
    out.write_text(json.dumps(transport.ids))
    return {"started": started, "ended": ended, "sent": len(transport.ids),
            "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def baseline(url: str, out: Path) -> dict[str, object]:
    from notifier.core.db import Database

    db = Database(url)
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    sqlite = url.startswith("sqlite")
    sent: list[int] = []
    started = time.time()
    while True:
        now = datetime.now(UTC)
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
            cur.execute(
                "UPDATE messages SET status = 'sending', claimed_by = ?, claimed_at = ? "
                "WHERE id IN (SELECT id FROM messages WHERE status = 'pending' "
                "ORDER BY due_at, id LIMIT ?) RETURNING id",
                (f"raw{os.getpid()}", now.replace(tzinfo=None).isoformat(" "), BATCH),
            )
        else:
            cur.execute(
                "UPDATE messages SET status = 'sending', claimed_by = %s, claimed_at = %s "
                "WHERE id IN (SELECT id FROM messages WHERE status = 'pending' "
                "ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id",
                (f"raw{os.getpid()}", now, BATCH),
            )
        ids = [r[0] for r in cur.fetchall()]
        raw.commit()
        if not ids:
            break
        mark = "?" if sqlite else "%s"
        at = now.replace(tzinfo=None).isoformat(" ") if sqlite else now
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cur.executemany(
            f"UPDATE messages SET status = 'sent', provider_sid = {mark}, sent_at = {mark} "
            f"WHERE id = {mark}",
            [(f"SMraw{os.getpid()}x{i}", at, i) for i in ids],
        )
        raw.commit()
        sent += ids
    ended = time.time()
    raw.close()
    db.dispose()
    out.write_text(json.dumps(sent))
    return {"started": started, "ended": ended, "sent": len(sent), "peak_rss_mb": peak_rss_mb()}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:  # a placeholder the check-in does not fill
        return ""


def _claim_sql(sqlite: bool) -> str:
    if sqlite:
        return (
            "UPDATE messages SET status = 'sending', claimed_by = ?, claimed_at = ? "
            "WHERE id IN (SELECT id FROM messages WHERE status = 'pending' "
            "ORDER BY due_at, id LIMIT ?) RETURNING id"
        )
    return (
        "UPDATE messages SET status = 'sending', claimed_by = %s, claimed_at = %s "
        "WHERE id IN (SELECT id FROM messages WHERE status = 'pending' "
        "ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id"
    )


def work_baseline(url: str, out: Path) -> dict[str, object]:
    """Claim, decrypt, render, send, encrypt, mark sent: what a send needs, and no more."""
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.settings import Settings
    from notifier.outbound.render import question_for
    from notifier.outbound.texts import Templates

    crypto = Crypto([KEY])
    settings = Settings.model_validate({"database_url": url, "encryption_keys": KEY})
    # The words of the one template the seeded rows use, looked up once (a fixed program).
    template = Templates.from_settings(settings).get("checkin", "en")
    question = question_for("cravings", settings, "en")
    transport = ZeroLatency()
    db = Database(url)
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    sqlite = url.startswith("sqlite")
    mark = "?" if sqlite else "%s"
    claim = _claim_sql(sqlite)
    sent: list[int] = []
    started = time.time()
    while True:
        now = datetime.now(UTC)
        at = now.replace(tzinfo=None).isoformat(" ") if sqlite else now
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(claim, (f"raw{os.getpid()}", at, BATCH))
        ids = [r[0] for r in cur.fetchall()]
        raw.commit()
        if not ids:
            break
        cur.execute(
            "SELECT m.id, c.phone, c.first_name FROM messages m JOIN clients c "
            f"ON c.id = m.client_id WHERE m.id IN ({', '.join([mark] * len(ids))})",
            ids,
        )
        done = []
        for mid, phone, name in cur.fetchall():
            words = template.format_map(_Blank(first_name=crypto.decrypt(name), question=question))
            sid = transport.send(crypto.decrypt(phone), words, message_id=mid).provider_sid
            done.append((sid, at, at, crypto.encrypt(words), mid))
        raw.commit()
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cur.executemany(
            f"UPDATE messages SET status = 'sent', provider_sid = {mark}, sent_at = {mark}, "
            f"status_at = {mark}, body = {mark} WHERE id = {mark} AND status = 'sending'",
            done,
        )
        raw.commit()
        sent += ids
    ended = time.time()
    raw.close()
    db.dispose()
    out.write_text(json.dumps(sent))
    return {"started": started, "ended": ended, "sent": len(sent), "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2]
    if command == "seed":
        seed(url, int(sys.argv[3]))
        print(json.dumps({"seeded": int(sys.argv[3])}))
    elif command == "worker":
        print(json.dumps(worker(url, Path(sys.argv[3]))))
    elif command == "work":
        print(json.dumps(work_baseline(url, Path(sys.argv[3]))))
    else:
        print(json.dumps(baseline(url, Path(sys.argv[3]))))
