"""Bounded work for /ask: a few questions are embedded at once (the cores), a bounded number
wait, and the rest are told to come back (503 + Retry-After) instead of piling up.

/ask runs in a thread pool of its own, so /health, /metrics and the documents never wait
behind questions."""
from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, TypeVar

T = TypeVar("T")

# A question waits as if it had arrived this much later per byte of its text: a typical question
# (60 bytes) 0.12 s, one at the token budget (750-1 000 bytes) 1.5-2 s. Long questions still get
# served under load, but not ahead of the short ones that arrived in that time (service/load.py
# measures the effect: normal p95 with and without 10 % questions at the budget).
SECONDS_PER_BYTE = 0.002


@dataclass(frozen=True)
class Limits:
    """What one client may cost the service (settings UNQA_ASK_WORKERS, ... set them)."""

    workers: int = 2  # questions embedded at once; the engine uses the cores itself
    queue: int = 64  # questions waiting beyond those
    wait_s: float = 10.0  # longest wait for a worker before 503
    header_timeout_s: float = 10.0  # a request's headers must arrive within this (else the socket is closed)
    body_timeout_s: float = 10.0  # and its body within this (else 408)
    grace_s: int = 10  # on SIGTERM, requests still open after this are cancelled


class Busy(Exception):
    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Admission:
    """Questions wait in order of a virtual start time: arrival plus a delay for their size
    (UTF-8 bytes, a proxy for tokens that needs no tokenizer), so a burst of long questions
    cannot hold every short one behind it, and a long one is still served within its delay."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.pool = ThreadPoolExecutor(limits.workers, thread_name_prefix="unqa-ask")
        self._free = limits.workers
        self._waiters: list[tuple[float, int, asyncio.Future]] = []  # a heap
        self._seq = itertools.count()
        self._mean_s = 0.05  # running mean of a question's time, for Retry-After

    def _retry_after(self) -> int:
        return max(1, math.ceil((len(self._waiters) + 1) * self._mean_s / self.limits.workers))

    def _wake_next(self) -> None:
        while self._free and self._waiters:
            _, _, waiter = heapq.heappop(self._waiters)
            if not waiter.done():
                self._free -= 1
                waiter.set_result(None)

    async def _acquire(self, size: int) -> None:
        if len(self._waiters) >= self.limits.queue and not self._free:
            raise Busy(f"too many questions waiting ({len(self._waiters)}): try again shortly", self._retry_after())
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        heapq.heappush(self._waiters, (loop.time() + size * SECONDS_PER_BYTE, next(self._seq), waiter))
        self._wake_next()
        if waiter.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(waiter), self.limits.wait_s)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if waiter.done() and not waiter.cancelled():  # woken just now: pass the slot on
                self._free += 1
                self._wake_next()
            else:
                waiter.cancel()
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Busy(f"no worker free within {self.limits.wait_s:g} s: try again shortly",
                       self._retry_after()) from None

    async def run(self, fn: Callable[[], T], size: int = 0) -> T:
        """`fn()` in the pool once a worker is free; `size` (bytes of question) orders the wait."""
        await self._acquire(size)
        start = time.perf_counter()
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, fn)
        finally:
            self._free += 1
            self._wake_next()
            self._mean_s = 0.9 * self._mean_s + 0.1 * (time.perf_counter() - start)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
