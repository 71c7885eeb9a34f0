"""Every bad input gives a clear error naming the file and the problem, never a shorter output."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

from unqa.ingest import IngestError, ingest_corpus, read_corpus

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
        lines.append(f"  - doc_id: {json.dumps(e['doc_id'])}")
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
    ],
    ids=["empty", "whitespace", "binary", "gb18030"],
)
def test_bad_files(tmp_path, data, problem):
    corpus = make_corpus(tmp_path, {"bad.txt": data})
    err = error_of(corpus)
    assert err.path.endswith("bad.txt") and problem in err.problem


def test_wrapped_number_line_is_text_not_a_gap(tmp_path):
    """A wrapped line that starts "13." where paragraph 13 is missing is text of paragraph 12."""
    text = GOOD.replace("\n13. 外空协调会议回顾其 2011", "\n外空协调会议回顾其 2011")
    (doc,) = ingest_corpus(make_corpus(tmp_path, {"gap.txt": text}))
    numbers = [r.paragraph for r in doc.paragraphs()]
    assert 13 not in numbers and numbers[:12] == list(range(1, 13))
    assert "外空协调会议回顾其 2011" in "".join(r.text for r in doc.records)


def test_repeated_number_stays_in_the_text(tmp_path):
    text = GOOD.replace("\n13. 外空协调会议回顾其 2011", "\n12. 外空协调会议回顾其 2011")
    (doc,) = ingest_corpus(make_corpus(tmp_path, {"dup.txt": text}))
    numbers = [r.paragraph for r in doc.paragraphs()]
    assert numbers.count(12) == 1
    assert "12. 外空协调会议回顾其 2011" in "\n".join(r.text for r in doc.records)


def test_document_that_numbers_nothing_is_cited_by_blocks(tmp_path):
    (doc,) = ingest_corpus(make_corpus(tmp_path, {"letter.txt": "一份没有编号段落的文件。\n只有文字。\n"}))
    assert not doc.paragraphs() and "一份没有编号段落的文件。" in doc.records[0].text


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


def test_file_not_in_manifest_is_ingested_with_what_it_prints(tmp_path):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD}, [{"doc_id": "a", "file": "a.txt"}])
    shutil.copy(CORPUS / "a-ac-105-1235.zh.txt", corpus / "stray.txt")
    docs = {d.meta.file: d for d in ingest_corpus(corpus)}
    stray = docs["stray.txt"].meta
    assert stray.symbol == "A/AC.105/1235" and stray.doc_id == "a-ac-105-1235" and stray.language == "zh"


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"doc_id": "Not URL safe!", "file": "a.txt"}, "doc_id"),
        ({"doc_id": "iam-40-report\n", "file": "a.txt"}, "doc_id"),
        ({"doc_id": "a", "file": "../a.txt"}, "documents.0.file"),
        ({"doc_id": "a", "file": "a.txt", "symbol": "A/AC.105/1260"}, "symbol 'A/AC.105/1260' is not printed"),
    ],
    ids=["doc-id", "doc-id-newline", "path-escape", "guessed-symbol"],
)
def test_bad_manifest_entries(tmp_path, entry, problem):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD}, [entry])
    assert problem in str(error_of(corpus))


def test_missing_corpus_and_empty_folder(tmp_path):
    assert "corpus folder does not exist" in str(error_of(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    assert "no documents found" in str(error_of(tmp_path / "empty"))


def _ingest_cli(corpus: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unqa.ingest", str(corpus), "--out", str(out), *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_one_bad_file_never_stops_the_corpus(tmp_path):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD, "b.txt": b""})
    corpus_read = read_corpus(corpus)
    assert [d.meta.file for d in corpus_read.documents] == ["a.txt"]
    assert [(Path(f.path).name, f.problem) for f in corpus_read.failed] == [("b.txt", "file is empty")]
    out = tmp_path / "paragraphs.jsonl"
    proc = _ingest_cli(corpus, out)
    assert proc.returncode == 1, proc.stderr  # some files failed, the rest written
    assert "failed:" in proc.stderr and "b.txt: file is empty" in proc.stderr and "1 file(s) failed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 28  # the 28 records of a.txt


def test_strict_makes_a_bad_file_an_error_and_keeps_old_output(tmp_path):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD, "b.txt": b""})
    out = tmp_path / "paragraphs.jsonl"
    out.write_text("previous output\n", encoding="utf-8")
    proc = _ingest_cli(corpus, out, "--strict")
    assert proc.returncode == 2
    assert "b.txt: file is empty" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text(encoding="utf-8") == "previous output\n"


@pytest.mark.parametrize("doc_id", ["iam-40-report\n", "iam 40", "IAM-40", "-iam"])
def test_doc_ids_must_be_url_safe_to_the_last_character(tmp_path, doc_id):
    corpus = make_corpus(tmp_path, {"a.txt": GOOD}, [{"doc_id": doc_id, "file": "a.txt"}])
    assert "doc_id" in str(error_of(corpus))
