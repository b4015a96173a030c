"""How fast one replica turns stored webhook deliveries into replies (the inbox worker's side
of B4, which B4 itself only sees as "all recorded N s after the burst").

    python -m benchmarks.inbox_drain [N]      (default 1000 deliveries per database)

N deliveries from 20 known clients (check-in scores, free text, confirmations, declines)
are stored in the inbox as the webhook stores them; then ``Service.process_inbox`` runs,
unpaced, until the inbox is empty. Each delivery is classified, attributed, recorded, and
answered where the rules say so (console transport).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from benchmarks.common import KEY, drop, machine, scratch, table

SENDERS = 20
BODIES = ["7", "rough day today", "1", "thanks", "like a 4", "can't make it"]


def drain(backend: str, n: int) -> list[object]:
    from notifier.core.models import INBOX, REPLIES
    from notifier.core.settings import Settings
    from notifier.service import Service
    from tests.e2e.harness import phone, seed_outbox

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
        started = time.perf_counter()
        done = svc.process_inbox()
        elapsed = time.perf_counter() - started
        with svc.db.read() as s:
            recorded = s.scalar(select(func.count()).select_from(REPLIES))
        svc.close()
    finally:
        drop(url)
    return [backend, n, done, recorded, f"{elapsed:.2f} s", f"{done / elapsed:,.0f}/s",
            f"{elapsed / done * 1000:.1f} ms"]  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rows = [drain(backend, n) for backend in ("sqlite", "postgresql")]
    print(table("Inbox drain: stored deliveries to replies, one process, unpaced",
                ["database", "deliveries", "handled", "reply rows", "time", "rate",
                 "per delivery"], rows))  # fmt: skip
    print(f"\n{machine()}")


if __name__ == "__main__":
    main()
