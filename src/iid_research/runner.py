"""Batch execution of many parameterised notebooks.

:func:`run_batch` runs a list of :class:`Job` (notebook × parameters) in
parallel worker processes with a per-notebook timeout, retries a notebook
whose kernel failed to start (the ZMQ port race of parallel papermill runs,
nteract/papermill#511), isolates failures (the other reports finish, the
failed notebook is kept with its error, the batch returns a non-zero status)
and skips reports that are up to date.

A report is up to date when its stamp file (``<stem>.stamp.json`` beside the
executed notebook) records the same *build key*: SHA-256 of the notebook
file, the parameters, the checksums of every raw input and of the rule
files, and the package version.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import os
import time
import traceback
from pathlib import Path

import pandas as pd

from . import __version__, config
from ._io import sha256_file, write_text_atomic

KERNEL_START_ERRORS = ("Kernel didn't respond", "Address already in use", "ZMQError", "kernel died",
                       "DeadKernelError", "Kernel died")


@dataclasses.dataclass
class Job:
    """One report to build: a notebook and its parameters."""

    notebook: Path
    parameters: dict
    title: str = ""
    meta: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class JobResult:
    """Outcome of one job: status is "built", "up to date" or "failed"."""

    job: Job
    status: str
    stem: str = ""
    html: Path | None = None
    seconds: float = 0.0
    attempts: int = 0
    error: str = ""


def inputs_fingerprint(raw_dir=None, rules_dir=None) -> str:
    """SHA-256 over the checksums of every raw input and rule file (sorted by name)."""
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    rules = Path(rules_dir) if rules_dir is not None else config.RULES_DIR
    digest = hashlib.sha256()
    for folder in (raw, rules):
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            digest.update(f"{folder.name}/{file.name}:{sha256_file(file)}\n".encode())
    return digest.hexdigest()


def build_key(notebook, parameters: dict, fingerprint: str) -> str:
    """The key that decides whether a report must be rebuilt (see module docstring)."""
    payload = json.dumps({"notebook": sha256_file(notebook), "parameters": parameters,
                          "inputs": fingerprint, "version": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _stamp_path(out_dir: Path, stem: str) -> Path:
    return out_dir / "notebooks" / f"{stem}.stamp.json"


def _run_one(job: Job, out_dir: str, timeout: int, retries: int, fingerprint: str, force: bool) -> JobResult:
    from . import report

    start = time.perf_counter()
    out = Path(out_dir)
    try:
        params = report.check_parameters(job.notebook, job.parameters)
    except Exception as exc:  # a bad job must not stop the batch
        return JobResult(job, "failed", error=f"{type(exc).__name__}: {exc}")
    stem = report.output_stem(job.notebook, params)
    html = out / f"{stem}.html"
    key = build_key(job.notebook, params, fingerprint)
    stamp = _stamp_path(out, stem)
    if not force and html.exists() and stamp.exists():
        try:
            if json.loads(stamp.read_text())["key"] == key:
                return JobResult(job, "up to date", stem, html, time.perf_counter() - start, 0)
        except (ValueError, KeyError):
            pass
    attempt, error = 0, ""
    while attempt <= retries:
        attempt += 1
        try:
            report.run_notebook(job.notebook, params, out, timeout=timeout)
            write_text_atomic(stamp, json.dumps({"key": key, "parameters": params}, default=str))
            return JobResult(job, "built", stem, html, time.perf_counter() - start, attempt)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if not any(s in error for s in KERNEL_START_ERRORS):
                break
            time.sleep(0.5 * attempt)
    return JobResult(job, "failed", stem, None, time.perf_counter() - start, attempt,
                     error.strip()[-2000:] or traceback.format_exc())


def run_batch(jobs: list[Job], output_dir=None, *, n_jobs: int | None = None, timeout: int = 600,
              retries: int = 2, force: bool = False, progress: bool = True) -> list[JobResult]:
    """Run many notebooks in parallel processes; never stop at the first failure.

    Parameters
    ----------
    jobs : list of Job
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.
    n_jobs : int, optional
        Worker processes; default the number of cores.
    timeout : int, default=600
        Seconds allowed per cell.
    retries : int, default=2
        Extra attempts for a notebook whose kernel failed to start.
    force : bool, default=False
        Rebuild even up-to-date reports.
    progress : bool, default=True
        Show a tqdm progress bar (counts, rate and time left).

    Returns
    -------
    list of JobResult, in the order of ``jobs``.
    """
    from tqdm.auto import tqdm

    out = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    n_jobs = n_jobs or os.cpu_count() or 1
    fingerprint = inputs_fingerprint()
    results: list[JobResult | None] = [None] * len(jobs)
    bar = tqdm(total=len(jobs), disable=not progress, unit="report")
    if n_jobs == 1:
        for i, job in enumerate(jobs):
            results[i] = _run_one(job, str(out), timeout, retries, fingerprint, force)
            bar.update()
    else:
        with cf.ProcessPoolExecutor(max_workers=n_jobs) as pool:
            futures = {pool.submit(_run_one, job, str(out), timeout, retries, fingerprint, force): i
                       for i, job in enumerate(jobs)}
            for fut in cf.as_completed(futures):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # worker crashed
                    results[i] = JobResult(jobs[i], "failed", error=f"{type(exc).__name__}: {exc}")
                bar.update()
                bar.set_postfix(failed=sum(r is not None and r.status == "failed" for r in results))
    bar.close()
    return [r for r in results if r is not None]


def summary_table(results: list[JobResult]) -> pd.DataFrame:
    """DataFrame with columns [report, status, seconds, attempts, error] for printing."""
    return pd.DataFrame([{"report": r.stem or Path(r.job.notebook).stem, "status": r.status,
                          "seconds": round(r.seconds, 1), "attempts": r.attempts,
                          "error": r.error.splitlines()[-1][:160] if r.error else ""} for r in results])
