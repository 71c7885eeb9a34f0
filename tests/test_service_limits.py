"""One heavy or hostile client never hurts anyone else: bounded work per question, /health
that never waits behind /ask, deadlines for slow clients, a bounded shutdown, bounded metrics.
All against real `unqa serve` processes over real sockets."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import ROOT, start_serve, wait_healthy

from unqa.index import MAX_QUESTION_TOKENS
from unqa.service import create_app
from unqa.service.load import Mix, load_questions, long_questions, report, rss_mb, run_load

# a question at the token budget: the most one client may make the service compute
LONG = "减缓空间碎片的唯一方法是什么？各国在第六十一届会议上就此说了什么？" * 12  # 245 tokens


@pytest.fixture(scope="module")
def tight_server(built_index, tmp_path_factory):
    """`unqa serve` with one worker, a queue of two, and one-second deadlines for slow clients."""
    index_dir = tmp_path_factory.mktemp("tight") / "index"
    shutil.copytree(built_index, index_dir)
    env = {**os.environ, "UNQA_ASK_WORKERS": "1", "UNQA_ASK_QUEUE": "2", "UNQA_HEADER_TIMEOUT_S": "1",
           "UNQA_BODY_TIMEOUT_S": "1"}
    proc, url = start_serve(index_dir, env=env)
    wait_healthy(url, proc)
    yield {"url": url, "process": proc}
    proc.terminate()
    proc.wait(timeout=30)


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def test_a_question_past_the_token_budget_is_refused_and_one_within_is_answered(client):
    for question in ("空" * 1000, "👨‍👩‍👧‍👦" * 140):
        res = client.post("/ask", json={"question": question, "top_k": 50})
        assert res.status_code == 422
        assert f"at most {MAX_QUESTION_TOKENS} are read" in res.json()["detail"]
    res = client.post("/ask", json={"question": LONG})
    assert res.status_code == 200 and res.json()["citations"]


def test_health_answers_while_ask_is_saturated(live_server):
    """44 questions at the budget in flight: /health comes back before most of them."""
    url = live_server["url"]

    async def scenario():
        done: list[tuple[str, float]] = []
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            async def ask(k):  # distinct questions: a repeated one's vector is remembered, costing nothing
                res = await http.post("/ask", json={"question": f"{k} {LONG}"})
                done.append(("ask", time.perf_counter()))
                return res.status_code

            async def health():
                await asyncio.sleep(0.5)  # every question sent and queued
                async with httpx.AsyncClient(base_url=url, timeout=120) as other:
                    res = await other.get("/health")
                done.append(("health", time.perf_counter()))
                return res.status_code

            statuses = await asyncio.gather(*(ask(k) for k in range(44)), health())
        return statuses, [name for name, _ in sorted(done, key=lambda x: x[1])]

    statuses, order = asyncio.run(scenario())
    assert statuses[-1] == 200 and set(statuses) <= {200, 503}  # 503: waited past UNQA_ASK_WAIT_S, said so
    assert order.index("health") < 10, order  # before a quarter of the questions were answered


def test_a_full_queue_answers_503_with_retry_after(tight_server):
    async def burst():
        async with httpx.AsyncClient(base_url=tight_server["url"], timeout=60) as http:
            return await asyncio.gather(*(http.post("/ask", json={"question": f"{k} {LONG}"}) for k in range(12)))

    responses = asyncio.run(burst())
    busy = [r for r in responses if r.status_code == 503]
    assert {r.status_code for r in responses} == {200, 503}
    assert all(int(r.headers["Retry-After"]) >= 1 and "waiting" in r.json()["detail"] for r in busy)
    assert httpx.get(tight_server["url"] + "/health").status_code == 200


def test_sockets_that_never_finish_their_headers_are_closed(tight_server):
    host, port = _address(tight_server["url"])
    socks = []
    for _ in range(50):
        s = socket.create_connection((host, port))
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        s.settimeout(10)
        socks.append(s)
    assert httpx.get(tight_server["url"] + "/health").status_code == 200  # still answering beside them
    closed = 0
    for s in socks:
        try:
            closed += s.recv(1024) == b""
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
    assert closed == 50


def test_a_body_that_never_arrives_gets_408(tight_server):
    s = socket.create_connection(_address(tight_server["url"]))
    s.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"qu")
    s.settimeout(10)
    reply = b""
    while chunk := s.recv(4096):  # the server closes the connection after its answer
        reply += chunk
    s.close()
    assert reply.startswith(b"HTTP/1.1 408") and b"not received within 1 s" in reply


def test_malformed_http_gets_a_json_400(live_server):
    with socket.create_connection(_address(live_server["url"])) as s:
        s.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                  b"zz\r\nnot a chunk\r\n")
        s.settimeout(10)
        reply = b""
        while chunk := s.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
    assert json.loads(body)["detail"].startswith("malformed HTTP request")


def test_a_port_in_use_is_named_before_any_work(live_server, tmp_path):
    port = str(_address(live_server["url"])[1])
    proc = subprocess.run([sys.executable, "-m", "unqa", "serve", "--port", port, "--index-dir", str(tmp_path / "none")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"error: port {port} on 127.0.0.1 is in use" in proc.stderr and "--port" in proc.stderr
    assert not (tmp_path / "none").exists()  # nothing was built


def test_a_chunked_body_over_the_limit_is_413(live_server):
    def chunks():  # a generator body goes out chunked
        for _ in range(11):
            yield b"a" * 4000

    res = httpx.post(live_server["url"] + "/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert res.status_code == 413 and "too large" in res.json()["detail"]


def test_sigterm_ends_the_server_within_its_grace_period(built_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    env = {**os.environ, "UNQA_GRACE_S": "2", "UNQA_BODY_TIMEOUT_S": "60", "UNQA_HEADER_TIMEOUT_S": "60"}
    proc, url = start_serve(index_dir, env=env)
    wait_healthy(url, proc)
    stuck = socket.create_connection(_address(url))  # a body shorter than its Content-Length
    stuck.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    time.sleep(0.3)
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    finally:
        stuck.close()
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - start < 15, "the server did not stop after its grace period"
    assert proc.returncode == 0


def test_metrics_labels_come_from_a_fixed_set(live_server):
    host, port = _address(live_server["url"])
    rng = random.Random(7)
    for _ in range(200):
        method = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(10))
        with socket.create_connection((host, port)) as s:
            s.sendall(f"{method} /ask HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            s.settimeout(10)
            assert s.recv(1024).startswith(b"HTTP/1.1 405")
    text = httpx.get(live_server["url"] + "/metrics").text
    methods = set(re.findall(r'unqa_http_requests_total\{method="([^"]*)"', text))
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"} and "other" in methods
    assert len(re.findall(r"^unqa_http_requests_total\{", text, re.M)) < 50


def test_a_failing_handler_answers_json_500_and_logs_no_question(loaded_index, caplog):
    app = create_app(index=loaded_index)

    @app.get("/fail")
    def fail(q: str):  # a bug in a handler, with a private question in hand
        raise RuntimeError(f"cannot answer {q}")

    with TestClient(app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        res = c.get("/fail", params={"q": "passport X1234567 of Jane Doe"})
        assert res.status_code == 500 and res.json() == {"detail": "internal error"}
        assert c.get("/health").status_code == 200
    assert "RuntimeError" in caplog.text and "X1234567" not in caplog.text and "Jane" not in caplog.text


def test_first_citation_does_not_depend_on_top_k(loaded_index):
    from unqa.service.answering import Answerer

    answerer = Answerer(loaded_index)
    for question in load_questions(ROOT / "eval" / "questions.yaml"):
        one, five, fifty = (answerer.ask(question, top_k=k) for k in (1, 5, 50))
        assert one.hits[0].record.id == five.hits[0].record.id == fifty.hits[0].record.id, question
        assert one.hits[0].score == five.hits[0].score == fifty.hits[0].score
        assert one.answered == five.answered == fifty.answered
        # the answer quotes the first three citations: the same whenever at least three are asked for
        assert five.answer == fifty.answer and [h.record.id for h in five.hits] == [h.record.id for h in fifty.hits[:5]]


def test_mixed_load_fails_no_valid_request(live_server):
    """A short run of the load script's mix (the 60-second, 32-client run is in BENCHMARKS.md)."""
    pid = live_server["process"].pid
    questions = load_questions(ROOT / "eval" / "questions.yaml")
    longs = long_questions(questions[:4], MAX_QUESTION_TOKENS)
    mix = Mix(bad=0.1, hostile=0.05, long=0.1, slow_sockets=5)
    before = rss_mb(pid)
    tally, took = asyncio.run(run_load(live_server["url"], 16, 8.0, 0.0, questions, mix, longs))
    r = report(tally, took, before, rss_mb(pid))
    assert r["valid_requests"] > 40 and r["hostile_requests"] > 0 and r["bad_requests"] > 0, r
    assert r["errors"] == 0, r["error_samples"]
    assert r["bad_not_4xx"] == 0 and r["hostile_wrong"] == 0, r["error_samples"]
    assert json.dumps(r)  # every figure is a number the script can print


def test_admission_frees_workers_and_queue_places_whatever_happens_to_a_request():
    """The queue's own accounting: waits that time out or are cancelled give their place back,
    a question that overruns its budget is answered 504 and keeps its worker until it ends."""
    from unqa.service.admission import Admission, Busy, Limits

    async def scenario():
        adm = Admission(Limits(workers=1, queue=2, wait_s=0.2, run_s=0.3))
        slow = asyncio.create_task(adm.run(lambda: time.sleep(1.5)))
        await asyncio.sleep(0.05)
        with pytest.raises(Busy) as overran:
            await adm.run(lambda: 1)  # waits 0.2 s for the one worker, gives up
        assert overran.value.status == 503
        for _ in range(3):  # timed-out waits do not fill the queue
            with pytest.raises(Busy, match="no worker free"):
                await adm.run(lambda: 1)
        cancelled = asyncio.create_task(adm.run(lambda: 1))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        with pytest.raises(Busy) as late:
            await slow  # runs 1.5 s against a budget of 0.3 s
        assert late.value.status == 504
        with pytest.raises(Busy, match="no worker free"):  # its thread still runs: the worker is still taken
            await adm.run(lambda: 1)
        await asyncio.sleep(0.8)  # the thread has ended now: its worker is free again
        assert await adm.run(lambda: 42) == 42
        assert adm._waiting == 0 and adm._free == 1
        adm.close()

    asyncio.run(scenario())
