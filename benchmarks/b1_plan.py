"""B1: planning a week for N clients in 6 groups, against the same rows inserted with the raw
driver's executemany, streamed, in one transaction; and the planner's peak memory at each
roster size (the curve of docs/figures/b1_memory.png).

Run by the parent (benchmarks/__main__.py) as separate processes, so each peak memory figure
belongs to one side only, and the roster is seeded by a process of its own:

    python -m benchmarks.b1_plan seed URL N
    python -m benchmarks.b1_plan plan URL
    python -m benchmarks.b1_plan baseline URL
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import insert

from benchmarks.common import KEY, peak_rss_mb

GROUPS = (
    "g1: mon,wed,thu 18:00-21:00; g2: tue,thu,fri 09:00-12:00; g3: mon,wed 12:00-15:00; "
    "g4: tue,thu 18:00-21:00; g5: mon,fri 09:00-12:00; g6: wed,sat 10:00-13:00"
)
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Mon, midnight in New York
SEED_CHUNK = 10_000
COPY_CHUNK = 5_000


def phone(i: int) -> str:
    return f"+1312{200 + i // 10000:03d}{i % 10000:04d}"


def seed(url: str, n: int) -> dict[str, object]:
    """n consenting clients in 6 groups (one in ten in Chicago), inserted in chunks."""
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.models import CLIENTS as CLIENTS_TABLE

    crypto = Crypto([KEY])
    db = Database(url, crypto=crypto)
    for start in range(0, n, SEED_CHUNK):
        rows = [{
            "external_id": f"B{i:07d}", "first_name": "Client", "phone": phone(i),
            "phone_hash": crypto.lookup_hash(phone(i)),
            "external_id_hash": crypto.external_id_hash(f"B{i:07d}"), "group_name": f"g{i % 6 + 1}",
            "timezone": "America/New_York" if i % 10 else "America/Chicago", "language": "en",
            "consent_at": NOW, "consent_source": "bench", "created_at": NOW, "updated_at": NOW,
        } for i in range(start, min(n, start + SEED_CHUNK))]  # fmt: skip
        with db.engine.begin() as conn:
            conn.execute(insert(CLIENTS_TABLE), rows)
    db.dispose()
    return {"clients": n, "peak_rss_mb": peak_rss_mb()}


def settings_for(url: str):  # type: ignore[no-untyped-def]
    from notifier.core.settings import Settings

    return Settings.model_validate(
        {"database_url": url, "groups": GROUPS, "plan_horizon": "7d", "encryption_keys": KEY}
    )


def plan_side(url: str) -> dict[str, object]:
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.outbound.planner import plan

    db = Database(url, crypto=Crypto([KEY]))
    settings = settings_for(url)
    started = time.perf_counter()
    first = plan(db, settings, NOW)
    first_s = time.perf_counter() - started
    first_rss = peak_rss_mb()
    started = time.perf_counter()
    again = plan(db, settings, NOW)
    replan_s = time.perf_counter() - started
    db.dispose()
    return {
        "first_s": first_s,
        "replan_s": replan_s,
        "rows": first.messages_added,
        "replan_rows": again.messages_added,
        "first_peak_rss_mb": first_rss,
        "peak_rss_mb": peak_rss_mb(),
    }


def baseline_side(url: str) -> dict[str, object]:
    """The same rows, read back as stored a chunk at a time, inserted into an identical empty
    table (same columns, indexes and unique key) with the raw driver's executemany, in one
    transaction: the least a planner that streams must do to write them."""
    from notifier.core.db import Database

    db = Database(url)
    read = db.engine.raw_connection()
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    sqlite = url.startswith("sqlite")
    if sqlite:
        ddl = [
            r[0]
            for r in cur.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'messages' AND sql IS NOT NULL"
            )
        ]
        cur.execute("DROP TABLE IF EXISTS messages_copy")
        for statement in ddl:
            statement = statement.replace("messages", "messages_copy")
            statement = (
                statement.replace("ix_messages_copy", "ix_copy")
                .replace("uq_messages_copy", "uq_copy")
                .replace("pk_messages_copy", "pk_copy")
            )
            cur.execute(statement)
        raw.commit()
        mark = "?"
    else:
        cur.execute("DROP TABLE IF EXISTS messages_copy")
        cur.execute("CREATE TABLE messages_copy (LIKE messages INCLUDING ALL)")
        raw.commit()
        mark = "%s"
    reader = read.cursor()
    reader.execute("SELECT * FROM messages WHERE id < 0")
    cols = [d[0] for d in reader.description][1:]
    read.commit()
    sql = f"INSERT INTO messages_copy ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    page = f"SELECT * FROM messages WHERE id > {mark} ORDER BY id LIMIT {COPY_CHUNK}"
    started = time.perf_counter()
    if sqlite:
        cur.execute("BEGIN")
    last, rows = 0, 0
    while True:
        reader.execute(page, (last,))
        chunk = reader.fetchall()
        read.commit()
        if not chunk:
            break
        last = chunk[-1][0]
        cur.executemany(sql, [tuple(r)[1:] for r in chunk])
        rows += len(chunk)
    raw.commit()
    seconds = time.perf_counter() - started
    read.close()
    raw.close()
    db.dispose()
    return {"seconds": seconds, "rows": rows, "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    side, url = sys.argv[1], sys.argv[2]
    if side == "seed":
        print(json.dumps(seed(url, int(sys.argv[3]))))
    else:
        print(json.dumps(plan_side(url) if side == "plan" else baseline_side(url)))
