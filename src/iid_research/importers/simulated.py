"""Files marked as the labelled SIMULATED demo data (:mod:`iid_research.demo`): never imported as a pemda's data.

The demo writes, for one pemda, the files an analyst would hold, from the simulator, and marks each of them
(:func:`iid_research.demo.build_demo_workspace`):

* a title row above the header, :data:`SIMULATED_MARKER` followed by "(iid-research demo, simulate_iid seed
  N)", in every file (the annex has a second title ending in "- SIMULASI");
* in its workbooks, the same text as the document's title and subject (``docProps/core.xml``), which stays
  when the title row is deleted;
* a file name starting with :data:`SIMULATED_FILE_PREFIX` (``SIMULASI_``).

:func:`refuse_simulated` refuses a file that carries the marker in a non-data row the importer passed over
(title, heading or footnote) or in its document properties.  A file name alone never decides (files are
renamed), but a ``SIMULASI_`` name with the word "SIMULASI" in a title row is refused too; either alone is
a warning.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .cells import cell_text, column_letter, norm_header
from .output import DataImportError, ImportReport

SIMULATED_MARKER = "DATA SIMULASI - bukan data resmi pemda mana pun"
"""The words every demo file opens with (:data:`iid_research.demo.TITLE` starts with them)."""

SIMULATED_FILE_PREFIX = "SIMULASI_"
"""How the name of every demo file starts."""

_STRONG = ("data simulasi bukan data resmi", "iid research demo", "simulate iid seed")
"""Normalised texts (:func:`~.cells.norm_header`) that only the demo writes: the start of :data:`SIMULATED_MARKER`
and the end of its title."""
_WEAK = re.compile(r"\b(?:simulasi|simulated|simulation)\b")
_CORE_FIELDS = re.compile(rb"<(dc:title|dc:subject|dc:description|cp:keywords)\b[^>]*>([^<]*)</\1>")


def _is_strong(text: str) -> bool:
    key = norm_header(text)
    return any(s in key for s in _STRONG)


def document_properties(path: Path) -> dict[str, str]:
    """Title, subject, description and keywords of a workbook (``docProps/core.xml``); {} for other files."""
    import html

    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return {}
    return {tag.decode().split(":")[1]: html.unescape(value.decode("utf-8", "replace"))
            for tag, value in _CORE_FIELDS.findall(data)}


def _cell(sheets, label: str, row: int) -> str:
    """The reference of the cell of a skipped row that says "simulasi" (else its first cell): ``"A1"``."""
    for sh in sheets or ():
        if sh.label == label and 0 < row <= len(sh.rows):
            cells = [(i, cell_text(v)) for i, v in enumerate(sh.rows[row - 1]) if v is not None]
            hit = next((i for i, text in cells if "simulasi" in text.lower()), cells[0][0] if cells else 0)
            return f"{column_letter(hit)}{row}"
    return ""


def refuse_simulated(path: Path, report: ImportReport, sheets=None, *, allowed: bool = False,
                     warn: bool = True) -> None:
    """Refuse a file marked as the labelled SIMULATED demo data; warn when only a hint of it is there.

    Parameters
    ----------
    path : Path
        The file imported.
    report : ImportReport
        Its report; ``report.rows_skipped`` holds the non-data rows (title, heading, footnote rows) read so far.
    sheets : list of Sheet, optional
        The sheets read, to name the cell holding the marker.
    allowed : bool, default False
        True for the import into the labelled demo workspace itself (:mod:`iid_research.demo`).
    warn : bool, default True
        Add the warning for a hint only (False for an early check that is made again later).

    Raises
    ------
    DataImportError
        If a skipped row or the workbook's document properties carry the demo's marker
        (:data:`SIMULATED_MARKER`, "iid-research demo", "simulate_iid seed"), or the file name starts
        with ``SIMULASI_`` and a skipped row says "SIMULASI".  Nothing is written.
    """
    if allowed:
        return
    named = path.name.upper().startswith(SIMULATED_FILE_PREFIX)
    strong = next(((lab, row, text) for lab, row, text in report.rows_skipped if _is_strong(str(text))), None)
    weak = next(((lab, row, text) for lab, row, text in report.rows_skipped
                 if _WEAK.search(norm_header(str(text)))), None)
    props = {k: v for k, v in document_properties(path).items() if _is_strong(v)} if path.is_file() else {}
    what = ("this file is the labelled SIMULATED demo data of iid-research (`iid-research workspace demo`), not a "
            "pemda's own file: simulated data cannot enter a pemda's workspace or be imported as a pemda's results. "
            "Import the pemda's own file (or fill in the workspace's template); nothing written")
    found = strong or (weak if named else None)
    if found:
        label, row, text = found
        cell = _cell(sheets, label, row)
        column = f", column {cell.rstrip('0123456789')} ({cell})" if cell else ""
        because = f" and the file name starts with {SIMULATED_FILE_PREFIX!r}" if found is not strong else ""
        raise DataImportError(f"{label} row {row}{column} reads {str(text)[:110]!r}{because}: {what}", report)
    if props:
        field, text = next(iter(props.items()))
        raise DataImportError(f"{path.name}: the workbook's document properties ({field}, docProps/core.xml) read "
                              f"{text[:110]!r}; {what}", report)
    if warn and (weak or named):
        where = (f"{weak[0]} row {weak[1]} reads {str(weak[2])[:80]!r}" if weak
                 else f"the file name starts with {SIMULATED_FILE_PREFIX!r}")
        report.warnings.append(f"{where}: if this is the SIMULATED demo data of iid-research, it must not be "
                               "imported as a pemda's data (undo a workspace import with `iid-research workspace "
                               "remove`)")


SIMULATED_ID = re.compile(r"^SIM-\d{2}(?:\.\d{2})?-\d{4}-\d+$")
"""The innovation ids the simulator writes (``SIM-<kode>-<year>-<seq>``, :mod:`iid_research.simulate_records`)."""


def refuse_simulated_ids(path: Path, report: ImportReport, ids, *, allowed: bool = False) -> None:
    """Refuse an innovation list whose every innovation id is one the simulator writes (``SIM-33.16-2023-0001``).

    The demo's innovation list stays recognisable with its title row and document title removed.

    Raises
    ------
    DataImportError
        Naming the first id, unless ``allowed`` (the demo workspace builds itself).
    """
    ids = [str(v) for v in ids if v is not None and str(v).strip()]
    if allowed or not ids or not all(SIMULATED_ID.match(v.strip()) for v in ids):
        return
    raise DataImportError(f"{path.name}: every innovation id is one the iid-research simulator writes ({ids[0]!r}, "
                          f"... {len(ids)} in all): this is the labelled SIMULATED demo data, not a pemda's own "
                          "file: simulated data cannot enter a pemda's workspace or be imported as a pemda's "
                          "results. Import the pemda's own file (or fill in the workspace's template); nothing "
                          "written", report)


__all__ = ["SIMULATED_FILE_PREFIX", "SIMULATED_ID", "SIMULATED_MARKER", "document_properties", "refuse_simulated",
           "refuse_simulated_ids"]
