"""One Stoplight Prism mock of Twilio's published OpenAPI spec for the contract tests.

Prism validates every request against ``twilio_api_v2010.json`` and logs the verdict. It does not
put the verdict in the response of a request it accepts, so the fixture captures Prism's output in
a file and :class:`PrismServer` reads the verdict for each request back from it.

Prism is an npm tool, not a Python dependency: without it the contract tests skip, unless
``NOTIFIER_REQUIRE_CONTRACT=1`` (CI) turns the missing tool into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Kept in the repository (tests/contract/twilio/README.md says where it comes from).
DEFAULT_SPEC = Path(__file__).resolve().parent / "twilio" / "twilio_api_v2010.json"
DEFAULT_PRISM = PROJECT_ROOT / ".prism/node_modules/.bin/prism"

# Loading the 1.8 MB spec takes Prism a few seconds; a cold CI machine can be much slower.
STARTUP_TIMEOUT = 60.0
# Prism writes its log after (not before) it answers: give the lines a moment to land.
LOG_TIMEOUT = 10.0
# -d answers with random data that fits the schema. A fixed seed makes that data the same on every
# run, so a failure reproduces. It also matters for lists: the schema lets next_page_uri be any
# URI, and with some seeds (1, 2) Prism invents an absolute URL on a random host that the SDK then
# follows into a 404. With seed 3 every list page is a last page (next_page_uri null), like a
# real one for a handful of messages, and the SDK makes exactly one request per list call.
PRISM_SEED = "3"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# "[HTTP SERVER] post /2010-04-01/Accounts/AC.../Messages.json ℹ  info      Request received"
_RECEIVED = re.compile(r"\[HTTP SERVER\] (?P<method>[a-z]+) (?P<path>\S+) .*Request received")
# The exact verdicts Prism 5.14 prints for one request:
#   [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
#   [VALIDATOR] ⚠  warning   Request did not pass the validation rules
#   [VALIDATOR] ✖  error     Request body must have required property 'To'
_PASSED = re.compile(r"\[VALIDATOR\]\s+✔\s+success\s+The request passed the validation rules")
_VIOLATION = re.compile(r"\[VALIDATOR\]\s+\S+\s+(warning|error)\b")
# The last line Prism logs for a request: the status it answered, or the error it answered with.
_RESPONDED = re.compile(r'> Responding with "(?P<status>\d{3})"')
_TERMINATED = re.compile(r"Request terminated with error")


@dataclass(frozen=True)
class PrismRequest:
    """What Prism logged about one request it received."""

    method: str  # upper case, like requests' PreparedRequest.method
    path: str  # Prism logs the path without the query string
    lines: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Prism validated the request against the spec and found nothing wrong."""
        return any(_PASSED.search(line) for line in self.lines) and not self.violations

    @property
    def violations(self) -> list[str]:
        return [line for line in self.lines if _VIOLATION.search(line)]

    @property
    def complete(self) -> bool:
        return any(_RESPONDED.search(line) or _TERMINATED.search(line) for line in self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class PrismServer:
    base_url: str
    log_path: Path

    def mark(self) -> int:
        """Where the log ends now: requests made after this call are logged after it."""
        return self.log_path.stat().st_size

    def requests_since(self, mark: int, expected: int) -> list[PrismRequest]:
        """The requests Prism logged after ``mark``, once ``expected`` of them are complete.

        The tests make one request at a time, so each request's lines are contiguous. Returns
        what is there after LOG_TIMEOUT, so an assertion can show a missing or extra request."""
        deadline = time.monotonic() + LOG_TIMEOUT
        while True:
            found = self._parse(mark)
            done = len(found) >= expected and all(r.complete for r in found)
            if done or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def _parse(self, mark: int) -> list[PrismRequest]:
        with self.log_path.open("rb") as fh:
            fh.seek(mark)
            text = fh.read().decode("utf-8", errors="replace")
        found: list[PrismRequest] = []
        current: tuple[str, str] | None = None
        lines: list[str] = []
        for raw in text.splitlines():
            line = _ANSI.sub("", raw)
            start = _RECEIVED.search(line)
            if start:
                if current:
                    found.append(PrismRequest(current[0], current[1], tuple(lines)))
                current, lines = (start["method"].upper(), start["path"]), []
            if current:
                lines.append(line)
        if current:
            found.append(PrismRequest(current[0], current[1], tuple(lines)))
        return found


def _not_available(reason: str) -> NoReturn:
    """Skip when the tool is simply not installed; CI sets NOTIFIER_REQUIRE_CONTRACT=1 so a
    missing Prism cannot turn the contract check into a silent pass."""
    if os.environ.get("NOTIFIER_REQUIRE_CONTRACT") == "1":
        pytest.fail(f"{reason} (NOTIFIER_REQUIRE_CONTRACT=1)", pytrace=False)
    pytest.skip(reason)


def _prism_binary() -> Path | None:
    configured = os.environ.get("NOTIFIER_PRISM_BIN")
    if not configured:
        return DEFAULT_PRISM if os.access(DEFAULT_PRISM, os.X_OK) else None
    # An override may be a path or a command on PATH.
    found = shutil.which(configured)
    return Path(found) if found else None


def _free_port() -> int:
    # Ask the kernel for a free port. Another process could take it before Prism binds it;
    # then Prism exits and the fixture fails with Prism's own message, not a hang.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # Prism's CLI may fork; it runs in its own session, so the whole group goes.
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    binary = _prism_binary()
    if binary is None:
        where = os.environ.get("NOTIFIER_PRISM_BIN") or str(DEFAULT_PRISM)
        _not_available(
            f"Stoplight Prism not found at {where}; install it with "
            "`npm install --prefix .prism @stoplight/prism-cli@5.14.2` or set NOTIFIER_PRISM_BIN"
        )
    spec = Path(os.environ.get("NOTIFIER_TWILIO_SPEC") or DEFAULT_SPEC)
    if not spec.is_file():
        _not_available(f"Twilio OpenAPI spec not found at {spec}; set NOTIFIER_TWILIO_SPEC")

    port = _free_port()
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    cmd = [
        str(binary),
        "mock",
        "-d",
        "--seed",
        PRISM_SEED,
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        str(spec),
    ]
    # Plain text whatever the CI environment says about colours, so the log is easy to match.
    env = {**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "Prism is listening" not in log_path.read_text("utf-8", errors="replace"):
            if proc.poll() is not None:
                tail = log_path.read_text("utf-8", errors="replace")[-3000:]
                pytest.fail(f"Prism exited with {proc.returncode}:\n{tail}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"Prism did not start within {STARTUP_TIMEOUT:.0f} s", pytrace=False)
            time.sleep(0.2)
        # The log line comes from the process that listens, but check the socket is really open.
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        yield PrismServer(base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    finally:
        _stop(proc)
