"""Reading CSV/TXT and XLSX files into rows (:class:`~.grid.Sheet`), and finding the header row."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from .cells import cell_text, clean_row, column_letter, norm_header
from .columns import PEMDA_HEADERS
from .csvfile import extent, read_csv_sheet, repair_decimal_commas
from .grid import Sheet
from .output import DataImportError, ImportReport, Rejects
from .xlsx import read_workbook

HEADER_SEARCH_ROWS = 40


"""How many rows from the top are searched for the header row."""


def _calamine_available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


XLSX_ENGINE = "calamine" if _calamine_available() else "openpyxl"


"""Reader used for XLSX: ``"calamine"`` (python-calamine, ~30x faster) when installed, else
openpyxl's read-only mode.  Both give the same rows; set to ``"openpyxl"`` to force it."""


TEMPLATE_LISTS_SHEET = "Pilihan"
"""The hidden sheet of the workspace templates holding the drop-down lists (never data; not warned about)."""


def _read_xlsx_rows(path: Path, label: str, sheet, engine: str | None = None,
                    warnings: list | None = None) -> list[Sheet]:
    sheets, skipped = read_workbook(path, label, sheet, engine or XLSX_ENGINE)
    skipped = [name for name in skipped if name != TEMPLATE_LISTS_SHEET]
    if skipped and warnings is not None:
        warnings.append(f"{label}: hidden sheet(s) {', '.join(repr(n) for n in skipped)} not read; unhide "
                        "them or pass sheet=/--sheet to read one")
    return sheets


def read_rows(path: Path, report: ImportReport, sheet=None, skip_hidden: bool = False) -> list[Sheet]:
    """Every sheet of a workbook (or the one table of a CSV file) as rows; problems go to ``report``.

    Rows and columns hidden in a workbook are read (``skip_hidden=False``) or blanked out
    (``skip_hidden=True``); either way a warning names them.
    """
    label = path.name
    if not path.exists():
        raise DataImportError(f"{path}: file not found", report)
    if path.is_dir():
        raise DataImportError(f"{path}: is a folder, not a file", report)
    try:
        if path.stat().st_size == 0:
            raise DataImportError(f"{label}: the file is empty (0 bytes)", report)
        with open(path, "rb") as handle:
            magic = handle.read(8)
        suffix = path.suffix.lower()
        if magic.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
            sheets = _read_xlsx_rows(path, label, sheet, warnings=report.warnings)
        elif magic.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
            raise ValueError(f"{label}: old Excel 97-2003 (.xls) format is not read; save it as .xlsx or "
                             "CSV UTF-8")
        elif magic.startswith(b"%PDF"):
            raise ValueError(f"{label}: is a PDF; convert the annex table to XLSX or CSV first")
        else:
            sheet_, report.encoding = read_csv_sheet(path, label, report.warnings)
            sheets = [sheet_]
    except DataImportError:
        raise
    except ValueError as exc:
        raise DataImportError(str(exc), report) from None
    except OSError as exc:
        raise DataImportError(f"{label}: cannot read the file: {exc.strerror or exc}", report) from None
    for sh in sheets:
        sh.rows = [clean_row(r) for r in sh.rows]
        _hidden(sh, skip_hidden, report)
    if not any(any(v is not None for v in r) for sh in sheets for r in sh.rows):
        raise DataImportError(f"{label}: the file is empty (no cell holds a value)", report)
    return sheets


def _hidden(sh: Sheet, skip: bool, report: ImportReport) -> None:
    """Warn about hidden rows/columns that hold values; blank them out when ``skip``."""
    rows = sorted(r for r in sh.hidden_rows if r < len(sh.rows) and any(v is not None for v in sh.rows[r]))
    cols = sorted(c for c in sh.hidden_cols if any(c < len(r) and r[c] is not None for r in sh.rows))
    if not rows and not cols:
        return
    parts = []
    if rows:
        shown = ", ".join(str(r + 1) for r in rows[:30]) + (" ..." if len(rows) > 30 else "")
        parts.append(f"{len(rows)} hidden row(s) ({shown})")
    if cols:
        parts.append(f"{len(cols)} hidden column(s) ({', '.join(column_letter(c) for c in cols[:30])})")
    what = " and ".join(parts)
    if skip:
        for r in rows:
            sh.rows[r] = [None] * len(sh.rows[r])
        for row in sh.rows:
            for c in cols:
                if c < len(row):
                    row[c] = None
        report.warnings.append(f"{sh.label}: {what} skipped (skip_hidden / --skip-hidden)")
    else:
        report.warnings.append(f"{sh.label}: {what} were hidden in the workbook and ARE imported; check them, or "
                               "pass skip_hidden=True / --skip-hidden to leave them out")


SUMMARY_LABELS = frozenset({
    "rata rata", "rata2", "rerata", "nilai rata rata", "rata rata nasional", "rata rata nilai", "rata rata indeks",
    "rata rata provinsi", "rata rata kabupaten", "rata rata kota", "rata rata kabupaten kota", "average", "mean",
    "nilai tertinggi", "tertinggi", "nilai terendah", "terendah", "nilai maksimum", "nilai minimum", "maksimum",
    "minimum", "max", "min", "median", "nilai tengah", "jumlah", "total", "jumlah total", "grand total", "sum",
    "jumlah pemda", "jumlah daerah", "jumlah inovasi", "total inovasi", "subtotal", "sub total", "standar deviasi",
})
"""Labels of summary rows under a table ("RATA-RATA", "NILAI TERTINGGI", "JUMLAH"), normalised."""


def summary_label(row) -> str | None:
    """The label of a summary row: every text cell is a summary label (numbers beside it allowed)."""
    label = None
    for v in row:
        if v is None or isinstance(v, (int, float)):
            continue
        key = norm_header(cell_text(v))
        if not key:
            continue
        if key.replace(" ", "").isdigit():
            continue
        if key not in SUMMARY_LABELS:
            return None
        label = cell_text(v)
    return label


def check_width(sh: Sheet, start: int, header: dict, prefer_roles, rejects: Rejects, report: ImportReport,
                stop=None, skip=None) -> set[int]:
    """Rows below the header with more fields than the header (CSV): repaired when they are decimal commas
    written without quotes (:func:`~.csvfile.repair_decimal_commas`), else each rejected naming its row.

    ``header`` maps roles to :class:`Column`; the columns of ``prefer_roles`` hold decimals.  Rows for which
    ``skip(row)`` is true (headings, footnotes) are not rejected.  Returns the 0-based rows rejected.
    """
    if sh.delimiter != ",":
        return set()
    width = max([extent(sh.rows[start])] + [c.index + 1 for c in header.values()])
    texts = [cell_text(v).replace("\n", " ") for v in sh.rows[start]] + [""] * width
    for c in header.values():
        texts[c.index] = c.header
    prefer = {header[r].index for r in prefer_roles if r in header}
    errors = repair_decimal_commas(sh, start, width, texts[:width], prefer, stop, report.warnings)
    out = set()
    for i, (col, reason) in errors.items():
        if summary_label(sh.rows[i]) is not None or (skip is not None and skip(sh.rows[i])):
            continue
        rejects.add(sh.label, i + 1, texts[col] or column_letter(col), reason, f"{column_letter(col)}{i + 1}")
        out.add(i)
    return out


def note_summary_rows(label: str, summary: list, report: ImportReport) -> None:
    """Record summary rows (row number, label) left out of the data in ``report``."""
    if not summary:
        return
    report.rows_skipped.extend((label, r, t) for r, t in summary)
    report.warnings.append(f"{len(summary)} summary row(s) skipped (not a pemda): "
                           + "; ".join(f"{label} row {r}: {t!r}" for r, t in summary[:10])
                           + (" ..." if len(summary) > 10 else ""))


def classify_header(row, named_headers: dict, indicator_role) -> list[Column]:
    """Give each header cell a role: "pemda", a named column of ``named_headers``,
    an indicator column (``indicator_role(key)``), or "?" when unknown."""
    cols = []
    for i, text, key in header_cells(row):
        if key in PEMDA_HEADERS:
            role = "pemda"
        else:
            role = next((r for r, words in named_headers.items() if key in words), None) or indicator_role(key)
        cols.append(Column(i, text, role))
    return cols


def header_cells(row) -> list[tuple[int, str, str]]:
    """(index, text as written, normalised) of each non-empty cell of a row."""
    return [(i, cell_text(v).replace("\n", " "), norm_header(cell_text(v))) for i, v in enumerate(row) if v is not None]


def row_text(row) -> str:
    """The non-empty cells of a row joined by spaces."""
    return " ".join(cell_text(v) for v in row if v is not None)


def found_columns(row) -> str:
    """The header cells of a row, quoted, for messages."""
    return ", ".join(repr(t) for _, t, _ in header_cells(row)) or "(none)"


def first_rows_text(sheet: Sheet, n: int = 5) -> str:
    """The first ``n`` non-empty rows of a sheet, for a message when no header is found."""
    out = []
    for i, row in enumerate(sheet.rows):
        if any(v is not None for v in row):
            out.append(f"row {i + 1}: {found_columns(row)}")
        if len(out) == n:
            break
    return "; ".join(out)


@dataclasses.dataclass
class Column:
    """A header cell recognised as a column: position, header as written, role (contract column)."""

    index: int
    header: str  # as written
    role: str    # canonical role ("pemda", "sid_16", "spd_2a", "tahapan", ...)


def find_header(sheet: Sheet, classify, min_hits: int):
    """First row within HEADER_SEARCH_ROWS with ≥ min_hits recognised columns."""
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cols = classify(row)
        if sum(1 for c in cols if c.role != "?") >= min_hits:
            return i, cols
    return None, None


def data_frame(sheet: Sheet, start: int, cols: list[Column], summary: list | None = None) -> pd.DataFrame:
    """Rows below the header as a frame (object cells), index = spreadsheet row number.

    When ``summary`` is a list, summary rows ("JUMLAH", "RATA-RATA") are left out and appended to it as
    (row number, label).
    """
    idx = [c.index for c in cols]
    width = max(idx) + 1 if idx else 0
    data, row_numbers = [], []
    for i in range(start + 1, len(sheet.rows)):
        row = sheet.rows[i]
        if not any(v is not None for v in row):
            continue
        if summary is not None:
            label = summary_label(row)
            if label is not None:
                summary.append((i + 1, label))
                continue
        if len(row) < width:
            row = row + [None] * (width - len(row))
        data.append([row[j] for j in idx])
        row_numbers.append(i + 1)
    frame = pd.DataFrame(data, columns=[c.role for c in cols], index=row_numbers, dtype=object)
    return frame


def pick_sheet(sheets: list[Sheet], classify, min_hits: int, report: ImportReport, what: str):
    """The first sheet with a header row that ``classify`` recognises (sheet, header row, columns)."""
    for k, sh in enumerate(sheets):
        start, cols = find_header(sh, classify, min_hits)
        if start is not None:
            for other in sheets[k + 1:]:  # a second table is not read: say so rather than drop it silently
                o_start, _ = find_header(other, classify, min_hits)
                n = 0 if o_start is None else sum(any(v is not None for v in row) for row in other.rows[o_start + 1:])
                if n:
                    report.warnings.append(f"{other.label}: also holds a table of this kind ({n} rows below its "
                                           f"header) that was NOT read; only {sh.label} was imported. Put every "
                                           "row on one sheet")
            return sh, start, cols
    sh = sheets[0]
    raise DataImportError(f"{sh.label}: no header row found in the first {HEADER_SEARCH_ROWS} rows; expected "
                          f"{what}. First rows found: {first_rows_text(sh)}", report)
