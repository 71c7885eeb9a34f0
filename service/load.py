"""Load test of a real `unqa serve` on loopback (a script; a short run is in the test suite).

    python -m service.load [--clients 32] [--seconds 60] [--url URL --pid PID]

Concurrent asyncio clients (httpx) send a mix of Chinese and English questions and bad
requests. Reports requests/s, latency p50/p95/p99 of valid requests, errors (a valid request
that did not get 200, or got no response), whether every bad request got a 4xx, and the
server's resident memory when idle, after a warm-up at full concurrency (worker threads and
their buffers exist from then on) and at the end: growth is counted from after the warm-up.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import yaml

from index.bench import rss_mb

ROOT = Path(__file__).resolve().parent.parent

BAD_REQUESTS = [
    {"json": {"question": ""}},
    {"json": {"question": "空间碎片", "top_k": 0}},
    {"json": {"question": "空间碎片", "documents": ["no-such-doc"]}},
    {"json": {"question": 42}},
    {"content": b'{"question": "unterminated', "headers": {"Content-Type": "application/json"}},
    {"content": b"question=space", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    valid: int = 0
    errors: int = 0
    bad: int = 0
    bad_not_4xx: int = 0
    error_samples: list[str] = field(default_factory=list)


async def client(url: str, questions: list[str], bad_share: float, stop: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        while time.perf_counter() < stop:
            if rng.random() < bad_share:
                req = rng.choice(BAD_REQUESTS)
                tally.bad += 1
                try:
                    res = await http.post("/ask", **req)
                    tally.bad_not_4xx += not 400 <= res.status_code < 500
                except httpx.HTTPError:
                    tally.bad_not_4xx += 1
                continue
            tally.valid += 1
            t = time.perf_counter()
            try:
                res = await http.post("/ask", json={"question": rng.choice(questions)})
                if res.status_code != 200:
                    tally.errors += 1
                    tally.error_samples.append(f"{res.status_code} {res.text[:120]}")
                else:
                    tally.latencies.append((time.perf_counter() - t) * 1000)
            except httpx.HTTPError as exc:
                tally.errors += 1
                tally.error_samples.append(repr(exc))


async def run_load(url: str, clients: int, seconds: float, bad_share: float, questions: list[str]) -> tuple[Tally, float]:
    tally = Tally()
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(client(url, questions, bad_share, stop, tally, k) for k in range(clients)))
    return tally, time.perf_counter() - start


def load_questions(path: Path) -> list[str]:
    return [q["question"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]


def report(tally: Tally, took: float, rss_start: float, rss_end: float) -> dict:
    lat = tally.latencies or [float("nan")]
    return {
        "seconds": took, "valid_requests": tally.valid, "bad_requests": tally.bad,
        "requests_per_s": (tally.valid + tally.bad) / took, "valid_per_s": tally.valid / took,
        "p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
        "p99_ms": float(np.percentile(lat, 99)), "errors": tally.errors, "bad_not_4xx": tally.bad_not_4xx,
        "rss_start_mb": rss_start, "rss_end_mb": rss_end, "rss_growth": (rss_end - rss_start) / rss_start,
        "error_samples": tally.error_samples[:5],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--bad-share", type=float, default=0.1, help="share of requests that are bad on purpose")
    p.add_argument("--warmup", type=float, default=10, help="seconds of load before memory is first measured")
    p.add_argument("--url", help="a running service (default: start one)")
    p.add_argument("--pid", type=int, help="the running service's process id, for its memory")
    p.add_argument("--index-dir", type=Path, help="index for the service this script starts")
    p.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.yaml")
    args = p.parse_args()
    questions = load_questions(args.questions)
    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        url, pid = args.url, args.pid
        if not url:
            from .bench import free_port, wait_ready

            port = free_port()
            url = f"http://127.0.0.1:{port}"
            index_dir = args.index_dir or Path(tmp) / "index"
            proc = subprocess.Popen([sys.executable, "-m", "service", "--port", str(port), "--index-dir", str(index_dir)],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_ready(url, proc)
            pid = proc.pid
        try:
            rss_cold = rss_mb(pid) if pid else float("nan")
            # warm-up at full concurrency: worker threads and their buffers are created once
            asyncio.run(run_load(url, args.clients, args.warmup, args.bad_share, questions))
            rss_start = rss_mb(pid) if pid else float("nan")
            tally, took = asyncio.run(run_load(url, args.clients, args.seconds, args.bad_share, questions))
            rss_end = rss_mb(pid) if pid else float("nan")
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=20)
    r = report(tally, took, rss_start, rss_end)
    print(f"{args.clients} clients for {r['seconds']:.1f}s: {r['valid_requests']} valid + {r['bad_requests']} bad requests, "
          f"{r['requests_per_s']:.1f} requests/s ({r['valid_per_s']:.1f} valid/s)")
    print(f"valid latency p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; "
          f"errors on valid requests: {r['errors']}; bad requests not answered 4xx: {r['bad_not_4xx']}")
    print(f"server memory: {rss_cold:.0f} MB idle, {r['rss_start_mb']:.0f} MB after {args.warmup:.0f}s warm-up, "
          f"{r['rss_end_mb']:.0f} MB at the end ({r['rss_growth'] * 100:+.1f} % during the run)")
    for sample in r["error_samples"]:
        print("  error:", sample)


if __name__ == "__main__":
    main()
