"""The evaluation harness on the bundled corpus (part of dev; the gate is on the blind test split)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

from unqa.eval.harness import run_eval
from unqa.eval.metrics import normalise
from unqa.eval.questions import DEFAULT_QUESTIONS, load_questions
from unqa.eval.report import write


@pytest.fixture(scope="module")
def report(built_index):
    return run_eval(DEFAULT_QUESTIONS, index_dir=built_index, retriever="hybrid", baseline=True, progress=False)


def test_question_set_has_what_the_issue_asks():
    qs = load_questions()
    zh = [q for q in qs if q.language == "zh"]
    zh_answerable = [q for q in zh if q.answerable]
    assert len(qs) >= 90 and len(zh) >= 50
    assert sum("paraphrase" in q.tags for q in zh_answerable) >= len(zh_answerable) / 2
    assert sum(q.language == "en" and q.answerable for q in qs) >= 25
    assert sum(not q.answerable for q in qs) >= 10
    for tag in ("front_matter", "footnote", "annex", "multi", "number", "date", "name", "symbol", "near_topic"):
        assert any(tag in q.tags for q in qs), tag
    raw = yaml.safe_load(DEFAULT_QUESTIONS.read_text(encoding="utf-8"))["questions"]
    assert all(q["reference"] for q in raw)


def test_gold_citations_and_key_facts_come_from_the_corpus(corpus_docs):
    records = {r.id: r for d in corpus_docs.values() for r in d.records}
    for q in load_questions():
        for g in q.gold:
            assert g in records, (q.id, g)
        if q.answerable:
            assert any(normalise(q.key_fact) in normalise(records[g].text) for g in q.gold), q.id


def test_report_has_every_figure(report, tmp_path):
    hybrid = report["targets"]["hybrid"]["scores"]
    for key in ("Hit@1", "Hit@3", "Hit@5", "MRR@10", "nDCG@10", "Recall@5", "first citation gold",
                "answer has key fact", "abstention recall", "abstention precision", "false abstention",
                "latency p50 ms", "latency p95 ms", "citation exists", "citation text exact", "same first citation",
                "citation text in source", "oracle Hit@1 (top 50)"):
        assert key in hybrid["overall"], key
    assert set(hybrid["by_language"]) == {"zh", "en"}
    assert {"paraphrase", "cross_lingual", "unanswerable", "annex"} <= set(hybrid["by_tag"])
    assert hybrid["overall"]["cited records"] == 1010  # 101 questions x 10 citations, all checked
    # every cited text is the source file's own text, read without our parser
    assert hybrid["overall"]["citation text in source"] == 1.0
    assert hybrid["overall"]["oracle Hit@1 (top 50)"] >= hybrid["overall"]["Hit@1"]
    base = report["targets"]["baseline"]["scores"]["overall"]
    assert base["Hit@1"] < hybrid["overall"]["Hit@1"] and "chunk Hit@1" in base
    ratio = report["baseline_comparison"]["overall"]["Hit@1"]
    assert ratio["ratio"] == pytest.approx(ratio["ours"] / ratio["baseline"])
    paths = write(report, tmp_path / "out")
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "## Side by side with a LangChain-tutorial baseline" in md and "## Failed questions" in md
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["main"] == "hybrid"
    assert paths["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_failures_name_what_was_returned(report):
    for f in report["targets"]["hybrid"]["failures"]:
        assert f["problems"] and f["returned"], f


def test_eval_command_against_a_running_service(live_server, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "unqa.eval", "--url", live_server["url"], "--no-baseline", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "unqa eval: " in proc.stdout and "service" in proc.stdout
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["main"] == "service" and data["targets"]["service"]["scores"]["overall"]["citation exists"] == 1.0
    assert (tmp_path / "report.md").exists() and (tmp_path / "hit_at_k.png").exists()
