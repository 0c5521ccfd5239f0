"""Reading XLSX/XLSM workbooks into :class:`~.grid.Sheet` objects.

Cell values come from python-calamine (fast) or openpyxl's read-only mode.  What neither reports
the same way is read from the sheet's XML here, for both: merged ranges, hidden rows and columns,
error cells (``#N/A``, ``#DIV/0!``: calamine gives them as empty) and formulas saved without their
result (both give them as empty, which would read as level 0).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .grid import CellError, Sheet

_CELL_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_ROW_TAG = re.compile(rb"<row\b([^>]*)>")
_COL_TAG = re.compile(rb"<col\b([^>]*)>")
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+\d+)(?::([A-Z]+\d+))?"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
# a formula followed by no value (or an empty one) and the end of its cell
_FORMULA_NO_VALUE = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)(?:\s*<v\s*/>|\s*<v>\s*</v>)?\s*</c>")
_ATTR = re.compile(rb'\b([a-zA-Z:]+)="([^"]*)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*>([^<]*)</f>")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _ref(ref: bytes) -> tuple[int, int]:
    m = _CELL_REF.fullmatch(ref)
    return int(m.group(2)) - 1, _col_index(m.group(1))


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(text))


def sheet_parts(path: Path) -> dict[str, bytes]:
    """Sheet name -> the bytes of its worksheet XML (``xl/worksheets/sheetN.xml``)."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for el in wb.iter():
            if el.tag.rsplit("}", 1)[-1] != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            target = targets.get(rid)
            if not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if part in names:
                out[el.get("name")] = zf.read(part)
    return out


def scan_sheet(xml: bytes):
    """What the values alone do not say, from one worksheet's XML.

    Returns
    -------
    (merged ranges [(r0, c0, r1, c1)], hidden rows {r}, hidden columns {c}, {(r, c): CellError}), 0-based
    """
    merged = []
    for a, b in _MERGE.findall(xml):
        r0, c0 = _ref(a)
        r1, c1 = _ref(b) if b else (r0, c0)
        merged.append((r0, c0, r1, c1))
    hidden_rows, hidden_cols = set(), set()
    if b"hidden=" in xml:
        for m in _ROW_TAG.finditer(xml):
            at = _attrs(m.group(1))
            if at.get(b"hidden") in (b"1", b"true") and at.get(b"r", b"").isdigit():
                hidden_rows.add(int(at[b"r"]) - 1)
        for m in _COL_TAG.finditer(xml):
            at = _attrs(m.group(1))
            if at.get(b"hidden") in (b"1", b"true") and at.get(b"min", b"").isdigit():
                hidden_cols.update(range(int(at[b"min"]) - 1, int(at.get(b"max", at[b"min"]))))
    errors: dict[tuple[int, int], CellError] = {}
    if b'"e"' in xml:
        for m in _ERROR_CELL.finditer(xml):
            at = _attrs(m.group(1))
            if b"r" not in at:
                continue
            value = _VALUE.search(m.group(2))
            formula = _FORMULA_TEXT.search(m.group(2))
            errors[_ref(at[b"r"])] = CellError(
                html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#ERROR",
                "=" + html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else "")
    if b"<f" in xml:
        for m in _FORMULA_NO_VALUE.finditer(xml):
            start = xml.rfind(b"<c ", 0, m.start())
            if start < 0:
                continue
            at = _attrs(xml[start:xml.index(b">", start)])
            if b"r" not in at or at.get(b"t") == b"e":
                continue
            body = xml[start:m.end()]
            if at.get(b"t") == b"str" and (b"<v>" in body or b"<v/>" in body or b"<v />" in body):
                continue  # a formula whose saved result is the empty text
            formula = m.group(1)
            errors[_ref(at[b"r"])] = CellError("", "=" + html.unescape(formula.decode("utf-8", "replace"))
                                               if formula else "")
    return merged, hidden_rows, hidden_cols, errors


def bad_workbook(label: str, exc: Exception) -> ValueError:
    """The error for a file that is not a readable workbook."""
    return ValueError(f"{label}: cannot open as an XLSX workbook ({type(exc).__name__}: {exc}). "
                      "Save it again from Excel/LibreOffice as .xlsx or as CSV UTF-8.")


def _pick_sheet_names(label: str, visible: list[str], all_names: list[str], sheet) -> tuple[list[str], list[str]]:
    """(sheets to read, hidden sheets skipped)."""
    if sheet is None:
        return visible, [n for n in all_names if n not in visible]
    if str(sheet) not in all_names:
        raise ValueError(f"{label}: no sheet {sheet!r}; sheets are {all_names}")
    return [str(sheet)], []


def _values_calamine(path: Path, label: str, sheet):
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        meta = wb.sheets_metadata
    except Exception as exc:  # CalamineError, zip errors ...
        raise bad_workbook(label, exc) from None
    visible = [m.name for m in meta if "Visible" in str(m.visible) and "Hidden" not in str(m.visible)]
    names, skipped = _pick_sheet_names(label, visible or list(wb.sheet_names), list(wb.sheet_names), sheet)
    values = {}
    for name in names:
        try:
            values[name] = [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        except Exception as exc:
            raise bad_workbook(f"{label}!{name}", exc) from None
    return values, skipped


def _values_openpyxl(path: Path, label: str, sheet):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise bad_workbook(label, exc) from None
    try:
        visible = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        names, skipped = _pick_sheet_names(label, visible, list(wb.sheetnames), sheet)
        values = {}
        for name in names:
            ws = wb[name]
            ws.reset_dimensions()  # converters often write a wrong <dimension>; read every row
            try:
                values[name] = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            except Exception as exc:  # a cell openpyxl cannot parse
                raise bad_workbook(f"{label}!{name}", exc) from None
        return values, skipped
    finally:
        wb.close()


def read_workbook(path: Path, label: str, sheet, engine: str) -> tuple[list[Sheet], list[str]]:
    """The sheets to read (every visible one, or ``sheet``) and the hidden sheets skipped.

    Cells holding an error or a formula without a saved result are :class:`~.grid.CellError` values.
    """
    values, skipped = (_values_calamine if engine == "calamine" else _values_openpyxl)(path, label, sheet)
    try:
        parts = sheet_parts(path)
    except Exception:  # unreadable XML: values only (errors then read as empty, ties as missing)
        parts = {}
    sheets = []
    for name, rows in values.items():
        merged, hidden_rows, hidden_cols, errors = scan_sheet(parts[name]) if name in parts else ([], set(), set(), {})
        for (r, c), err in errors.items():
            while len(rows) <= r:
                rows.append([])
            if len(rows[r]) <= c:
                rows[r].extend([None] * (c + 1 - len(rows[r])))
            rows[r][c] = err
        sheets.append(Sheet(label if len(values) == 1 else f"{label}!{name}", rows, merged, hidden_rows, hidden_cols))
    return sheets, skipped
