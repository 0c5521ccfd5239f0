"""Batch runner: failure isolation, incremental rebuilds, Dask, and nothing lost when killed."""

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from iid_research import config
from iid_research.render import index, runner
from iid_research.render.runner import Job, run_batch

pytestmark = pytest.mark.slow


def _nb(path, body, param="label: str = \"a\"  # text written to the report"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    p = nbformat.v4.new_code_cell(param)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    good = _nb(folder / "good.ipynb", "print('report', label)")
    bad = _nb(folder / "bad.ipynb", "raise ValueError('planted failure ' + label)")
    slow = _nb(folder / "slow.ipynb", "import time\ntime.sleep(3)\nprint('slow', label)")
    return good, bad, slow


def test_failure_is_isolated_and_kept(notebooks, tmp_path):
    good, bad, _ = notebooks
    out = tmp_path / "out"
    jobs = [Job(good, {"label": "x"}), Job(bad, {"label": "y"}), Job(good, {"label": "z"})]
    results = run_batch(jobs, out, n_jobs=2, progress=False)
    assert [r.status for r in results] == ["built", "failed", "built"]
    assert "planted failure y" in results[1].error
    assert (out / "notebooks" / "bad_y.failed.ipynb").exists()
    assert not (out / "bad_y.html").exists()
    assert "report x" in (out / "good_x.html").read_text()
    table = runner.summary_table(results)
    assert table.loc[1, "status"] == "failed" and "planted failure" in table.loc[1, "error"]
    # the failure is stamped: the index lists it as failed, and the next batch rebuilds it
    stamp = json.loads(runner.stamp_path(out, "bad_y").read_text())
    assert (stamp["status"], stamp["key"], stamp["parameters"]) == ("failed", "", {"label": "y"})
    assert "planted failure y" in stamp["error"]
    listed = {e["stem"]: (e["status"], e["html"]) for e in index.folder_entries(out)}
    assert listed == {"good_x": ("ok", out / "good_x.html"), "good_z": ("ok", out / "good_z.html"),
                      "bad_y": ("failed", None)}


def test_incremental_rebuild(notebooks, tmp_path, monkeypatch):
    good, _, _ = notebooks
    out = tmp_path / "out"
    jobs = [Job(good, {"label": "x"})]
    assert run_batch(jobs, out, n_jobs=1, progress=False)[0].status == "built"
    assert run_batch(jobs, out, n_jobs=1, progress=False)[0].status == "up to date"
    assert run_batch([Job(good, {"label": "w"})], out, n_jobs=1, progress=False)[0].status == "built"
    # an input file changes -> its checksum changes -> the report is rebuilt
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in config.RAW_DIR.iterdir():
        (raw / f.name).write_bytes(f.read_bytes())
    monkeypatch.setattr(config, "RAW_DIR", raw)
    # same bytes in another folder: same checksums, nothing to do
    assert run_batch(jobs, out, n_jobs=1, progress=False)[0].status == "up to date"
    with open(raw / "iga_awards_2020_2025.csv", "a") as handle:
        handle.write("\n")
    assert run_batch(jobs, out, n_jobs=1, progress=False)[0].status == "built"
    # the notebook changes -> rebuilt
    _nb(good, "print('report v2', label)")
    res = run_batch(jobs, out, n_jobs=1, progress=False)[0]
    assert res.status == "built" and "report v2" in res.html.read_text()


def test_undeclared_parameter_fails_only_that_job(notebooks, tmp_path):
    good, _, _ = notebooks
    results = run_batch([Job(good, {"nope": 1}), Job(good, {"label": "ok"})], tmp_path / "out", n_jobs=1,
                        progress=False)
    assert results[0].status == "failed" and "not declared" in results[0].error
    assert results[1].status == "built"


def test_dask_local_cluster(notebooks, tmp_path):
    good, bad, _ = notebooks
    jobs = [Job(good, {"label": str(i)}) for i in range(3)] + [Job(bad, {"label": "d"})]
    results = run_batch(jobs, tmp_path / "out", dask_local=2, progress=False)
    assert [r.status for r in results] == ["built", "built", "built", "failed"]
    assert all((tmp_path / "out" / f"good_{i}.html").exists() for i in range(3))


def test_killed_batch_leaves_previous_reports_intact(notebooks, tmp_path):
    _, _, slow = notebooks
    out = tmp_path / "out"
    runlist = tmp_path / "runs.yml"
    runlist.write_text("runs:\n" + "".join(f"  - notebook: {slow}\n    parameters: {{label: r{i}}}\n" for i in range(4)))
    cmd = [sys.executable, "-m", "iid_research.cli", "batch", str(runlist), "-o", str(out), "-j", "2"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    before = {p.name: p.read_bytes() for p in out.glob("*.html")}
    assert len(before) == 5  # 4 reports + index
    # change the notebook so every report must be rebuilt, then kill the run midway
    _nb(slow, "import time\ntime.sleep(3)\nprint('slow v2', label)")
    proc = subprocess.Popen(cmd + ["--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(6)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.glob("*.html")}
    assert set(after) == set(before)
    for name, content in after.items():
        # each report is either the complete old one or a complete new one, never a partial file
        assert content == before[name] or content.rstrip().endswith(b"</html>")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") and p.stat().st_size and p.suffix == ".html"]


def test_warm_kernel_starts_each_notebook_with_a_clean_namespace(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    first = _nb(folder / "first.ipynb", "secret = 42\nimport matplotlib.pyplot as plt\nplt.figure()")
    second = _nb(folder / "second.ipynb",
                 "import matplotlib.pyplot as plt\nassert 'secret' not in dir(), 'namespace leaked'\n"
                 "assert plt.get_fignums() == [], 'figures leaked'\nprint('clean', label)")
    results = run_batch([Job(first, {"label": "a"}), Job(second, {"label": "b"})], tmp_path / "out", n_jobs=1,
                        progress=False)
    assert [r.status for r in results] == ["built", "built"], results[1].error
    assert "clean b" in results[1].html.read_text()
