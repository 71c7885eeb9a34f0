"""Benchmark of /ask over real HTTP on this machine (a script, not a test).

    python -m unqa.service.bench [--index-dir DIR] [--seconds 20] [--clients 8]

Starts `unqa serve` on a loopback port, then measures /ask latency p50/p95 with one
client asking the question set in turn, and requests/s (and latency) with N concurrent
clients, each a thread with its own keep-alive connection.
"""
from __future__ import annotations

import argparse
import itertools
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 300) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise SystemExit("the server did not become ready")


_asked = itertools.count()


def distinct(question: str) -> str:
    """The question made unique (a counter appended): the index remembers the vector of a
    repeated question, which would make every figure after the first round a cache hit."""
    return f"{question} #{next(_asked)}"


def one_client(url: str, questions: list[str], rounds: int) -> list[float]:
    lat = []
    with httpx.Client(timeout=30) as http:
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                res = http.post(url + "/ask", json={"question": distinct(q)})
                lat.append((time.perf_counter() - t) * 1000)
                assert res.status_code == 200, res.text
    return lat


def concurrent(url: str, questions: list[str], clients: int, seconds: float) -> tuple[int, int, list[float], float]:
    stop = time.perf_counter() + seconds
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(k: int) -> None:
        with httpx.Client(timeout=30) as http:
            i = k
            while time.perf_counter() < stop:
                q = distinct(questions[i % len(questions)])
                i += clients
                t = time.perf_counter()
                res = http.post(url + "/ask", json={"question": q})
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    lat.append(ms)
                    errors[0] += res.status_code != 200

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(lat), errors[0], lat, time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index-dir", type=Path, help="a built index (default: build one in a temporary folder)")
    p.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.yaml")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20)
    args = p.parse_args()
    questions = [q["question"] for q in yaml.safe_load(args.questions.read_text(encoding="utf-8"))["questions"]]
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir or Path(tmp) / "index"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "unqa.service", "--port", str(port), "--index-dir", str(index_dir)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ready = wait_ready(url, proc)
            print(f"server ready in {ready:.2f}s (index {'given' if args.index_dir else 'built first'})")
            one_client(url, questions[:10], 1)  # warm-up
            lat = one_client(url, questions, args.rounds)
            print(f"1 client, {len(lat)} requests ({len(questions)} questions x {args.rounds}): "
                  f"p50 {np.percentile(lat, 50):.1f} ms, p95 {np.percentile(lat, 95):.1f} ms, "
                  f"{len(lat) / (sum(lat) / 1000):.1f} requests/s")
            n, errors, clat, took = concurrent(url, questions, args.clients, args.seconds)
            print(f"{args.clients} clients for {took:.1f}s: {n} requests, {n / took:.1f} requests/s, {errors} errors, "
                  f"p50 {np.percentile(clat, 50):.1f} ms, p95 {np.percentile(clat, 95):.1f} ms")
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
