"""B3: paced sending through the fake Twilio (150 ms per call, a per-sender cap; 429 / 20429
above it), with NOTIFIER_MAX_SEND_RATE set to the cap.

    python -m benchmarks.b3_paced CAP SECONDS
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.common import KEY, drop, scratch

LATENCY = 0.15


def run(cap: float, seconds: float) -> dict[str, object]:
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.models import CLIENTS, MESSAGES
    from notifier.core.settings import Settings
    from notifier.outbound.dispatch import Dispatcher
    from notifier.transports.twilio import TwilioTransport
    from tests.helpers.harness import ACCOUNT_SID, AUTH_TOKEN, FakeTwilioProcess

    n = max(int(cap * seconds), 10)
    url = scratch("sqlite")
    crypto = Crypto([KEY])
    db = Database(url, crypto=crypto)
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        conn.execute(insert(CLIENTS), [{
            "external_id": "P1", "first_name": "Client", "phone": "+13125550101",
            "phone_hash": crypto.lookup_hash("+13125550101"),
            "external_id_hash": crypto.external_id_hash("P1"), "group_name": None,
            "timezone": "UTC", "language": "en", "consent_at": now, "consent_source": "b",
            "created_at": now, "updated_at": now}])  # fmt: skip
        conn.execute(insert(MESSAGES), [{
            "kind": "reply", "client_id": 1, "label": "bulk", "body": f"paced {i}",
            "dedupe_key": f"b3:{i}", "due_at": now, "not_after": now + timedelta(hours=1),
            "status": "pending", "attempts": 0, "needs_lookup": False, "created_at": now}
            for i in range(n)])  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="notifier-b3-"))
    fake = FakeTwilioProcess(workdir, latency=LATENCY, rate=cap)
    concurrency = max(4, math.ceil(cap * LATENCY * 1.5) + 2)
    settings = Settings.model_validate({
        "database_url": url, "quiet_hours": "off", "encryption_keys": KEY,
        "max_send_rate": cap, "send_concurrency": concurrency, "dispatch_batch": 200,
        "retry_backoff": "1s"})  # fmt: skip
    transport = TwilioTransport(
        ACCOUNT_SID,
        AUTH_TOKEN,
        from_number="+13125550100",
        api_base=fake.base_url,
        timeout=10,
        pool_size=concurrency + 4,
    )
    dispatcher = Dispatcher(db, transport, settings)
    started = time.monotonic()
    deadline = started + seconds * 3 + 30
    try:
        while time.monotonic() < deadline:
            dispatcher.drain()
            with db.read() as s:
                left = s.scalar(select(MESSAGES.c.id).where(
                    MESSAGES.c.status.in_(("pending", "sending"))).limit(1))  # fmt: skip
            if left is None:
                break
            time.sleep(0.2)
        with urllib.request.urlopen(f"{fake.base_url}/_fake/stats", timeout=5) as r:
            stats = json.loads(r.read())
    finally:
        dispatcher.stop()
        fake.stop()
    with db.read() as s:
        rows = s.execute(select(MESSAGES.c.status, MESSAGES.c.sent_at)).all()
    db.dispose()
    drop(url)
    sent = sorted(r.sent_at for r in rows if r.status == "sent" and r.sent_at)
    span = (sent[-1] - sent[0]).total_seconds() if len(sent) > 1 else 0.0
    achieved = (len(sent) - 1) / span if span else 0.0
    calls = int(stats.get("creates", stats.get("requests", 0)) or 0)
    rejected = int(stats.get("rejected_429", 0) or 0)
    return {
        "cap": cap,
        "messages": n,
        "sent": len(sent),
        "lost": n - len(sent),
        "achieved_per_s": achieved,
        "calls": calls,
        "rejected_429": rejected,
        "accepted_by_fake": len(fake.accepted()),
        "concurrency": concurrency,
    }


if __name__ == "__main__":
    print(json.dumps(run(float(sys.argv[1]), float(sys.argv[2])), default=str))
