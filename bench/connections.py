#!/usr/bin/env python3
"""Connection floods against the release service (issue 20): slowloris, idle keep-alive and
the open-file limit. Prints, for one run on this machine:

  slowloris  1,000 connections sending one header byte every 2 s: how long until the service
             closed each, and /health/live latency (p50, p99) meanwhile;
  idle       5,000 keep-alive connections, each after one answered request: peak RSS, how
             long until the service closed them, RSS right after and 60 s later;
  files      the service started with an open-file limit of 256 (soft = hard), 1,000
             connections at once: CPU seconds the service used over 5 s, and /health/live
             latency meanwhile (a 503 from the connection cap counts as an answer).

Usage: bench/connections.py   (BENCH_SKIP_BUILD=1 reuses target/release/ebo; bounded: about
3 minutes). Needs only Python 3 and curl-free stdlib; raises its own open-file limit.
"""

import asyncio
import os
import pathlib
import resource
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
EBO = TARGET / "release" / "ebo"
HEADER_TIMEOUT = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_secs(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(tmp: str, files: int | None = None):
    port = free_port()
    env = dict(os.environ)
    env.update(
        EBO_SERVER__HOST="127.0.0.1",
        EBO_SERVER__PORT=str(port),
        EBO_DATABASE__URL=f"sqlite://{tmp}/bench-{port}.db",
        EBO_LOG__LEVEL="warn",
        EBO_RATE_LIMIT__ENABLED="false",
    )
    env.pop("RUST_LOG", None)

    def limit():
        if files:
            resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    proc = subprocess.Popen(
        [str(EBO), "serve"], cwd=ROOT, env=env, preexec_fn=limit,
        stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/serve-{port}.log", "w"),
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc, port
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    sys.exit(f"the service did not become ready; see {tmp}/serve-{port}.log")


async def live_latencies(port: int, stop: asyncio.Event) -> list[float]:
    out = []
    while not stop.is_set():
        t = time.perf_counter()
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            w.write(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            await asyncio.wait_for(r.read(), 5)
            w.close()
            out.append((time.perf_counter() - t) * 1000)
        except (OSError, asyncio.TimeoutError):
            out.append(5000.0)
        await asyncio.sleep(0.02)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


async def slowloris(port: int) -> None:
    async def one():
        opened = time.perf_counter()
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.write(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")
            while time.perf_counter() - opened < HEADER_TIMEOUT + 20:
                w.write(b"X")
                await w.drain()
                try:
                    if await asyncio.wait_for(r.read(1), 2) == b"":
                        break
                except asyncio.TimeoutError:
                    continue
        except OSError:
            pass
        return time.perf_counter() - opened

    stop = asyncio.Event()
    probe = asyncio.create_task(live_latencies(port, stop))
    closed = await asyncio.gather(*(one() for _ in range(1000)))
    stop.set()
    lat = await probe
    print(f"slowloris: 1000 connections closed after {min(closed):.1f}-{max(closed):.1f} s "
          f"(header timeout {HEADER_TIMEOUT} s); /health/live meanwhile p50 {pct(lat, .5):.1f} ms, "
          f"p99 {pct(lat, .99):.1f} ms over {len(lat)} requests")


async def idle(proc, port: int) -> None:
    base = rss_mib(proc.pid)
    conns = []
    for i in range(0, 5000, 250):
        async def one():
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.write(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
            await r.readuntil(b"\r\n\r\n")
            return r, w
        conns += await asyncio.gather(*(one() for _ in range(250)))
    peak = rss_mib(proc.pid)
    t = time.perf_counter()

    async def until_closed(r):
        try:
            while await asyncio.wait_for(r.read(4096), HEADER_TIMEOUT + 30):
                pass
        except (OSError, asyncio.TimeoutError):
            pass
        return time.perf_counter() - t

    closed = await asyncio.gather(*(until_closed(r) for r, _ in conns))
    after = rss_mib(proc.pid)
    await asyncio.sleep(60)
    later = rss_mib(proc.pid)
    print(f"idle: RSS {base:.0f} MiB before, {peak:.0f} MiB with 5000 open keep-alive connections "
          f"({(peak - base) * 1024 / 5000:.1f} KiB each); closed by the service after "
          f"{min(closed):.1f}-{max(closed):.1f} s; RSS {after:.0f} MiB then, {later:.0f} MiB 60 s later")


async def files(tmp: str) -> None:
    proc, port = start(tmp, files=256)
    try:
        cpu0 = cpu_secs(proc.pid)
        stop = asyncio.Event()
        probe = asyncio.create_task(live_latencies(port, stop))
        held = []

        async def one():
            try:
                r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
                w.write(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")
                held.append(w)
            except (OSError, asyncio.TimeoutError):
                pass

        await asyncio.gather(*(one() for _ in range(1000)))
        await asyncio.sleep(5)
        stop.set()
        lat = await probe
        cpu = cpu_secs(proc.pid) - cpu0
        print(f"files: open-file limit 256, 1000 connections at once: the service used {cpu:.2f} "
              f"CPU s over ~5 s; /health/live answered p50 {pct(lat, .5):.1f} ms, "
              f"p99 {pct(lat, .99):.1f} ms")
        for w in held:
            w.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if os.environ.get("BENCH_SKIP_BUILD") != "1":
        subprocess.run(["cargo", "build", "--release", "-p", "app"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="ebo-bench-conn.") as tmp:
        proc, port = start(tmp)
        try:
            await slowloris(port)
            await idle(proc, port)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        await files(tmp)


if __name__ == "__main__":
    asyncio.run(main())
