"""The one display convention of the report notebooks: setup, headings, text, banners, tables.

Notebook cells call these, so every report shows text from the catalogue
(:mod:`iid_research.text`) in one language, tables with translated headers and
numbers in the report's notation, and a provenance banner: ``real`` (published
facts or the pemda's own files) or ``simulated``.

Every table comes with a link that downloads it as CSV (:func:`table_csv`: the
table's column names and all its rows); every figure is shown as the smaller of a
PNG and an SVG, with its text alternative as ``alt`` and numbers in the report's
notation (:mod:`iid_research.notebook.images`, set up by :func:`setup`).
"""

from __future__ import annotations

import csv
import html
import io
import numbers
import re
import unicodedata
from urllib.parse import quote

import pandas as pd

from ..text import check_lang, fmt_number, label_columns, player_label, t


def setup(lang: str = "id"):
    """Set figure defaults for reports and how figures are shown, and check ``lang``.

    In IPython (a notebook or a report run), every figure is then shown through
    :func:`iid_research.notebook.images.figure_bundle`: numbers in the notation of
    ``lang``, the smaller of a palette PNG and an SVG, and the figure's text
    alternative as ``alt``.

    Raises
    ------
    ValueError
        If ``lang`` is not "id" or "en", or ``IID_FIGURE_FORMAT`` is not "auto", "png" or "svg".
    """
    import matplotlib as mpl
    import seaborn as sns

    from . import images

    check_lang(lang)
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({"figure.figsize": (8, 4.2), "figure.dpi": 80, "savefig.dpi": 80,
                         "axes.titlesize": 12, "figure.autolayout": True})
    pd.set_option("display.max_rows", 200)
    images.register(lang)


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


CSV_FORMATS = {"id": {"delimiter": ";", "decimal": ","}, "en": {"delimiter": ",", "decimal": "."}}
"""CSV notation per report language: what a spreadsheet in that locale opens by double-click
(Excel with Indonesian regional settings splits on ";" and reads a decimal comma)."""


def _csv_cell(v, lang: str) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return t("yes" if v else "no", lang)
    if isinstance(v, float) or type(v).__name__.startswith("float"):
        return fmt_number(float(v), lang, ".10g")
    s = str(v)
    return s if s.startswith(("http://", "https://")) else t(s, lang)


def table_csv(frame: pd.DataFrame, lang: str = "id") -> bytes:
    r"""The table as CSV for a spreadsheet: UTF-8 with a byte-order mark, the table's column names, every row.

    Parameters
    ----------
    frame : DataFrame
        As given to :func:`table_html`; headers and text cells are translated the same way.
    lang : {"id", "en"}
        Notation (:data:`CSV_FORMATS`): "id" separates fields with ";" and writes a decimal
        comma (``1234,5``), "en" uses "," and a decimal point; numbers are never grouped and
        keep up to 10 decimals; empty cells stay empty.

    Returns
    -------
    bytes
        ``b"\xef\xbb\xbf"`` (so Excel reads UTF-8) then the CSV, CRLF line ends.

    Examples
    --------
    >>> table_csv(pd.DataFrame({"year": [2023], "iid_score": [1234.5]}), "id")
    b'\xef\xbb\xbfTahun;Nilai IID\r\n2023;1234,5\r\n'
    """
    check_lang(lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_FORMATS[lang]["delimiter"], lineterminator="\r\n")
    writer.writerow(label_columns(frame, lang).columns)
    for row in frame.itertuples(index=False):
        writer.writerow([_csv_cell(v, lang) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_stem(labels) -> str:
    """A file name stem from words: ASCII, lower case, words joined by "-", at most 60 characters.

    >>> file_stem(["Dinas Kependudukan dan Pencatatan Sipil"]), file_stem(["(OPD mana pun)"]), file_stem([])
    ('dinas-kependudukan-dan-pencatatan-sipil', 'opd-mana-pun', 'table')
    """
    ascii_text = unicodedata.normalize("NFKD", " ".join(map(str, labels))).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "table"


COLUMN_DECIMALS = {
    "opd_iid_contribution": 2, "opd_share": 1, "opd_maturity": 1, "maturity_mean_score": 1,
    "plan_gain_iid": 3, "plan_gain_total": 3, "iid_gain_per_step": 3, "iid_gain_max": 3, "best_iid_gain_per_step": 3,
    "gap_target_score": 2, "gap_iid_needed": 2,
}
"""Decimals of a quantity wherever a report shows it (column key -> decimals), so one column has one number
of decimals and reports 02, 04 and 05 write the same quantity alike: an OPD's contribution to the IID with the
IID's two decimals (``4,03``, ``3,60``), mean maturity and shares with one (``54,0``), IID gains of single
steps with three (``0,016``, ``0,400``)."""

COLUMN_MAX_DECIMALS = {"opd_sid_points": 1, "opd_change": 1, "plan_cost": 2, "plan_cost_sum": 2, "opd_plan_cost": 2,
                       "plan_cost_total": 2}
"""Quantities that are usually whole (SID points, step costs): the fewest decimals, up to this many, that
write every value of the column exactly, the same for all its cells (``121``, ``897``; ``2,5`` beside ``3,0``
when one cost is fractional)."""


def uniform_decimals(values, max_decimals: int) -> int:
    """The fewest decimals (0 to ``max_decimals``) that write every value as ``max_decimals`` would.

    >>> uniform_decimals([121.0, 95.0], 1), uniform_decimals([2.5, 3.0], 2), uniform_decimals([], 2)
    (0, 1, 0)
    """
    vals = [float(v) for v in values if v is not None and v is not pd.NA and pd.notna(v)]
    for d in range(max_decimals):
        if all(abs(round(v, d) - round(v, max_decimals)) < 1e-9 for v in vals):
            return d
    return max_decimals


def column_decimals(frame: pd.DataFrame) -> dict:
    """{column key: decimals} for the columns of ``frame`` that :data:`COLUMN_DECIMALS` or
    :data:`COLUMN_MAX_DECIMALS` name (the latter decided on all the column's values)."""
    out = {c: COLUMN_DECIMALS[c] for c in frame.columns if c in COLUMN_DECIMALS}
    out.update({c: uniform_decimals(frame[c], COLUMN_MAX_DECIMALS[c]) for c in frame.columns
                if c in COLUMN_MAX_DECIMALS})
    return out


def quantity_text(key: str, value, lang: str = "id", decimals: int | None = None) -> str:
    """One value of a quantity as a report writes it: with the decimals of :data:`COLUMN_DECIMALS` /
    :data:`COLUMN_MAX_DECIMALS` (or ``decimals``), grouped thousands; "–" when missing; text unchanged."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or pd.isna(value):
        return "–"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return fmt_number(int(value), lang, ",d")
    if decimals is None:
        decimals = COLUMN_DECIMALS.get(key, uniform_decimals([value], COLUMN_MAX_DECIMALS.get(key, 6)))
    return fmt_number(float(value), lang, f",.{decimals}f")


def table_html(frame: pd.DataFrame, lang: str = "id", *, floatfmt="{:,.2f}", max_rows: int = 60,
               caption: str = "", download: bool = True, filename: str | None = None) -> str:
    """HTML of a table with translated headers, escaped cells, links for URLs and a CSV download link.

    Parameters
    ----------
    frame : DataFrame
        Column names are catalogue keys (or pass through unchanged).
    lang : {"id", "en"}
    floatfmt : str or callable, default "{:,.2f}"
        A format string applied in the report language (Indonesian ``1.234,50``;
        :func:`iid_research.text.fmt_number`), or a callable float -> str; the columns of a
        quantity with fixed decimals (:func:`column_decimals`) use those instead.
    max_rows : int, default 60
    caption : str, optional
        Shown above the table (e.g. the SIMULATED note).
    download : bool, default True
        Add a link that downloads the whole table (all rows, same column names) as CSV
        (:func:`table_csv`), embedded in the page as a ``data:`` URI.
    filename : str, optional
        Name of the downloaded file; default made from the first column names
        (``tahun-nilai-iid-predikat.csv``).

    Returns
    -------
    str
        ``<div class="iid-table">`` holding the scrollable table box and the link.
    """
    shown = label_columns(frame.head(max_rows), lang)
    # whole numbers are grouped (Indonesian 26.900) except years and codes, which are written as they are
    grouped = [not any(w in str(key).lower() for w in ("year", "tahun", "kode", "code")) for key in frame.columns]
    fixed = column_decimals(frame)  # one number of decimals per quantity, decided on the whole column
    places = [fixed.get(key) for key in frame.columns]

    def cell(v, group=True, decimals=None):
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
            return "–"
        if isinstance(v, bool) or type(v).__name__ == "bool_":
            return html.escape(t("yes" if v else "no", lang))
        if isinstance(v, numbers.Integral):
            return html.escape(fmt_number(int(v), lang, ",d") if group else str(v))
        if isinstance(v, float) and decimals is not None:
            return html.escape(fmt_number(v, lang, f",.{decimals}f"))
        if isinstance(v, float):
            return html.escape(floatfmt(v) if callable(floatfmt) else fmt_number(v, lang, floatfmt[2:-1]))
        s = str(v)
        if s.startswith(("http://", "https://")):
            short = re.sub(r"^https?://(www\.)?", "", s)[:40]
            return f'<a href="{html.escape(s)}">{html.escape(short)}…</a>'
        return html.escape(t(s, lang))  # labels (predikat, level, variable names) translated; data text unchanged

    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in shown.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v, g, d)}</td>" for v, g, d in zip(row, grouped, places)) + "</tr>"
                   for row in shown.itertuples(index=False))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = "" if len(frame) <= max_rows else f"<p>… {len(frame) - max_rows} {t('more_rows', lang)}</p>"
    link = ""
    if download:
        link = download_html(frame, lang, filename=filename or f"{file_stem(shown.columns[:3])}.csv")
    # the box scrolls sideways on a phone: tabindex lets a keyboard user scroll it too
    return (f'<div class="iid-table"><div class="iid-table-wrap" tabindex="0">'
            f'<table class="iid">{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
            f"{more}{link}</div>")


def download_html(frame: pd.DataFrame, lang: str = "id", *, filename: str, text_key: str = "download_csv") -> str:
    """HTML of a link that downloads ``frame`` as CSV (:func:`table_csv`), embedded as a ``data:`` URI.

    ``text_key`` is the catalogue text of the link (with ``{n}``, the number of rows).
    """
    uri = "data:text/csv;charset=utf-8," + quote(table_csv(frame, lang), safe=" !$'()*+,-./:;=?@_~")
    return (f'<p class="iid-download"><a download="{html.escape(filename)}" href="{uri}">'
            f"{html.escape(t(text_key, lang, n=len(frame)))}</a></p>")


def show_download(frame: pd.DataFrame, lang: str = "id", *, filename: str, text_key: str = "download_csv"):
    """Show a download link for a table that is not shown itself (e.g. one row per step of a plan shown
    aggregated); see :func:`download_html`."""
    show_html(download_html(frame, lang, filename=filename, text_key=text_key))


def local_floatfmt(lang: str = "id", spec: str = ",.2f"):
    """A ``floatfmt`` for :func:`show_table` with another precision (``1.234,500`` in "id")."""
    return lambda v: fmt_number(v, lang, spec)


def magnitude_floatfmt(lang: str = "id", decimals: int = 2):
    """A ``floatfmt`` for a column mixing magnitudes (population beside an index score): values of
    1,000 or more as whole numbers (``927.961``), smaller ones with ``decimals`` decimals (``3,25``)."""
    return lambda v: fmt_number(v, lang, ",.0f" if abs(v) >= 1000 else f",.{decimals}f")


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
    """The files behind a workspace report: name and the full SHA-256 of each (``sha256sum FILE`` checks it)."""
    if dataset.kind != "workspace" or dataset.sources.empty:
        return
    heading("h_sources", lang)
    show_table(dataset.sources[["year", "kind", "kode_wilayah", "source_file", "source_sha256"]]
               .rename(columns={"source_sha256": "sha256"}), lang)


def demo_workspace() -> str:
    """The demo workspace folder (SIMULATED files for Kabupaten Blora, built when missing)."""
    from ..demo import ensure_demo_workspace

    return str(ensure_demo_workspace())


def opd_scorecard(card: dict, lang: str = "id", *, simulated: bool = False):
    """Show one OPD's printable scorecard (its own page when printed): its scoreboard row and its plan steps.

    The two CSV downloads are named after the OPD, numbered by its place in the report
    (``kartu-skor-01-dinas-kesehatan.csv``, ``rencana-01-dinas-kesehatan.csv``), so saving several
    scorecards gives distinct files.
    """
    row = card["row"]
    stem = f"{int(card.get('position', 0)):02d}-{file_stem([card['name']])}"
    places = card.get("decimals") or {}  # the scoreboard's decimals, so a card writes a value as the board does
    facts = pd.DataFrame({"variable": [t(k, lang) for k in row.index],
                          "value": [quantity_text(k, v, lang, places.get(k)) for k, v in row.items()]})
    caption = t("simulated_note", lang) if simulated else ""
    steps = (table_html(card["steps"], lang, caption=caption, filename=f"{t('file_opd_plan', lang)}-{stem}.csv")
             if len(card["steps"]) else f"<p>{html.escape(t('nb05_no_steps', lang))}</p>")
    note = f"<p><em>{html.escape(card['note'])}</em></p>" if card.get("note") else ""
    facts_html = table_html(facts, lang, caption=caption, filename=f"{t('file_scorecard', lang)}-{stem}.csv")
    show_html('<section class="iid-scorecard" style="break-before: page; page-break-before: always;">'
              f"<h3>{html.escape(str(card['name']))}</h3>{note}{facts_html}{steps}</section>")
