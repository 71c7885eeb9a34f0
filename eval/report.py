"""The eval report: Markdown for people, JSON with every figure, a PNG of Hit@k curves."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SUMMARY = ["Hit@1", "Hit@3", "Hit@5", "MRR@10", "nDCG@10", "Recall@5", "first citation gold",
           "answer has key fact", "abstention recall", "abstention precision", "false abstention",
           "latency p50 ms", "latency p95 ms"]


def fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.1f}" if v > 2 else f"{v:.3f}"
    return str(v)


def table(rows: list[list], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


CONSOLE = ["Hit@1", "Hit@5", "MRR@10", "first citation gold", "answer has key fact", "abstention recall",
           "false abstention", "latency p50 ms"]


def summary_rows(report: dict, columns: list[str] = SUMMARY) -> tuple[list[str], list[list]]:
    """One row per target and question language."""
    rows = []
    for name, res in report["targets"].items():
        for group, block in [("all", res["scores"]["overall"]), *res["scores"]["by_language"].items()]:
            rows.append([name, group, *(block.get(m) for m in columns)])
    return ["target", "questions", *columns], rows


def markdown(report: dict) -> str:
    main = report["main"]
    res = report["targets"][main]
    overall = res["scores"]["overall"]
    out = [f"# unqa evaluation — {report['generated']}", "",
           f"{report['questions']} questions from `{report['questions_file']}`; main target: **{main}**.", ""]
    header, rows = summary_rows(report)
    out += ["## Summary", "", table(rows, header), ""]
    out += ["## Citations and consistency", "",
            table([[overall.get("cited records"), overall.get("citation exists"), overall.get("citation text exact"),
                    overall.get("citation text in source"),
                    overall.get("zh/en pairs"), overall.get("same first citation")]],
                  ["cited records", "citation exists", "text matches corpus", "text as in the source file", "zh/en pairs",
                   "same first citation"]), ""]
    tag_rows = [[tag, *(block.get(m) for m in ("questions", "Hit@1", "Hit@5", "MRR@10", "answer has key fact",
                                                "abstention recall", "false abstention"))]
                for tag, block in res["scores"]["by_tag"].items()]
    type_rows = [[t, *(block.get(m) for m in ("questions", "Hit@1", "Hit@5", "oracle Hit@1 (top 50)",
                                              "answer has key fact", "abstention recall", "false abstention"))]
                 for t, block in res["scores"].get("by_type", {}).items()]
    if type_rows:
        out += [f"## By question type ({main})", "",
                table(type_rows, ["type", "questions", "Hit@1", "Hit@5", "oracle Hit@1 (top 50)", "key fact",
                                  "abstention recall", "false abstention"]), ""]
    out += [f"## By tag ({main})", "",
            table(tag_rows, ["tag", "questions", "Hit@1", "Hit@5", "MRR@10", "key fact", "abstention recall",
                             "false abstention"]), ""]
    if "baseline_comparison" in report:
        rows = [[group, m, v["ours"], v["baseline"], None if v["ratio"] is None else f"{v['ratio']:.2f}×"]
                for group, block in report["baseline_comparison"].items() for m, v in block.items()]
        base = report["targets"]["baseline"]["scores"]["overall"]
        out += ["## Side by side with a LangChain-tutorial baseline", "",
                "Baseline: `RecursiveCharacterTextSplitter()` defaults (4000-character chunks, 200 overlap) over the "
                "raw text files, the same embedder, a flat FAISS index, top-k by cosine; chunks are mapped to the "
                "records they overlap (in document order) only for scoring. Lenient chunk-level hits (a gold record "
                f"anywhere in the chunk): Hit@1 {fmt(base.get('chunk Hit@1'))}, Hit@3 {fmt(base.get('chunk Hit@3'))}, "
                f"Hit@5 {fmt(base.get('chunk Hit@5'))}.", "",
                table(rows, ["questions", "metric", main, "baseline", "ratio"]), ""]
    gate_rows = [[g["group"], g["metric"], f"{g['op']} {g['threshold']}", g["value"], "pass" if g["ok"] else "FAIL"]
                 for g in report["gate"]]
    if gate_rows:
        out += ["## Gate", "", table(gate_rows, ["questions", "metric", "required", "measured", ""]), ""]
    fails = res["failures"]
    out += [f"## Failed questions ({main}: {len(fails)})", ""]
    for f in fails:
        out.append(f"- **{f['id']}** ({', '.join(f['tags'])}) {f['question']} — {'; '.join(f['problems'])}. "
                   f"Gold: {', '.join(f['gold']) or 'none (unanswerable)'}. Returned: {', '.join(f['returned'])}.")
    out += ["", "![Hit@k](hit_at_k.png)", ""]
    return "\n".join(out)


_LANGUAGE_NAMES = {"zh": "Chinese", "en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "ar": "Arabic"}


def plot(report: dict, path: Path) -> None:
    languages = list(next(iter(report["targets"].values()))["hit_curves"])
    fig, axes = plt.subplots(1, len(languages), figsize=(3.8 * len(languages) + 1, 4.2), sharey=True, squeeze=False)
    ks = list(range(1, 11))
    for ax, lang in zip(axes[0], languages):
        for name, res in report["targets"].items():
            ax.plot(ks, res["hit_curves"][lang], marker="o", label=name)
        ax.set_title(f"{_LANGUAGE_NAMES.get(lang, lang)} questions")
        ax.set_xlabel("k")
        ax.set_xticks(ks)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("Hit@k (gold record in the first k)")
    axes[0][0].set_ylim(0, 1.02)
    axes[0][-1].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(report: dict, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out_dir / "report.md", "json": out_dir / "report.json", "plot": out_dir / "hit_at_k.png"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    plot(report, paths["plot"])
    paths["markdown"].write_text(markdown(report), encoding="utf-8")
    return paths
