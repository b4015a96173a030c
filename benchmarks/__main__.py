"""`python -m benchmarks [--only B1,B2,B3,B4,B5,B6] [--quick] [--markdown FILE]`: every benchmark
beside its baseline, in one run, with the ratio. Absolute numbers vary with the machine and
its load; ratios measured in the same run hold."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import ROOT, child, drop, machine, met, scratch, table


def b1(quick: bool) -> str:
    rows: list[list[str]] = []
    for backend in ("sqlite", "postgresql"):
        url = scratch(backend)
        try:
            ours = child("benchmarks.b1_plan", "plan", url)
            base = child("benchmarks.b1_plan", "baseline", url)
        finally:
            drop(url)
        ratio = float(ours["first_s"]) / float(base["seconds"])
        replan = float(ours["replan_s"]) / float(ours["first_s"])
        rows.append([backend, ours["rows"], f"{ours['first_s']:.2f} s", f"{base['seconds']:.2f} s",
                     f"{ratio:.2f}x (<= 2x)", f"{ours['replan_s']:.2f} s = {replan:.1%} (<= 10%)",
                     f"{ours['peak_rss_mb']:.0f} MB (< 300 MB)"])  # fmt: skip
    return table("B1 plan: a week for 10,000 clients in 6 groups",
                 ["database", "rows", "planner", "raw executemany", "ratio", "re-plan unchanged",
                  "peak memory"], rows)  # fmt: skip


def _b2_run(side: str, backend: str, procs: int, n: int) -> tuple[float, int, int, float]:
    """(messages/s, duplicates, lost, the largest peak RSS of the processes in MB)."""
    url = scratch(backend)
    try:
        child("benchmarks.b2_dispatch", "seed", url, str(n))
        tmp = Path(tempfile.mkdtemp(prefix="notifier-b2-"))
        workers = [subprocess.Popen([sys.executable, "-m", "benchmarks.b2_dispatch", side, url,
                                     str(tmp / f"{i}.json")], cwd=ROOT, stdout=subprocess.PIPE,
                                    text=True) for i in range(procs)]  # fmt: skip
        results = [json.loads(w.communicate()[0].strip().splitlines()[-1]) for w in workers]
        ids = [x for i in range(procs) for x in json.loads((tmp / f"{i}.json").read_text())]
    finally:
        drop(url)
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    rss = max(float(r["peak_rss_mb"]) for r in results)
    return n / elapsed, len(ids) - len(set(ids)), n - len(set(ids)), rss


def b2(quick: bool) -> str:
    n = 3000 if quick else 10_000
    rows: list[list[str]] = []
    for backend, procs in (("postgresql", 1), ("postgresql", 2), ("sqlite", 1)):
        ours, dup, lost, rss = _b2_run("worker", backend, procs, n)
        work, _, _, work_rss = _b2_run("work", backend, procs, n)
        base, _, _, _ = _b2_run("baseline", backend, procs, n)
        rows.append([f"{backend}, {procs} process(es)", n, f"{ours:,.0f}/s", f"{work:,.0f}/s",
                     f"{ours / work:.0%} {met(ours / work >= 0.6)} (>= 60%)", f"{base:,.0f}/s",
                     f"{ours / base:.0%}", dup, lost,
                     f"{rss:.0f} / {work_rss:.0f} MB"])  # fmt: skip
    return table("B2 dispatch: due messages, zero-latency transport",
                 ["setup", "messages", "notifier", "same work, raw driver", "ratio",
                  "raw claim + mark-sent (old baseline)", "old ratio", "duplicates", "lost",
                  "peak RSS per process (notifier / same work)"], rows)  # fmt: skip


def b3(quick: bool) -> str:
    rows: list[list[str]] = []
    for cap, seconds in ((1, 30), (3, 20), (75, 20)):
        r = child("benchmarks.b3_paced", str(cap), str(seconds / 2 if quick else seconds))
        calls = int(r["calls"]) or 1
        rows.append([f"{cap}/s", r["messages"], f"{float(r['achieved_per_s']):.2f}/s",
                     f"{float(r['achieved_per_s']) / cap:.1%} (>= 95%)",
                     f"{r['rejected_429']} of {calls} = {int(r['rejected_429']) / calls:.1%} "
                     "(< 5%)", r["lost"], r["concurrency"]])  # fmt: skip
    return table("B3 paced sending: fake Twilio, 150 ms per call, per-sender cap",
                 ["cap", "messages", "achieved", "of cap", "429s (retries)", "lost",
                  "concurrency"], rows)  # fmt: skip


def _mb(value: object) -> str:
    return "?" if value is None else f"{float(str(value)):.0f} MB"


def b4(quick: bool) -> str:
    r = child("benchmarks.b4_inbound", "10" if quick else "30", timeout=1800)
    fair = float(r["rps"]) / float(r["durable_rps"])
    ratio = float(r["rps"]) / float(r["bare_rps"])
    rows = [
        ["fair baseline: signature + one durable row", f"{float(r['durable_rps']):,.0f}/s",
         f"{float(r['durable_p50_ms']):.1f} ms", f"{float(r['durable_p99_ms']):.1f} ms", "", "",
         f"{r['durable_rows']} rows; HTTP {r['durable_statuses']}", _mb(r["durable_rss_mb"])],
        ["bare FastAPI endpoint (old baseline)", f"{float(r['bare_rps']):,.0f}/s",
         f"{float(r['bare_p50_ms']):.1f} ms", f"{float(r['bare_p99_ms']):.1f} ms", "", "", "",
         ""],
        ["notifier /twilio/inbound", f"{float(r['rps']):,.0f}/s", f"{float(r['p50_ms']):.1f} ms",
         f"{float(r['p99_ms']):.1f} ms {met(float(r['p99_ms']) < 100)} (< 100 ms)",
         f"{fair:.0%} {met(fair >= 0.6)} (>= 60%)", f"{ratio:.0%}",
         f"{r['replies']} replies for {r['unique_sids']} MessageSids ({r['distinct_replies']} "
         + (f"distinct); all recorded {float(r['drain_after_s']):.0f} s after the burst"
          if r["drain_after_s"] is not None else "distinct); NOT all recorded in 600 s")
         + f"; HTTP {r['statuses']}"
         + (f"; inbox left: {', '.join(r['inbox_left'])}" if r.get("inbox_left") else ""),
         _mb(r["rss_mb"])],
    ]  # fmt: skip
    return table(
        "B4 inbound: signed webhooks, 32 connections, one uvicorn worker, PostgreSQL",
        ["endpoint", "requests/s", "p50", "p99", "ratio to the fair baseline",
         "old ratio (bare)", "recorded", "peak RSS"],
        rows,
    )  # fmt: skip


def b5(quick: bool) -> str:
    from benchmarks.classify import TIMINGS, verdict

    r = child("benchmarks.classify")
    rows: list[list[str]] = []
    for label, key in TIMINGS:
        p99 = float(r[f"{key}p99_us"])
        rows.append([f"{r['messages']} ({r['source']})" if not rows else "", label,
                     f"{float(r[f'{key}p50_us']):.0f} us", f"{p99:.0f} us {verdict(p99)}",
                     f"{float(r[f'{key}max_us']):.0f} us"])  # fmt: skip
    return table("B5 classify: one reply, pure function, per message",
                 ["messages", "timing", "p50", "p99", "max"], rows)  # fmt: skip


def b6(quick: bool) -> str:
    from benchmarks import crisis_burst as cb

    seconds = "15" if quick else "60"
    r = child("benchmarks.crisis_burst", "--per-minute", "3000", "--seconds", seconds,
              timeout=1800)  # fmt: skip
    return table(cb.title(3000, 100, 1000), cb.HEADER, cb.rows(r["results"]))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", default="B1,B2,B3,B4,B5,B6")
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    chosen = {x.strip().upper() for x in args.only.split(",")}
    header = f"notifier benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\nmachine: {machine()}"
    print(header, flush=True)
    out = [header]
    for name, fn in (("B1", b1), ("B2", b2), ("B3", b3), ("B4", b4), ("B5", b5), ("B6", b6)):
        if name in chosen:
            text = fn(args.quick)
            print(text, flush=True)
            out.append(text)
    if args.markdown:
        Path(args.markdown).write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
