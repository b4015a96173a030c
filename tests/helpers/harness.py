"""Real processes for the multi-replica proofs: the fake Twilio, `notifier run` replicas, and
bulk seeding of the outbox."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from notifier.core.db import Database
from notifier.core.models import CLIENTS, MESSAGES
from tests.conftest import TEST_CRYPTO, TEST_KEY

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-token"
FROM = "+13125550100"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class FakeTwilioProcess:
    """tests/fakes/twilio_server.py in its own process, recording to a state file."""

    def __init__(self, workdir: Path, *, latency: float = 0.0, rate: float | None = None) -> None:
        self.state_file = workdir / "twilio-accepted.jsonl"
        args = [
            sys.executable,
            "-m",
            "tests.fakes.twilio_server",
            "--port",
            "0",
            "--account-sid",
            ACCOUNT_SID,
            "--auth-token",
            AUTH_TOKEN,
            "--state-file",
            str(self.state_file),
            "--latency",
            str(latency),
        ]
        if rate is not None:
            args += ["--rate", str(rate)]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("LISTENING "):
            self.proc.kill()
            raise AssertionError(f"fake twilio did not start: {line!r}")
        self.base_url = line.split(" ", 1)[1]

    def control(self, payload: dict[str, Any]) -> None:
        req = urllib.request.Request(
            f"{self.base_url}/_fake/faults",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    def accepted(self) -> list[dict[str, Any]]:
        if not self.state_file.exists():
            return []
        lines = self.state_file.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Replica:
    """One `notifier run` process."""

    def __init__(self, workdir: Path, name: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self.env = dict(os.environ)
        self.env.update(env)
        self.env.update(
            {
                "NOTIFIER_HTTP_HOST": "127.0.0.1",
                "NOTIFIER_HTTP_PORT": str(self.port),
                "NOTIFIER_METRICS_PORT": "0",  # several replicas on one host
                "NOTIFIER_LOG_FORMAT": "json",
            }
        )
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> Replica:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "notifier", "run"],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        if wait:
            wait_until(self.healthy, 60, f"{self.name} /healthz")
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url(path), timeout=3) as r:
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0

    def healthy(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited: {self.log()[-3000:]}")
        return self.get("/healthz") == 200

    def terminate(self, timeout: float = 60) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop_quietly(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@contextmanager
def replicas(workdir: Path, count: int, env: dict[str, str]) -> Iterator[list[Replica]]:
    started = [Replica(workdir, f"replica{i}", env) for i in range(count)]
    try:
        for r in started:
            r.start(wait=False)
        for r in started:
            wait_until(r.healthy, 60, f"{r.name} /healthz")
        yield started
    finally:
        for r in started:
            r.stop_quietly()


def twilio_env(db_url: str, fake: FakeTwilioProcess, **extra: str) -> dict[str, str]:
    env = {
        "NOTIFIER_DATABASE_URL": db_url,
        "NOTIFIER_SMS_BACKEND": "twilio",
        # The real transport refuses to start without someone to tell about a crisis.
        "NOTIFIER_ONCALL_NUMBERS": "+13125550190",
        "NOTIFIER_ESCALATION_TIERS": "15m: +13125550191",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM,
        "NOTIFIER_PUBLIC_URL": "https://notifier.example.org",
        "NOTIFIER_TWILIO_API_BASE": fake.base_url,
        "NOTIFIER_DISPATCH_INTERVAL": "1s",
        "NOTIFIER_PLAN_INTERVAL": "1h",
        "NOTIFIER_QUIET_HOURS": "off",
        "NOTIFIER_GROUPS": "",
        "NOTIFIER_CHECKIN_DAYS": "off",
        "NOTIFIER_RETRY_BACKOFF": "1s",
        "NOTIFIER_CLAIM_LEASE": "5s",
        "NOTIFIER_SEND_CONCURRENCY": "4",
        "NOTIFIER_TWILIO_TIMEOUT": "2",
        "NOTIFIER_ENCRYPTION_KEYS": TEST_KEY,
    }
    env.update(extra)
    return env


def phone(i: int) -> str:
    # Valid US numbers, unique per i (area codes 201-989 x exchange 200-999 x line).
    return f"+1312{200 + i // 10000:03d}{i % 10000:04d}"


def seed_outbox(
    db_url: str,
    n: int,
    *,
    clients: int = 50,
    due: datetime | None = None,
    freshness: timedelta = timedelta(hours=1),
    prefix: str = "proof",
) -> None:
    """``clients`` consenting clients and ``n`` due messages spread over them."""
    now = datetime.now(UTC)
    due = due or now - timedelta(seconds=1)
    engine = Database(db_url, crypto=TEST_CRYPTO).engine  # encrypted columns need the key
    with engine.begin() as conn:
        if clients:
            conn.execute(
                insert(CLIENTS),
                [
                    {
                        "external_id": f"P{i:05d}",
                        "first_name": "Test",
                        "phone": phone(i),
                        "phone_hash": TEST_CRYPTO.lookup_hash(phone(i)),
                        "external_id_hash": TEST_CRYPTO.external_id_hash(f"P{i:05d}"),
                        "group_name": None,
                        "timezone": "America/New_York",
                        "language": "en",
                        "consent_at": now,
                        "consent_source": "test",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(clients)
                ],
            )
        ids = [r[0] for r in conn.execute(text("SELECT id FROM clients ORDER BY id"))]
        rows = [
            # Kind "reply": rows the planner does not own, so no replica's planner re-plans
            # (cancels) them; the dispatcher treats every kind alike.
            {
                "kind": "reply",
                "client_id": ids[i % len(ids)],
                "label": "bulk",
                "body": f"{prefix} message {i}",
                "dedupe_key": f"{prefix}:{i}",
                "due_at": due,
                "not_after": due + freshness,
                "status": "pending",
                "attempts": 0,
                "needs_lookup": False,
                "created_at": now,
            }
            for i in range(n)
        ]
        for i in range(0, n, 1000):
            conn.execute(insert(MESSAGES), rows[i : i + 1000])
        if rows and not ids:
            raise AssertionError("seed clients first")
    engine.dispose()


def outbox(db_url: str) -> list[dict[str, Any]]:
    engine = Database(db_url, crypto=TEST_CRYPTO).engine
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(MESSAGES))]
    engine.dispose()
    return rows


def statuses(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r["status"]] = out.get(r["status"], 0) + 1
    return out
