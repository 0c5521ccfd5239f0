"""The index page of a reports folder: every report the package made there, whatever command made it.

Every build of a report leaves a stamp ``notebooks/<stem>.stamp.json`` beside the report
(:func:`iid_research.render.runner.stamp_record`): its build key, notebook, parameters, title,
index fields and whether the last build failed.  :func:`write_folder_index` lists every stamped
report of the folder, so ``iid-research reports``, ``reports --workspace``, ``batch`` and ``run``
all leave the same ``index.html``: the published-facts reports, one section per workspace (its
data are the pemda's own files) and the labelled DEMO on SIMULATED data.  What the stamp does not
say is read from the notebook and its parameters (:func:`report_meta`, :func:`report_title`), so
stamps of older versions and reports with an executed notebook but no stamp are listed too.
Files the package did not make (an HTML page without a stamp or executed notebook) are not.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from .. import config
from ..text import has_text, t

INDEX_FIELDS = ("kind", "group", "kode_wilayah", "province", "level", "year", "predicate", "lang", "workspace",
                "workspace_name")
"""The fields of one report's entry besides its page, title and status (see :func:`report_meta`)."""

KINDS = {"01_overview": "overview", "02_pemda_report": "pemda"}
"""The kind of report each notebook makes; any other notebook makes an "analysis"."""

SIMULATED_WITHOUT_WORKSPACE = ("03_rank_drivers", "04_opd_clusters")
"""Notebooks that use the SIMULATED demo data when given no workspace (their ``workspace`` parameter)."""


@functools.lru_cache(maxsize=1)
def _regions() -> dict:
    from ..data import load_regions

    frame = load_regions()
    return {r.kode_wilayah: (r.nama, r.province, r.level) for r in frame.itertuples()}


@functools.lru_cache(maxsize=1)
def _predicates() -> dict:
    from ..data import load_iid_results

    frame = load_iid_results()
    return {(r.kode_wilayah, int(r.year)): r.predicate for r in frame.itertuples() if isinstance(r.predicate, str)}


@functools.lru_cache(maxsize=32)
def _workspace(path: str) -> tuple[bool, str]:
    """(is the labelled demo, name) of a workspace folder; a folder that is gone counts by its name."""
    from ..demo import demo_workspace_dir
    from ..workspace import Workspace, WorkspaceError

    try:
        ws = Workspace(path)
        return ws.is_demo, ws.name
    except (WorkspaceError, OSError):
        return Path(path).resolve() == demo_workspace_dir().resolve(), Path(path).name


def region_fields(kode_wilayah, year=None) -> dict:
    """Province, level and (with ``year``) the published predikat of a pemda, for the index columns.

    Parameters
    ----------
    kode_wilayah : str
        Kemendagri code; an unknown code or ``"all"`` gives empty fields.
    year : int, optional

    Returns
    -------
    dict with keys province, level, predicate (each "" when unknown)

    Examples
    --------
    >>> region_fields("33.16", 2023)["province"], region_fields("33.16")["level"]
    ('Jawa Tengah', 'kabupaten')
    """
    _, province, level = _regions().get(str(kode_wilayah), ("", "", ""))
    predicate = _predicates().get((str(kode_wilayah), int(year)), "") if year not in (None, "") else ""
    return {"province": province or "", "level": level or "", "predicate": predicate}


def report_meta(notebook: str, parameters: dict) -> dict:
    """The index fields of a report, from its notebook and parameters alone.

    Parameters
    ----------
    notebook : str
        The notebook's name or stem (``"02_pemda_report"``).
    parameters : dict
        The report's parameters (as checked).

    Returns
    -------
    dict with the keys of :data:`INDEX_FIELDS`
        ``group`` is "workspace" for a pemda's own files, "demo" for SIMULATED data
        (the demo workspace, or a notebook of :data:`SIMULATED_WITHOUT_WORKSPACE`
        without a workspace) and "" for published facts; ``predicate`` is the
        published predikat, given for published-facts reports only.
    """
    stem = Path(notebook).stem
    p = parameters or {}
    kode = p.get("kode_wilayah") or ""
    year = p.get("year", p.get("year_to", ""))
    workspace = str(p.get("workspace") or "")
    meta = {"kind": KINDS.get(stem, "analysis"), "group": "", "kode_wilayah": kode, "year": year,
            "lang": p.get("lang") or "", "workspace": workspace, "workspace_name": ""}
    meta.update(region_fields(kode, year))
    if workspace:
        demo, name = _workspace(workspace)
        meta["group"], meta["workspace_name"] = ("demo" if demo else "workspace"), name
    elif stem in SIMULATED_WITHOUT_WORKSPACE:
        meta["group"] = "demo"
    if meta["group"]:
        meta["predicate"] = ""  # the published predikat is not what a workspace or a simulation computes
    if not kode:  # the overview: its focus province and level, when it has one
        if p.get("province") not in (None, "", "all"):
            meta["province"] = region_fields(_match(p["province"]))["province"] or str(p["province"])
        if p.get("level") in ("provinsi", "kabupaten", "kota"):
            meta["level"] = p["level"]
    return meta


def _match(query) -> str:
    from ..data import match_region

    try:
        return match_region(query, level="provinsi")
    except Exception:  # noqa: BLE001 - an index row never fails on a name it cannot place
        return ""


def report_title(notebook: str, parameters: dict, lang: str = "id") -> str:
    """The title a report is listed under when its run gave none (the titles of the default report sets).

    Parameters
    ----------
    notebook : str
        The notebook's name or stem.
    parameters : dict
        The report's parameters.
    lang : {"id", "en"}, default "id"

    Returns
    -------
    str
        "<pemda> (<year>)" for a pemda report, "<analysis>: <pemda>" for an analysis of a
        workspace, else the notebook's title in the catalogue (``nb_<stem>``), else the stem.

    Examples
    --------
    >>> report_title("02_pemda_report", {"kode_wilayah": "33.16", "year": 2023})
    'Kabupaten Blora (2023)'
    >>> report_title("01_overview", {"year": 2022}, "en")
    'IID overview'
    """
    stem = Path(notebook).stem
    p = parameters or {}
    kode = str(p.get("kode_wilayah") or "")
    name = _regions().get(kode, (kode,))[0]
    if stem == "02_pemda_report" and kode:
        return f"{name} ({p.get('year', '')})"
    if p.get("workspace") and kode and has_text(f"nb_{stem}_ws"):
        return f"{t(f'nb_{stem}_ws', lang)}: {name}"
    if stem == "05_workspace_report" and kode:
        return f"{t('nb_05_workspace_report', lang)}: {name}"
    return t(f"nb_{stem}", lang) if has_text(f"nb_{stem}") else stem


def _notebook_of(stem: str, known: list[str]) -> str:
    """The notebook a report stem was made from: the longest notebook stem it starts with."""
    matches = [n for n in known if stem == n or stem.startswith(n + "_")]
    return max(matches, key=len) if matches else stem


def _entry(stem: str, html: Path | None, notebook: str, parameters: dict, *, title: str = "",
           meta: dict | None = None, status: str = "ok") -> dict:
    derived = report_meta(notebook, parameters)
    given = {k: v for k, v in (meta or {}).items() if k in INDEX_FIELDS and v not in (None, "")}
    entry = {**derived, **given}
    if derived["group"]:  # a workspace or simulated report is listed as one, whatever its run list said
        entry.update({k: derived[k] for k in ("group", "workspace", "workspace_name", "predicate")})
    lang = entry.get("lang") or ""
    entry["title"] = (title or report_title(notebook, parameters, lang or "id")) + (f" [{lang}]" if lang else "")
    if status in ("ok", "outdated") and entry.get("group") == "workspace" and entry.get("workspace") \
            and not Path(str(entry["workspace"])).is_dir():
        status = "workspace_missing"  # moved or deleted: the page may no longer match any pemda's files
    entry.update(html=html, status=status, stem=stem, notebook=Path(notebook).stem)
    return entry


def _current_keys():
    """A function giving the build key a stamp's report would have now (None for a notebook not shipped).

    A report whose stamp holds another key was built on inputs, a workspace or code that have changed
    since (e.g. a report made by ``run`` on a workspace a later import changed): it is listed as outdated.
    """
    from .._io import sha256_file
    from .runner import build_key, inputs_fingerprint

    fingerprint = inputs_fingerprint()
    shas: dict[str, str] = {}

    def key(record: dict):
        notebook = config.NOTEBOOKS_DIR / str(record.get("notebook") or "")
        params = record.get("parameters")
        if not notebook.name or not notebook.is_file() or not isinstance(params, dict):
            return None
        sha = shas.get(notebook.name) or shas.setdefault(notebook.name, sha256_file(notebook))
        return build_key(notebook, params, fingerprint, sha)

    return key


def folder_entries(output_dir=None) -> list[dict]:
    """Every report of a reports folder the package made, as index entries.

    Parameters
    ----------
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.

    Returns
    -------
    list of dict
        Keys html (path, None for a failed report), title, status ("ok", "failed", "outdated": a
        rebuild was started and did not finish, or the report's build key is no longer the one it
        was built with (its inputs, workspace or the package changed since), or
        "workspace_missing": the report's workspace folder is gone), stem,
        notebook and those of :data:`INDEX_FIELDS`; sorted by notebook, pemda code and stem.
        A report is listed when its stamp says it was built and its page exists, or says
        its last build failed; a page without a stamp is listed when its executed notebook
        (``notebooks/<stem>.ipynb``) exists.
    """
    out = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    nbdir = out / "notebooks"
    known = [p.stem for p in config.NOTEBOOKS_DIR.glob("*.ipynb")]
    current = _current_keys()
    entries, seen = [], set()
    for stamp in sorted(nbdir.glob("*.stamp.json")) if nbdir.is_dir() else []:
        stem = stamp.name[: -len(".stamp.json")]
        try:
            record = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict):
            continue
        html = out / f"{stem}.html"
        failed = record.get("status") == "failed"
        if not failed and not html.is_file():
            continue
        seen.add(stem)
        notebook = record.get("notebook") or _notebook_of(stem, known)
        outdated = record.get("status") == "outdated" or (
            record.get("status") == "built" and current(record) not in (None, record.get("key")))
        entries.append(_entry(stem, None if failed else html, notebook, record.get("parameters") or {},
                              title=record.get("title") or "", meta=record.get("meta"),
                              status="failed" if failed else "outdated" if outdated else "ok"))
    for html in sorted(out.glob("*.html")):  # pages made before reports carried stamps
        executed = nbdir / f"{html.stem}.ipynb"
        if html.stem in seen or html.name == "index.html" or not executed.is_file():
            continue
        try:
            papermill = json.loads(executed.read_text(encoding="utf-8"))["metadata"]["papermill"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        notebook = Path(papermill.get("input_path") or _notebook_of(html.stem, known)).stem
        entries.append(_entry(html.stem, html, notebook, papermill.get("parameters") or {}))
    return sorted(entries, key=lambda e: (e["notebook"], str(e["kode_wilayah"]), e["stem"]))


def index_lang(entries: list[dict]) -> str:
    """The language of the index page: Bahasa Indonesia unless every report listed is in English.

    Parameters
    ----------
    entries : list of dict
        Index entries (their ``lang``; none counts as Bahasa Indonesia).

    Returns
    -------
    {"id", "en"}
    """
    langs = {e.get("lang") or "id" for e in entries}
    return "en" if langs == {"en"} else "id"


def write_folder_index(output_dir=None, extra: list[dict] = (), lang: str | None = None) -> Path:
    """Write ``index.html`` listing every report the package made in ``output_dir`` (atomically).

    Parameters
    ----------
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.
    extra : list of dict, optional
        Entries with no report in the folder (a run that failed before it had a name).
    lang : {"id", "en"}, optional
        Default :func:`index_lang` of the reports listed.

    Returns
    -------
    Path
    """
    from .html import write_index

    entries = folder_entries(output_dir) + list(extra)
    return write_index(entries, output_dir, lang=lang or index_lang(entries))
