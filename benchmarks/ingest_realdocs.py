"""Ingest every PDF of a folder (default ../shared/realdocs/pdf) and print, per document,
what was found; then totals, failures and pages/s. A script, not a test:

    python benchmarks/ingest_realdocs.py [FOLDER] [--csv out.csv] [--compare-pdfplumber N]
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from unqa.ingest import IngestError, parse_document  # noqa: E402
from unqa.ingest.pdf import read_pdf  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "realdocs" / "pdf"


def extraction_speed(files: list[Path], n: int) -> None:
    """pages/s of the layout read (characters with boxes and sizes): pypdfium2 against pdfplumber."""
    import pdfplumber

    sample = files[:n]
    t = time.perf_counter()
    pages = sum(len(read_pdf(f)) for f in sample)
    ours = pages / (time.perf_counter() - t)
    t = time.perf_counter()
    plumbed = 0
    for f in sample:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_words(extra_attrs=["size"])
                plumbed += 1
    theirs = plumbed / (time.perf_counter() - t)
    print(f"layout extraction on {len(sample)} PDFs ({pages} pages): pypdfium2 {ours:.0f} pages/s, "
          f"pdfplumber {theirs:.0f} pages/s, ratio {ours / theirs:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--csv", type=Path, help="also write the per-document table here")
    ap.add_argument("--compare-pdfplumber", type=int, default=0, metavar="N",
                    help="time pdfplumber on the first N PDFs against the layout read")
    args = ap.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in (".pdf", ".txt"))
    rows, failed = [], []
    pages_total = 0
    start = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        try:
            doc, warnings = parse_document(f)
        except IngestError as exc:
            failed.append((f.name, exc.problem))
            print(f"FAILED {f.name}: {exc.problem}")
            continue
        kinds = Counter(r.kind for r in doc.records)
        parts = Counter(r.part for r in doc.records if r.kind == "paragraph" and r.part)
        main_paras = sum(1 for r in doc.records if r.kind == "paragraph" and not r.part)
        pages_total += doc.meta.pages or 0
        row = {
            "file": f.name, "symbol": doc.meta.symbol or "", "lang": doc.meta.language, "pages": doc.meta.pages,
            "paragraphs": main_paras, "part_paragraphs": sum(parts.values()), "preamble": kinds["preamble"],
            "unnumbered": kinds["text"] + kinds["annex"], "footnotes": kinds["footnote"],
            "warnings": len(warnings), "seconds": round(time.perf_counter() - t, 3),
        }
        rows.append(row)
        print(f"{f.name:32} {row['symbol']:28} {row['lang']} p={row['pages'] or '-':>3} paras={main_paras:>3} "
              f"parts={row['part_paragraphs']:>3} pre={row['preamble']:>2} blocks={row['unnumbered']:>3} "
              f"fn={row['footnotes']:>3} warn={len(warnings)}" + (f"  {warnings[0]}" if warnings else ""))
    elapsed = time.perf_counter() - start
    print()
    print(f"files: {len(files)}, ingested: {len(rows)}, failed: {len(failed)}")
    print(f"pages: {pages_total}, seconds: {elapsed:.1f}, pages/s: {pages_total / elapsed:.1f}")
    print(f"documents with numbered paragraphs: {sum(1 for r in rows if r['paragraphs'] or r['part_paragraphs'])}; "
          f"paragraphs: {sum(r['paragraphs'] for r in rows)} main + {sum(r['part_paragraphs'] for r in rows)} in "
          f"annexed parts; preamble blocks: {sum(r['preamble'] for r in rows)}; unnumbered blocks: "
          f"{sum(r['unnumbered'] for r in rows)}; footnotes: {sum(r['footnotes'] for r in rows)}; "
          f"documents with warnings: {sum(1 for r in rows if r['warnings'])}")
    print(f"with a symbol: {sum(1 for r in rows if r['symbol'])}; languages: {dict(Counter(r['lang'] for r in rows))}")
    for name, problem in failed:
        print(f"  failed: {name}: {problem}")
    if args.csv:
        with open(args.csv, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    if args.compare_pdfplumber:
        extraction_speed([f for f in files if f.suffix.lower() == ".pdf"], args.compare_pdfplumber)


if __name__ == "__main__":
    main()
