"""Shared fixtures: the real bundled corpus, parsed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from unqa.ingest import ingest_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_docs():
    return {d.meta.doc_id: d for d in ingest_corpus(CORPUS)}


@pytest.fixture(scope="session")
def wsf(corpus_docs):
    """A/AC.105/1235: report of the 2020 World Space Forum."""
    return {r.paragraph: r for r in corpus_docs["a-ac-105-1235"].paragraphs()}


@pytest.fixture(scope="session")
def iam(corpus_docs):
    """Report of the fortieth session of the Inter-Agency Meeting (no symbol printed)."""
    return {r.paragraph: r for r in corpus_docs["iam-40-report"].paragraphs()}


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """A real index of the bundled corpus, built once with the real default model."""
    from unqa.index import build_index

    path = tmp_path_factory.mktemp("index")
    build_index(CORPUS, path)
    return path


@pytest.fixture(scope="session")
def loaded_index(built_index):
    from unqa.index import load_index

    return load_index(built_index, corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def client(loaded_index):
    """The real app over the real index, through Starlette's TestClient."""
    from fastapi.testclient import TestClient

    from unqa.service import create_app

    with TestClient(create_app(index=loaded_index)) as c:
        for _ in range(200):
            if c.get("/health").status_code == 200:
                break
            import time

            time.sleep(0.05)
        yield c


from unqa.service.bench import free_port  # noqa: E402  (one helper for the scripts and the tests)


def start_serve(index_dir, *args: str, log=None, env=None):
    """A real `python -m unqa.service` process on a free loopback port: (process, url)."""
    import subprocess
    import sys

    port = free_port()
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "unqa.service", "--port", str(port), "--index-dir", str(index_dir), *args],
                            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    if log:
        out.close()
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(url: str, proc, timeout: float = 60) -> list[int]:
    """Poll /health until 200; the statuses seen on the way (connection refusals are not counted)."""
    import time

    import httpx

    statuses: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            statuses.append(httpx.get(url + "/health", timeout=2).status_code)
            if statuses[-1] == 200:
                return statuses
        except httpx.TransportError:
            pass
        assert proc.poll() is None, "the server exited"
        time.sleep(0.02)
    raise AssertionError(f"the server did not become ready: {statuses[-5:]}")


@pytest.fixture(scope="session")
def live_server(built_index, tmp_path_factory):
    """A real `unqa serve` process on a loopback port."""
    import shutil

    index_dir = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(built_index, index_dir)
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    proc, url = start_serve(index_dir, log=log)
    statuses = wait_healthy(url, proc)
    yield {"url": url, "process": proc, "health_statuses": statuses, "log": log}
    proc.terminate()
    proc.wait(timeout=20)
