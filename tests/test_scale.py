"""The scale benchmark's synthetic corpora are real indexes: written by the same store, verified
on load, served over HTTP; a bounded run of the benchmark itself passes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from unqa.index import load_index
from unqa.service.scale import PER_DOCUMENT, build_synthetic

ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_index_is_a_verified_index_with_numbered_paragraphs(built_index, tmp_path):
    n = 2 * PER_DOCUMENT + 300
    built = build_synthetic(built_index, n, tmp_path / "synthetic")
    assert built["units"] >= n and built["sentences"] >= n
    ix = load_index(tmp_path / "synthetic")  # checksums and counts checked like any index
    assert len(ix.records) == n and ix.doc_ids == ["synth-00000", "synth-00001", "synth-00002"]
    last = ix.records_of("synth-00002")
    assert [r.paragraph for r in last] == list(range(1, 301))
    hits = ix.search("空间碎片减缓", top_k=5)
    assert hits and all(h.record.kind == "paragraph" for h in hits)
    assert all("空间碎片" in h.record.text or "碎片" in h.record.text for h in hits[:3])
    assert ix.record_by_id(hits[0].record.id) == hits[0].record


def test_bounded_scale_run_serves_without_errors(built_index, tmp_path):
    out = tmp_path / "scale.json"
    subprocess.run([sys.executable, "-m", "unqa.service.scale", "--sizes", "500", "--seconds", "2", "--real-index",
                    str(built_index), "--out", str(out), "--breakdown"], cwd=ROOT, check=True, timeout=300,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (row,) = json.loads(out.read_text())
    assert row["n"] == 500 and row["errors"] == 0 and row["rps_8_clients"] > 0
    assert row["p50_ms"] > 0 and row["startup_s"] > 0 and row["disk_mb"] > 0 and row["dense_type"] == "flat"
