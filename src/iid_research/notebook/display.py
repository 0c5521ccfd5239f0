"""The one display convention of the report notebooks: setup, headings, text, banners, tables.

Notebook cells call these, so every report shows text from the catalogue
(:mod:`iid_research.text`) in one language, tables with translated headers and
numbers in the report's notation, and a provenance banner: ``real`` (published
facts or the pemda's own files) or ``simulated``.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from ..text import check_lang, fmt_number, label_columns, player_label, t


def setup(lang: str = "id"):
    """Set figure defaults for reports (small PNGs, readable fonts) and check ``lang``.

    Raises
    ------
    ValueError
        If ``lang`` is not "id" or "en".
    """
    import matplotlib as mpl
    import seaborn as sns

    check_lang(lang)
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({"figure.figsize": (8, 4.2), "figure.dpi": 80, "savefig.dpi": 80,
                         "axes.titlesize": 12, "figure.autolayout": True})
    pd.set_option("display.max_rows", 200)


def show_html(markup: str):
    """Display raw HTML in the notebook output."""
    from IPython.display import HTML, display

    display(HTML(markup))


def show_markdown(markup: str):
    """Display Markdown in the notebook output (nothing for an empty text)."""
    from IPython.display import Markdown, display

    if markup:
        display(Markdown(markup))


def heading(key: str, lang: str = "id", level: int = 2, **fields):
    """Show a heading from the catalogue (``key``), at Markdown ``level`` (1 = title)."""
    show_markdown("#" * level + " " + t(key, lang, **fields))


def text(key: str, lang: str = "id", **fields):
    """Show a paragraph from the catalogue (Markdown)."""
    show_markdown(t(key, lang, **fields))


def bullets(lines, lang: str = "id"):
    """Show a bulleted list of sentences (already in the report language)."""
    lines = [line for line in lines if line]
    if lines:
        show_markdown("\n".join(f"- {line}" for line in lines))


BANNER_KINDS = ("real", "simulated", "workspace")


def banner_html(kind: str, lang: str = "id", **fields) -> str:
    """HTML of the data-provenance banner: ``kind`` is "real", "workspace" or "simulated".

    Raises
    ------
    ValueError
        For another kind.
    """
    if kind not in BANNER_KINDS:
        raise ValueError(f"kind must be one of {BANNER_KINDS}, got {kind!r}")
    css = "iid-simulated" if kind == "simulated" else "iid-real"
    return f'<div class="iid-banner {css}">{html.escape(t(kind + "_data_label", lang, **fields))}</div>'


def banner(kind: str, lang: str = "id", **fields):
    """Show the data-provenance banner (see :func:`banner_html`)."""
    show_html(banner_html(kind, lang, **fields))


def table_html(frame: pd.DataFrame, lang: str = "id", *, floatfmt="{:,.2f}", max_rows: int = 60,
               caption: str = "") -> str:
    """HTML of a table with translated headers, escaped cells and links for URLs.

    Parameters
    ----------
    frame : DataFrame
        Column names are catalogue keys (or pass through unchanged).
    lang : {"id", "en"}
    floatfmt : str or callable, default "{:,.2f}"
        A format string applied in the report language (Indonesian ``1.234,50``;
        :func:`iid_research.text.fmt_number`), or a callable float -> str.
    max_rows : int, default 60
    caption : str, optional
        Shown above the table (e.g. the SIMULATED note).

    Returns
    -------
    str
    """
    shown = label_columns(frame.head(max_rows), lang)

    def cell(v):
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
            return "–"
        if isinstance(v, bool) or type(v).__name__ == "bool_":
            return html.escape(t("yes" if v else "no", lang))
        if isinstance(v, float):
            return html.escape(floatfmt(v) if callable(floatfmt) else fmt_number(v, lang, floatfmt[2:-1]))
        s = str(v)
        if s.startswith(("http://", "https://")):
            short = re.sub(r"^https?://(www\.)?", "", s)[:40]
            return f'<a href="{html.escape(s)}">{html.escape(short)}…</a>'
        return html.escape(t(s, lang))  # labels (predikat, level, variable names) translated; data text unchanged

    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = "" if len(frame) <= max_rows else f"<p>… {len(frame) - max_rows} {t('more_rows', lang)}</p>"
    return (f'<div class="iid-table-wrap"><table class="iid">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>{more}")


def local_floatfmt(lang: str = "id", spec: str = ",.2f"):
    """A ``floatfmt`` for :func:`show_table` with another precision (``1.234,500`` in "id")."""
    return lambda v: fmt_number(v, lang, spec)


def show_table(frame: pd.DataFrame, lang: str = "id", *, digits: int | None = None, simulated: bool = False,
               **kwargs):
    """Display a table in a report (see :func:`table_html`); an empty table shows "No data".

    Parameters
    ----------
    frame : DataFrame
    lang : {"id", "en"}
    digits : int, optional
        Decimals of float cells (default 2, grouped thousands).
    simulated : bool, default False
        Caption the table with the SIMULATED note.
    **kwargs
        Passed to :func:`table_html`.
    """
    if frame is None or len(frame) == 0:
        show_html(f"<p><em>{html.escape(t('none', lang))}</em></p>")
        return
    if digits is not None:
        kwargs["floatfmt"] = local_floatfmt(lang, f",.{digits}f")
    if simulated:
        kwargs.setdefault("caption", t("simulated_note", lang))
    show_html(table_html(frame, lang, **kwargs))


def label_players(frame: pd.DataFrame, lang: str = "id", columns=("feature", "player")) -> pd.DataFrame:
    """Copy of ``frame`` with player/feature keys in ``columns`` replaced by their labels."""
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = [player_label(v, lang) for v in out[col]]
    return out


# --------------------------------------------------------------------------- the dataset of a report

def dataset_for(workspace: str = "", kode_wilayah: str | None = None):
    """The dataset a notebook analyses: the workspace's files, or the SIMULATED demo when ``workspace`` is "".

    Raises
    ------
    iid_research.workspace.WorkspaceError
        If ``workspace`` is not a workspace folder.
    """
    from ..dataset import from_simulation, from_workspace

    if not workspace:
        return from_simulation()
    return from_workspace(workspace, kode_wilayah=None if kode_wilayah in (None, "all") else kode_wilayah)


def data_banner(dataset, lang: str = "id"):
    """The provenance banner of a report on a dataset: SIMULATED (demo or simulation) or the pemda's files."""
    if dataset.is_simulated:
        banner("simulated", lang)
    else:
        banner("workspace", lang, files=", ".join(dataset.sources["source_file"].drop_duplicates()))


def show_sources(dataset, lang: str = "id"):
    """The files behind a workspace report: name and the first 12 hex digits of each SHA-256, as import prints them."""
    if dataset.kind != "workspace" or dataset.sources.empty:
        return
    heading("h_sources", lang)
    show_table(dataset.sources[["year", "kind", "kode_wilayah", "source_file", "sha256_12"]], lang)


def demo_workspace() -> str:
    """The demo workspace folder (SIMULATED files for Kabupaten Blora, built when missing)."""
    from ..demo import ensure_demo_workspace

    return str(ensure_demo_workspace())


def opd_scorecard(card: dict, lang: str = "id", *, simulated: bool = False):
    """Show one OPD's printable scorecard (its own page when printed): its scoreboard row and its plan steps."""
    row = card["row"]
    facts = pd.DataFrame({"variable": [t(k, lang) for k in row.index],
                          "value": [v if isinstance(v, str) else fmt_number(v, lang, "g") if pd.notna(v) else "–"
                                    for v in row.values]})
    caption = t("simulated_note", lang) if simulated else ""
    steps = (table_html(card["steps"], lang, floatfmt=local_floatfmt(lang, ",.3f"), caption=caption)
             if len(card["steps"]) else f"<p>{html.escape(t('nb05_no_steps', lang))}</p>")
    show_html('<section class="iid-scorecard" style="break-before: page; page-break-before: always;">'
              f"<h3>{html.escape(str(card['name']))}</h3>{table_html(facts, lang, caption=caption)}{steps}</section>")
