"""Run lists: which notebooks to render with which parameters.

A run list is a YAML file::

    defaults:            # optional, merged into every run's parameters
      lang: id
    runs:
      - notebook: 01_overview.ipynb
        parameters: {year: 2024}
      - notebook: 02_pemda_report.ipynb
        for_each_pemda: true        # one run per pemda with published results
        parameters: {lang: en}

:func:`load_run_list` validates it (unknown keys, missing notebooks and
undeclared parameters are errors naming the run) and expands it to
:class:`~iid_research.render.runner.Job` objects.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .. import config
from .runner import Job, JobResult

_RUN_KEYS = {"notebook", "parameters", "for_each_pemda", "title", "kind", "group"}


class RunListError(ValueError):
    """A run list is malformed; the message names the file and the run."""


def _pemda_jobs(notebook: Path, base: dict, limit: int | None = None) -> list[Job]:
    from ..analysis.published import pemda_with_results
    from ..data import load_iid_results, load_regions

    regions = load_regions().set_index("kode_wilayah")
    results = load_iid_results()
    jobs = []
    for kode, year in sorted(pemda_with_results())[:limit]:
        row = results[(results["kode_wilayah"] == kode) & (results["year"] == year)].iloc[0]
        params = {"kode_wilayah": kode, "year": year, **base}
        jobs.append(Job(notebook, params, title=f"{regions.loc[kode, 'nama']} ({year})",
                        meta={"kind": "pemda", "kode_wilayah": kode, "province": regions.loc[kode, "province"],
                              "level": regions.loc[kode, "level"], "year": year,
                              "predicate": row["predicate"] if isinstance(row["predicate"], str) else "",
                              "lang": params.get("lang", "id")}))
    return jobs


DEFAULT_RUN_LIST = "reports.yml"
"""The default report set, a run list in ``notebooks/`` (notebooks join it there, not by a file-name glob)."""


def default_run_list(langs=("id",), limit: int | None = None) -> list[Job]:
    """The default report set, from the run list ``notebooks/reports.yml``.

    The overview and the demo reports in the first language; one pemda report per
    pemda with published results (latest year) in each language of ``langs``.
    Runs marked ``group: demo`` use SIMULATED data (the national simulation, or the
    demo workspace, built here when missing) and are listed apart in the index.

    Parameters
    ----------
    langs : sequence of {"id", "en"}, default=("id",)
    limit : int, optional
        Keep only the first ``limit`` pemda (per language).
    """
    from ..text import t
    from .index import region_fields

    spec = yaml.safe_load((config.NOTEBOOKS_DIR / DEFAULT_RUN_LIST).read_text(encoding="utf-8"))
    jobs = []
    for run in spec["runs"]:
        nb = config.NOTEBOOKS_DIR / run["notebook"]
        params = dict(run.get("parameters") or {})
        if params.get("workspace") == "DEMO":
            from ..demo import ensure_demo_workspace

            params["workspace"] = str(ensure_demo_workspace())
        meta = {"kind": run.get("kind", "analysis"), "group": run.get("group", "")}
        if params.get("kode_wilayah"):  # the demo's pemda: its province and level in the index
            meta.update({k: v for k, v in region_fields(params["kode_wilayah"]).items() if k != "predicate"})
        for lang in (langs if run.get("all_langs") else langs[:1]):
            p = {**params, "lang": lang}
            if run.get("for_each_pemda"):
                jobs += _pemda_jobs(nb, p, limit)
                continue
            title = t(run.get("title") or f"nb_{nb.stem}", lang)
            jobs.append(Job(nb, p, title=title, meta={**meta, "lang": lang, "year": p.get("year", p.get("year_to",
                                                                                                  ""))}))
    return jobs


def workspace_run_list(workspace, langs=("id",), *, skipped: list | None = None) -> list[Job]:
    """Reports on a workspace: for each pemda, 02 (latest year), 03 (latest two consecutive years), 04 and 05.

    ``skipped``, when given a list, receives ``(kode_wilayah, notebook stem, years scored)`` of each report
    left out (03 for a pemda without two consecutive years with both the innovation list and the SPD
    answers), so the caller can say why.

    Raises
    ------
    iid_research.workspace.WorkspaceError
        If the folder is not a workspace.
    """
    from ..workspace import Workspace
    from .index import report_meta, report_title

    ws = Workspace(workspace)
    nbdir = config.NOTEBOOKS_DIR
    jobs = []
    for kode in ws.pemda():
        years = ws.years(kode)
        last = years[-1]
        base = {"kode_wilayah": kode, "workspace": str(ws.path)}
        for lang in langs:
            runs = [("02_pemda_report", {"year": last})]
            scored = ws.scored_years(kode)  # 03 compares two scores: both years need both kinds
            pairs = [y for y in scored if y - 1 in scored]
            if pairs:
                runs.append(("03_rank_drivers", {"year_from": pairs[-1] - 1, "year_to": pairs[-1]}))
            elif skipped is not None and lang == langs[0]:
                skipped.append((kode, "03_rank_drivers", list(scored)))
            runs += [("04_opd_clusters", {"year": last}), ("05_workspace_report", {"year": last})]
            for stem, years_of in runs:
                params = {**base, **years_of, "lang": lang}
                jobs.append(Job(nbdir / f"{stem}.ipynb", params, title=report_title(stem, params, lang),
                                meta=report_meta(stem, params)))
    return jobs


def load_run_list(path) -> list[Job]:
    """Read and validate a YAML run list (see module docstring).

    Raises
    ------
    RunListError
        On malformed YAML, unknown keys, a missing notebook or an undeclared parameter.
    """
    from .parameters import NotebookParameterError, check_parameters

    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise RunListError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise RunListError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise RunListError(f"{path}: expected a mapping with keys 'defaults' (optional) and 'runs'")
    unknown_top = set(spec) - {"defaults", "runs"}
    if unknown_top:
        raise RunListError(f"{path}: unknown top-level key(s) {sorted(unknown_top)}; expected 'defaults', 'runs'")
    if not isinstance(spec.get("runs"), list):
        raise RunListError(f"{path}: 'runs' must be a list of runs")
    defaults = spec.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise RunListError(f"{path}: 'defaults' must be a mapping of parameter names to values")
    jobs: list[Job] = []
    for i, run in enumerate(spec["runs"], start=1):
        where = f"{path}: run {i}"
        if not isinstance(run, dict) or "notebook" not in run:
            raise RunListError(f"{where}: each run needs a 'notebook'")
        unknown = set(run) - _RUN_KEYS
        if unknown:
            raise RunListError(f"{where}: unknown key(s) {sorted(unknown)}; expected {sorted(_RUN_KEYS)}")
        if not isinstance(run["notebook"], str):
            raise RunListError(f"{where}: 'notebook' must be a file name, got {run['notebook']!r}")
        if not isinstance(run.get("parameters") or {}, dict):
            raise RunListError(f"{where}: 'parameters' must be a mapping, got {run['parameters']!r}")
        nb = Path(run["notebook"])
        nb = nb if nb.is_absolute() or nb.exists() else config.NOTEBOOKS_DIR / nb
        if not nb.exists():
            raise RunListError(f"{where}: notebook {run['notebook']!r} not found")
        params = {**defaults, **(run.get("parameters") or {})}
        if run.get("for_each_pemda"):
            expanded = _pemda_jobs(nb, params)
        else:
            expanded = [Job(nb, params, title=run.get("title") or nb.stem,
                            meta={"kind": run.get("kind", "analysis"), "group": run.get("group", "")})]
        try:
            for job in expanded or [Job(nb, params)]:
                check_parameters(nb, job.parameters)
        except NotebookParameterError as exc:
            raise RunListError(f"{where}: {exc}") from None
        jobs += expanded
    return jobs


def index_entries(results: list[JobResult]) -> list[dict]:
    """Entries for :func:`iid_research.render.html.write_index` from one batch's results.

    ``iid-research`` lists every report of the folder instead
    (:func:`iid_research.render.index.write_folder_index`); this is the index of one batch.
    """
    entries = []
    for r in results:
        if r.status == "duplicate":
            continue
        meta = r.job.meta
        entries.append({"html": r.html if r.status != "failed" else None, "group": meta.get("group", ""),
                        "title": (r.job.title or r.stem) + (f" [{meta.get('lang')}]" if meta.get("lang") else ""),
                        "kind": meta.get("kind", ""), "province": meta.get("province", ""),
                        "level": meta.get("level", ""), "predicate": meta.get("predicate", ""),
                        "year": meta.get("year", ""), "lang": meta.get("lang", ""),
                        "workspace": meta.get("workspace", ""), "workspace_name": meta.get("workspace_name", ""),
                        "status": "failed" if r.status == "failed" else "ok"})
    return entries
