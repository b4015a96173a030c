"""The planner's peak memory against the roster size: B1's planning side alone (a week for N
clients in 6 groups), each size in fresh processes (seed, then plan), and the curve drawn.

    python -m benchmarks.plan_memory [--sizes 10000,100000,1000000] [--backends sqlite]
                                     [--figure docs/figures/b1_memory.png]

B1 (`python -m benchmarks --only B1`) measures the same planning beside its raw baseline; this
skips the baseline, so the 1,000,000-client point costs one plan (about 15 minutes on 2 cores
on SQLite, 10 GB of disk with PostgreSQL beside it), not two.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.common import ROOT, child, drop, machine, met, scratch, table

TARGET_MB = 300.0


def one(backend: str, clients: int) -> dict[str, object]:
    url = scratch(backend)
    try:
        seeded = child("benchmarks.b1_plan", "seed", url, str(clients), timeout=7200)
        ours = child("benchmarks.b1_plan", "plan", url, timeout=7200)
    finally:
        drop(url)
    return {"backend": backend, "clients": clients, "seed_rss_mb": seeded["peak_rss_mb"], **ours}


def rows(results: list[dict[str, object]]) -> list[list[object]]:
    out: list[list[object]] = []
    for r in results:
        rss = float(str(r["peak_rss_mb"]))
        out.append([r["backend"], f"{int(str(r['clients'])):,}", f"{int(str(r['rows'])):,}",
                    f"{float(str(r['first_s'])):.1f} s", f"{float(str(r['replan_s'])):.1f} s",
                    f"{float(str(r['first_peak_rss_mb'])):.0f} MB",
                    f"{rss:.0f} MB {met(rss < TARGET_MB)} (< {TARGET_MB:.0f} MB)"])  # fmt: skip
    return out


HEADER = ["database", "clients", "rows planned", "first plan", "re-plan", "peak RSS after the "
          "first plan", "peak RSS (both plans)"]  # fmt: skip
TITLE = "The planner's peak memory: a week for N clients in 6 groups, one process per plan"


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.plan_memory")
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--backends", default="sqlite")
    p.add_argument("--figure", default=str(ROOT / "docs" / "figures" / "b1_memory.png"))
    a = p.parse_args()
    try:
        sizes = [int(x) for x in a.sizes.split(",")]
    except ValueError:
        p.error(f"--sizes: expected comma-separated client counts, not {a.sizes!r}")
    backends = [b.strip() for b in a.backends.split(",")]
    if any(b not in ("sqlite", "postgresql") for b in backends):
        p.error(f"--backends: expected sqlite and/or postgresql, not {a.backends!r}")
    results = [one(b, n) for n in sizes for b in backends]
    print(table(TITLE, HEADER, rows(results)), flush=True)
    if a.figure:
        from benchmarks.figures import memory_curve

        series: dict[str, list[tuple[int, float]]] = {}
        for r in results:
            series.setdefault(str(r["backend"]), []).append(
                (int(str(r["clients"])), float(str(r["peak_rss_mb"])))
            )
        path = memory_curve(series, TARGET_MB, Path(a.figure),
                            "The planner's peak memory, a week per roster size")  # fmt: skip
        print(f"\n(figure: {path})")
    print(f"\n{machine()}")
    print(json.dumps({"results": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
