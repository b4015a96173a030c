"""`python -m benchmarks [--only B1,B2,B3,B4,B5,B6,CLI,NOON] [--quick] [--state-scale]
[--markdown FILE]`: every benchmark beside its baseline, in one run, with the ratio. Absolute
numbers vary with the machine and its load; ratios measured in the same run hold."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, child, drop, machine, met, scratch, table
from benchmarks.figures import FIGURES


def _b1_size(backend: str, clients: int) -> dict[str, Any]:
    url = scratch(backend)
    try:
        child("benchmarks.b1_plan", "seed", url, str(clients), timeout=7200)
        ours = child("benchmarks.b1_plan", "plan", url, timeout=7200)
        base = child("benchmarks.b1_plan", "baseline", url, timeout=7200)
    finally:
        drop(url)
    return {"backend": backend, "clients": clients, "ours": ours, "base": base}


def b1(quick: bool, big: bool = False) -> str:
    sizes = [2_000, 10_000] if quick else [10_000, 100_000]
    if big:
        sizes.append(1_000_000)
    runs = [_b1_size(b, n) for n in sizes for b in ("sqlite", "postgresql")]
    rows: list[list[str]] = []
    for r in runs:
        ours, base = r["ours"], r["base"]
        ratio = float(ours["first_s"]) / float(base["seconds"])
        replan = float(ours["replan_s"]) / float(ours["first_s"])
        rss = float(ours["peak_rss_mb"])
        rows.append([r["backend"], f"{r['clients']:,}", f"{ours['rows']:,}",
                     f"{ours['first_s']:.1f} s", f"{base['seconds']:.1f} s",
                     f"{ratio:.2f}x {met(ratio <= 2)} (<= 2x)",
                     f"{ours['replan_s']:.2f} s = {replan:.1%} {met(replan <= 0.1)} (<= 10%)",
                     f"{rss:.0f} MB {met(rss < 300)} (< 300 MB)",
                     f"{float(base['peak_rss_mb']):.0f} MB"])  # fmt: skip
    note = ""
    try:
        from benchmarks.figures import FIGURES, memory_curve

        series: dict[str, list[tuple[int, float]]] = {}
        for r in runs:
            series.setdefault(r["backend"], []).append(
                (r["clients"], float(r["ours"]["peak_rss_mb"]))
            )
        path = memory_curve(series, 300, FIGURES / "b1_memory.png",
                            "B1: the planner's peak memory, a week per roster size")  # fmt: skip
        note = f"\n(figure: {path.relative_to(ROOT)})"
    except ImportError:
        note = "\n(no figure: matplotlib is not installed)"
    return table("B1 plan: a week for N clients in 6 groups, the roster a slice at a time",
                 ["database", "clients", "rows", "planner", "raw executemany, streamed",
                  "ratio", "re-plan unchanged", "planner peak RSS",
                  "baseline peak RSS"], rows) + note  # fmt: skip


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


def b2(quick: bool, big: bool = False) -> str:
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


def b3(quick: bool, big: bool = False) -> str:
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


def b4(quick: bool, big: bool = False) -> str:
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


def b5(quick: bool, big: bool = False) -> str:
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


def b6(quick: bool, big: bool = False) -> str:
    from benchmarks import crisis_burst as cb

    seconds = "15" if quick else "60"
    r = child("benchmarks.crisis_burst", "--per-minute", "3000", "--seconds", seconds,
              timeout=1800)  # fmt: skip
    return table(cb.title(3000, 100, 1000), cb.HEADER, cb.rows(r["results"]))


def cli(quick: bool, big: bool = False) -> str:
    from benchmarks import cli_scale as cs

    clients, groups = (5_000, 20) if quick else (100_000, 200)
    r = child("benchmarks.cli_scale", "--clients", str(clients), "--groups", str(groups),
              timeout=7200)  # fmt: skip
    return table(cs.title(clients, groups, "sqlite"), cs.HEADER, cs.rows(r["results"]))


def noon(quick: bool, big: bool = False) -> str:
    from benchmarks import noon as nm

    if big:  # the size: about 35 minutes
        args = ["--figure", str(FIGURES / "noon_backlog.png")]
    else:  # the same path at a twentieth of the roster: about 3 minutes
        args = ["--clients", "5000", "--replies", "3000", "--minutes", "1",
                "--figure", str(FIGURES / "noon_backlog_small.png")]  # fmt: skip
    r = child("benchmarks.noon", *args, timeout=7200)
    return table(nm.title(r), ["figure", "measured", "target"], nm.rows(r))


BENCHMARKS = {"B1": b1, "B2": b2, "B3": b3, "B4": b4, "B5": b5, "B6": b6, "CLI": cli,
              "NOON": noon}  # fmt: skip
SIZES = """Expected durations on a 2-core machine: the default run about 30 minutes (B1's
100,000-client plans and the CLI run about 10 of them, a small noon 3); --state-scale adds B1
at 1,000,000 clients on SQLite and PostgreSQL (about 40 minutes, 10 GB of disk) and runs the
noon at its full size, 100,000 clients and 30,000 replies on two replicas (about 35 minutes
instead of 3)."""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", epilog=SIZES)
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="e.g. B1,B4,CLI")
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    parser.add_argument(
        "--state-scale", action="store_true", help="also the long runs at state scale (see below)"
    )
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    chosen = {x.strip().upper() for x in args.only.split(",")}
    unknown = chosen - set(BENCHMARKS)
    if unknown:
        parser.error(
            f"--only: unknown {', '.join(sorted(unknown))}; expected {', '.join(BENCHMARKS)}"
        )
    header = f"notifier benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\nmachine: {machine()}"
    print(header, flush=True)
    out = [header]
    for name, fn in BENCHMARKS.items():
        if name in chosen:
            text = fn(args.quick, args.state_scale)
            print(text, flush=True)
            out.append(text)
    if args.markdown:
        Path(args.markdown).write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
