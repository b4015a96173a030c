"""`notifier run` as ops run it: a real process, real HTTP, SIGTERM exits 0."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[str], timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"notifier run exited early: {proc.communicate()[1][-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_run_serves_health_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    env = dict(
        os.environ,
        NOTIFIER_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        NOTIFIER_HTTP_HOST="127.0.0.1",
        NOTIFIER_HTTP_PORT=str(port),
        NOTIFIER_METRICS_PORT=str(metrics_port),
        NOTIFIER_LOG_FORMAT="json",
        NOTIFIER_DISPATCH_INTERVAL="1s",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "notifier", "--env-file", str(ROOT / "settings.example.env"), "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", proc) == 200
        assert wait_for(f"http://127.0.0.1:{port}/readyz", proc) == 200
        assert wait_for(f"http://127.0.0.1:{metrics_port}/metrics", proc) == 200
        assert wait_for(f"http://127.0.0.1:{port}/metrics", proc) == 404  # not on the public port
        time.sleep(1.5)  # let the scheduler run its first plan and dispatch
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert '"event": "shutdown"' in err and '"event": "stop"' in err
    assert "Traceback" not in err
