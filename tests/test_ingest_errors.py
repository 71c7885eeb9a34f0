"""Every bad input gives a clear error naming the file and the problem, never a shorter output."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

from ingest import IngestError, ingest_corpus

GOOD = (CORPUS / "iam-40-report.zh.txt").read_text(encoding="utf-8")


def make_corpus(tmp_path: Path, files: dict[str, bytes | str], entries: list[dict] | None = None) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in files.items():
        path = corpus / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if entries is None:
        entries = [{"doc_id": f"doc-{i}", "file": name} for i, name in enumerate(files)]
    lines = ["documents:"]
    for e in entries:
        lines.append(f"  - doc_id: {e['doc_id']}")
        lines.append(f"    file: {e['file']}")
        lines.append(f"    symbol: {e.get('symbol', 'null')}")
        lines.append("    title: Test")
        lines.append("    language: zh")
    (corpus / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def error_of(corpus: Path) -> IngestError:
    with pytest.raises(IngestError) as info:
        ingest_corpus(corpus)
    return info.value


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "file is empty"),
        (b"   \n\n  \n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("1. 外空协调会议。".encode("gb18030"), "not UTF-8"),
        ("一份没有编号段落的文件。\n只有文字。\n", "no numbered paragraphs"),
    ],
    ids=["empty", "whitespace", "binary", "gb18030", "no-paragraphs"],
)
def test_bad_files(tmp_path, data, problem):
    corpus = make_corpus(tmp_path, {"bad.txt": data})
    err = error_of(corpus)
    assert problem in str(err)
    assert err.path.endswith("bad.txt")


def test_numbering_gap(tmp_path):
    text = GOOD.replace("\n13. 外空协调会议回顾其 2011", "\n外空协调会议回顾其 2011")
    err = error_of(make_corpus(tmp_path, {"gap.txt": text}))
    assert "numbering gap: paragraph 13 is missing" in str(err)
    assert "gap.txt:" in str(err)  # with the line number


def test_numbering_duplicate(tmp_path):
    text = GOOD.replace("\n13. 外空协调会议回顾其 2011", "\n12. 外空协调会议回顾其 2011")
    err = error_of(make_corpus(tmp_path, {"dup.txt": text}))
    assert "paragraph 12 appears twice" in str(err)


def test_missing_file_named_in_manifest(tmp_path):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD}, [{"doc_id": "a", "file": "a.txt"}, {"doc_id": "b", "file": "b.txt"}])
    err = error_of(corpus)
    assert "entry 'b' names file 'b.txt', which does not exist" in str(err)
    assert err.path.endswith("manifest.yaml")


def test_duplicate_doc_id(tmp_path):
    corpus = make_corpus(
        tmp_path, {"a.txt": GOOD, "b.txt": GOOD}, [{"doc_id": "same", "file": "a.txt"}, {"doc_id": "same", "file": "b.txt"}]
    )
    assert "doc_id 'same' is used by two entries" in str(error_of(corpus))


def test_file_not_in_manifest(tmp_path):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD}, [{"doc_id": "a", "file": "a.txt"}])
    (corpus / "stray.txt").write_text(GOOD, encoding="utf-8")
    err = error_of(corpus)
    assert err.path.endswith("stray.txt") and "not listed in the manifest" in str(err)


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"doc_id": "Not URL safe!", "file": "a.txt"}, "documents.0.doc_id"),
        ({"doc_id": "a", "file": "../a.txt"}, "documents.0.file"),
        ({"doc_id": "a", "file": "a.txt", "symbol": "A/AC.105/1260"}, "symbol 'A/AC.105/1260' is not printed"),
    ],
    ids=["doc-id", "path-escape", "guessed-symbol"],
)
def test_bad_manifest_entries(tmp_path, entry, problem):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD}, [entry])
    assert problem in str(error_of(corpus))


def test_missing_corpus_and_manifest(tmp_path):
    assert "corpus folder does not exist" in str(error_of(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    assert "no manifest found" in str(error_of(tmp_path / "empty"))


def test_cli_reports_error_without_traceback_and_keeps_old_output(tmp_path):
    corpus = make_corpus(tmp_path, {"bad.txt": b""})
    out = tmp_path / "paragraphs.jsonl"
    out.write_text("previous output\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", str(corpus), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert proc.returncode != 0
    assert "bad.txt: file is empty" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_text(encoding="utf-8") == "previous output\n"


def test_one_bad_document_stops_the_whole_corpus(tmp_path):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD, "b.txt": b""})
    shutil.copy(CORPUS / "iam-40-report.zh.txt", corpus / "a.txt")
    assert "b.txt: file is empty" in str(error_of(corpus))
