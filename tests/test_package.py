"""The package as a user installs it: a wheel (not editable) in a fresh virtual environment,
`unqa serve` from any folder, one question over HTTP. The wheel's dependencies are the ones
this environment already has (linked, not reinstalled), so the test checks our packaging:
one `unqa` namespace, the bundled corpus inside it, the index in the user's data folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile

import httpx

from conftest import ROOT, free_port


# what serving must not need: hidden from the installed package (an import of one fails)
HEAVY = ["torch", "transformers", "sentence_transformers", "matplotlib", "ir_measures", "langchain_core"]


def test_the_wheel_installs_as_one_namespace_and_serves(tmp_path):
    src = tmp_path / "src"  # the tracked files only, so nothing left over in the checkout gets packaged
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    for name in tracked:
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(src)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("unqa-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("unqa-")}
    assert tops == {"unqa"}, tops  # no top-level ingest, index, service or eval to clash with
    data = {n for n in tracked if n.startswith(("corpus/", "service/static/", "eval/sets/")) or
            (n.startswith("eval/") and n.endswith(".yaml"))}
    assert {f"unqa/{n}" for n in data} <= set(names), sorted({f"unqa/{n}" for n in data} - set(names))
    assert not any(n.startswith(("unqa/tests/", "unqa/data/", "unqa/benchmarks/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    needs = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert not [r for r in needs if r.split()[1].startswith(("torch", "sentence-transformers", "matplotlib"))
                and "extra ==" not in r], needs  # heavy packages only behind extras

    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)  # its own pip: one run from here would uninstall this checkout
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    # the dependencies: this environment's packages, appended after the wheel's own, less the heavy ones
    with open(os.path.join(site, "zz-deps.pth"), "w") as fh:
        fh.write(sysconfig.get_paths()["purelib"] + "\n")
        fh.write(f"import sys; sys.modules.update(dict.fromkeys({HEAVY!r}))\n")
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env.pop("UNQA_INDEX_DIR", None)
    env.pop("UNQA_CORPUS_DIR", None)
    where = subprocess.run([str(py), "-c", "import unqa, unqa.service; print(unqa.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert where.startswith(site), where  # the wheel, not the checkout
    hidden = subprocess.run([str(py), "-c", "import torch"], capture_output=True, text=True, env=env)
    assert hidden.returncode != 0  # so the server below runs without them

    port = free_port()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen([str(env_dir / "bin" / "unqa"), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240  # builds the bundled corpus's index on first start
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the installed service never became ready"
            time.sleep(0.5)
        res = httpx.post(url + "/ask", json={"question": "减缓空间碎片的唯一方法是什么？"}, timeout=60)
        assert res.status_code == 200 and res.json()["citations"][0]["label"] == "A/AC.105/1235，第 38 段"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (home / "data" / "unqa" / "index" / "CURRENT").is_file()  # the user's data folder, not the package
    assert not (os.path.exists(os.path.join(site, "unqa", "data")))
