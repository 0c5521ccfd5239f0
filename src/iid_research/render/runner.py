"""Batch execution of many parameterised notebooks.

:func:`run_batch` runs a list of :class:`Job` (notebook × parameters):

* **in parallel** across worker processes (``n_jobs``, default the number of
  cores), each reusing one warm kernel (:mod:`iid_research.render.engine`), or on a
  Dask distributed cluster (``scheduler="tcp://..."`` or ``dask_local=N``);
* with a **per-cell timeout** and a **retry** when a kernel fails to start or
  dies (the ZMQ port race of parallel papermill runs, nteract/papermill#511);
* with **failure isolation**: the other reports finish, the failed notebook
  is kept (``<stem>.failed.ipynb``) with its error, and the result says so;
* **incrementally**: a report is rebuilt only when its *build key* changed —
  SHA-256 of the notebook file, its parameters, the checksums of every raw
  input and rule file, the workspace's manifest (which names the SHA-256 of
  every table imported into it) for a report on a workspace, and the
  package's version and code (:func:`iid_research._cache.package_checksum`:
  a new release or a local change rebuilds).  The check runs in the
  calling process without importing papermill, so a no-op rebuild is fast;
* with a **stamp** per report (``notebooks/<stem>.stamp.json``, :func:`stamp_record`):
  the build key, and what the index page lists (:mod:`iid_research.render.index`).
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import pandas as pd

from .. import __version__, config
from .._cache import cache, package_checksum
from .._io import remove_stale_temps, sha256_file, write_text_atomic

KERNEL_START_ERRORS = ("Kernel didn't respond", "Address already in use", "ZMQError", "DeadKernelError",
                       "Kernel died", "kernel died", "RuntimeError: Kernel", "TimeoutError: Kernel")


@dataclasses.dataclass
class Job:
    """One report to build: a notebook and its parameters (``meta`` feeds the index page)."""

    notebook: Path
    parameters: dict
    title: str = ""
    meta: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class JobResult:
    """Outcome of one job: ``status`` is "built", "up to date", "duplicate" (skipped) or "failed"."""

    job: Job
    status: str
    stem: str = ""
    html: Path | None = None
    seconds: float = 0.0
    attempts: int = 0
    error: str = ""


# --------------------------------------------------------------------------- build keys

def inputs_fingerprint(raw_dir=None, rules_dir=None) -> str:
    """SHA-256 over the checksums of every raw input and rule file (sorted by name)."""
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    rules = Path(rules_dir) if rules_dir is not None else config.RULES_DIR
    digest = hashlib.sha256()
    for folder in (raw, rules):
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            digest.update(f"{folder.name}/{file.name}:{sha256_file(file)}\n".encode())
    return digest.hexdigest()


def workspace_fingerprint(parameters: dict) -> str:
    """SHA-256 of the manifest of the workspace a report reads ("" without one, or when it cannot be read).

    The manifest names the SHA-256 of every stored table, so an import, a ``--replace`` or a removal
    changes it and the workspace's reports are rebuilt.
    """
    folder = parameters.get("workspace")
    if not folder:
        return ""
    try:
        return sha256_file(Path(str(folder)) / config.WORKSPACE_MANIFEST)
    except OSError:
        return ""


def build_key(notebook, parameters: dict, fingerprint: str, notebook_sha: str | None = None) -> str:
    """The key that decides whether a report must be rebuilt (see module docstring)."""
    payload = json.dumps({"notebook": notebook_sha or sha256_file(notebook), "parameters": parameters,
                          "inputs": fingerprint, "workspace": workspace_fingerprint(parameters),
                          "version": __version__, "package": package_checksum()}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------- stamps

def stamp_path(output_dir, stem: str) -> Path:
    """``<output_dir>/notebooks/<stem>.stamp.json``: what the package knows of the report ``<stem>.html``."""
    return Path(output_dir) / "notebooks" / f"{stem}.stamp.json"


def stamp_record(job: Job, params: dict, key: str, status: str = "built", error: str = "") -> dict:
    """The stamp of one build of a report.

    Parameters
    ----------
    job : Job
        Its notebook, title and ``meta`` (the index fields the run list gave).
    params : dict
        The checked parameters.
    key : str
        The build key (:func:`build_key`); stored as "" for a failed build, so the
        next batch rebuilds it.
    status : {"built", "failed"}, default "built"
    error : str, optional
        A failed build's error; its last line is kept.

    Returns
    -------
    dict with keys key, notebook (file name), parameters, title, meta, status and, after
    a failure, error; JSON types only (as read back).  The index page
    (:mod:`iid_research.render.index`) lists every report from these stamps.
    """
    record = {"key": key if status == "built" else "", "notebook": Path(job.notebook).name, "parameters": params,
              "title": job.title, "meta": job.meta, "status": status}
    if error.strip():
        record["error"] = error.strip().splitlines()[-1][:300]
    return json.loads(json.dumps(record, default=str))  # the form it has when read back


def write_stamp(output_dir, stem: str, record: dict) -> Path:
    """Write the stamp of report ``stem`` atomically.

    Parameters
    ----------
    output_dir : path-like
        The reports folder.
    stem : str
        The report's file stem.
    record : dict
        From :func:`stamp_record`.

    Returns
    -------
    Path
        :func:`stamp_path` of the report.
    """
    return write_text_atomic(stamp_path(output_dir, stem), json.dumps(record, default=str))


def prune_workspace_reports(output_dir, workspace) -> list[str]:
    """Remove the reports of ``workspace`` in ``output_dir`` on a pemda-year the workspace no longer holds.

    After an import was removed, a report built on it would otherwise stay in the folder and the index
    as if it were current.  A report is removed when the workspace holds nothing of its pemda for one
    of its years (``year``, ``year_from``, ``year_to``; for 03, which compares two scores, when a year
    lacks the innovation list or the SPD answers); a report whose years are still held is rebuilt
    instead (its build key includes the manifest).  Removed per report: ``<stem>.html`` (and ``.pdf``),
    its stamp and its executed notebooks under ``notebooks/``.

    Parameters
    ----------
    output_dir : path-like
        The reports folder.
    workspace : path-like
        The workspace whose reports are checked (compared by resolved path).

    Returns
    -------
    list of str
        The stems removed.

    Raises
    ------
    iid_research.workspace.WorkspaceError
        If ``workspace`` is not a workspace.
    """
    from ..workspace import Workspace

    out = Path(output_dir)
    ws = Workspace(workspace)
    removed = []
    for stamp in sorted((out / "notebooks").glob("*.stamp.json")):
        stem = stamp.name[: -len(".stamp.json")]
        try:
            params = json.loads(stamp.read_text(encoding="utf-8")).get("parameters", {})
            folder = params.get("workspace")
        except (OSError, ValueError, AttributeError):
            continue
        if not folder or Path(str(folder)).resolve() != ws.path or not params.get("kode_wilayah"):
            continue
        kode = str(params["kode_wilayah"])  # 03 compares two scores: its years must be scored (both kinds)
        held = set(ws.scored_years(kode) if stem.startswith("03_") else ws.years(kode))
        years = {int(params[k]) for k in ("year", "year_from", "year_to") if str(params.get(k, "")).isdigit()}
        if years <= held:
            continue
        for path in (out / f"{stem}.html", out / f"{stem}.pdf", out / "notebooks" / f"{stem}.ipynb",
                     out / "notebooks" / f"{stem}.failed.ipynb", stamp):
            path.unlink(missing_ok=True)
        removed.append(stem)
    return removed


def _declared_keyed(notebook_sha: str, notebook: str) -> dict:
    # keyed by the notebook's checksum (the path is ignored): reading declarations needs
    # papermill, whose import alone takes over a second; the cache keeps a no-op rebuild free of it
    from .parameters import declared_parameters

    return declared_parameters(notebook)


def _declared(notebook: Path, sha: str) -> dict:
    """Declared parameters of ``notebook`` from the package's one disk cache (:mod:`iid_research._cache`)."""
    return cache(_declared_keyed, ignore=["notebook"])(sha, str(notebook))


@dataclasses.dataclass
class _Task:
    index: int
    job: Job
    params: dict
    stem: str
    key: str


def plan_batch(jobs: list[Job], output_dir=None, *, force: bool = False):
    """Split jobs into tasks to run and results already known (up to date or invalid).

    Returns
    -------
    (tasks, done)
        ``tasks``: list of _Task to execute; ``done``: dict index -> JobResult.
    """
    from .parameters import check_parameters, output_stem

    out = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    fingerprint = inputs_fingerprint()
    shas: dict[Path, str] = {}
    tasks, done = [], {}
    planned: dict[str, int] = {}
    for i, job in enumerate(jobs):
        start = time.perf_counter()
        nb = Path(job.notebook)
        try:
            sha = shas.get(nb) or shas.setdefault(nb, sha256_file(nb))
            params = check_parameters(nb, job.parameters, declared=_declared(nb, sha))
        except Exception as exc:  # a bad job must not stop the batch
            done[i] = JobResult(job, "failed", error=f"{type(exc).__name__}: {exc}")
            continue
        stem = output_stem(nb, params)
        if stem in planned:
            done[i] = JobResult(job, "duplicate", stem, out / f"{stem}.html",
                                error=f"same notebook and parameters as job {planned[stem] + 1}")
            continue
        planned[stem] = i
        key = build_key(nb, params, fingerprint, sha)
        html = out / f"{stem}.html"
        stamp = stamp_path(out, stem)
        if not force and html.exists() and stamp.exists():
            try:
                known = json.loads(stamp.read_text())
                if known["key"] == key:
                    record = stamp_record(job, params, key)
                    if known != record:  # same report, described anew (a stamp of an older version, a new title)
                        write_stamp(out, stem, record)
                    done[i] = JobResult(job, "up to date", stem, html, time.perf_counter() - start)
                    continue
            except (ValueError, KeyError, OSError):
                pass
        tasks.append(_Task(i, job, params, stem, key))
    return tasks, done


# --------------------------------------------------------------------------- execution

def _execute(task: _Task, out_dir: str, timeout: int, retries: int, engine: str | None) -> JobResult:
    from . import execute

    start = time.perf_counter()
    out = Path(out_dir)
    attempt, error = 0, ""
    while attempt <= retries:
        attempt += 1
        try:
            execute.run_notebook(task.job.notebook, task.params, out, timeout=timeout, engine=engine)
            write_stamp(out, task.stem, stamp_record(task.job, task.params, task.key))
            return JobResult(task.job, "built", task.stem, out / f"{task.stem}.html",
                             time.perf_counter() - start, attempt)
        except Exception as exc:
            error = f"{type(exc).__name__}: {str(exc).strip()}"
            if not any(s in error for s in KERNEL_START_ERRORS):
                break
            if engine == "iid-warm":
                from .engine import shutdown_kernels

                shutdown_kernels()  # start the next attempt on a fresh kernel
            time.sleep(0.5 * attempt)
    try:  # the index lists the report as failed until a build succeeds
        write_stamp(out, task.stem, stamp_record(task.job, task.params, task.key, "failed", error))
    except OSError:
        pass
    return JobResult(task.job, "failed", task.stem, None, time.perf_counter() - start, attempt, error[-3000:])


def _worker_init():
    import multiprocessing.util
    import signal

    from .engine import shutdown_kernels

    multiprocessing.util.Finalize(None, shutdown_kernels, exitpriority=10)
    # Ctrl-C reaches every process of the terminal's group: the parent decides (it terminates the
    # workers), so a worker ignores SIGINT instead of printing a traceback; on SIGTERM it stops its
    # kernels and leaves at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _leave(signum, frame):
        shutdown_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, _leave)


def _mark_outdated(out: Path, tasks) -> None:
    """Before rebuilding, mark each existing report to be rebuilt "outdated" in its stamp.

    A batch that is interrupted leaves those reports listed as outdated in the index (not "ok"
    with data that changed); a finished build writes its stamp anew.
    """
    for task in tasks:
        stamp = stamp_path(out, task.stem)
        try:
            record = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("status") == "built":
            write_stamp(out, task.stem, {**record, "key": "", "status": "outdated"})


def run_batch(jobs: list[Job], output_dir=None, *, n_jobs: int | None = None, timeout: int = 600,
              retries: int = 2, force: bool = False, progress: bool = True, engine: str | None = "iid-warm",
              scheduler: str | None = None, dask_local: int | None = None) -> list[JobResult]:
    """Run many notebooks; never stop at the first failure.

    Parameters
    ----------
    jobs : list of Job
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.
    n_jobs : int, optional
        Worker processes on this machine; default the number of cores.
    timeout : int, default=600
        Seconds allowed per cell.
    retries : int, default=2
        Extra attempts for a notebook whose kernel failed to start or died.
    force : bool, default=False
        Rebuild reports that are up to date.
    progress : bool, default=True
        Show a progress bar with counts and the estimated time left (tqdm; on a terminal only, so a log gets none).
    engine : str or None, default="iid-warm"
        papermill engine; None uses a new kernel per notebook.
    scheduler : str, optional
        Address of a Dask distributed scheduler ("tcp://host:8786") to send jobs to.
    dask_local : int, optional
        Start a Dask ``LocalCluster`` with this many worker processes and use it.

    Returns
    -------
    list of JobResult, in the order of ``jobs``.
    """
    from tqdm.auto import tqdm

    out = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    for folder in (out, out / "notebooks"):  # what a killed or interrupted batch left half-written
        remove_stale_temps(folder)
    tasks, done = plan_batch(jobs, out, force=force)
    _mark_outdated(out, tasks)
    results: dict[int, JobResult] = dict(done)
    bar = tqdm(total=len(jobs), initial=len(done), disable=None if progress else True, unit="report", mininterval=2.0)

    def record(i, res):
        results[i] = res
        bar.update()
        bar.set_postfix(failed=sum(r.status == "failed" for r in results.values()))

    args = (str(out), timeout, retries, engine)
    if tasks and (scheduler or dask_local):
        _run_dask(tasks, args, scheduler, dask_local, record)
    elif tasks and (n_jobs or os.cpu_count() or 1) == 1:
        try:
            for task in tasks:
                record(task.index, _execute(task, *args))
        finally:
            from .engine import shutdown_kernels

            shutdown_kernels()
    elif tasks:
        workers = min(n_jobs or os.cpu_count() or 1, len(tasks))
        pool = cf.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
        try:
            futures = {pool.submit(_execute, task, *args): task for task in tasks}
            for fut in cf.as_completed(futures):
                task = futures[fut]
                try:
                    record(task.index, fut.result())
                except Exception as exc:  # the worker process itself died
                    record(task.index, JobResult(task.job, "failed", task.stem, error=f"{type(exc).__name__}: {exc}"))
        except BaseException:  # Ctrl-C, SIGTERM: stop the workers (they stop their kernels), no waiting
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            bar.close()
            raise
        pool.shutdown(wait=True)
    bar.close()
    return [results[i] for i in range(len(jobs))]


def _run_dask(tasks, args, scheduler, dask_local, record):
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=dask_local, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        futures = {client.submit(_execute, task, *args, pure=False): task for task in tasks}
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                record(task.index, fut.result())
            except Exception as exc:
                record(task.index, JobResult(task.job, "failed", task.stem, error=f"{type(exc).__name__}: {exc}"))
        if args[3] == "iid-warm":
            from .engine import shutdown_kernels

            client.run(shutdown_kernels)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def summary_table(results: list[JobResult]) -> pd.DataFrame:
    """DataFrame with columns [report, status, seconds, attempts, error] for printing."""
    return pd.DataFrame([{"report": r.stem or Path(r.job.notebook).stem, "status": r.status,
                          "seconds": round(r.seconds, 1), "attempts": r.attempts,
                          "error": r.error.splitlines()[-1][:160] if r.error else ""} for r in results])
