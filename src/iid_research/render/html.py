"""Code-free HTML reports from executed notebooks, and the index page of a report set.

Pages are rendered with jinja2 templates (``render/templates``).  Notebook reports go
through nbconvert with our own lean template ``templates/iid_report`` (inputs and
prompts excluded): one small stylesheet (``report.css``: system fonts, readable at
360 px, wide tables scroll in their own box), ``<html lang>`` from the report's
``lang`` parameter, no scripts and nothing fetched from the network.  Figures are
written as ``<img>`` with the text alternative and size the notebook display put in
the output's metadata (:mod:`iid_research.notebook.images`).  The index page is
``templates/index.html.j2`` (autoescaped); its filters are an optional inline script
that also shows their controls, so without scripts the page lists and links every report.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import os
from pathlib import Path

from .. import config
from .._io import write_text_atomic
from ..text import has_text, t

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1)
def _jinja():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                              autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                              lstrip_blocks=True)


REPORT_TEMPLATE = "iid_report"
"""The nbconvert template of the reports (``templates/iid_report``)."""

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


def report_image(output, mime: str, lang: str = "id"):
    """``<figure><img ...></figure>`` of an image output, with its alt text and size (template filter).

    Parameters
    ----------
    output : dict
        A notebook output with ``data[mime]`` and, when shown by the report display,
        ``metadata[mime]`` = ``{"alt", "width", "height"}``.
    mime : {"image/png", "image/svg+xml", "image/jpeg"}
    lang : {"id", "en"}
        Language of the fallback text for an image without one.

    Returns
    -------
    markupsafe.Markup
    """
    import markupsafe

    from ..notebook.images import png_data_uri, svg_data_uri

    data = output["data"][mime]
    meta = (output.get("metadata") or {}).get(mime) or {}
    if mime == "image/svg+xml":
        src = svg_data_uri(data)
    elif mime == "image/png":
        src = png_data_uri("".join(data.split()))
    else:
        src = f"data:{mime};base64," + "".join(data.split())
    # the data URIs hold no '"', '&', '<' or '>' (svg_data_uri encodes them; base64 has none)
    attrs = [f'src="{src.replace(chr(34), "%22")}"', f'alt="{html.escape(meta.get("alt") or t("alt_no_text", lang))}"']
    attrs += [f'{k}="{int(meta[k])}"' for k in ("width", "height") if meta.get(k)]
    return markupsafe.Markup(f'<figure><img {" ".join(attrs)}></figure>')


def _html_exporter():
    global _EXPORTER
    if _EXPORTER is None:  # building the exporter loads templates: do it once per process
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(template_name=REPORT_TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                 exclude_anchor_links=True)
        _EXPORTER.register_filter("report_image", report_image)
    return _EXPORTER


def render_html(executed_ipynb, output_html) -> Path:
    """Export an executed notebook to self-contained HTML without code (written atomically).

    Inputs, input prompts and output prompts are excluded
    (``nbconvert --no-input``); stderr streams (library warnings) are dropped,
    error outputs are kept; figures are embedded as ``data:`` URIs.  The page uses
    the lean template :data:`REPORT_TEMPLATE` in the report's language.
    """
    import nbformat

    nb = nbformat.read(executed_ipynb, as_version=4)
    nb.cells = [c for c in nb.cells if "remove-cell" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    title, lang = _report_title(nb)
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}, "iid_lang": lang})
    return write_text_atomic(output_html, body)


INDEX_LABEL_KEYS = ("index_title", "index_count", "index_search", "index_all_provinces", "index_all_levels",
                    "index_all_predicates", "index_report", "index_kind", "province", "level", "year", "predicate",
                    "status")

_GROUP_ORDER = {"": 0, "workspace": 1, "demo": 3}  # published facts, each workspace, other groups, the demo


def _section(group: str, workspace: str, workspace_name: str, lang: str) -> dict:
    """Heading and note of one index section (a workspace's section names the workspace)."""
    if group == "workspace" and workspace:
        folder = Path(workspace).name
        label = folder if workspace_name in ("", folder) else f"{workspace_name} ({folder})"
        return {"heading": t("index_group_workspace_named", lang, workspace=label),
                "note": t("index_group_workspace_path", lang, path=workspace) + " "
                + t("index_group_workspace_note", lang)}
    key = f"index_group_{group or 'published'}"
    return {"heading": t(key, lang) if has_text(key) else group,
            "note": t(f"{key}_note", lang) if has_text(f"{key}_note") else ""}


def write_index(entries: list[dict], output_dir=None, lang: str = "id") -> Path:
    """Write ``index.html`` linking every entry (jinja2 template ``index.html.j2``, autoescaped).

    The page lists what it is given; :func:`iid_research.render.index.write_folder_index`
    gives it every report of a reports folder.  Its filters are an optional inline script:
    without it every report is listed and linked, and the filter controls stay hidden.

    Parameters
    ----------
    entries : list of dict
        Keys html (path), title, and optional kind, kode_wilayah, province, level,
        predicate, year, lang, status, group, workspace, workspace_name.
        ``group`` names the section a report is listed under: "" (published facts,
        first), "workspace" (one section per ``workspace`` folder: the pemda's own
        files), any other name, then "demo" (SIMULATED data, last).
    output_dir : path-like, optional
        Default ``config.REPORTS_DIR``.
    lang : {"id", "en"}, default "id"
        Language of the page.

    Returns
    -------
    Path
        The page, written atomically.
    """
    out_dir = Path(output_dir) if output_dir is not None else config.REPORTS_DIR
    groups: dict[tuple, list] = {}
    for e in entries:
        href = os.path.relpath(e["html"], out_dir) if e.get("html") else ""

        def label(key, _e=e):
            value = _e.get(key) or ""
            return t(str(value), lang) if value else ""

        group = e.get("group") or ""
        where = ("", "")
        if group == "workspace":  # one section per workspace folder
            where = (str(e.get("workspace") or ""), str(e.get("workspace_name") or ""))
        groups.setdefault((group, *where), []).append({
            "href": href, "title": e["title"], "kind": e.get("kind") or "", "kind_label": label("kind"),
            "province": e.get("province") or "", "level": e.get("level") or "", "level_label": label("level"),
            "year": e.get("year") or "", "predicate": e.get("predicate") or "", "predicate_label": label("predicate"),
            "status_label": label("status") or t("ok", lang), "lang": e.get("lang") or ""})
    order = sorted(groups, key=lambda g: (_GROUP_ORDER.get(g[0], 2), g[0], g[2] or Path(g[1]).name, g[1]))
    sections = [{**_section(*g, lang), "group": g[0], "rows": groups[g]} for g in order]
    page = _jinja().get_template("index.html.j2").render(
        lang=lang, labels={k: t(k, lang) for k in INDEX_LABEL_KEYS}, n=len(entries), groups=sections,
        stamp=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    return write_text_atomic(out_dir / "index.html", page)
