"""Benchmark: size of the rendered reports, and the time to render the full national set.

Renders every pemda report in Bahasa Indonesia and English plus the overview and the
analysis notebooks, through the batch runner as an analyst runs it::

    iid-research reports --lang id --lang en --jobs 2 --force -o <dir>

then prints the time taken and the size of each kind of report: the pemda reports
(notebook 02, per language), the overview (01), the analysis notebooks (03, 04, ...),
the index page, and the *default set* (what ``iid-research reports`` writes: the overview,
the analysis notebooks and the Indonesian pemda reports, plus index.html).

Usage::

    python benchmarks/bench_report_size.py [--jobs 2] [--keep DIR] [--sizes-only DIR] [--limit N] [--src DIR]

``--sizes-only DIR`` measures an already rendered folder without rendering.  ``--src DIR`` renders
with another checkout of the package (its ``src`` folder first on PYTHONPATH, kernels included),
e.g. the commit before the lean template, to measure "before" under the same load.  The machine is
shared, so besides the wall time the script prints the CPU time of the whole process tree.
Targets: pemda report ≤ 120 KB; 03/04 reports ≤ 350 KB; default set ≤ 1/4 of the size
before the lean template; national set rendered in < 4 min on 2 cores.

Measured on the shared 2-core machine (245 reports; "before" = 2dd429c with JupyterLab's "lab"
template, rendered with ``--src``; wall times under a load average of ~5 from other jobs):

=====================  ==========================  ===========================
                       before (lab template)       after (iid_report template)
=====================  ==========================  ===========================
pemda report, mean     306 KB (max 388 KB)         24 KB (max 52 KB)
01 overview            451 KB                      164 KB
03 rank drivers        573 KB                      112 KB
04 OPD clusters        867 KB                      265 KB
default set (125)      38.1 MB                     3.4 MB (9 %)
national set           136 s wall, 117 s CPU       157 s wall, 131 s CPU
=====================  ==========================  ===========================

(On an idle machine: 64 s before, 108 s after.)  The HTML export itself is cheaper; the extra
time is drawing each figure twice (PNG and SVG) to keep the smaller one.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _kb(n: float) -> str:
    return f"{n / 1024:8.1f} KB"


def sizes(folder: Path) -> dict:
    """Sizes in bytes of the rendered reports in ``folder``, grouped by kind."""
    groups: dict[str, list[int]] = {}
    default_total = 0
    default_n = 0
    for page in sorted(folder.glob("*.html")):
        size = page.stat().st_size
        if page.name == "index.html":
            kind = "index"
        else:
            nb = re.match(r"(\d\d)_", page.name)
            lang = "en" if page.stem.endswith("_en") else "id"
            kind = {"01": "01 overview", "02": f"02 pemda [{lang}]"}.get(nb[1] if nb else "", f"{page.stem}")
        groups.setdefault(kind, []).append(size)
        if not page.stem.endswith("_en"):  # the default set: everything in the first language
            default_total += size
            default_n += 1
    return {"groups": groups, "default_total": default_total, "default_n": default_n}


def print_sizes(folder: Path) -> None:
    info = sizes(folder)
    print(f"{'kind':<32} {'n':>4} {'mean':>11} {'max':>11} {'total':>11}")
    for kind, values in sorted(info["groups"].items()):
        print(f"{kind:<32} {len(values):>4} {_kb(sum(values) / len(values))} {_kb(max(values))} {_kb(sum(values))}")
    print(f"default set (first language + index): {info['default_n']} pages, "
          f"{info['default_total'] / 1024 / 1024:.2f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--keep", type=Path, default=None, help="render into this folder and keep it")
    parser.add_argument("--sizes-only", type=Path, default=None, help="only measure an existing folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pemda per language")
    parser.add_argument("--src", type=Path, default=None, help="a checkout whose src/ to render with")
    args = parser.parse_args()

    if args.sizes_only:
        print_sizes(args.sizes_only)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "reports"
        cmd = [str(BIN / "iid-research"), "reports", "--lang", "id", "--lang", "en", "--jobs", str(args.jobs),
               "--force", "-o", str(out)] + (["--limit", str(args.limit)] if args.limit else [])
        env = dict(os.environ)
        if args.src:
            env["PYTHONPATH"] = os.pathsep.join([str(args.src.resolve() / "src"), env.get("PYTHONPATH", "")])
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr, sep="\n")
            sys.exit(proc.returncode)
        n = len([p for p in out.glob("*.html") if p.name != "index.html"])
        print(f"national set: {n} reports in {seconds:.1f} s with {args.jobs} workers "
              f"({seconds / max(n, 1):.2f} s/report; target < 240 s), CPU time {cpu:.0f} s; {proc.stdout.strip()}")
        print_sizes(out)


if __name__ == "__main__":
    main()
