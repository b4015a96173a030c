"""The CLI at state scale: `notifier clients import` of a roster of N clients in G groups,
then the first `notifier tick` (a full plan of the week, then dispatch) and a second one five
minutes later (incremental), each its own process, each with its own peak RSS (os.wait4).

    python -m benchmarks.cli_scale [--clients 100000] [--groups 200] [--backend sqlite]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.b1_plan import NOW
from benchmarks.common import KEY, drop, machine, met, run_measured, scratch, table
from benchmarks.statewide import groups_setting, write_roster

TARGET_MB = 300


def _run(env_file: Path, *args: str) -> dict[str, object]:
    started = time.perf_counter()
    proc, rss = run_measured("notifier", "--env-file", str(env_file), *args)
    if proc.returncode != 0:
        raise RuntimeError(f"notifier {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": rss,
            "said": proc.stdout.strip().splitlines()[-1:]}  # fmt: skip


def measure(clients: int, groups: int, backend: str) -> list[dict[str, object]]:
    url = scratch(backend)
    work = Path(tempfile.mkdtemp(prefix="notifier-cli-scale-"))
    try:
        roster = write_roster(work / "roster.csv", clients, groups)
        env = work / "settings.env"
        env.write_text(
            f"NOTIFIER_DATABASE_URL={url}\nNOTIFIER_ENCRYPTION_KEYS={KEY}\n"
            f"NOTIFIER_GROUPS={groups_setting(groups)}\nNOTIFIER_SMS_BACKEND=console\n"
            "NOTIFIER_LOG_LEVEL=WARNING\n"
        )
        first = NOW.isoformat()
        second = (NOW + timedelta(minutes=5)).isoformat()
        return [
            {"step": f"clients import ({clients:,} rows)",
             **_run(env, "clients", "import", str(roster), "--now", first)},
            {"step": "first tick (full plan)", **_run(env, "tick", "--now", first)},
            {"step": "second tick, 5 min later", **_run(env, "tick", "--now", second)},
        ]  # fmt: skip
    finally:
        drop(url)
        for f in work.iterdir():
            f.unlink()
        work.rmdir()


def rows(results: list[dict[str, object]]) -> list[list[object]]:
    return [
        [r["step"], f"{float(str(r['seconds'])):.1f} s",
         f"{float(str(r['peak_rss_mb'])):.0f} MB "
         f"{met(float(str(r['peak_rss_mb'])) < TARGET_MB)} (< {TARGET_MB} MB)"]
        for r in results
    ]  # fmt: skip


def title(clients: int, groups: int, backend: str) -> str:
    return f"The CLI at state scale: {clients:,} clients in {groups} groups, {backend}"


HEADER = ["process", "time", "peak RSS"]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli_scale")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    a = parser.parse_args()
    if not (1 <= a.clients <= 1_000_000 and 1 <= a.groups <= 1000):
        parser.error("--clients 1..1000000, --groups 1..1000")
    results = measure(a.clients, a.groups, a.backend)
    print(table(title(a.clients, a.groups, a.backend), HEADER, rows(results)))
    print(f"\n{machine()}")
    print(json.dumps({"results": results}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
