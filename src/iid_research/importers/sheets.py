"""Reading CSV/TXT and XLSX files into rows (:class:`Sheet`), and finding the header row."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pandas as pd

from .cells import cell_text, clean_row, norm_header
from .columns import PEMDA_HEADERS
from .output import DataImportError, ImportReport

HEADER_SEARCH_ROWS = 40


"""How many rows from the top are searched for the header row."""


@dataclasses.dataclass
class Sheet:
    """The rows of one sheet (or of a CSV file) as read, with its label for messages."""

    label: str
    rows: list  # rows[i] is spreadsheet row i + 1, a list of cell values
    merged: list = dataclasses.field(default_factory=list)  # (row0, col0, row1, col1), 0-based, inclusive


def _decode(data: bytes, label: str, warnings: list) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with/without BOM, UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
        enc = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        enc = "latin-1"
    warnings.append(f"{label} is not valid UTF-8 (first bad byte at offset {first_bad}); read as "
                    f"{'Windows-1252' if enc == 'cp1252' else 'Latin-1'}. Check accented names; save as "
                    "'CSV UTF-8' to avoid this.")
    return text, enc


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        counts = []
        try:
            for r in csv.reader(lines, delimiter=delim):
                if len(r) > 1:
                    counts.append(len(r))
        except csv.Error:
            pass  # the full read below reports it with the row number
        if not counts:
            continue
        mode = max(set(counts), key=lambda k: (counts.count(k), k))
        score = counts.count(mode) * (mode - 1)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv_rows(path: Path, label: str, warnings: list) -> tuple[list[Sheet], str]:
    data = path.read_bytes()
    text, enc = _decode(data, label, warnings)
    sample = [ln for ln in text.splitlines()[:60] if ln.strip()]
    delim = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(sample)
    rows = []
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            rows.append(list(r))
    except csv.Error as exc:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = (f"a cell holds more than {csv.field_size_limit():,} characters ({exc}); an unclosed "
                      "quote (\") usually swallows the rest of the file")
        raise ValueError(f"{label} row {len(rows) + 1}: cannot read the CSV: {detail}. Expected a table of "
                         "short cells separated by ',', ';', tab or '|'") from None
    return [Sheet(label, rows)], enc


def _calamine_available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


XLSX_ENGINE = "calamine" if _calamine_available() else "openpyxl"


"""Reader used for XLSX: ``"calamine"`` (python-calamine, ~30x faster) when installed, else
openpyxl's read-only mode.  Both give the same rows; set to ``"openpyxl"`` to force it."""


def _read_xlsx_rows(path: Path, label: str, sheet, engine: str | None = None,
                    warnings: list | None = None) -> list[Sheet]:
    engine = engine or XLSX_ENGINE
    if engine == "calamine":
        sheets, skipped = _read_xlsx_calamine(path, label, sheet)
    else:
        sheets, skipped = _read_xlsx_openpyxl(path, label, sheet)
    if skipped and warnings is not None:
        warnings.append(f"{label}: hidden sheet(s) {', '.join(repr(n) for n in skipped)} not read; unhide "
                        "them or pass sheet=/--sheet to read one")
    return sheets


def _bad_workbook(label: str, exc: Exception) -> ValueError:
    return ValueError(f"{label}: cannot open as an XLSX workbook ({type(exc).__name__}: {exc}). "
                      "Save it again from Excel/LibreOffice as .xlsx or as CSV UTF-8.")


def _pick_sheet_names(label: str, visible: list[str], all_names: list[str], sheet) -> tuple[list[str], list[str]]:
    """(sheets to read, hidden sheets skipped)."""
    if sheet is None:
        return visible, [n for n in all_names if n not in visible]
    if str(sheet) not in all_names:
        raise ValueError(f"{label}: no sheet {sheet!r}; sheets are {all_names}")
    return [str(sheet)], []


def _read_xlsx_calamine(path: Path, label: str, sheet) -> tuple[list[Sheet], list[str]]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        meta = wb.sheets_metadata
    except Exception as exc:  # CalamineError, zip errors ...
        raise _bad_workbook(label, exc) from None
    visible = [m.name for m in meta if "Visible" in str(m.visible) and "Hidden" not in str(m.visible)]
    names, skipped = _pick_sheet_names(label, visible or list(wb.sheet_names), list(wb.sheet_names), sheet)
    sheets = []
    for name in names:
        try:
            ws = wb.get_sheet_by_name(name)
            rows = ws.to_python(skip_empty_area=False)
            ranges = getattr(ws, "merged_cell_ranges", None) or []  # python-calamine >= 0.3
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        except Exception as exc:
            raise _bad_workbook(f"{label}!{name}", exc) from None
        sheets.append(Sheet(label if len(names) == 1 else f"{label}!{name}", [list(r) for r in rows], merged))
    return sheets, skipped


def _openpyxl_merged(ws) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only openpyxl sheet (its ``<mergeCell ref="C5:C6"/>`` elements), 0-based."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    out = []
    try:
        with ws._get_source() as src:  # read-only sheets do not parse merged cells themselves
            for _, elem in iterparse(src):
                tag = elem.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell" and elem.get("ref"):
                    c0, r0, c1, r1 = range_boundaries(elem.get("ref"))
                    out.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
                elif tag in ("row", "c", "v", "is", "t"):
                    elem.clear()
    except Exception:  # unreadable XML: without merge ranges a tie's second row is rejected, not lost
        return []
    return out


def _read_xlsx_openpyxl(path: Path, label: str, sheet) -> tuple[list[Sheet], list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise _bad_workbook(label, exc) from None
    try:
        visible = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        names, skipped = _pick_sheet_names(label, visible, list(wb.sheetnames), sheet)
        sheets = []
        for name in names:
            ws = wb[name]
            ws.reset_dimensions()  # converters often write a wrong <dimension>; read every row
            rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            sheets.append(Sheet(label if len(names) == 1 else f"{label}!{name}", rows, _openpyxl_merged(ws)))
        return sheets, skipped
    finally:
        wb.close()


def read_rows(path: Path, report: ImportReport, sheet=None) -> list[Sheet]:
    """Every sheet of a workbook (or the one table of a CSV file) as rows; problems go to ``report``."""
    label = path.name
    if not path.exists():
        raise DataImportError(f"{path}: file not found", report)
    if path.is_dir():
        raise DataImportError(f"{path}: is a folder, not a file", report)
    if path.stat().st_size == 0:
        raise DataImportError(f"{label}: the file is empty (0 bytes)", report)
    with open(path, "rb") as handle:
        magic = handle.read(8)
    suffix = path.suffix.lower()
    try:
        if magic.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
            sheets = _read_xlsx_rows(path, label, sheet, warnings=report.warnings)
        elif magic.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
            raise ValueError(f"{label}: old Excel 97-2003 (.xls) format is not read; save it as .xlsx or "
                             "CSV UTF-8")
        elif magic.startswith(b"%PDF"):
            raise ValueError(f"{label}: is a PDF; convert the annex table to XLSX or CSV first")
        else:
            sheets, report.encoding = _read_csv_rows(path, label, report.warnings)
    except ValueError as exc:
        raise DataImportError(str(exc), report) from None
    for sh in sheets:
        sh.rows = [clean_row(r) for r in sh.rows]
    if not any(any(v is not None for v in r) for sh in sheets for r in sh.rows):
        raise DataImportError(f"{label}: the file is empty (no cell holds a value)", report)
    return sheets


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


def data_frame(sheet: Sheet, start: int, cols: list[Column]) -> pd.DataFrame:
    """Rows below the header as a frame (object cells), index = spreadsheet row number."""
    idx = [c.index for c in cols]
    width = max(idx) + 1 if idx else 0
    data, row_numbers = [], []
    for i in range(start + 1, len(sheet.rows)):
        row = sheet.rows[i]
        if not any(v is not None for v in row):
            continue
        if len(row) < width:
            row = row + [None] * (width - len(row))
        data.append([row[j] for j in idx])
        row_numbers.append(i + 1)
    frame = pd.DataFrame(data, columns=[c.role for c in cols], index=row_numbers, dtype=object)
    return frame


def pick_sheet(sheets: list[Sheet], classify, min_hits: int, report: ImportReport, what: str):
    """The first sheet with a header row that ``classify`` recognises (sheet, header row, columns)."""
    for sh in sheets:
        start, cols = find_header(sh, classify, min_hits)
        if start is not None:
            return sh, start, cols
    sh = sheets[0]
    raise DataImportError(f"{sh.label}: no header row found in the first {HEADER_SEARCH_ROWS} rows; expected "
                          f"{what}. First rows found: {first_rows_text(sh)}", report)
