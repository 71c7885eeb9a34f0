"""A real `unqa serve` process over a real socket: start-up, concurrency, the terminal client."""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx

from conftest import ROOT, free_port

QUESTIONS = [
    "减缓空间碎片的唯一方法是什么？", "共有多少人登记参加了论坛？", "论坛的录像可以在哪个网站上查阅？",
    "大会在哪一天通过了第 76/3 号决议？", "第四次亚洲及太平洋空间应用部长级会议在哪里举行？", "世界气象组织的代表是谁？",
    "What is the only way to mitigate space debris?", "How many Member States sent representatives to the forum?",
    "Where will the World Space Forum be held in 2021?", "When was resolution 76/3 on the Space2030 Agenda adopted?",
    "Who won the 2022 FIFA World Cup?", "今天北京的天气怎么样？", "外空协调会议自哪一年以来发挥联络中心作用？",
    "What frontier technologies were discussed?", "临时议程的文件编号是多少？", "疫情期间卫星起了什么作用？",
]


def answer_key(data: dict) -> tuple:
    return (data["answered"], data["answer"], tuple((c["id"], c["label"], round(c["score"], 5)) for c in data["citations"]))


def test_health_is_503_until_loaded_then_200(live_server):
    statuses = live_server["health_statuses"]
    assert statuses[-1] == 200
    assert set(statuses[:-1]) <= {503}  # nothing but "loading" before the index is ready
    body = httpx.get(live_server["url"] + "/health").json()
    assert body["status"] == "ok" and body["records"] == 85


def test_answers_over_a_real_socket(live_server):
    res = httpx.post(live_server["url"] + "/ask", json={"question": "减缓空间碎片的唯一方法是什么？"}, timeout=30)
    assert res.status_code == 200
    assert res.json()["citations"][0]["label"] == "A/AC.105/1235，第 38 段"


def test_concurrent_requests_match_sequential_answers(live_server):
    url = live_server["url"] + "/ask"
    with httpx.Client(timeout=60) as http:
        sequential = {q: answer_key(http.post(url, json={"question": q}).json()) for q in QUESTIONS}

    def one(q: str) -> tuple[str, tuple]:
        with httpx.Client(timeout=60) as http:
            res = http.post(url, json={"question": q})
            assert res.status_code == 200, res.text
            return q, answer_key(res.json())

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, QUESTIONS * 3))
    assert len(results) == len(QUESTIONS) * 3
    for q, key in results:
        assert key == sequential[q], q


def test_ask_in_the_terminal(built_index):
    proc = subprocess.run(
        [sys.executable, "-m", "unqa", "ask", "What is the only way to mitigate space debris?", "--index-dir",
         str(built_index), "-k", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Answer\n") and "空间碎片减缓准则" in proc.stdout
    assert "[1] A/AC.105/1235, para. 38" in proc.stdout
    empty = subprocess.run([sys.executable, "-m", "unqa", "ask", "   "], cwd=ROOT, capture_output=True, text=True)
    assert empty.returncode == 2 and "the question is empty" in empty.stderr


def test_serve_refuses_a_corrupt_index(built_index, tmp_path):
    import shutil

    from unqa.index.store import current_version

    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    target = current_version(index_dir) / "dense.faiss"
    target.write_bytes(target.read_bytes()[:100])
    proc = subprocess.run(
        [sys.executable, "-m", "unqa.service", "--port", str(free_port()), "--index-dir", str(index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "dense.faiss is truncated or corrupt" in proc.stderr and "Traceback" not in proc.stderr


def test_short_load_run_has_no_errors(live_server):
    """A few seconds of the load script (python -m unqa.service.load) against the real server."""
    import asyncio

    from unqa.service.load import load_questions, report, rss_mb, run_load

    pid = live_server["process"].pid
    questions = load_questions(ROOT / "eval" / "questions.yaml")
    before = rss_mb(pid)
    tally, took = asyncio.run(run_load(live_server["url"], 8, 4.0, 0.2, questions))
    r = report(tally, took, before, rss_mb(pid))
    assert r["valid_requests"] > 20 and r["bad_requests"] > 0
    assert r["errors"] == 0, r["error_samples"]
    assert r["bad_not_4xx"] == 0


def test_serve_no_build_serves_the_index_as_it_is(built_index, tmp_path):
    """--no-build never reads the corpus nor rebuilds: here the corpus folder does not even exist."""
    import shutil

    from conftest import start_serve, wait_healthy

    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    proc, url = start_serve(index_dir, "--no-build", "--corpus-dir", str(tmp_path / "no-corpus-here"))
    try:
        wait_healthy(url, proc)
        assert httpx.get(url + "/health").json()["records"] == 85
        assert sorted(p.name for p in index_dir.iterdir() if p.name.startswith("v-")) == \
            sorted(p.name for p in built_index.iterdir() if p.name.startswith("v-"))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
