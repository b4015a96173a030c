"""Scratch databases, subprocess runs, tables."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("NOTIFIER_BENCH_POSTGRES_URL") or os.environ.get(
    "NOTIFIER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
KEY = "3q2zPBc9xqN_a9xYpQhqz7bY0bq1mD6Yv0vK8o9jW5c="  # a fixed key: benchmark data only


def scratch(backend: str) -> str:
    """A new, empty, migrated database URL."""
    from notifier.core import db as dbmod

    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="notifier-bench-")) / "bench.db"
        url = f"sqlite:///{path}"
    else:
        base = (
            PG_URL
            if "+psycopg" in PG_URL
            else PG_URL.replace("postgresql://", "postgresql+psycopg://")
        )
        name = f"notifier_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    dbmod.upgrade(url)
    return url


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = make_url(url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def child(module: str, *args: str, timeout: float = 900) -> dict[str, Any]:
    """Run ``python -m module args`` and return the JSON object it prints last."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {args} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (MB): VmHWM, its own memory map's
    high-water mark. (getrusage's ru_maxrss would include the parent's memory at fork: Linux
    carries it across exec.)"""
    value = peak_rss_of(os.getpid())
    if value is not None:
        return value
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_of(pid: int) -> float | None:
    """A running process's peak resident memory (MB, Linux's VmHWM), read before it is
    stopped; None where /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_measured(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 3600
) -> tuple[subprocess.CompletedProcess[str], float | None]:
    """``python -m module args`` in a process of its own (through benchmarks.measured), and
    that process's peak RSS in MB."""
    with tempfile.NamedTemporaryFile(prefix="notifier-rss-", suffix=".txt") as rss:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.measured", module, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(env if env is not None else os.environ, NOTIFIER_BENCH_RSS_FILE=rss.name),
        )
        text_ = Path(rss.name).read_text().strip()
    return proc, float(text_) if text_ else None


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    pg = ", PostgreSQL unavailable"
    try:
        eng = create_engine(PG_URL)
        with eng.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
        eng.dispose()
        pg = f", PostgreSQL {version}"
    except Exception:
        pass
    import sqlite3

    return (
        f"{os.cpu_count()} x {cpu}{mem}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}{pg}"
    )


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "| " + " | ".join("-" * w for w in widths) + " |"
    out = [
        f"\n{title}",
        "| " + " | ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True)) + " |",
        line,
    ]
    out += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in cells[1:]
    ]
    return "\n".join(out)
