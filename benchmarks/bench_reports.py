"""Benchmark: rendering N pemda reports, naive loop versus the batch runner.

Naive loop (what an analyst does by hand), sequential, per report::

    papermill notebooks/02_pemda_report.ipynb out.ipynb -r kode_wilayah X -p year Y -k iid-research
    jupyter nbconvert --to html --no-input out.ipynb

Ours: ``iid_research.render.runner.run_batch`` (warm kernels, one per worker process).
Then a no-op rebuild of the whole default report set through the CLI, and the
peak memory of the whole process tree (sum of RSS, sampled every 50 ms).

Usage::

    python benchmarks/bench_reports.py [--n 100] [--naive-sample 5] [--jobs 2] [--full]

Ours always renders all N reports.  The naive loop is sequential and pays the same cold start for every
report (a new papermill process, a new kernel, a new nbconvert process), so by default it is timed on
``--naive-sample`` reports (5) and scaled to N (printed as an extrapolation, with the seconds per report
it rests on); the ratio is ours over that estimate.  ``--naive-sample 0`` or ``--full`` runs the naive
loop on all N reports (``make bench-full``).
Target on a 2-core machine: ours ≤ 0.10 × naive for N ≥ 100; no-op < 2 s; peak < 2 GB.

Measured on the 2-core machine, idle (Dec 2026), default sizes: ours 17.2 s for 100 reports (0.17 s/report,
peak 995 MB); naive 33.0 s on 5 reports (6.59 s/report), 659 s extrapolated to 100; ratio 0.026; no-op
rebuild 2.2 s.  The script takes about 1.5 minutes this way, about 12 minutes with ``--full`` (the naive
loop alone is then ~11 minutes); the whole ``make bench`` about 4 minutes, ``make bench-full`` about 15.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from iid_research import config
from iid_research.render import batch
from iid_research.render.execute import kernel_name
from iid_research.render.runner import run_batch

BIN = Path(sys.executable).parent


def _tree_rss_mb(root_pid: int) -> float:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        pid, ppid = int(entry), int(fields["PPid"].strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1024


class PeakMemory:
    """Sample the RSS of this process and all its descendants."""

    def __enter__(self):
        self.peak, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss_mb(os.getpid()))
            time.sleep(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def naive(jobs, out: Path) -> float:
    start = time.perf_counter()
    for job in jobs:
        p = job.parameters
        nb = out / f"naive_{p['kode_wilayah']}_{p['year']}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(job.notebook), str(nb), "-r", "kode_wilayah", p["kode_wilayah"],
                        "-p", "year", str(p["year"]), "-r", "lang", p["lang"], "-k", kernel_name(),
                        "--cwd", str(config.NOTEBOOKS_DIR)], check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
                       check=True, capture_output=True)
    return time.perf_counter() - start


NAIVE_SAMPLE = 5
"""Reports the naive loop is timed on by default (then scaled to N)."""


def parse_args(argv=None) -> argparse.Namespace:
    """The command line; ``naive_sample`` is 0 (all N reports) with ``--full``."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100, help="number of pemda reports (default 100)")
    parser.add_argument("--naive-sample", type=int, default=NAIVE_SAMPLE,
                        help=f"time the naive loop on K reports and scale to N (default {NAIVE_SAMPLE}; 0: all N)")
    parser.add_argument("--full", action="store_true", help="run the naive loop on all N reports (slow)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for our runner")
    args = parser.parse_args(argv)
    if args.full:
        args.naive_sample = 0
    return args


def naive_estimate(seconds: float, sample: int, n: int) -> float:
    """Seconds the naive loop takes for ``n`` reports, from ``seconds`` measured on ``sample`` of them."""
    return seconds / sample * n


def main():
    args = parse_args()

    jobs = [j for j in batch.default_run_list() if j.meta.get("kind") == "pemda"][: args.n]
    n = len(jobs)
    print(f"{n} pemda reports; kernel {kernel_name()}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with PeakMemory() as mem:
            t0 = time.perf_counter()
            results = run_batch(jobs, tmp / "ours", n_jobs=args.jobs, force=True, progress=False)
            ours = time.perf_counter() - t0
        failed = [r for r in results if r.status != "built"]
        print(f"ours:  {ours:7.1f} s  ({ours / n:.2f} s/report), peak memory {mem.peak:.0f} MB, failed {len(failed)}")

        sample = min(args.naive_sample or n, n)
        (tmp / "naive").mkdir()
        t_naive = naive(jobs[:sample], tmp / "naive")
        if sample < n:
            scaled = naive_estimate(t_naive, sample, n)
            print(f"naive: {t_naive:7.1f} s on {sample} reports ({t_naive / sample:.2f} s/report), "
                  f"extrapolated to {n}: {scaled:.1f} s")
            t_naive = scaled
        else:
            print(f"naive: {t_naive:7.1f} s  ({t_naive / n:.2f} s/report)")
        print(f"ratio ours / naive = {ours / t_naive:.3f}  (target ≤ 0.10)")

        # no-op rebuild of the whole default set, through the CLI as an analyst runs it
        out = tmp / "full"
        subprocess.run([str(BIN / "iid-research"), "reports", "-o", str(out)], check=True, capture_output=True)
        t0 = time.perf_counter()
        proc = subprocess.run([str(BIN / "iid-research"), "reports", "-o", str(out)], check=True,
                              capture_output=True, text=True)
        noop = time.perf_counter() - t0
        print(f"no-op rebuild of the default set: {noop:.2f} s  (target < 2 s): {proc.stdout.strip()}")


if __name__ == "__main__":
    main()
