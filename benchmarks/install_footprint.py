"""What the default install costs, side by side for two revisions of this repository.

    python benchmarks/install_footprint.py [--before REV] [--after REV]

For each revision: a fresh virtual environment, `pip install <the tree>` (not editable, default
extras only: what a user gets), timed; the environment's size on disk; whether torch,
sentence-transformers, matplotlib and langchain-core were installed; then, in that environment,
the time to import the server's application and the process's peak memory after it, with the
heavy modules that import pulled in. Packages come from the same indexes pip uses here.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "sentence_transformers", "langchain_core", "matplotlib", "ir_measures")
PROBE = """
import importlib, json, resource, sys, time
t = time.perf_counter()
importlib.import_module(sys.argv[1])
took = time.perf_counter() - t
print(json.dumps({"import_s": took, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def measure(rev: str, work: Path) -> dict:
    tree = work / f"src-{rev}"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    env = work / f"env-{rev}"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip"]
    start = time.perf_counter()
    subprocess.run([*pip, "install", "-q", str(tree)], check=True, capture_output=True)
    install_s = time.perf_counter() - start
    listed = {p["name"].lower() for p in json.loads(subprocess.run([*pip, "list", "--format", "json"],
                                                                  capture_output=True, text=True).stdout)}
    module = "unqa.service.app" if (tree / "cli.py").exists() else "service.app"
    runs = [json.loads(subprocess.run([str(env / "bin" / "python"), "-c", PROBE, module], capture_output=True,
                                      text=True, cwd=work, check=True).stdout) for _ in range(3)]
    best = min(runs, key=lambda r: r["import_s"])
    return {"rev": rev, "install_s": install_s, "env_mb": du_mb(env), "packages": len(listed),
            "torch": "torch" in listed, "sentence-transformers": "sentence-transformers" in listed,
            "matplotlib": "matplotlib" in listed, "langchain-core": "langchain-core" in listed,
            "import_s": best["import_s"], "peak_rss_mb": best["peak_rss_mb"], "heavy_imported": best["heavy"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", default="4aaae40", help="revision before the light install")
    p.add_argument("--after", default="HEAD")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(rev, Path(tmp)) for rev in (args.before, args.after)]
    keys = ["install_s", "env_mb", "packages", "torch", "sentence-transformers", "matplotlib", "langchain-core",
            "import_s", "peak_rss_mb", "heavy_imported"]
    print(f"| figure | {rows[0]['rev']} (before) | {rows[1]['rev']} (after) | after / before |")
    print("|---|---|---|---|")
    for k in keys:
        a, b = rows[0][k], rows[1][k]
        ratio = f"{b / a:.2f}" if isinstance(a, float) and a else ""
        fa, fb = (f"{a:.2f}", f"{b:.2f}") if isinstance(a, float) else (a, b)
        print(f"| {k} | {fa} | {fb} | {ratio} |")


if __name__ == "__main__":
    main()
