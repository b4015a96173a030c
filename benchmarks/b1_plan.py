"""B1: planning a week for 10,000 clients in 6 groups, against the same rows inserted with the
raw driver's executemany in one transaction.

Run by the parent (benchmarks/__main__.py) as separate processes, so each peak memory figure
belongs to one side only:  python -m benchmarks.b1_plan plan|baseline URL
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import insert

from benchmarks.common import KEY, peak_rss_mb

CLIENTS = 10_000
GROUPS = (
    "g1: mon,wed,thu 18:00-21:00; g2: tue,thu,fri 09:00-12:00; g3: mon,wed 12:00-15:00; "
    "g4: tue,thu 18:00-21:00; g5: mon,fri 09:00-12:00; g6: wed,sat 10:00-13:00"
)
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Mon, midnight in New York


def plan_side(url: str) -> dict[str, object]:
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.models import CLIENTS as CLIENTS_TABLE
    from notifier.core.settings import Settings
    from notifier.outbound.planner import plan

    crypto = Crypto([KEY])
    db = Database(url, crypto=crypto)
    rows = []
    for i in range(CLIENTS):
        phone = f"+1312{200 + i // 10000:03d}{i % 10000:04d}"
        rows.append({
            "external_id": f"B{i:05d}", "first_name": "Client", "phone": phone,
            "phone_hash": crypto.lookup_hash(phone),
            "external_id_hash": crypto.external_id_hash(f"B{i:05d}"), "group_name": f"g{i % 6 + 1}",
            "timezone": "America/New_York" if i % 10 else "America/Chicago", "language": "en",
            "consent_at": NOW, "consent_source": "bench", "created_at": NOW, "updated_at": NOW,
        })  # fmt: skip
    with db.engine.begin() as conn:
        conn.execute(insert(CLIENTS_TABLE), rows)
    del rows
    settings = Settings.model_validate(
        {"database_url": url, "groups": GROUPS, "plan_horizon": "7d", "encryption_keys": KEY}
    )
    started = time.perf_counter()
    first = plan(db, settings, NOW)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = plan(db, settings, NOW)
    replan_s = time.perf_counter() - started
    db.dispose()
    return {
        "first_s": first_s,
        "replan_s": replan_s,
        "rows": first.messages_added,
        "replan_rows": again.messages_added,
        "peak_rss_mb": peak_rss_mb(),
    }


def baseline_side(url: str) -> dict[str, object]:
    """The same rows, read back as stored, inserted into an identical empty table (same
    columns, indexes and unique key) with the raw driver's executemany, one transaction."""
    from notifier.core.db import Database

    db = Database(url)
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    sqlite = url.startswith("sqlite")
    cur.execute("SELECT * FROM messages")
    names = [d[0] for d in cur.description]
    stored = [tuple(r) for r in cur.fetchall()]
    cols = [n for n in names if n != "id"]
    rows = [r[1:] for r in stored]
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
    sql = f"INSERT INTO messages_copy ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    started = time.perf_counter()
    if sqlite:
        cur.execute("BEGIN")
    cur.executemany(sql, rows)
    raw.commit()
    seconds = time.perf_counter() - started
    raw.close()
    db.dispose()
    return {"seconds": seconds, "rows": len(rows), "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    side, url = sys.argv[1], sys.argv[2]
    print(json.dumps(plan_side(url) if side == "plan" else baseline_side(url)))
