"""State changes are off by default and token-guarded; CORS is closed; faults do not stop the service."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import CORPUS, ROOT, start_serve, wait_healthy

from unqa.index.store import current_version
from unqa.service import create_app

TOKEN = "unqa-test-token-7f3a91c2"


def test_reload_is_off_by_default(client, live_server):
    assert client.post("/admin/reload").status_code == 404
    assert httpx.post(live_server["url"] + "/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    assert "/admin/reload" not in client.get("/openapi.json").json()["paths"]


def test_cors_is_closed_by_default_and_opens_only_to_named_origins(client, loaded_index):
    pre = client.options("/ask", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    assert "access-control-allow-origin" not in client.get("/documents", headers={"Origin": "https://evil.example"}).headers
    with TestClient(create_app(index=loaded_index, cors_origins=["https://un.example"])) as open_client:
        ok = open_client.get("/documents", headers={"Origin": "https://un.example"})
        assert ok.headers["access-control-allow-origin"] == "https://un.example"
        other = open_client.get("/documents", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


@pytest.fixture(scope="module")
def admin_server(built_index, tmp_path_factory):
    """`unqa serve` with UNQA_ADMIN_TOKEN set, over its own copy of the index."""
    index_dir = tmp_path_factory.mktemp("admin") / "index"
    shutil.copytree(built_index, index_dir)
    log = tmp_path_factory.mktemp("admin-logs") / "serve.log"
    proc, url = start_serve(index_dir, log=log, env={**os.environ, "UNQA_ADMIN_TOKEN": TOKEN})
    wait_healthy(url, proc)
    yield {"url": url, "index_dir": index_dir, "log": log, "process": proc}
    proc.terminate()
    proc.wait(timeout=20)


def test_reload_needs_the_token(admin_server):
    url = admin_server["url"] + "/admin/reload"
    assert httpx.post(url).status_code == 401
    assert httpx.post(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.post(url, headers={"Authorization": TOKEN}).status_code == 401  # no "Bearer "
    res = httpx.post(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert res.status_code == 200 and res.json()["status"] == "reloaded"


def ask_continuously(url: str, stop: threading.Event, results: list) -> None:
    questions = ["减缓空间碎片的唯一方法是什么？", "What is the only way to mitigate space debris?"]
    with httpx.Client(timeout=30) as http:
        i = 0
        while not stop.is_set():
            res = http.post(url + "/ask", json={"question": questions[i % 2]})
            results.append((res.status_code, res.json()["citations"][0]["id"] if res.status_code == 200 else None))
            i += 1


def test_rebuild_and_reload_while_serving_fails_no_request(admin_server):
    url, index_dir = admin_server["url"], admin_server["index_dir"]
    before = current_version(index_dir).name
    stop, results = threading.Event(), []
    worker = threading.Thread(target=ask_continuously, args=(url, stop, results))
    worker.start()
    try:
        build = subprocess.run([sys.executable, "-m", "unqa.index", str(CORPUS), "--index-dir", str(index_dir)],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert build.returncode == 0, build.stderr
        res = httpx.post(url + "/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
        time.sleep(1)
    finally:
        stop.set()
        worker.join()
    assert res.status_code == 200 and res.json()["index_version"] != before
    assert httpx.get(url + "/health").json()["index_version"] == res.json()["index_version"]
    assert len(results) > 10 and all(status == 200 for status, _ in results)
    assert {top for _, top in results} == {"a-ac-105-1235:p38"}


def test_killed_build_leaves_the_served_index_answering(admin_server):
    url, index_dir = admin_server["url"], admin_server["index_dir"]
    before = current_version(index_dir).name
    proc = subprocess.Popen([sys.executable, "-m", "unqa.index", str(CORPUS), "--index-dir", str(index_dir)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(p.is_dir() and any(p.iterdir()) for p in index_dir.glob(".build-*")):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    res = httpx.post(url + "/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert res.status_code == 200 and res.json()["index_version"] == before
    answer = httpx.post(url + "/ask", json={"question": "减缓空间碎片的唯一方法是什么？"}, timeout=30).json()
    assert answer["citations"][0]["label"] == "A/AC.105/1235，第 38 段"


def test_corrupt_index_is_refused_on_reload_and_the_old_one_keeps_serving(admin_server):
    url, index_dir = admin_server["url"], admin_server["index_dir"]
    target = current_version(index_dir) / "records.jsonl"
    original = target.read_bytes()
    try:
        target.write_bytes(original[:-50])
        res = httpx.post(url + "/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
        assert res.status_code == 409 and "records.jsonl is truncated or corrupt" in res.json()["detail"]
        assert httpx.post(url + "/ask", json={"question": "空间碎片"}, timeout=30).status_code == 200
    finally:
        target.write_bytes(original)


def test_client_that_disconnects_mid_request(admin_server):
    host, port = admin_server["url"].removeprefix("http://").split(":")
    body = '{"question": "减缓空间碎片的唯一方法是什么？"}'.encode()
    for cut in (len(body) // 2, len(body)):  # mid-body, and right after sending the whole request
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:cut])
    time.sleep(0.5)
    assert httpx.get(admin_server["url"] + "/health").status_code == 200
    assert httpx.post(admin_server["url"] + "/ask", json={"question": "空间碎片"}, timeout=30).status_code == 200


def test_logs_never_contain_the_token(admin_server):
    httpx.post(admin_server["url"] + "/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    httpx.post(admin_server["url"] + "/admin/reload", headers={"Authorization": "Bearer wrong-guess"})
    log = admin_server["log"].read_text()
    assert "reload is enabled" in log and TOKEN not in log and "wrong-guess" not in log
