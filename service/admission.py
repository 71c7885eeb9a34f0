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
# (60 bytes) 0.12 s, one at the token budget (750-1 000 bytes) 1.5-2 s, so long questions do not
# jump ahead of the short ones that arrive meanwhile, and are still served within their delay.
SECONDS_PER_BYTE = 0.002
# A question longer than this (about 100 tokens) is heavy: heavy questions use at most all workers
# but one (and are served first within that share), so a burst of them never leaves normal
# questions without a core, and normal questions never starve them.
HEAVY_BYTES = 300


@dataclass(frozen=True)
class Limits:
    """What one client may cost the service (settings UNQA_ASK_WORKERS, ... set them)."""

    workers: int = 2  # questions embedded at once; the engine uses the cores itself
    queue: int = 64  # questions waiting beyond those
    wait_s: float = 30.0  # longest wait for a worker before 503 (a common client timeout)
    run_s: float = 10.0  # longest a question may run before 504 (the budget keeps it far below)
    header_timeout_s: float = 10.0  # a request's headers must arrive within this (else the socket is closed)
    body_timeout_s: float = 10.0  # and its body within this (else 408)
    grace_s: int = 10  # on SIGTERM, requests still open after this are cancelled


class Busy(Exception):
    """No answer now: 503 (queue full, or no worker in time) or 504 (ran past its budget)."""

    def __init__(self, reason: str, retry_after: int, status: int = 503) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.status = status


class Admission:
    """Two lanes, normal and heavy, by the question's size in UTF-8 bytes (a proxy for tokens that
    needs no tokenizer); in each, questions wait in order of a virtual start time, arrival plus a
    delay for their size. A worker is free again only when its thread has finished, whatever
    happened to the request that started it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.pool = ThreadPoolExecutor(limits.workers, thread_name_prefix="unqa-ask")
        self._free = limits.workers
        self._heavy_cap = max(1, limits.workers - 1)
        self._heavy_running = 0
        self._queues: dict[bool, list[tuple[float, int, asyncio.Future]]] = {False: [], True: []}  # heaps
        self._waiting = 0  # live waiters (timed-out ones may still sit in a heap until popped)
        self._seq = itertools.count()
        self._mean_s = 0.05  # running mean of a question's time, for Retry-After

    def _retry_after(self) -> int:
        return max(1, math.ceil((self._waiting + 1) * self._mean_s / self.limits.workers))

    def _next(self) -> tuple[bool, asyncio.Future] | None:
        for heavy, heap in self._queues.items():
            while heap and heap[0][2].done():  # timed out or cancelled
                heapq.heappop(heap)
        if self._queues[True] and self._heavy_running < self._heavy_cap:
            heavy = True  # heavy questions first, up to their cap: they are never starved
        elif self._queues[False]:
            heavy = False
        else:
            return None
        return heavy, heapq.heappop(self._queues[heavy])[2]

    def _wake(self) -> None:
        while self._free and (picked := self._next()) is not None:
            heavy, waiter = picked
            self._free -= 1
            self._heavy_running += heavy
            self._waiting -= 1
            waiter.set_result(heavy)

    def _release(self, heavy: bool) -> None:
        self._free += 1
        self._heavy_running -= heavy
        self._wake()

    async def _acquire(self, size: int) -> bool:
        if self._waiting >= self.limits.queue:
            raise Busy(f"too many questions waiting ({self._waiting}): try again shortly", self._retry_after())
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        heavy = size > HEAVY_BYTES
        heapq.heappush(self._queues[heavy], (loop.time() + size * SECONDS_PER_BYTE, next(self._seq), waiter))
        self._waiting += 1
        self._wake()
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), self.limits.wait_s)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if waiter.done():  # woken as the wait ended: hand the worker on
                self._release(waiter.result())
            else:
                waiter.cancel()
                self._waiting -= 1
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Busy(f"no worker free within {self.limits.wait_s:g} s: try again shortly",
                       self._retry_after()) from None

    async def run(self, fn: Callable[[], T], size: int = 0) -> T:
        """`fn()` in the pool once a worker is free; `size` (bytes of question) orders the wait."""
        heavy = await self._acquire(size)
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        future = loop.run_in_executor(self.pool, fn)

        def finished(_):
            self._mean_s = 0.9 * self._mean_s + 0.1 * (time.perf_counter() - start)
            self._release(heavy)

        future.add_done_callback(finished)  # on the loop, when the thread is done
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.limits.run_s)
        except TimeoutError:
            raise Busy(f"the question took longer than {self.limits.run_s:g} s", self._retry_after(), 504) from None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
