"""Proofs with a real PostgreSQL stopped under a running service, and a burst of signed
inbound replies from concurrent senders with Twilio-style retries."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from tests.conftest import _truncate
from tests.helpers.harness import (
    AUTH_TOKEN,
    FakeTwilioProcess,
    Replica,
    free_port,
    outbox,
    phone,
    seed_outbox,
    statuses,
    twilio_env,
    wait_until,
)

pytestmark = pytest.mark.postgres
PG_BIN = Path("/usr/lib/postgresql")


def report(name: str, **figures: object) -> None:
    print(f"\nPROOF {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


def _pg_tool(name: str) -> str | None:
    found = sorted(PG_BIN.glob(f"*/bin/{name}")) if PG_BIN.exists() else []
    return str(found[-1]) if found else shutil.which(name)


class PrivatePostgres:
    """A PostgreSQL of our own (initdb in a temp dir), so stopping it disturbs no one else."""

    def __init__(self) -> None:
        initdb, self.pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
        if not initdb or not self.pg_ctl:
            pytest.skip("initdb/pg_ctl not found")
        # Not under pytest's tmp_path: its parents are private to the user running the tests,
        # and PostgreSQL runs as its own user when we are root.
        self.dir = Path(tempfile.mkdtemp(prefix="notifier-pg-"))
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
        self._run(
            [
                initdb,
                "-D",
                str(self.dir / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        )
        self.start()
        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE notifier"))
        admin.dispose()

    def _run(self, args: list[str]) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def url(self, db: str = "notifier") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.pg_ctl
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}"
        self._run(
            [
                self.pg_ctl,
                "-D",
                str(self.dir / "data"),
                "-o",
                opts,
                "-l",
                str(self.dir / "log"),
                "-w",
                "start",
            ]
        )

    def stop(self) -> None:
        assert self.pg_ctl
        self._run([self.pg_ctl, "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_pg(pg_url: str | None) -> Iterator[PrivatePostgres]:
    if pg_url is None:
        pytest.skip("PostgreSQL proofs need NOTIFIER_TEST_POSTGRES_URL")
    server = PrivatePostgres()
    yield server
    server.destroy()


def test_postgres_stopped_for_ten_seconds_the_service_stays_up_and_recovers(
    private_pg: PrivatePostgres, tmp_path: Path
) -> None:
    url = private_pg.url()
    from notifier.core import db as dbmod

    dbmod.upgrade(url)
    # Messages fall due over the next 30 s, so sending is under way when the database stops.
    now = datetime.now(UTC)
    for i in range(6):
        seed_outbox(
            url,
            50,
            clients=5 if i == 0 else 0,
            due=now + timedelta(seconds=5 * i),
            prefix=f"wave{i}",
        )
    fake = FakeTwilioProcess(tmp_path, latency=0.02)
    replica = Replica(tmp_path, "steady", twilio_env(url, fake, NOTIFIER_CLAIM_LEASE="5s"))
    try:
        replica.start()
        wait_until(lambda: replica.get("/readyz") == 200, 30, "/readyz 200")
        wait_until(lambda: len(fake.accepted()) >= 20, 60, "sending under way")
        private_pg.stop()
        stopped_at = time.monotonic()
        health, ready = Counter[int](), Counter[int]()
        while time.monotonic() - stopped_at < 10:
            health[replica.get("/healthz")] += 1
            ready[replica.get("/readyz")] += 1
            time.sleep(0.5)
        assert replica.proc is not None and replica.proc.poll() is None  # still running
        private_pg.start()
        wait_until(lambda: replica.get("/readyz") == 200, 60, "/readyz back to 200")
        wait_until(lambda: statuses(outbox(url)).get("sent") == 300, 120, "all 300 sent")
        code = replica.terminate()
    finally:
        replica.stop_quietly()
        fake.stop()
    accepted = fake.accepted()
    dup = sum(n - 1 for n in Counter(m["body"] for m in accepted).values() if n > 1)
    report(
        "PostgreSQL stopped 10 s",
        messages=300,
        healthz_during=dict(health),
        readyz_during=dict(ready),
        accepted=len(accepted),
        duplicates=dup,
        lost=300 - statuses(outbox(url)).get("sent", 0),
        exit_code=code,
    )
    assert set(health) == {200}
    assert ready[503] > 0 and 200 not in ready
    assert len(accepted) == 300 and dup == 0
    assert code == 0


def test_2000_signed_replies_from_20_senders_with_retries_recorded_once(
    pg_url: str | None, tmp_path: Path
) -> None:
    if pg_url is None:
        pytest.skip("PostgreSQL proofs need NOTIFIER_TEST_POSTGRES_URL")
    _truncate(pg_url)
    seed_outbox(pg_url, 0, clients=20)
    fake = FakeTwilioProcess(tmp_path)
    env = twilio_env(pg_url, fake)
    replica = Replica(tmp_path, "inbound", env)
    validator = RequestValidator(AUTH_TOKEN)
    public = "https://notifier.example.org/twilio/inbound"
    bodies = ["7", "3/10", "rough day", "1", "can't make it", "thanks", "HELP", "like 8!!"]
    statuses_seen: Counter[int] = Counter()
    lock = threading.Lock()
    retries = 0

    def post(form: dict[str, str]) -> int:
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(
            replica.url("/twilio/inbound"),
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": validator.compute_signature(public, form),
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def sender(i: int) -> None:
        nonlocal retries
        rng = random.Random(i)
        for n in range(100):
            sid = f"SM{i:02d}{n:04d}" + "0" * 26
            form = {
                "MessageSid": sid,
                "From": phone(i),
                "To": "+13125550100",
                "Body": rng.choice(bodies),
                "AccountSid": "AC" + "0" * 32,
            }
            codes = [post(form)]
            if rng.random() < 0.15:  # Twilio retries when it thinks the webhook failed
                codes.append(post(form))
                with lock:
                    retries += 1
            with lock:
                statuses_seen.update(codes)

    try:
        replica.start()
        started = time.monotonic()
        threads = [threading.Thread(target=sender, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        # The webhook stores and answers; the inbox worker records the replies just after.
        engine = create_engine(pg_url)

        def recorded() -> bool:
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM replies")).scalar() == 2000

        wait_until(recorded, 120, "2000 replies recorded")
        engine.dispose()
        code = replica.terminate()
    finally:
        replica.stop_quietly()
        fake.stop()
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM replies")).scalar()
        distinct = conn.execute(text("SELECT count(DISTINCT provider_sid) FROM replies")).scalar()
        unlinked = conn.execute(text("SELECT count(*) FROM replies WHERE client_id IS NULL"))
        unlinked_n = unlinked.scalar()
    engine.dispose()
    report(
        "inbound burst",
        replies=2000,
        senders=20,
        retries=retries,
        http=dict(statuses_seen),
        recorded=total,
        duplicates=(total or 0) - (distinct or 0),
        seconds=round(elapsed, 1),
    )
    assert statuses_seen == Counter({200: 2000 + retries})
    assert total == 2000 and distinct == 2000 and unlinked_n == 0
    assert code == 0
