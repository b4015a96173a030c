"""Proofs for several replicas on one PostgreSQL, with real processes and injected faults:
nothing sent twice, nothing lost, nothing sent late. Each test prints its figures."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import TEST_KEY, _truncate
from tests.helpers.harness import (
    ROOT,
    FakeTwilioProcess,
    Replica,
    outbox,
    replicas,
    seed_outbox,
    statuses,
    twilio_env,
    wait_until,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url: str | None) -> str:
    if pg_url is None:
        pytest.skip("the multi-replica proofs need NOTIFIER_TEST_POSTGRES_URL")
    _truncate(pg_url)
    return pg_url


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeTwilioProcess]:
    server = FakeTwilioProcess(tmp_path)
    yield server
    server.stop()


def report(name: str, **figures: object) -> None:
    print(f"\nPROOF {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


def duplicates(accepted: list[dict[str, object]]) -> int:
    counts = Counter((m["to"], m["body"]) for m in accepted)
    return sum(n - 1 for n in counts.values() if n > 1)


def test_three_workers_drain_3000_messages_each_accepted_exactly_once(
    pg: str, fake: FakeTwilioProcess, tmp_path: Path
) -> None:
    seed_outbox(pg, 3000, clients=300)
    started = time.monotonic()
    with replicas(tmp_path, 3, twilio_env(pg, fake, NOTIFIER_DISPATCH_BATCH="50")) as procs:
        wait_until(lambda: len(fake.accepted()) >= 3000, 180, "3000 accepted messages", 0.5)
        wait_until(lambda: statuses(outbox(pg)).get("sent") == 3000, 60, "3000 rows sent")
        elapsed = time.monotonic() - started
        codes = [r.terminate() for r in procs]
    accepted = fake.accepted()
    rows = outbox(pg)
    workers = Counter(r["claimed_by"] for r in rows)
    report(
        "three workers",
        messages=3000,
        processes=3,
        accepted=len(accepted),
        duplicates=duplicates(accepted),
        lost=3000 - len({r["body"] for r in accepted}),
        per_worker=sorted(workers.values()),
        seconds=round(elapsed, 1),
    )
    assert len(accepted) == 3000 and duplicates(accepted) == 0
    assert statuses(rows) == {"sent": 3000}
    assert {r["provider_sid"] for r in rows} == {m["sid"] for m in accepted}
    assert len(workers) == 3  # all three took part
    assert codes == [0, 0, 0]


def test_three_planners_at_once_make_no_duplicate_rows(pg: str, tmp_path: Path) -> None:
    env_file = tmp_path / "plan.env"
    env_file.write_text(
        (ROOT / "settings.example.env")
        .read_text()
        .replace("NOTIFIER_DATABASE_URL=sqlite:///notifier.db", f"NOTIFIER_DATABASE_URL={pg}")
        .replace("NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}")
    )
    roster = tmp_path / "roster.csv"
    lines = ["external_id,first_name,phone,group,start_date,end_date,timezone,consent"]
    lines += [
        f"R{i:04d},Client,+1312{300 + i // 10000:03d}{i % 10000:04d},"
        f"{'evening' if i % 2 else 'morning'},,,America/New_York,yes"
        for i in range(300)
    ]
    roster.write_text("\n".join(lines) + "\n")
    base = [sys.executable, "-m", "notifier", "--env-file", str(env_file)]
    subprocess.run(
        [*base, "clients", "import", str(roster)], check=True, cwd=tmp_path, capture_output=True
    )
    now = "2026-11-29T10:00"
    procs = [
        subprocess.Popen(
            [*base, "tick", "--now", now],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1][-1000:] for r in results]
    engine = create_engine(pg)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM messages")).scalar()
        distinct = conn.execute(text("SELECT count(DISTINCT dedupe_key) FROM messages")).scalar()
        sessions = conn.execute(text("SELECT count(*), count(DISTINCT key) FROM sessions")).one()
    engine.dispose()
    # A fourth, single planner finds nothing left to add.
    again = subprocess.run(
        [*base, "tick", "--now", now], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    report(
        "three planners",
        clients=300,
        processes=3,
        rows=total,
        duplicates=total - distinct,
        sessions=sessions[0],
        duplicate_sessions=sessions[0] - sessions[1],
    )
    assert total == distinct and total and total > 1000
    assert sessions[0] == sessions[1]
    assert "planned 0 new message(s)" in again.stdout


def test_worker_killed_mid_batch_then_restarted_loses_nothing_and_sends_nothing_twice(
    pg: str, tmp_path: Path
) -> None:
    fake = FakeTwilioProcess(tmp_path, latency=0.05)
    try:
        seed_outbox(pg, 400, clients=40)
        env = twilio_env(pg, fake, NOTIFIER_DISPATCH_BATCH="100", NOTIFIER_CLAIM_LEASE="4s")
        first = Replica(tmp_path, "victim", env).start()
        wait_until(lambda: len(fake.accepted()) >= 29, 60, "29 sends")
        # The next send is accepted by "Twilio" but its answer never arrives.
        fake.control({"lose_response_next": 1})
        wait_until(lambda: len(fake.accepted()) >= 60, 60, "60 sends")
        first.kill()  # SIGKILL mid-batch: rows stay claimed, one send's outcome unknown
        at_kill = len(fake.accepted())
        mid = statuses(outbox(pg))
        second = Replica(tmp_path, "survivor", env).start()
        wait_until(lambda: statuses(outbox(pg)).get("sent") == 400, 120, "400 rows sent")
        code = second.terminate()
    finally:
        fake.stop()
    accepted = fake.accepted()
    rows = outbox(pg)
    looked_up = sum(1 for r in rows if r["claimed_by"] and r["attempts"] >= 2)
    report(
        "SIGKILL mid-batch",
        messages=400,
        accepted_before_kill=at_kill,
        stuck_in_sending_at_kill=mid.get("sending", 0),
        accepted=len(accepted),
        duplicates=duplicates(accepted),
        lost=400 - statuses(rows).get("sent", 0),
        reclaimed=looked_up,
    )
    assert mid.get("sending", 0) > 0  # the kill really left claimed rows behind
    assert len(accepted) == 400 and duplicates(accepted) == 0
    assert statuses(rows) == {"sent": 400}
    assert {r["provider_sid"] for r in rows} == {m["sid"] for m in accepted}
    assert code == 0


def test_fault_bursts_end_sent_or_failed_with_code_never_late(pg: str, tmp_path: Path) -> None:
    fake = FakeTwilioProcess(tmp_path)
    try:
        seed_outbox(pg, 300, clients=30, freshness=timedelta(seconds=40))
        fake.control(
            {
                "set_fault_rate": {
                    "p429": 0.25,
                    "p5xx": 0.15,
                    "p_timeout": 0.05,
                    "timeout_seconds": 3,
                    "seed": 11,
                }
            }
        )
        env = twilio_env(
            pg,
            fake,
            NOTIFIER_TWILIO_TIMEOUT="1",
            NOTIFIER_RETRY_BACKOFF="2s",
            NOTIFIER_MAX_ATTEMPTS="8",
            NOTIFIER_EXPIRE_INTERVAL="2s",
        )
        with replicas(tmp_path, 2, env) as procs:

            def settled() -> bool:
                s = statuses(outbox(pg))
                return s.get("pending", 0) + s.get("sending", 0) == 0

            wait_until(settled, 120, "every message settled", 0.5)
            for r in procs:
                assert r.terminate() == 0
            logs = "\n".join(r.log() for r in procs)
    finally:
        fake.stop()
    rows = outbox(pg)
    accepted = fake.accepted()
    by_body = {r["body"]: r for r in rows}
    late = [
        m
        for m in accepted  # Twilio's dates are RFC 2822, to the second
        if parsedate_to_datetime(m["date_created"])
        > by_body[m["body"]]["not_after"] + timedelta(seconds=1)
    ]
    failed = [r for r in rows if r["status"] == "failed"]
    final = statuses(rows)
    retried = sum(1 for r in rows if r["attempts"] > 1)
    report(
        "fault bursts",
        messages=300,
        sent=final.get("sent", 0),
        failed=len(failed),
        expired=final.get("expired", 0),
        retried=retried,
        late=len(late),
        duplicates=duplicates(accepted),
        failure_codes=dict(Counter(r["error_code"] for r in failed)),
    )
    assert set(final) <= {"sent", "failed", "expired"}
    assert all(r["error_code"] for r in failed)  # every failure says why
    assert all(r["error_code"] for r in rows if r["status"] == "expired" and r["attempts"])
    assert not late and duplicates(accepted) == 0
    assert retried > 0
    sent_sids = {r["provider_sid"] for r in rows if r["status"] == "sent"}
    assert sent_sids == {m["sid"] for m in accepted}
    # Retries back off: each retry of a message waits at least as long as the one before,
    # and at least half of 2s * 2^(attempt-1) (the jitter takes at most half away).
    delays: dict[int, list[tuple[int, float]]] = {}
    for line in logs.splitlines():
        if '"send.retry"' in line:
            event = json.loads(line)
            delays.setdefault(event["message_id"], []).append((event["attempt"], event["delay_s"]))
    assert delays and any(len(v) >= 2 for v in delays.values())
    for steps in delays.values():
        steps.sort()
        for attempt, delay in steps:
            assert delay >= 2 * 2 ** (attempt - 1) * 0.5 - 0.05
        assert [d for _, d in steps] == sorted(d for _, d in steps)


def test_sigterm_during_dispatch_exits_0_with_nothing_half_recorded(
    pg: str, tmp_path: Path
) -> None:
    fake = FakeTwilioProcess(tmp_path, latency=0.3)
    try:
        seed_outbox(pg, 200, clients=20)
        env = twilio_env(pg, fake, NOTIFIER_SEND_CONCURRENCY="4", NOTIFIER_DISPATCH_BATCH="100")
        replica = Replica(tmp_path, "graceful", env).start()
        wait_until(lambda: len(fake.accepted()) >= 10, 60, "10 sends")
        code = replica.terminate(timeout=60)
    finally:
        fake.stop()
    rows = outbox(pg)
    accepted = fake.accepted()
    final = statuses(rows)
    report(
        "SIGTERM during dispatch",
        messages=200,
        exit_code=code,
        accepted=len(accepted),
        recorded_sent=final.get("sent", 0),
        left_pending=final.get("pending", 0),
        in_sending=final.get("sending", 0),
    )
    assert code == 0
    assert final.get("sending", 0) == 0  # nothing half-recorded
    assert {r["provider_sid"] for r in rows if r["status"] == "sent"} == {
        m["sid"] for m in accepted
    }
    assert final.get("pending", 0) > 0  # it stopped early: the rest wait for the next start
    assert "Traceback" not in replica.log()


def test_singleton_jobs_take_an_advisory_lock(pg: str) -> None:
    from notifier.core.db import Database
    from notifier.core.state import singleton

    a, b = Database(pg), Database(pg)
    with singleton(a, "poll") as first:
        with singleton(b, "poll") as second:
            assert first and not second
        with singleton(b, "reports") as other:
            assert other  # a different job's lock
    with singleton(b, "poll") as later:
        assert later  # released when the holder finished
    a.dispose()
    b.dispose()
