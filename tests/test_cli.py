"""The `unqa` command as a script sees it: help, version, JSON, stdin, batches, exit codes.

Real subprocesses over one small real index (11 English records). Each command that answers
loads the embedder (a few seconds), so the checks are combined into few runs."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

MEETING = "Where will the next meeting be held?"  # answered by A/AC.105/9999, para. 6
CITATION_KEYS = {"id", "doc_id", "symbol", "paragraph", "label", "official_url", "text", "score"}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    from unqa.index import build_index

    path = tmp_path_factory.mktemp("cli") / "index"
    build_index(ROOT / "tests" / "data" / "en", path)
    return path


def unqa(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNQA_")}
    return subprocess.run([sys.executable, "-m", "unqa", *args], cwd=ROOT, input=stdin if stdin is not None else "",
                          capture_output=True, text=True, timeout=120, env=env)


def test_help_and_version():
    short, long = unqa("-h"), unqa("--help")
    assert short.returncode == long.returncode == 0 and short.stdout == long.stdout
    assert "documents" in short.stdout and "--version" in short.stdout
    ask = unqa("ask", "-h")
    assert ask.returncode == 0
    for words in ("--json", "--file", "Exit code 0: answered; 1: not answered"):
        assert words in ask.stdout
    version = unqa("--version")
    from unqa import __version__

    assert version.returncode == 0 and version.stdout == f"unqa {__version__}\n"


def test_ask_json_has_the_api_shape(index_dir):
    proc = unqa("ask", MEETING, "--index-dir", str(index_dir), "--json", "-k", "3")
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)  # one JSON object and nothing else on stdout
    assert set(answer) >= {"question", "language", "answered", "answer", "answer_spans", "citations", "took_ms"}
    assert answer["question"] == MEETING and answer["language"] == "en" and answer["answered"] is True
    assert "Bangkok" in answer["answer"] and len(answer["citations"]) == 3
    first = answer["citations"][0]
    assert CITATION_KEYS <= set(first)
    assert first["label"] == "A/AC.105/9999, para. 6" and first["paragraph"] == 6
    assert first["official_url"] == "https://undocs.org/en/A/AC.105/9999"
    for span in answer["answer_spans"]:
        cited = answer["citations"][span["citation"]]["text"][span["start"]:span["end"]]
        assert cited == answer["answer"][span["answer_start"]:span["answer_end"]]


def test_question_from_a_pipe_and_from_dash(index_dir):
    piped = unqa("ask", "--index-dir", str(index_dir), "-k", "2", stdin=MEETING + "\n")
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith("Answer\n") and "[1] A/AC.105/9999, para. 6" in piped.stdout  # human output
    # "?" holds no content: refused, exit code 1, still one JSON object
    dash = unqa("ask", "-", "--index-dir", str(index_dir), "--json", stdin="?\n")
    assert dash.returncode == 1, dash.stderr
    refused = json.loads(dash.stdout)
    assert refused["question"] == "?" and refused["answered"] is False and refused["answer_spans"] == []
    search = unqa("search", "--index-dir", str(index_dir), "--json", "-k", "2", stdin=MEETING)
    assert search.returncode == 0, search.stderr
    found = json.loads(search.stdout)
    assert found["question"] == MEETING and len(found["hits"]) == 2
    assert found["hits"][0]["label"] == "A/AC.105/9999, para. 6" and CITATION_KEYS <= set(found["hits"][0])


def test_batch_writes_json_lines(index_dir, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_bytes(f"{MEETING}\n\n   \n?\nbad \xff line\n{'meeting ' * 300}\n{MEETING}\n".encode("utf-8")
                          .replace(b"\xc3\xbf", b"\xff"))
    mixed = unqa("ask", "--file", str(questions), "--index-dir", str(index_dir), "-k", "2")
    assert mixed.returncode == 1, mixed.stderr  # some are not answered; the batch went on to the end
    lines = [json.loads(line) for line in mixed.stdout.splitlines()]
    assert [a["answered"] for a in lines] == [True, False, False, False, True]
    assert [a["question"] for a in lines][:2] == [MEETING, "?"] and len(lines[0]["citations"]) == 2
    assert "not UTF-8 text (byte 0xff)" in lines[2]["error"] and "tokens long" in lines[3]["error"]
    unknown = unqa("ask", "--file", str(questions), "--index-dir", str(index_dir), "--documents", "nope")
    assert unknown.returncode == 2 and "unknown document(s): nope" in unknown.stderr and unknown.stdout == ""
    answered = unqa("ask", "--file", "-", "--index-dir", str(index_dir), stdin=f"{MEETING}\n{MEETING}\n")
    assert answered.returncode == 0, answered.stderr
    assert [json.loads(line)["answered"] for line in answered.stdout.splitlines()] == [True, True]


def test_documents(index_dir):
    listed = unqa("documents", "--index-dir", str(index_dir), "--json")
    assert listed.returncode == 0, listed.stderr
    [doc] = json.loads(listed.stdout)
    assert doc["doc_id"] == "a-ac-105-9999" and doc["symbol"] == "A/AC.105/9999" and doc["language"] == "en"
    assert doc["paragraphs"] == 7 and doc["records"] == 11 and "source" not in doc
    table = unqa("documents", "--index-dir", str(index_dir))
    assert table.returncode == 0 and "a-ac-105-9999" in table.stdout and "A/AC.105/9999" in table.stdout


def test_errors_are_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "nowhere"
    for args in (("ask", MEETING), ("search", MEETING), ("documents",)):
        proc = unqa(*args, "--index-dir", str(missing))
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.strip() == (f"error: no index in {missing}: build one with `unqa index` "
                                       "(or give --index-dir / UNQA_INDEX_DIR)")
        assert proc.stdout == ""
    both = unqa("ask", MEETING, "--file", "-", "--index-dir", str(missing))
    assert both.returncode == 2 and "not both" in both.stderr
    empty = unqa("ask", "--file", "-", "--index-dir", str(missing), stdin="\n  \n")
    assert empty.returncode == 2 and "no questions in stdin" in empty.stderr
    blank = unqa("ask", "-", "--index-dir", str(missing), stdin="   \n")
    assert blank.returncode == 2 and "the question is empty" in blank.stderr and "Traceback" not in blank.stderr
