"""A statewide program's noon, end to end: two `notifier run` replicas on PostgreSQL, a roster
of N clients in G groups whose daily check-ins all fall due at one minute, handed to a fake
Twilio at the messaging service's cap, while signed replies arrive at both replicas.

    python -m benchmarks.noon [--clients 100000] [--groups 200] [--replies 30000]
                              [--minutes 10] [--peak 1000] [--cap 100] [--crisis-every 100]

Setup (not timed as the result): a scratch PostgreSQL database, the roster inserted in chunks,
the day planned by one `notifier tick` (its own process: time and peak RSS reported), the fake
Twilio (tests/fakes/twilio_server.py, 100 ms per call, refusing beyond ``--cap`` per second
with 429 as Twilio does), two replicas (as tests/e2e/harness.py starts them), each paced to
half the cap. The check-in time is set a few minutes ahead, so the planner plans it as on any
morning; t = 0 is the minute it falls due.

From t = 0: ``--replies`` signed `/twilio/inbound` webhooks over ``--minutes`` minutes, built
and signed before the clock starts, sent open-loop over 64 keep-alive connections split over
the replicas (a load balancer's view). Most are spread evenly; a sixth (at most 5 s worth)
arrive as a peak at ``--peak`` per second one minute in. One in ``--crisis-every`` is a crisis
message (English and Spanish, urgent and not) from a client of its own.

Printed: every reply recorded exactly once (count check against the webhooks answered 200),
crisis reply latency p50/p99/max (request written to the 988/911 reply accepted by the fake
Twilio), webhook p99, the time until every check-in was sent, the time until every group's
follow-up list is ready (every reply recorded, then all G lists fetched from
`GET /followup/{group}?format=json`), peak RSS per replica, and the backlog over time as a
PNG (docs/figures/noon_backlog.png; ``--figure`` to change, ``--figure ''`` for none).

The full size takes about 35 minutes on 2 cores (check-ins at 100/s are 17 of them);
``--clients 5000 --replies 3000 --minutes 1`` about 2.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert, or_, select, text

from benchmarks.common import (
    KEY,
    ROOT,
    drop,
    machine,
    met,
    peak_rss_of,
    run_measured,
    scratch,
    table,
)
from benchmarks.crisis_burst import CRISIS, ORDINARY, _answered
from benchmarks.loadgen import Sent, form_request, scheduled
from benchmarks.statewide import group_name, groups_setting, phone

PEAK_SECONDS = 5
CONNECTIONS = 64
FAKE_LATENCY = 0.1  # seconds per Twilio API call (a real one is 100-300 ms)
ZONE = "America/New_York"
TARGETS = {"crisis_p99_s": 2.0, "webhook_p99_ms": 100.0, "replica_rss_mb": 400.0}
SEED_CHUNK = 5_000
FIGURE = ROOT / "docs" / "figures" / "noon_backlog.png"


def schedule(replies: int, minutes: float, peak: float) -> list[float]:
    """When each reply arrives (seconds after t = 0): a peak of up to PEAK_SECONDS at
    ``peak``/s one minute in (or a tenth of the way for short runs), the rest evenly spread."""
    window = minutes * 60
    peak_n = min(replies // 6, int(peak * PEAK_SECONDS))
    peak_at = min(60.0, window / 10)
    rest = replies - peak_n
    times = [peak_at + k / peak for k in range(peak_n)]
    times += [(k + 0.5) * window / rest for k in range(rest)]
    return sorted(times)


def build(replies: int, clients: int, crisis_every: int) -> tuple[list[bytes], dict[int, str]]:
    """The signed requests, and the MessageSid of each crisis request by its index. Crisis
    senders are distinct clients, so each crisis message gets its own 988/911 reply."""
    from twilio.request_validator import RequestValidator

    from tests.helpers.harness import AUTH_TOKEN, FROM

    validator = RequestValidator(AUTH_TOKEN)
    public = "https://notifier.example.org/twilio/inbound"
    n_crisis = replies // crisis_every
    stride = max(1, clients // max(1, n_crisis))
    built: list[bytes] = []
    crisis: dict[int, str] = {}
    for n in range(replies):
        sid = f"SM{n:032x}"
        if n % crisis_every == crisis_every // 2:
            j = len(crisis)
            sender, body = (j * stride) % clients, CRISIS[j % len(CRISIS)][0]
            crisis[n] = sid
        else:
            sender, body = (n * 7919) % clients, ORDINARY[n % len(ORDINARY)]
        form = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": phone(sender),
                "To": FROM, "Body": body}  # fmt: skip
        headers = {"X-Twilio-Signature": validator.compute_signature(public, form)}
        built.append(
            form_request("/twilio/inbound", urllib.parse.urlencode(form).encode(), headers)
        )
    return built, crisis


def seed(url: str, clients: int, groups: int) -> None:
    """The roster, as `clients import` would leave it (consent given), inserted in chunks."""
    from notifier.core.crypto import Crypto
    from notifier.core.db import Database
    from notifier.core.models import CLIENTS

    crypto = Crypto([KEY])
    db = Database(url, crypto=crypto)
    now = datetime.now(UTC)
    for start in range(0, clients, SEED_CHUNK):
        rows = [{
            "external_id": f"S{i:07d}", "first_name": "Client", "phone": phone(i),
            "phone_hash": crypto.lookup_hash(phone(i)),
            "external_id_hash": crypto.external_id_hash(f"S{i:07d}"),
            "group_name": group_name(i % groups), "timezone": ZONE,
            "language": "es" if i % 5 == 0 else "en", "consent_at": now,
            "consent_source": "bench", "created_at": now, "updated_at": now,
        } for i in range(start, min(clients, start + SEED_CHUNK))]  # fmt: skip
        with db.engine.begin() as conn:
            conn.execute(insert(CLIENTS), rows)
    db.dispose()


def environment(url: str, fake_url: str, groups: int, checkin: datetime, args: Any) -> dict:  # type: ignore[type-arg]
    from tests.helpers.harness import twilio_env

    class _Fake:
        base_url = fake_url

    env = twilio_env(url, _Fake())  # type: ignore[arg-type]
    env.update(
        NOTIFIER_ENCRYPTION_KEYS=KEY,
        NOTIFIER_GROUPS=groups_setting(groups),
        NOTIFIER_TIMEZONE=ZONE,
        NOTIFIER_CHECKIN_DAYS="daily",
        NOTIFIER_CHECKIN_TIME=checkin.astimezone(ZoneInfo(ZONE)).strftime("%H:%M"),
        NOTIFIER_PLAN_HORIZON="1d",
        NOTIFIER_MAX_SEND_RATE=str(args.cap / args.replicas),
        NOTIFIER_SEND_CONCURRENCY="16",
        NOTIFIER_CLAIM_LEASE="60s",
        NOTIFIER_ONCALL_NUMBERS="+13125550198,+13125550199",
        NOTIFIER_LOG_LEVEL="WARNING",
        NOTIFIER_STAFF_TOKEN=args.token,
    )
    return env


class Sampler(threading.Thread):
    """Once a second: check-ins not yet sent, deliveries waiting in the inbox, replies
    recorded, texts sent, and each replica's resident memory."""

    QUERY = text(
        "SELECT (SELECT count(*) FROM messages WHERE kind = 'checkin' AND status IN "
        "('pending', 'sending') AND due_at <= :due), (SELECT count(*) FROM inbox), "
        "(SELECT count(*) FROM replies), (SELECT count(*) FROM messages WHERE sent_at IS NOT NULL)"
    )

    def __init__(self, url: str, t0: float, due: datetime, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.t0, self.due, self.pids = t0, due, pids
        self.stop = threading.Event()
        self.rows: list[dict[str, float]] = []

    def run(self) -> None:
        while not self.stop.wait(1.0):
            with self.engine.connect() as conn:
                checkins, inbox, replies, sent = conn.execute(self.QUERY, {"due": self.due}).one()
            row = {"t": time.time() - self.t0, "checkins": checkins, "inbox": inbox,
                   "replies": replies, "sent": sent}  # fmt: skip
            for k, pid in enumerate(self.pids):
                row[f"rss{k}"] = _rss_now(pid)
            self.rows.append(row)

    def latest(self) -> dict[str, float]:
        return self.rows[-1] if self.rows else {"checkins": 1, "inbox": 1, "replies": 0}


def _rss_now(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return float("nan")


def followup_lists(ports: list[int], groups: int, token: str) -> int:
    """Fetch every group's follow-up list (JSON) from the replicas in turn; the clients listed."""

    def one(g: int) -> int:
        req = urllib.request.Request(
            f"http://127.0.0.1:{ports[g % len(ports)]}/followup/{group_name(g)}?format=json",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            return len(json.loads(r.read())["clients"])

    with ThreadPoolExecutor(4) as pool:
        return sum(pool.map(one, range(groups)))


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        total, distinct = conn.execute(
            text("SELECT count(*), count(DISTINCT provider_sid) FROM replies")
        ).one()
    engine.dispose()
    return int(total), int(distinct)


def _plan(env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    proc, rss = run_measured("notifier", "tick", env=dict(os.environ, **env), timeout=7200)
    if proc.returncode != 0:
        raise RuntimeError(f"notifier tick failed:\n{proc.stderr[-2000:]}")
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": rss}


def _wait_until(wall: float) -> None:
    while (left := wall - time.time()) > 0:
        time.sleep(min(left, 1.0))


def _run_load(args: Any, replicas: list[Any], url: str, due: datetime, t0: float) -> dict[str, Any]:
    """From t = 0 (the check-ins' due minute): the replies, then waiting for the backlog."""
    offsets = schedule(args.replies, args.minutes, args.peak)
    requests, crisis = build(args.replies, args.clients, args.crisis_every)
    sampler = Sampler(url, t0, due, [r.proc.pid for r in replicas])
    _wait_until(t0)
    sampler.start()
    targets = [("127.0.0.1", r.port) for r in replicas]
    sent: list[Sent] = scheduled(targets, requests, offsets, CONNECTIONS, start_wall=t0)
    ok = sum(1 for s in sent if s.status == 200)
    deadline = time.time() + 600 + args.clients / args.cap * 1.5
    recorded_at = checkins_at = None
    while time.time() < deadline:
        time.sleep(1.0)
        last = sampler.latest()
        if recorded_at is None and last["replies"] >= ok and last["inbox"] == 0:
            recorded_at = time.time() - t0
        if checkins_at is None and last["checkins"] == 0 and last.get("t", 0) > 0:
            checkins_at = time.time() - t0
        if recorded_at is not None and checkins_at is not None:
            break
    lists_started = time.time()
    listed = followup_lists([r.port for r in replicas], args.groups, args.token)
    lists_s = time.time() - lists_started
    answered, _ = _answered(url, set(crisis.values()))
    sampler.stop.set()
    sampler.join(5)
    latencies = sorted(
        answered[crisis[s.index]].timestamp() - s.sent_at
        for s in sent
        if s.index in crisis and crisis[s.index] in answered
    )
    tail = _tail(url, crisis, sent, answered, t0)
    statuses: dict[int, int] = {}
    for s in sent:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    http = sorted(s.latency for s in sent)
    return {
        "webhooks": len(sent), "statuses": statuses, "answered_200": ok,
        "last_request_at_s": max(s.sent_at for s in sent) - t0,
        "webhook_p50_ms": pct(http, 0.5) * 1000, "webhook_p99_ms": pct(http, 0.99) * 1000,
        "webhook_max_ms": http[-1] * 1000 if http else float("nan"),
        "crisis": len(crisis), "crisis_answered": len(latencies),
        "crisis_p50_s": pct(latencies, 0.5), "crisis_p99_s": pct(latencies, 0.99),
        "crisis_max_s": latencies[-1] if latencies else float("nan"), "crisis_tail": tail,
        "all_recorded_at_s": recorded_at, "checkins_sent_at_s": checkins_at,
        "followup_lists_s": lists_s, "followup_clients_listed": listed,
        "followup_ready_at_s": (recorded_at + lists_s) if recorded_at is not None else None,
        "samples": sampler.rows,
    }  # fmt: skip


def _tail(
    url: str, crisis: dict[int, str], sent: list[Sent], answered: dict[str, datetime], t0: float
) -> list[dict[str, float]]:
    """Where the five slowest crisis answers spent their time, in seconds after the request
    was written: the reply recorded (inbox drained), its 988/911 text queued, claimed by a
    sender, accepted by the provider; ``at`` is when the request came (after t = 0)."""
    from notifier.core.models import MESSAGES, REPLIES, REPLY

    slow = sorted(
        ((answered[crisis[s.index]].timestamp() - s.sent_at, s) for s in sent
         if s.index in crisis and crisis[s.index] in answered),
        key=lambda x: x[0], reverse=True,
    )[:5]  # fmt: skip
    engine = create_engine(url)
    out: list[dict[str, float]] = []
    with engine.connect() as conn:
        for _, s in slow:
            reply = conn.execute(
                select(REPLIES.c.id, REPLIES.c.created_at).where(
                    REPLIES.c.provider_sid == crisis[s.index]
                )
            ).one()
            msg = conn.execute(
                select(MESSAGES.c.created_at, MESSAGES.c.claimed_at, MESSAGES.c.sent_at,
                       MESSAGES.c.attempts)
                .where(MESSAGES.c.kind == REPLY, MESSAGES.c.sent_at.is_not(None),
                       or_(MESSAGES.c.dedupe_key.like(f"%:{reply.id}"),
                           MESSAGES.c.dedupe_key.like(f"%:{reply.id}:%")))
                .order_by(MESSAGES.c.sent_at)
                .limit(1)
            ).one()  # fmt: skip

            def after(at: datetime | None, since: float = s.sent_at) -> float:
                return round(at.timestamp() - since, 3) if at is not None else float("nan")

            out.append({"at": round(s.sent_at - t0, 1), "recorded": after(reply.created_at),
                        "queued": after(msg.created_at), "claimed": after(msg.claimed_at),
                        "accepted": after(msg.sent_at), "attempts": int(msg.attempts)})  # fmt: skip
    engine.dispose()
    return out


def measure(args: Any) -> dict[str, Any]:
    from tests.helpers.harness import FakeTwilioProcess, replicas

    url = scratch("postgresql")
    workdir = Path(tempfile.mkdtemp(prefix="notifier-noon-"))
    fake = None
    try:
        started = time.perf_counter()
        seed(url, args.clients, args.groups)
        seed_s = time.perf_counter() - started
        fake = FakeTwilioProcess(workdir, latency=FAKE_LATENCY, rate=args.cap)
        lead = 150 + args.clients / 1000  # seconds: to plan the day and start the replicas
        due = (datetime.now(UTC) + timedelta(seconds=lead + 60)).replace(second=0, microsecond=0)
        env = environment(url, fake.base_url, args.groups, due, args)
        plan = _plan(env)
        with replicas(workdir, args.replicas, env) as running:
            # t = 0 is the due minute, or the moment the replicas are up when starting them
            # (each plans at start-up) took longer than the lead: both start sending then.
            t0 = max(due.timestamp(), time.time())
            result = _run_load(args, running, url, due, t0)
            result["replicas_late_s"] = t0 - due.timestamp()
            result["replica_peak_rss_mb"] = [peak_rss_of(r.proc.pid) for r in running]
        with urllib.request.urlopen(f"{fake.base_url}/_fake/stats", timeout=10) as r:
            result["fake_twilio"] = json.loads(r.read())
        total, distinct = _counts(url)
        checkins = _checkins(url, due)
    finally:
        if fake is not None:
            fake.stop()
        drop(url)
    return {**result, "clients": args.clients, "groups": args.groups, "cap": args.cap,
            "replicas": args.replicas, "replies_target": args.replies, "minutes": args.minutes,
            "peak": args.peak, "seed_s": seed_s, "plan": plan, "reply_rows": total,
            "distinct_sids": distinct, "checkins": checkins, "workdir": str(workdir)}  # fmt: skip


def _checkins(url: str, due: datetime) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT status, count(*) FROM messages WHERE kind = 'checkin' AND due_at <= :d "
                "GROUP BY status"
            ),
            {"d": due},
        ).all()
    engine.dispose()
    return {str(s): int(n) for s, n in rows}


def _s(value: object) -> str:
    return "never (deadline)" if value is None else f"{float(str(value)):.0f} s"


def rows(r: dict[str, Any]) -> list[list[object]]:
    ok = r["reply_rows"] == r["answered_200"] == r["distinct_sids"]
    rss = [x for x in r["replica_peak_rss_mb"] if x is not None]
    crisis_ok = r["crisis_answered"] == r["crisis"] and r["crisis_p99_s"] < TARGETS["crisis_p99_s"]
    return [
        ["replies recorded exactly once",
         f"{r['reply_rows']:,} rows, {r['distinct_sids']:,} MessageSids, {r['answered_200']:,} "
         f"webhooks answered 200 (HTTP {r['statuses']})", f"{met(ok)} (all equal)"],
        ["crisis reply (request to 988/911 reply accepted)",
         f"{r['crisis_answered']} of {r['crisis']}: p50 {r['crisis_p50_s']:.2f} s, p99 "
         f"{r['crisis_p99_s']:.2f} s, max {r['crisis_max_s']:.2f} s", f"{met(crisis_ok)} (< 2 s)"],
        ["the five slowest crisis answers (s after the request: recorded / queued / claimed / "
         "accepted; request at t)",
         "; ".join(f"t {x['at']:.0f}: {x['recorded']:.2f} / {x['queued']:.2f} / "
                   f"{x['claimed']:.2f} / {x['accepted']:.2f} ({x['attempts']} tries)"
                   for x in r.get("crisis_tail", [])), ""],
        ["webhook latency", f"p50 {r['webhook_p50_ms']:.0f} ms, p99 {r['webhook_p99_ms']:.0f} ms, "
         f"max {r['webhook_max_ms']:.0f} ms",
         f"{met(r['webhook_p99_ms'] < TARGETS['webhook_p99_ms'])} (p99 < 100 ms)"],
        ["every reply recorded", f"{_s(r['all_recorded_at_s'])} after t = 0 (last webhook at "
         f"{r['last_request_at_s']:.0f} s)", ""],
        ["every group's follow-up list ready",
         f"{_s(r['followup_ready_at_s'])} ({r['groups']} lists fetched in "
         f"{r['followup_lists_s']:.1f} s, {r['followup_clients_listed']:,} clients)", ""],
        ["every check-in sent", f"{_s(r['checkins_sent_at_s'])} ({r['checkins']}; cap "
         f"{r['cap']}/s)", ""],
        ["peak RSS per replica", ", ".join(f"{x:.0f} MB" for x in rss),
         f"{met(bool(rss) and max(rss) < TARGETS['replica_rss_mb'])} (< 400 MB)"],
        ["setup: roster seeded / day planned (`notifier tick`)",
         f"{r['seed_s']:.0f} s / {r['plan']['seconds']:.0f} s, planner peak RSS "
         f"{float(r['plan']['peak_rss_mb'] or 0):.0f} MB", ""],
    ]  # fmt: skip


def title(r: dict[str, Any]) -> str:
    return (
        f"Noon at state scale: {r['clients']:,} clients in {r['groups']} groups, {r['replicas']} "
        f"replicas on PostgreSQL, check-ins at {r['cap']}/s, {r['replies_target']:,} replies over "
        f"{r['minutes']:g} min (peak {r['peak']:,.0f}/s)"
    )


def figure(r: dict[str, Any], path: Path) -> Path:
    from benchmarks.figures import timeline

    samples = r["samples"]
    return timeline(
        {"check-ins not yet sent": [(s["t"], s["checkins"]) for s in samples]},
        path, title(r).replace(", check-ins", ",\ncheck-ins"), "check-ins waiting",
        right={"deliveries waiting in the inbox": [(s["t"], s["inbox"]) for s in samples]},
        right_label="replies waiting to be handled",
    )  # fmt: skip


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.noon", epilog=__doc__.split("\n\n")[-1])
    p.add_argument("--clients", type=int, default=100_000)
    p.add_argument("--groups", type=int, default=200)
    p.add_argument("--replies", type=int, default=30_000)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--peak", type=float, default=1000, help="replies/s at the peak")
    p.add_argument("--cap", type=float, default=100, help="the messaging service's texts/s")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--crisis-every", type=int, default=100)
    p.add_argument("--figure", default=str(FIGURE), help="the backlog PNG ('' for none)")
    a = p.parse_args()
    if not (100 <= a.clients <= 1_000_000 and 1 <= a.groups <= 1000 and a.replicas >= 1):
        p.error("--clients 100..1000000, --groups 1..1000, --replicas >= 1")
    if not (a.replies >= a.crisis_every >= 2 and 0 < a.minutes <= 60 and a.peak > 0 < a.cap):
        p.error("--replies >= --crisis-every >= 2, --minutes 0..60, --peak and --cap > 0")
    a.token = secrets.token_urlsafe(32)
    r = measure(a)
    print(table(title(r), ["figure", "measured", "target"], rows(r)))
    if a.figure:
        try:
            print(f"\n(figure: {figure(r, Path(a.figure))})")
        except ImportError:
            print("\n(no figure: matplotlib is not installed)")
    print(f"\n{machine()}")
    print(json.dumps({k: v for k, v in r.items() if k != "samples"}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
