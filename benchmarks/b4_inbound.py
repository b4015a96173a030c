"""B4: signed inbound webhooks at 32 concurrent connections against one uvicorn worker of
`notifier run` (PostgreSQL), against two endpoints of the same framework:

- the fair baseline (benchmarks/durable_app.py): verifies the signature, inserts one durable
  (committed, encrypted) row and answers;
- the bare endpoint (benchmarks/bare_app.py), which only parses the form and answers empty
  TwiML: it does less than a webhook needs, so its ratio says little; kept for comparison
  with earlier figures.

    python -m benchmarks.b4_inbound SECONDS
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.common import KEY, ROOT, drop, peak_rss_of, scratch
from benchmarks.loadgen import LoadResult, form_request, run

CONNECTIONS = 32
SENDERS = 20
RETRY_EVERY = 20  # every 20th request repeats an earlier MessageSid, as Twilio's retries do


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def requests(count: int) -> list[bytes]:
    from twilio.request_validator import RequestValidator

    from tests.helpers.harness import AUTH_TOKEN, phone

    validator = RequestValidator(AUTH_TOKEN)
    public = "https://notifier.example.org/twilio/inbound"
    bodies = ["7", "rough day today", "1", "thanks", "like a 4", "can't make it"]
    built = []
    for n in range(count):
        k = n - 7 if n % RETRY_EVERY == 0 and n >= 7 else n
        form = {
            "MessageSid": f"SM{k:032x}",
            "AccountSid": "AC" + "0" * 32,
            "From": phone(k % SENDERS),
            "To": "+13125550100",
            "Body": bodies[k % 6],
        }
        signature = validator.compute_signature(public, form)
        built.append(
            form_request(
                "/twilio/inbound",
                urllib.parse.urlencode(form).encode(),
                {"X-Twilio-Signature": signature},
            )
        )
    return built


def _serve(
    app: str, port: int, ready: str, load: list[bytes], seconds: float, env: dict[str, str]
) -> tuple[LoadResult, float | None]:
    """Run ``load`` against ``uvicorn app`` (one worker); the result and its peak RSS (MB)."""
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", app, "--port", str(port),
                               "--log-level", "warning", "--no-access-log"], cwd=ROOT,
                              env=dict(os.environ, **env))  # fmt: skip
    try:
        _wait(f"http://127.0.0.1:{port}{ready}")
        result = run("127.0.0.1", port, load, CONNECTIONS, seconds)
        rss = peak_rss_of(server.pid)
    finally:
        server.terminate()
        server.wait()
    return result, rss


def measure(seconds: float) -> dict[str, object]:
    from tests.helpers.harness import FakeTwilioProcess, free_port, seed_outbox, twilio_env

    load = requests(int(seconds * 3000))
    # The old baseline: the same framework, an endpoint that parses the form and answers.
    base, _ = _serve("benchmarks.bare_app:app", free_port(), "/docs", load, seconds, {})
    # The fair one: signature, one durable encrypted row, answer.
    durable_url = scratch("postgresql")
    try:
        durable, durable_rss = _serve(
            "benchmarks.durable_app:app", free_port(), "/healthz", load, seconds,
            {"NOTIFIER_BENCH_DB": durable_url},
        )  # fmt: skip
        engine = create_engine(durable_url)
        with engine.connect() as conn:
            durable_rows = conn.execute(text("SELECT count(*) FROM inbox")).scalar()
        engine.dispose()
    finally:
        drop(durable_url)
    url = scratch("postgresql")
    seed_outbox(url, 0, clients=SENDERS)
    workdir = Path(tempfile.mkdtemp(prefix="notifier-b4-"))
    fake = FakeTwilioProcess(workdir)
    env = dict(os.environ, **twilio_env(url, fake))
    port = free_port()
    env.update(
        NOTIFIER_HTTP_HOST="127.0.0.1",
        NOTIFIER_HTTP_PORT=str(port),
        NOTIFIER_METRICS_PORT="0",
        NOTIFIER_LOG_LEVEL="WARNING",
        NOTIFIER_ENCRYPTION_KEYS=KEY,
    )
    service = subprocess.Popen([sys.executable, "-m", "notifier", "run"], cwd=workdir, env=env,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    drained = None
    rss = None
    try:
        _wait(f"http://127.0.0.1:{port}/healthz")
        ours = run("127.0.0.1", port, load, CONNECTIONS, seconds)
        sids = {load[i].split(b"MessageSid=")[1].split(b"&")[0] for i in ours.answered}
        engine = create_engine(url)
        started = time.monotonic()
        while time.monotonic() - started < 600:
            with engine.connect() as conn:
                recorded = conn.execute(text("SELECT count(*) FROM replies")).scalar()
                waiting = conn.execute(
                    text("SELECT count(*) FROM inbox WHERE claimed_by IS DISTINCT FROM 'failed'")
                ).scalar()
            if recorded >= len(sids):
                drained = time.monotonic() - started
                break
            if not waiting:  # nothing left that could still become a reply
                break
            time.sleep(0.5)
        with engine.connect() as conn:
            total, distinct = conn.execute(
                text("SELECT count(*), count(DISTINCT provider_sid) FROM replies")
            ).one()
            # What never became a reply: still in the inbox (and why), or never stored.
            left = [
                f"{r[0] or 'unclaimed'}: {r[1]} ({r[2] or 'no error'})"
                for r in conn.execute(
                    text("SELECT claimed_by, count(*), max(last_error) FROM inbox GROUP BY 1")
                )
            ]
        engine.dispose()
        rss = peak_rss_of(service.pid)
    finally:
        service.terminate()
        service.wait(60)
        fake.stop()
        drop(url)
    return {
        "durable_rps": durable.rps,
        "durable_p50_ms": durable.percentile(0.5) * 1000,
        "durable_p99_ms": durable.percentile(0.99) * 1000,
        "durable_rows": durable_rows,
        "durable_statuses": durable.statuses,
        "durable_rss_mb": durable_rss,
        "rss_mb": rss,
        "bare_rps": base.rps,
        "bare_p50_ms": base.percentile(0.5) * 1000,
        "bare_p99_ms": base.percentile(0.99) * 1000,
        "rps": ours.rps,
        "p50_ms": ours.percentile(0.5) * 1000,
        "p99_ms": ours.percentile(0.99) * 1000,
        "statuses": ours.statuses,
        "requests": ours.requests,
        "unique_sids": len(sids),
        "replies": total,
        "distinct_replies": distinct,
        "drain_after_s": drained,
        "inbox_left": left,
    }


if __name__ == "__main__":
    print(json.dumps(measure(float(sys.argv[1])), default=str))
