"""B6: a crisis message in a burst of replies is still answered within 2 s.

    python -m benchmarks.crisis_burst [--per-minute 3000] [--seconds 60] [--crisis-every 100]
                                      [--clients 1000] [--backends sqlite,postgresql]

`notifier run` (one uvicorn worker, as in B4) on a scratch database, the fake Twilio in its own
process (accepting at once), two on-call numbers. A load generator in this process sends signed
`/twilio/inbound` webhooks at a fixed rate (an open loop over 32 keep-alive connections) from
``--clients`` roster clients, every request built and signed before the clock starts; one in
``--crisis-every`` is a crisis message (English and Spanish, urgent and not) from a client of
its own. For each crisis request: the time from writing the request to the moment the 988/911
reply (the first risk reply to it: label ``crisis``, ``crisis_urgent``, ``medical``, ...) was
accepted by the transport (its ``sent_at``, the service's clock right after the transport took
it; same machine, same clock). Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from benchmarks.b4_inbound import _wait
from benchmarks.common import KEY, drop, machine, peak_rss_of, scratch, table
from benchmarks.loadgen import form_request, paced
from notifier.core.models import RISK_REPLY_LABELS

TARGET_S = 2.0
CONNECTIONS = 32
ORDINARY = ["7", "rough day today", "1", "thanks", "like a 4", "can't make it", "yes", "ok"]
# (text, urgent): the replies' templates are crisis (988 first) and crisis_urgent (911 first),
# in the language the client wrote in.
CRISIS = [
    ("I want to kill myself tonight", False),
    ("took all my pills and drank", True),
    ("quiero morir, ya no puedo mas", False),
    ("me tome todas las pastillas", True),
    ("thinking about ending it all", False),
    ("he overdosed and is not breathing", True),
    ("me voy a matar esta noche", False),
    ("no esta respirando, se paso con la droga", True),
]
ONCALL = "+13125550198,+13125550199"
# The answer to a crisis message: 988 first, or 911 first when life is in danger now (an
# overdose, someone not breathing, violence and safety at home have words of their own).
CRISIS_LABELS = tuple(sorted(RISK_REPLY_LABELS - {"concern", "followup"}))


def build(total: int, clients: int, crisis_every: int) -> tuple[list[bytes], dict[int, str]]:
    """The requests, and the MessageSid of each crisis request by its index."""
    from twilio.request_validator import RequestValidator

    from tests.helpers.harness import AUTH_TOKEN, phone

    validator = RequestValidator(AUTH_TOKEN)
    public = "https://notifier.example.org/twilio/inbound"
    built: list[bytes] = []
    crisis: dict[int, str] = {}
    for n in range(total):
        sid = f"SM{n:032x}"
        if n % crisis_every == crisis_every // 2:
            j = len(crisis)
            sender, body = clients + j, CRISIS[j % len(CRISIS)][0]
            crisis[n] = sid
        else:
            sender, body = n % clients, ORDINARY[n % len(ORDINARY)]
        form = {
            "MessageSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": phone(sender),
            "To": "+13125550100",
            "Body": body,
        }
        headers = {"X-Twilio-Signature": validator.compute_signature(public, form)}
        built.append(
            form_request("/twilio/inbound", urllib.parse.urlencode(form).encode(), headers)
        )
    return built, crisis


def _answered(url: str, sids: set[str]) -> tuple[dict[str, datetime], int]:
    """Crisis replies accepted by the transport (by MessageSid), and all replies recorded."""
    from notifier.core.models import MESSAGES, REPLIES, REPLY

    engine = create_engine(url)
    with engine.connect() as conn:
        replies = {
            int(r.id): str(r.provider_sid)
            for r in conn.execute(
                select(REPLIES.c.id, REPLIES.c.provider_sid).where(REPLIES.c.provider_sid.in_(sids))
            )
        }
        recorded = len(conn.execute(select(REPLIES.c.id)).all())
        sent = conn.execute(
            select(MESSAGES.c.dedupe_key, MESSAGES.c.sent_at).where(
                MESSAGES.c.kind == REPLY,
                MESSAGES.c.label.in_(CRISIS_LABELS),
                MESSAGES.c.sent_at.is_not(None),
            )
        ).all()
    engine.dispose()
    out: dict[str, datetime] = {}
    for key, at in sent:
        # The reply's id is one part of the dedupe key ("crisis:123"); the first text sent.
        for part in str(key).split(":"):
            sid = replies.get(int(part)) if part.isdigit() else None
            if sid is not None and (sid not in out or at < out[sid]):
                out[sid] = at
    return out, recorded


def measure(
    backend: str, per_minute: float, seconds: float, crisis_every: int, clients: int
) -> dict[str, Any]:
    from tests.helpers.harness import FakeTwilioProcess, free_port, seed_outbox, twilio_env

    total = int(per_minute * seconds / 60)
    load, crisis = build(total, clients, crisis_every)
    url = scratch(backend)
    seed_outbox(url, 0, clients=clients + len(crisis))
    workdir = Path(tempfile.mkdtemp(prefix="notifier-b6-"))
    fake = FakeTwilioProcess(workdir)
    port = free_port()
    env = dict(os.environ, **twilio_env(url, fake))
    env.update(
        NOTIFIER_HTTP_HOST="127.0.0.1",
        NOTIFIER_HTTP_PORT=str(port),
        NOTIFIER_METRICS_PORT="0",
        NOTIFIER_LOG_LEVEL="WARNING",
        NOTIFIER_ENCRYPTION_KEYS=KEY,
        NOTIFIER_ONCALL_NUMBERS=ONCALL,
    )
    # NOTIFIER_BENCH_SERVICE_LOG=1 keeps the service's JSON log (debug) in the work directory.
    keep = bool(os.environ.get("NOTIFIER_BENCH_SERVICE_LOG"))
    if keep:
        env.update(NOTIFIER_LOG_LEVEL="DEBUG", NOTIFIER_LOG_FORMAT="json")
        print(f"service log: {workdir / 'service.log'}", file=sys.stderr)
    log = (workdir / "service.log").open("wb") if keep else subprocess.DEVNULL
    service = subprocess.Popen([sys.executable, "-m", "notifier", "run"], cwd=workdir, env=env,
                               stderr=log)  # fmt: skip
    try:
        _wait(f"http://127.0.0.1:{port}/healthz")
        sent = paced("127.0.0.1", port, load, per_minute / 60, CONNECTIONS)
        burst_end = time.time()
        sids = set(crisis.values())
        deadline = time.monotonic() + 300
        while True:
            answered, recorded = _answered(url, sids)
            if (len(answered) == len(sids) and recorded >= total) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        backlog_s = time.time() - burst_end
        rss = peak_rss_of(service.pid)
    finally:
        service.terminate()
        service.wait(60)
        fake.stop()
        drop(url)
    latencies = sorted(
        answered[crisis[s.index]].timestamp() - s.sent_at
        for s in sent
        if s.index in crisis and crisis[s.index] in answered
    )
    statuses: dict[int, int] = {}
    for s in sent:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    http = sorted(s.latency for s in sent)

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")

    return {
        "backend": backend,
        "requests": total,
        "per_minute": per_minute,
        "achieved_per_minute": total / (max(s.sent_at for s in sent) - sent[0].sent_at) * 60,
        "statuses": statuses,
        "http_p99_ms": pct(http, 0.99) * 1000,
        "crisis": len(crisis),
        "crisis_answered": len(latencies),
        "p50_s": pct(latencies, 0.5),
        "p99_s": pct(latencies, 0.99),
        "max_s": latencies[-1] if latencies else float("nan"),
        "met": len(latencies) == len(crisis) and bool(latencies) and latencies[-1] < TARGET_S,
        "replies": recorded,
        "all_recorded_after_s": backlog_s if recorded >= total else None,
        "peak_rss_mb": rss,
    }


def rows(results: list[dict[str, Any]]) -> list[list[object]]:
    out: list[list[object]] = []
    for r in results:
        ok = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        drained = r["all_recorded_after_s"]
        out.append([
            r["backend"], f"{r['requests']} at {r['achieved_per_minute']:,.0f}/min ({ok})",
            f"{r['http_p99_ms']:.0f} ms", f"{r['crisis_answered']} of {r['crisis']}",
            f"{r['p50_s']:.2f} s", f"{r['p99_s']:.2f} s", f"{r['max_s']:.2f} s",
            ("met" if r["met"] else "NOT met") + f" (< {TARGET_S:.0f} s)",
            f"{r['replies']}, all {drained:.0f} s after the burst" if drained is not None
            else f"{r['replies']} (not all)",
            "?" if r.get("peak_rss_mb") is None else f"{r['peak_rss_mb']:.0f} MB",
        ])  # fmt: skip
    return out


HEADER = ["database", "webhooks (HTTP status: count)", "webhook p99", "crisis answered",
          "p50", "p99", "max", "every crisis reply", "replies recorded",
          "service peak RSS"]  # fmt: skip


def title(per_minute: float, crisis_every: int, clients: int) -> str:
    return (
        f"B6 crisis in a burst: {per_minute:,.0f} signed replies/min from {clients} clients, "
        f"1 in {crisis_every} a crisis message (request to 988/911 reply accepted by the "
        "transport)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crisis_burst")
    parser.add_argument("--per-minute", type=float, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--crisis-every", type=int, default=100)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    a = parser.parse_args()
    if not (0 < a.per_minute <= 60_000 and 0 < a.seconds <= 600 and a.crisis_every >= 2):
        parser.error("--per-minute 1..60000, --seconds 1..600, --crisis-every >= 2")
    results = [
        measure(b.strip(), a.per_minute, a.seconds, a.crisis_every, a.clients)
        for b in a.backends.split(",")
    ]
    print(table(title(a.per_minute, a.crisis_every, a.clients), HEADER, rows(results)))
    print(f"\n{machine()}")
    print(json.dumps({"results": results}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
