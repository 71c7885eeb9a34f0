"""The package as a user installs it: a wheel (not editable) in a fresh virtual environment,
`unqa serve` from any folder, one question over HTTP. The wheel's dependencies are the ones
this environment already has (linked, not reinstalled), so the test checks our packaging:
one `unqa` namespace, the bundled corpus inside it, the index in the user's data folder."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile

import httpx

from conftest import ROOT, free_port


def test_the_wheel_installs_as_one_namespace_and_serves(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("unqa-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("unqa-")}
    assert tops == {"unqa"}, tops  # no top-level ingest, index, service or eval to clash with
    assert "unqa/corpus/manifest.yaml" in names and "unqa/service/static/index.html" in names
    assert not any(n.startswith("unqa/tests/") or n.startswith("unqa/data/") for n in names)

    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)  # its own pip: one run from here would uninstall this checkout
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    # the dependencies: this environment's packages, appended after the wheel's own
    with open(os.path.join(site, "zz-deps.pth"), "w") as fh:
        fh.write(sysconfig.get_paths()["purelib"] + "\n")
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env.pop("UNQA_INDEX_DIR", None)
    env.pop("UNQA_CORPUS_DIR", None)
    where = subprocess.run([str(py), "-c", "import unqa, unqa.service; print(unqa.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert where.startswith(site), where  # the wheel, not the checkout

    port = free_port()
    proc = subprocess.Popen([str(env_dir / "bin" / "unqa"), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240  # builds the bundled corpus's index on first start
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
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
