"""Running parameterised notebooks and exporting code-free HTML reports.

A notebook in ``notebooks/`` declares its parameters in exactly one cell
tagged ``parameters`` (papermill's convention).  :func:`run_notebook`
checks the parameters given against that cell — an undeclared name, or a
notebook without such a cell, is an error, not papermill's warning —
executes the notebook with papermill and writes an HTML file without code
(nbconvert, inputs and prompts excluded, images embedded).  Every output is
written to a temporary path and renamed, so a failed run leaves the previous
report intact.

The helpers :func:`setup`, :func:`heading`, :func:`text` and
:func:`show_table` are what notebook cells call to put localised text and
tables in the output.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
import re
from pathlib import Path

import pandas as pd

from . import config
from ._io import atomic_path, write_text_atomic
from .i18n import fmt_number, label_columns, localize_fields, t  # noqa: F401 (re-exported for notebooks as rp.*)


class NotebookParameterError(ValueError):
    """A notebook lacks a single ``parameters`` cell, or a parameter is undeclared or of the wrong type."""


# --------------------------------------------------------------------------- parameters

def parameter_cells(nb) -> list[int]:
    """Indices of the code cells tagged ``parameters`` in a notebook node."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])]


def declared_parameters(notebook: str | os.PathLike) -> dict[str, dict]:
    """Parameters declared in a notebook's ``parameters`` cell.

    Returns
    -------
    dict of name -> {"type": str, "default": str, "help": str}
        In declaration order, as papermill's ``inspect_notebook`` reads them.

    Raises
    ------
    NotebookParameterError
        If the notebook has no cell tagged ``parameters``, or more than one.
    FileNotFoundError
        If the notebook does not exist.
    """
    import nbformat

    import papermill as pm

    path = Path(notebook)
    if not path.exists():
        raise FileNotFoundError(f"{path}: notebook not found")
    nb = nbformat.read(path, as_version=4)
    cells = parameter_cells(nb)
    if len(cells) != 1:
        raise NotebookParameterError(
            f"{path}: expected exactly one code cell tagged 'parameters', found {len(cells)}; papermill would "
            "otherwise inject values at the top where later cells silently override them")
    if nb.metadata.get("kernelspec", {}).get("name"):
        params = pm.inspect_notebook(str(path))
    else:  # papermill needs a kernelspec to pick the parameter parser; assume Python
        import tempfile

        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / path.name
            nbformat.write(nb, copy)
            params = pm.inspect_notebook(str(copy))
    assigned = _assigned_names(nb.cells[cells[0]].source, path)
    missed = [n for n in assigned if n not in params]
    if missed:
        raise NotebookParameterError(
            f"{path}: papermill could not read parameter(s) {missed} in the 'parameters' cell; write each as "
            "`name: type = literal  # help` on one line")
    return {name: {"type": p["inferred_type_name"], "default": p["default"], "help": p["help"]}
            for name, p in params.items()}


def _assigned_names(source: str, path: Path) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookParameterError(f"{path}: the 'parameters' cell is not valid Python: {exc}") from None
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names += [tg.id for tg in targets if isinstance(tg, ast.Name)]
    return names


def _coerce(value, type_name: str, name: str, notebook: Path):
    if not isinstance(value, str):
        return value
    try:
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "bool":
            if value.lower() in ("true", "1", "yes"):
                return True
            if value.lower() in ("false", "0", "no"):
                return False
            raise ValueError(value)
    except ValueError:
        raise NotebookParameterError(f"{notebook}: parameter {name!r} expects {type_name}, got {value!r}") from None
    return value


def check_parameters(notebook: str | os.PathLike, parameters: dict, declared: dict | None = None) -> dict:
    """Validate and type parameters against a notebook's declaration.

    String values (as typed on the command line) are converted to the
    declared type (``int``, ``float``, ``bool``); ``str`` parameters keep
    their text, so ``kode_wilayah="33.10"`` is never read as the float 33.1.

    Parameters
    ----------
    notebook : path-like
    parameters : dict
    declared : dict, optional
        The notebook's declaration if already known (see :func:`declared_parameters`).

    Returns
    -------
    dict
        The declared defaults updated with ``parameters``, in declaration order.

    Raises
    ------
    NotebookParameterError
        If a name is not declared (the message lists the declared ones) or a value has the wrong type.
    """
    import ast

    declared = declared if declared is not None else declared_parameters(notebook)
    unknown = [k for k in parameters if k not in declared]
    if unknown:
        raise NotebookParameterError(
            f"{notebook}: parameter(s) {unknown} not declared; the notebook declares {list(declared)}")
    out = {}
    for name, spec in declared.items():
        if name in parameters:
            out[name] = _check_type(_coerce(parameters[name], spec["type"], name, Path(notebook)),
                                    spec["type"], name, Path(notebook))
        else:
            out[name] = ast.literal_eval(spec["default"])  # defaults are literals in the parameters cell
    for name in parameters:
        out[name] = _check_meaning(name, out[name], Path(notebook))
    return out


def _check_type(value, type_name: str, name: str, notebook: Path):
    expected = {"int": int, "float": (int, float), "str": str, "bool": bool}.get(type_name)
    if expected is None:
        return value
    if isinstance(value, float) and type_name == "int" and value.is_integer():
        value = int(value)
    if not isinstance(value, expected) or (type_name in ("int", "float") and isinstance(value, bool)):
        raise NotebookParameterError(f"{notebook}: parameter {name!r} expects {type_name}, got {value!r}")
    return value


def _check_meaning(name: str, value, notebook: Path):
    """Validate parameters whose meaning the project knows, before any kernel starts.

    ``kode_wilayah`` may be given as a code or a name ("Kab. Blora") and is
    returned as the Kemendagri code; years must lie in the years the data
    and rules cover; ``lang`` must be "id" or "en".
    """
    from .frameworks import assessment_years

    where = f"{notebook}: parameter {name!r}"
    if name == "kode_wilayah" and value != "all":
        from .data import match_region
        from .regions import RegionMatchError

        try:
            return match_region(value)
        except (RegionMatchError, ValueError) as exc:
            raise NotebookParameterError(f"{where}: {exc}") from None
    if name in ("year", "year_from", "year_to"):
        years = assessment_years()
        first, last = 2019, max(years)
        if not first <= value <= last:
            raise NotebookParameterError(f"{where}: {value} is outside the years with IID data or rules "
                                         f"({first}-{last})")
    if name == "lang" and value not in ("id", "en"):
        raise NotebookParameterError(f"{where}: must be 'id' (Bahasa Indonesia) or 'en', got {value!r}")
    if name == "level" and value not in ("all", "provinsi", "kabupaten", "kota"):
        raise NotebookParameterError(f"{where}: must be 'all', 'provinsi', 'kabupaten' or 'kota', got {value!r}")
    if name == "province" and value != "all":
        from .data import match_region
        from .regions import RegionMatchError

        try:
            match_region(value, level="provinsi")
        except (RegionMatchError, ValueError) as exc:
            raise NotebookParameterError(f"{where}: {exc}") from None
    if name == "target_rank" and value < 1:
        raise NotebookParameterError(f"{where}: a rank is 1 or more, got {value}")
    return value


def _slug(value) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", str(value)).strip("-") or "x"


def output_stem(notebook: str | os.PathLike, parameters: dict) -> str:
    """File stem of a report: notebook stem + parameter values in declaration order.

    ``02_pemda_report`` with ``{kode_wilayah: "33.16", year: 2023, lang: "id"}``
    gives ``02_pemda_report_33.16_2023_id``.
    """
    return "_".join([Path(notebook).stem, *(_slug(v) for v in parameters.values())])


# --------------------------------------------------------------------------- execution

def kernel_name() -> str:
    """The Jupyter kernel to run notebooks with: ``iid-research`` when registered, else ``python3``.

    ``make`` registers ``iid-research`` for the project's ``.venv``; the
    environment variable ``IID_KERNEL`` overrides both.
    """
    if os.environ.get("IID_KERNEL"):
        return os.environ["IID_KERNEL"]
    from jupyter_client.kernelspec import KernelSpecManager

    return config.KERNEL_NAME if config.KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def execute_notebook(notebook, output_ipynb, parameters: dict, *, timeout: int = 600, kernel: str | None = None,
                     cwd=None, engine: str | None = None):
    """Execute a notebook with papermill into ``output_ipynb`` (written atomically).

    Parameters
    ----------
    notebook : path-like
    output_ipynb : path-like
    parameters : dict
        Already checked by :func:`check_parameters`.
    timeout : int, default=600
        Seconds allowed per cell.
    kernel : str, optional
        Kernel name; default :func:`kernel_name`.
    cwd : path-like, optional
        Working directory of the kernel; default the notebook's folder.
    engine : str, optional
        papermill engine; ``"iid-warm"`` reuses a warm kernel per process
        (:mod:`iid_research.engine`); default papermill's own (a new kernel).

    Raises
    ------
    papermill.PapermillExecutionError
        If a cell fails; the executed notebook, with the error, is still
        written to ``output_ipynb`` so it can be inspected.
    """
    import papermill as pm

    if engine == "iid-warm":
        from . import engine as _engine  # noqa: F401  (registers the engine)
    notebook = Path(notebook)
    output = Path(output_ipynb)
    with atomic_path(output) as tmp:
        tmp_nb = tmp.with_suffix(".ipynb")
        try:
            pm.execute_notebook(str(notebook), str(tmp_nb), parameters=parameters,
                                kernel_name=kernel or kernel_name(), execution_timeout=timeout,
                                cwd=str(cwd or notebook.parent), progress_bar=False, report_mode=True,
                                log_output=False, engine_name=engine)
        except Exception:
            if tmp_nb.exists():
                os.replace(tmp_nb, output.with_name(output.stem + ".failed.ipynb"))
            raise
        os.replace(tmp_nb, tmp)
    return output


_HTML_HEAD_EXTRA = """
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { max-width: 980px; margin: 0 auto; padding: 0 12px; font-size: 16px; }
  .jp-RenderedHTMLCommon table, table.iid { font-size: 13px; border-collapse: collapse; }
  .iid-table-wrap { overflow-x: auto; max-width: 100%; }
  .iid-banner { padding: 8px 12px; border-radius: 6px; font-weight: 600; margin: 8px 0; }
  .iid-real { background: #e5f5e0; border: 1px solid #74c476; }
  .iid-simulated { background: #fee0d2; border: 2px solid #de2d26; }
  img { max-width: 100%; height: auto; }
</style>
"""


_EXPORTER = None


def _report_title(nb) -> tuple[str, str]:
    """The report's first level-1 heading (as shown to the reader) and its language parameter."""
    lang = (nb.metadata.get("papermill", {}).get("parameters", {}) or {}).get("lang", "id")
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            if text.startswith("# "):
                return text[2:].splitlines()[0].strip(), lang
        if cell.cell_type == "markdown" and cell.source.startswith("# ") and \
                "remove-cell" not in cell.get("metadata", {}).get("tags", []):
            return cell.source[2:].splitlines()[0].strip(), lang
    return "IID", lang


def _html_exporter():
    global _EXPORTER
    if _EXPORTER is None:  # building the exporter loads templates: do it once per process
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                                 exclude_output_prompt=True)
    return _EXPORTER


def render_html(executed_ipynb, output_html) -> Path:
    """Export an executed notebook to self-contained HTML without code (written atomically).

    Inputs, input prompts and output prompts are excluded
    (``nbconvert --no-input``); stderr streams (library warnings) are dropped,
    error outputs are kept; figures are embedded as base64 images.
    """
    import nbformat

    nb = nbformat.read(executed_ipynb, as_version=4)
    nb.cells = [c for c in nb.cells if "remove-cell" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    title, lang = _report_title(nb)
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = body.replace("<head>", "<head>" + _HTML_HEAD_EXTRA, 1)
    body = re.sub(r'<html lang="[^"]*"', f'<html lang="{lang}"', body, count=1)
    return write_text_atomic(output_html, body)


def run_notebook(notebook, parameters: dict | None = None, output_dir=None, *, timeout: int = 600,
                 kernel: str | None = None, engine: str | None = None) -> dict[str, Path]:
    """Check parameters, execute a notebook and render its HTML report.

    Parameters
    ----------
    notebook : path-like
        A notebook with one ``parameters`` cell.
    parameters : dict, optional
        Values for declared parameters (strings are converted to the declared type).
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.  The executed notebook goes to
        ``<output_dir>/notebooks/<stem>.ipynb``, the report to ``<output_dir>/<stem>.html``.

    Returns
    -------
    dict with keys "ipynb", "html", "stem", "parameters"

    Raises
    ------
    NotebookParameterError
        On a missing ``parameters`` cell or an undeclared parameter.
    papermill.PapermillExecutionError
        If a cell fails (the failed notebook is kept as ``<stem>.failed.ipynb``).
    """
    out_dir = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    params = check_parameters(notebook, parameters or {})
    stem = output_stem(notebook, params)
    ipynb = execute_notebook(notebook, out_dir / "notebooks" / f"{stem}.ipynb", params, timeout=timeout, kernel=kernel,
                             engine=engine)
    page = render_html(ipynb, out_dir / f"{stem}.html")
    return {"ipynb": ipynb, "html": page, "stem": stem, "parameters": params}


# --------------------------------------------------------------------------- helpers for notebook cells

def setup(lang: str = "id"):
    """Set figure defaults for reports (small PNGs, readable fonts) and check ``lang``."""
    import matplotlib as mpl
    import seaborn as sns

    t("year", lang)  # raises on an unknown language
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({"figure.figsize": (8, 4.2), "figure.dpi": 80, "savefig.dpi": 80,
                         "axes.titlesize": 12, "figure.autolayout": True})
    pd.set_option("display.max_rows", 200)


def _display_html(markup: str):
    from IPython.display import HTML, display

    display(HTML(markup))


def heading(key: str, lang: str = "id", level: int = 2, **fields):
    """Show a localised heading (``key`` from :mod:`iid_research.i18n`)."""
    from IPython.display import Markdown, display

    display(Markdown("#" * level + " " + t(key, lang, **fields)))


def text(key: str, lang: str = "id", **fields):
    """Show a localised paragraph (Markdown)."""
    from IPython.display import Markdown, display

    display(Markdown(t(key, lang, **fields)))


def banner_html(kind: str, lang: str = "id") -> str:
    """HTML of the data-provenance banner: ``kind`` is "real" or "simulated"."""
    if kind not in ("real", "simulated"):
        raise ValueError(f"kind must be 'real' or 'simulated', got {kind!r}")
    css = "iid-real" if kind == "real" else "iid-simulated"
    return f'<div class="iid-banner {css}">{html.escape(t(kind + "_data_label", lang))}</div>'


def banner(kind: str, lang: str = "id"):
    """Show the data-provenance banner (see :func:`banner_html`)."""
    _display_html(banner_html(kind, lang))


def table_html(frame: pd.DataFrame, lang: str = "id", *, floatfmt="{:,.2f}", max_rows: int = 60) -> str:
    """HTML of a table with translated headers, escaped cells and links for URLs.

    ``floatfmt`` is a format string (``"{:,.2f}"``), applied in the report
    language (Indonesian: ``1.234,50``; see :func:`iid_research.i18n.fmt_number`),
    or a callable float -> str.
    """
    shown = label_columns(frame.head(max_rows), lang)

    def cell(v):
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
            return "–"
        if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
            return html.escape(t("yes" if v else "no", lang))
        if isinstance(v, float):
            return html.escape(floatfmt(v) if callable(floatfmt) else fmt_number(v, lang, floatfmt[2:-1]))
        s = str(v)
        if s.startswith(("http://", "https://")):
            short = re.sub(r"^https?://(www\.)?", "", s)[:40]
            return f'<a href="{html.escape(s)}">{html.escape(short)}…</a>'
        return html.escape(t(s, lang))  # labels (predikat, level, variable names) translated; data text unchanged

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    more = "" if len(frame) <= max_rows else f"<p>… {len(frame) - max_rows} more</p>"
    return f'<div class="iid-table-wrap"><table class="iid"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>{more}'




def local_floatfmt(lang: str = "id", spec: str = ",.2f"):
    """A ``floatfmt`` for :func:`show_table` with another precision (``1.234,500`` in "id")."""
    return lambda v: fmt_number(v, lang, spec)


def show_table(frame: pd.DataFrame, lang: str = "id", **kwargs):
    """Display a table in a report (see :func:`table_html`); an empty table shows "No data"."""
    if frame is None or len(frame) == 0:
        _display_html(f"<p><em>{html.escape(t('none', lang))}</em></p>")
        return
    _display_html(table_html(frame, lang, **kwargs))


# --------------------------------------------------------------------------- report sets

def default_jobs(lang: str = "id") -> list[tuple[Path, dict]]:
    """The default report set: the overview, and one pemda report per pemda with published results.

    Each pemda report is for the pemda's latest year with a published result.
    """
    from .views import pemda_with_results

    nbdir = config.NOTEBOOKS_DIR
    jobs = [(nbdir / "01_overview.ipynb", {"lang": lang})]
    jobs += [(nbdir / "02_pemda_report.ipynb", {"kode_wilayah": k, "year": y, "lang": lang})
             for k, y in sorted(pemda_with_results())]
    return jobs


def write_index(entries: list[dict], output_dir=None, lang: str = "id") -> Path:
    """Write ``index.html`` linking every report.

    Parameters
    ----------
    entries : list of dict with keys html (path), title, kind, and optional
        kode_wilayah, province, level, predicate, year, lang, status
    """
    out_dir = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    rows = []
    for e in entries:
        href = os.path.relpath(e["html"], out_dir) if e.get("html") else ""
        attrs = " ".join(f'data-{k}="{html.escape(str(e.get(k) or ""))}"' for k in
                         ("province", "level", "predicate", "kind", "lang"))
        link = f'<a href="{html.escape(href)}">{html.escape(e["title"])}</a>' if href else html.escape(e["title"])
        def show(key):
            value = e.get(key) or ""
            return html.escape(t(str(value), lang) if key in ("kind", "level", "predicate", "status") and value else str(value))

        rows.append(f"<tr {attrs}><td>{link}</td><td>{show('kind')}</td><td>{show('province')}</td>"
                    f"<td>{show('level')}</td><td>{show('year')}</td><td>{show('predicate')}</td>"
                    f"<td>{show('status') or 'ok'}</td></tr>")
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    labels = {key: html.escape(t(key, lang)) for key in (
        "index_title", "index_count", "index_search", "index_all_provinces", "index_all_levels",
        "index_all_predicates", "index_report", "index_kind", "province", "level", "year", "predicate", "status")}
    page = _INDEX_TEMPLATE.format(stamp=stamp, n=len(entries), rows="\n".join(rows), lang=lang, **labels)
    return write_text_atomic(out_dir / "index.html", page)


_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{index_title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1000px; margin: 0 auto; padding: 12px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; }}
.filters input, .filters select {{ margin: 4px 8px 8px 0; padding: 4px; }}
.wrap {{ overflow-x: auto; }}
</style></head>
<body>
<h1>{index_title}</h1>
<p>{n} {index_count} &middot; {stamp}</p>
<div class="filters">
<input id="q" type="search" placeholder="{index_search}" aria-label="{index_search}">
<select id="f-province" aria-label="{province}"><option value="">{index_all_provinces}</option></select>
<select id="f-level" aria-label="{level}"><option value="">{index_all_levels}</option></select>
<select id="f-predicate" aria-label="{predicate}"><option value="">{index_all_predicates}</option></select>
</div>
<div class="wrap"><table id="reports"><thead><tr><th>{index_report}</th><th>{index_kind}</th><th>{province}</th>
<th>{level}</th><th>{year}</th><th>{predicate}</th><th>{status}</th></tr></thead>
<tbody>
{rows}
</tbody></table></div>
<p id="count"></p>
<script>
(function() {{
  var rows = Array.prototype.slice.call(document.querySelectorAll('#reports tbody tr'));
  ['province', 'level', 'predicate'].forEach(function(key) {{
    var sel = document.getElementById('f-' + key), seen = {{}};
    rows.forEach(function(r) {{ var v = r.dataset[key]; if (v && !seen[v]) {{ seen[v] = 1; }} }});
    Object.keys(seen).sort().forEach(function(v) {{ var o = document.createElement('option'); o.value = v; o.textContent = v; sel.appendChild(o); }});
    sel.addEventListener('change', apply);
  }});
  document.getElementById('q').addEventListener('input', apply);
  function apply() {{
    var q = document.getElementById('q').value.toLowerCase(), n = 0;
    rows.forEach(function(r) {{
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      ['province', 'level', 'predicate'].forEach(function(key) {{
        var v = document.getElementById('f-' + key).value; if (v && r.dataset[key] !== v) ok = false; }});
      r.style.display = ok ? '' : 'none'; if (ok) n++;
    }});
    document.getElementById('count').textContent = n + ' / ' + rows.length;
  }}
  apply();
}})();
</script>
</body></html>
"""


def pemda_summary_sentences(summary: dict, lang: str = "id") -> list[str]:
    """Plain-language sentences for the top of a pemda report.

    Parameters
    ----------
    summary : dict
        As returned by :func:`iid_research.views.pemda_summary`.
    """
    s = summary
    lines = []
    if not s["has_year"]:
        if s["latest_year"] is None:
            lines.append(t("summary_no_results", lang, nama=s["nama"]))
        else:
            lines.append(t("summary_no_year", lang, nama=s["nama"], year=s["year"], latest=s["latest_year"]))
    if s["latest_year"] is not None and s["predicate"]:
        if s["iid_score"] is not None:
            lines.append(t("summary_score", lang, year=s["latest_year"], nama=s["nama"],
                           score=fmt_number(s["iid_score"], lang), predicate=t(s["predicate"], lang)))
        else:
            lines.append(t("summary_predicate_only", lang, year=s["latest_year"], nama=s["nama"],
                           predicate=t(s["predicate"], lang)))
    if s["rank"] is not None:
        if s["rank_of"]:
            lines.append(t("summary_rank", lang, rank=s["rank"], rank_of=s["rank_of"], level=s["level"]))
        else:
            lines.append(t("summary_rank_no_size", lang, rank=s["rank"], level=s["level"]))
        if s["previous_rank"] is not None:
            steps = s["previous_rank"] - s["rank"]
            if steps == 0:
                lines.append(t("summary_rank_same", lang, old_year=s["previous_rank_year"], new_year=s["latest_year"]))
            else:
                lines.append(t("summary_rank_change", lang, old=s["previous_rank"], old_year=s["previous_rank_year"],
                               new=s["rank"], new_year=s["latest_year"],
                               direction=t("up" if steps > 0 else "down", lang), steps=abs(steps)))
    lines.append(t("summary_awards", lang, n=s["n_awards"]))
    return lines


def pemda_summary_block(summary: dict, lang: str = "id", extra: list[str] | None = None):
    """Show :func:`pemda_summary_sentences` (plus ``extra`` lines) as a short bulleted summary."""
    from IPython.display import Markdown, display

    lines = pemda_summary_sentences(summary, lang) + list(extra or [])
    display(Markdown("\n".join(f"- {line}" for line in lines)))


# --------------------------------------------------------------------------- PDF

class PDFExportUnavailable(RuntimeError):
    """No Chromium browser is installed to print reports to PDF."""


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")


def find_chromium() -> str | None:
    """Path of a Chromium executable (``IID_CHROMIUM``, then ``chromium``, ``chromium-browser``), or None."""
    import shutil

    candidates = [os.environ.get("IID_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]
    for name in candidates:
        if name and (shutil.which(name) or (os.path.isabs(name) and os.path.exists(name))):
            return shutil.which(name) or name
    return None


def export_pdf(html_path, pdf_path=None, *, timeout: int = 120) -> Path:
    """Print an HTML report to PDF with Debian's Chromium in headless mode (written atomically).

    Parameters
    ----------
    html_path : path-like
    pdf_path : path-like, optional
        Default: the HTML path with a ``.pdf`` suffix.
    timeout : int, default=120
        Seconds allowed for Chromium.

    Raises
    ------
    PDFExportUnavailable
        If no Chromium is installed; the message says how to enable it.
    RuntimeError
        If Chromium fails or writes nothing.
    """
    import subprocess
    import tempfile

    browser = find_chromium()
    if browser is None:
        raise PDFExportUnavailable(
            "PDF export needs Chromium, which is not installed. Install Debian's package with "
            "`apt-get install chromium` (or set IID_CHROMIUM to a Chromium executable), then run again.")
    html_path = Path(html_path).resolve()
    pdf = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    with atomic_path(pdf) as tmp, tempfile.TemporaryDirectory() as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={tmp}", html_path.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium could not print {html_path} to PDF (exit {proc.returncode}): "
                               f"{proc.stderr.strip()[-500:]}")
    return pdf
