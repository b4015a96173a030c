"""A small HTTP/1.1 load generator: N keep-alive connections sending pre-built requests.

Requests are built (and signed) before the clock starts, so the client spends its time on
sockets, not on HMACs; one process with asyncio keeps 32 connections busy on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    latencies: list[float]
    answered: list[int] = field(default_factory=list)  # indices of the requests answered

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def _worker(
    host: str,
    port: int,
    requests: Sequence[bytes],
    start: int,
    step: int,
    deadline: float,
    out: LoadResult,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = start
    try:
        while time.perf_counter() < deadline and i < len(requests):
            sent = time.perf_counter()
            writer.write(requests[i])
            await writer.drain()
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            out.latencies.append(time.perf_counter() - sent)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            out.requests += 1
            out.answered.append(i)
            i += step
    finally:
        writer.close()


def run(
    host: str, port: int, requests: Sequence[bytes], connections: int, seconds: float
) -> LoadResult:
    """Send ``requests`` (each used once) over ``connections`` for at most ``seconds``."""
    out = LoadResult(0, 0.0, {}, [])

    async def main() -> None:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _worker(host, port, requests, k, connections, deadline, out)
                for k in range(connections)
            )
        )
        out.seconds = time.perf_counter() - started

    asyncio.run(main())
    return out


def form_request(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        "Connection: keep-alive",
    ]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@dataclass
class Sent:
    """One request of a paced run: when it was written (wall clock, seconds since the epoch,
    comparable with the server's timestamps on the same machine), how long its answer took
    and the status."""

    index: int
    sent_at: float
    latency: float
    status: int


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


def paced(
    host: str, port: int, requests: Sequence[bytes], per_second: float, connections: int
) -> list[Sent]:
    """Send every request once, request n at ``n / per_second`` seconds after the start (an
    open loop: a slow answer does not slow the schedule while a connection is free)."""
    out: list[Sent] = []

    async def one(
        n: int, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], free: asyncio.Queue[Any]
    ) -> None:
        started = time.perf_counter()
        wall = time.time()
        status = await _exchange(conn[0], conn[1], requests[n])
        out.append(Sent(n, wall, time.perf_counter() - started, status))
        free.put_nowait(conn)

    async def main() -> None:
        free: asyncio.Queue[Any] = asyncio.Queue()
        for _ in range(connections):
            free.put_nowait(await asyncio.open_connection(host, port))
        tasks = []
        start = time.perf_counter()
        for n in range(len(requests)):
            delay = start + n / per_second - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            conn = await free.get()
            tasks.append(asyncio.create_task(one(n, conn, free)))
        await asyncio.gather(*tasks)
        while not free.empty():
            free.get_nowait()[1].close()

    asyncio.run(main())
    return sorted(out, key=lambda s: s.index)


def scheduled(
    targets: Sequence[tuple[str, int]],
    requests: Sequence[bytes],
    offsets: Sequence[float],
    connections: int,
    start_wall: float | None = None,
) -> list[Sent]:
    """Send request n at ``offsets[n]`` seconds after the start (an open loop, as ``paced``),
    over ``connections`` keep-alive connections spread evenly over ``targets`` (replicas behind
    a load balancer: each request takes whichever connection is free first). ``start_wall``
    (time.time()) fixes the start; by default it is now."""
    out: list[Sent] = []

    async def one(
        n: int, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], free: asyncio.Queue[Any]
    ) -> None:
        started = time.perf_counter()
        wall = time.time()
        try:
            status = await _exchange(conn[0], conn[1], requests[n])
        except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
            status = 0  # the connection broke: counted, and replaced
            conn = await asyncio.open_connection(*targets[n % len(targets)])
        out.append(Sent(n, wall, time.perf_counter() - started, status))
        free.put_nowait(conn)

    async def main() -> None:
        free: asyncio.Queue[Any] = asyncio.Queue()
        for k in range(connections):
            free.put_nowait(await asyncio.open_connection(*targets[k % len(targets)]))
        tasks = []
        begin = time.perf_counter() + ((start_wall - time.time()) if start_wall else 0.0)
        for n in range(len(requests)):
            delay = begin + offsets[n] - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            conn = await free.get()
            tasks.append(asyncio.create_task(one(n, conn, free)))
        await asyncio.gather(*tasks)
        while not free.empty():
            free.get_nowait()[1].close()

    asyncio.run(main())
    return sorted(out, key=lambda s: s.index)
