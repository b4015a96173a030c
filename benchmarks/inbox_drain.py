"""How fast one replica turns stored webhook deliveries into replies (the inbox worker's side
of B4, which B4 itself only sees as "all recorded N s after the burst").

    python -m benchmarks.inbox_drain [N] [--batches] [--json]   (default 1000 deliveries)

N deliveries from 20 known clients (check-in scores, free text, confirmations, declines)
are stored in the inbox as the webhook stores them; then ``Service.process_inbox`` runs,
unpaced, until the inbox is empty. Each delivery is classified, attributed, recorded, and
answered where the rules say so (console transport); the classifier's model is loaded
before the clock starts (a replica loads it once). Twice per database: in batches (one
transaction per batch, as the worker runs) and one by one (each delivery in its own
transactions, as before batches), in fresh databases. Besides the wall time, the process's
CPU time per delivery (the database server's is not in it): on a shared machine it moves less
with the load than the wall time does.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from benchmarks.common import KEY, drop, machine, met, scratch, table

SENDERS = 20
BODIES = ["7", "rough day today", "1", "thanks", "like a 4", "can't make it"]


TARGETS = {"sqlite": 1500.0, "postgresql": 1000.0}  # replies/s per replica (issue: state scale)


def drain(backend: str, n: int, batched: bool = True) -> dict[str, object]:
    from notifier.core.models import INBOX, REPLIES
    from notifier.core.settings import Settings
    from notifier.service import Service
    from notifier.understanding.classify import classify
    from tests.helpers.harness import phone, seed_outbox

    url = scratch(backend)
    try:
        seed_outbox(url, 0, clients=SENDERS)
        settings = Settings.model_validate(
            {"database_url": url, "quiet_hours": "off", "encryption_keys": KEY,
             "sms_backend": "console", "log_level": "WARNING"}
        )  # fmt: skip
        svc = Service(settings)
        now = datetime.now(UTC)
        with svc.db.session() as s:
            s.execute(
                insert(INBOX),
                [{"provider_sid": f"SM{k:032x}", "from_phone": phone(k % SENDERS),
                  "body": BODIES[k % len(BODIES)], "opt_out_type": None, "urgent": False,
                  "received_at": now, "claimed_by": None, "claimed_at": None, "attempts": 0,
                  "last_error": None} for k in range(n)],
            )  # fmt: skip
        # The classifier's model loads on its first use, once per process (about 0.5 s): a
        # replica pays it once, so the steady rate is measured without it.
        classify("thanks")
        started, cpu = time.perf_counter(), time.process_time()
        done = svc.process_inbox(batched=batched)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        with svc.db.read() as s:
            recorded = s.scalar(select(func.count()).select_from(REPLIES))
        svc.close()
    finally:
        drop(url)
    return {"backend": backend, "batched": batched, "deliveries": n, "handled": done,
            "recorded": recorded, "seconds": elapsed, "cpu_seconds": cpu}  # fmt: skip


def rows(results: list[dict[str, Any]]) -> list[list[object]]:
    out: list[list[object]] = []
    for r in results:
        rate = r["handled"] / r["seconds"]
        target = TARGETS[r["backend"]]
        out.append([
            r["backend"], "batches" if r["batched"] else "one by one (before)", r["deliveries"],
            r["handled"], r["recorded"], f"{r['seconds']:.2f} s",
            f"{rate:,.0f}/s" + (f" {met(rate >= target)} (>= {target:,.0f}/s)"
                                if r["batched"] else ""),
            f"{r['seconds'] / r['handled'] * 1000:.2f} ms",
            f"{r['cpu_seconds'] / r['handled'] * 1000:.2f} ms",
        ])  # fmt: skip
    return out


HEADER = ["database", "how", "deliveries", "handled", "reply rows", "time", "rate",
          "per delivery", "CPU per delivery"]  # fmt: skip
TITLE = "Inbox drain: stored deliveries to replies, one process, unpaced"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1000
    # --batches: the worker's way only (the one-by-one runs take most of the time).
    hows = (True,) if "--batches" in sys.argv else (True, False)
    results = [
        drain(backend, n, batched) for backend in ("sqlite", "postgresql") for batched in hows
    ]
    print(table(TITLE, HEADER, rows(results)))
    print(f"\n{machine()}")
    if "--json" in sys.argv:
        print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
