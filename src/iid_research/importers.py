"""Importers for the spreadsheets people actually hold: real files in, clear errors out, nothing lost.

Three kinds of file are read (XLSX/XLSM via python-calamine when installed, else
openpyxl read-only, hidden sheets skipped and named in a warning; CSV/TXT/TSV in
UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252, separated by ``,``, ``;``, tab or
``|``, and a CSV the parser refuses, e.g. a cell over 131,072 characters after an
unclosed quote, is refused with its row), validated, and written as a tidy CSV
to ``data/processed/`` (or a folder given), always temp-then-rename
(:func:`iid_research._io.atomic_path`):

``annex`` -- :func:`import_annex`
    The national ranking annex (lampiran) of the Kepmendagri decree on IID
    results, converted from PDF to XLSX or CSV.  Accepted as it comes:

    * title rows before the header ("LAMPIRAN", "KEPUTUSAN MENTERI DALAM NEGERI
      NOMOR ...");
    * header words in Indonesian, any case, any line breaks: ``NO``;
      ``PEMERINTAH DAERAH`` / ``KABUPATEN/KOTA`` / ``PROVINSI`` / ``KABUPATEN`` /
      ``KOTA`` / ``NAMA DAERAH``; ``NILAI INDEKS`` / ``SKOR`` / ``NILAI`` /
      ``INDEKS``; ``PREDIKAT``; optional ``PERINGKAT`` / ``RANKING`` and ``KODE``;
      a ``PROVINSI`` column beside ``KABUPATEN/KOTA`` names each row's province
      (and a name in another province is rejected);
    * a header over two rows (``INDEKS INOVASI DAERAH`` merged above ``NILAI`` and
      ``PREDIKAT``);
    * the header repeated after every page break, and several tables (one per
      cluster) one below the other or on several sheets;
    * section rows ("A. PROVINSI", "KLASTER KABUPATEN") and province heading rows
      ("PROVINSI JAWA TENGAH") between the pemda rows; they narrow bare names
      ("SEMARANG" under a "KOTA" section is Kota Semarang);
    * decimal commas (``"60,01"``), names with ``Kab.``/``Kabupaten``/``Kota``/
      ``Provinsi``/``Prov.`` prefixes in any case;
    * footnote rows after the last score ("Keterangan", "MENTERI DALAM NEGERI",
      "ttd"), listed in the report's warnings;
    * ties written once in a score/predikat cell merged down over several pemda
      rows (XLSX): each row gets the merged value, listed in a warning.

    A row that names a pemda but has an empty score (and no predikat "Tidak
    Dapat Dinilai") is rejected as "score missing", wherever it stands; only a
    province name alone on its row ("JAWA TENGAH", "PROVINSI JAWA TENGAH") is a
    heading.  A score that is not a number (``nan``) is rejected.

    Output columns: [kode_wilayah, nama, level, year, iid_score, predicate, rank,
    source_file, source_row].  ``iid_score`` on the 0-100 scale, ``rank`` as
    written (Int64, within the cluster), ``nama`` the Kemendagri name,
    ``source_row`` the spreadsheet row number.

``innovations`` -- :func:`import_innovations`
    One pemda's (or several pemda's) innovation list, one row per innovation,
    with the 20 SID answers.  Column headers, any case:

    * pemda: ``pemda`` / ``pemerintah daerah`` / ``kode_wilayah`` / ``daerah``
      (required unless ``pemda=`` is given);
    * optional: ``innovation_id`` / ``id inovasi``; ``nama inovasi``;
      ``opd`` / ``perangkat daerah``; ``tahapan``; ``jenis``; ``bentuk``;
      ``inisiator``; ``urusan``; ``tematik``; ``waktu uji coba`` (trial_date);
      ``waktu penerapan`` (implementation_date); ``tahun`` (must equal ``year``);
      dates as ``2024-03-01`` (optionally with a time of day), ``01/03/2024`` (day
      first) or ``1 Maret 2024``; anything else after the date is rejected, and so
      is a trial or implementation date after 31 December of ``year`` (an
      innovation assessed for a year is tried and implemented by then);
    * SID answers, indicators 16-35, one column each, headed ``16``, ``sid_16``,
      ``SID 16``, ``Indikator 16``, ``16. Regulasi Inovasi Daerah`` or the
      indicator's Indonesian name (``Regulasi Inovasi Daerah``; the 2023 and 2026
      names both work).  All 20 are required.

    Each answer is a level 0-3 (``2``, ``2.0``, ``"2"``, ``"Level 2"``; a text
    ``"1.000"`` is rejected as ambiguous, a thousands point in Indonesian) or the parameter
    text of the guideline for that year (``"Peraturan Kepala Daerah"``,
    ``"11-30 SDM"``), compared after lower-casing and dropping punctuation and
    spacing, so ``"11 - 30 sdm"`` matches ``"11-30 SDM"``.  Where a parameter text
    joins alternatives with `` / `` each alternative is accepted too.  An empty
    cell, ``-``, ``tidak ada`` or ``belum ada`` is level 0 (not filled) and is
    counted in a warning.

    Output columns: the shared contract [innovation_id, kode_wilayah, year,
    opd_name, tahapan, jenis, bentuk, inisiator, urusan, tematik, trial_date,
    implementation_date, sid_16 ... sid_35] followed by [nama_inovasi,
    source_file, source_row].  Without an id column the id is
    ``"<file stem>-r<row>"``.

``spd`` -- :func:`import_spd`
    SPD answers (indicators 1-15 with sub-rows 2a/2b, 5a/5b, 10a/10b, 11a/11b,
    13a/13b), long or wide:

    * long: columns pemda, ``indikator`` (``"2a"``, ``"2 a"``, ``"2.a"``, ``"02a"``,
      or a number plus a ``sub`` column), ``level`` / ``jawaban`` / ``parameter`` (a
      level 0-3 or the parameter text; empty is level 0, counted in a warning),
      optional ``raw_value`` / ``capaian``;
    * wide: one row per pemda, one column per SPD row headed ``1``, ``2a``,
      ``spd_2a``, ``Indikator 2a`` or the row's Indonesian name.

    Output columns: [kode_wilayah, year, indicator_no, sub, level, raw_value,
    source_file, source_row].

Errors
------
Every rejected row is listed in :attr:`ImportReport.rejected` with the file,
the row number as the spreadsheet shows it, the column header, the cell
(``"D12"``) and the reason.  Nothing is written when any row is rejected
under ``strict=True``, or when more than ``max_bad_share`` of the data rows
are rejected otherwise; :class:`DataImportError` is raised and carries the
report.  Problems with the whole file (empty, unreadable, no header, missing
column, unknown indicator column, year without rules) raise at once.

The same input bytes always give a byte-identical output file.  Nothing is
cached.

Formula injection: in the written CSV a text cell that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return (or with ``'`` followed by one of
these) gets one leading ``'`` so that Excel/LibreOffice show it as text instead
of running it.  ``report.table`` keeps the values as read, and
:func:`read_imported` removes the added quote.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import difflib
import io
import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from ._io import atomic_path, sha256_file, write_text_atomic
from .data import PREDICATES, _normalise_predicate
from .frameworks import SID_INDICATORS, Framework, assessment_years, framework_for_year, load_framework
from .numbers import parse_number
from .regions import RegionMatcher, RegionMatchError
from .scoring import SID_COLUMNS, assign_predicates

KINDS = ("annex", "innovations", "spd")
"""Kinds of file :func:`import_file` reads."""

ANNEX_COLUMNS = ["kode_wilayah", "nama", "level", "year", "iid_score", "predicate", "rank",
                 "source_file", "source_row"]
INNOVATION_COLUMNS = ["innovation_id", "kode_wilayah", "year", "opd_name", "tahapan", "jenis", "bentuk",
                      "inisiator", "urusan", "tematik", "trial_date", "implementation_date", *SID_COLUMNS,
                      "nama_inovasi", "source_file", "source_row"]
SPD_COLUMNS = ["kode_wilayah", "year", "indicator_no", "sub", "level", "raw_value", "source_file", "source_row"]
REJECTED_COLUMNS = ["file", "row", "column", "reason", "cell"]

TAHAPAN = ("inisiatif", "uji coba", "penerapan")
JENIS = ("digital", "non digital")
HEADER_SEARCH_ROWS = 40
"""How many rows from the top are searched for the header row."""


# --------------------------------------------------------------------------- report and error

@dataclasses.dataclass
class ImportReport:
    """What one import read, kept, rejected and wrote.

    Attributes
    ----------
    kind : {"annex", "innovations", "spd"}
    file : str
        The input path as given.
    year : int
        Assessment year imported.
    rows_read : int
        Data rows found (titles, headings, blank and footnote rows excluded).
    rows_matched : int
        Data rows kept (written when the import succeeds).
    rows_rejected : int
        Data rows rejected; ``rows_read == rows_matched + rows_rejected``.
    rejected : DataFrame with columns [file, row, column, reason, cell]
        One line per fault (a row with two bad cells has two lines).  ``row``
        is the row number the spreadsheet shows (1-based, title rows counted).
    warnings : list of str
        Things accepted but worth a look (predicates that contradict the year's
        thresholds, footnote rows skipped, blanks read as level 0, encoding).
    output_path : Path or None
        The tidy CSV written, or None when nothing was written.
    input_sha256 : str
        SHA-256 of the input file's bytes.
    encoding : str or None
        Text encoding used for CSV input (``"utf-8"``, ``"utf-8-sig"``,
        ``"cp1252"``); None for XLSX.
    rows_skipped : list of (str, int, str)
        Non-data rows passed over (file or file!sheet, row number, text), e.g. titles and headings,
        in file order.
    table : DataFrame or None
        The tidy table of the kept rows.
    error : str or None
        Why the import failed, if it did.
    """

    kind: str
    file: str
    year: int
    rows_read: int = 0
    rows_matched: int = 0
    rows_rejected: int = 0
    rejected: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    warnings: list = dataclasses.field(default_factory=list)
    output_path: Path | None = None
    input_sha256: str = ""
    encoding: str | None = None
    rows_skipped: list = dataclasses.field(default_factory=list)
    table: pd.DataFrame | None = dataclasses.field(default=None, repr=False)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the import succeeded (no error)."""
        return self.error is None

    def rejected_lines(self, limit: int | None = 50) -> list[str]:
        """The rejected rows as readable lines ``"file row 12, column 'SKOR' (C12): reason"``."""
        lines = []
        frame = self.rejected if limit is None else self.rejected.head(limit)
        for r in frame.itertuples(index=False):
            cell = f" ({r.cell})" if r.cell else ""
            col = f", column {r.column!r}" if r.column else ""
            lines.append(f"{r.file} row {r.row}{col}{cell}: {r.reason}")
        if limit is not None and len(self.rejected) > limit:
            lines.append(f"... and {len(self.rejected) - limit} more")
        return lines

    def summary(self, limit: int | None = 50) -> str:
        """Multi-line text: counts, output, warnings, rejected rows (first ``limit``)."""
        head = (f"{self.kind} {self.file} (year {self.year}, sha256 {self.input_sha256[:12]}): "
                f"rows read {self.rows_read}, matched {self.rows_matched}, rejected {self.rows_rejected}")
        parts = [head]
        if self.rows_skipped:
            parts.append(f"non-data rows skipped (titles, headings, footnotes): {len(self.rows_skipped)}")
        parts.append(f"written: {self.output_path}" if self.output_path else "written: nothing")
        if self.error:
            parts.append(f"ERROR: {self.error}")
        for w in self.warnings:
            parts.append(f"warning: {w}")
        if len(self.rejected):
            parts.append("rejected rows:")
            parts.extend("  " + line for line in self.rejected_lines(limit))
        return "\n".join(parts)


class DataImportError(ValueError):
    """An import was refused; nothing was written.

    Attributes
    ----------
    report : ImportReport
        Counts, warnings and every rejected row (``report.rejected``).
    """

    def __init__(self, message: str, report: ImportReport):
        self.report = report
        report.error = message
        lines = report.rejected_lines(50)
        detail = ("\n  " + "\n  ".join(lines)) if lines else ""
        super().__init__(f"{message}{detail}")


# --------------------------------------------------------------------------- text helpers

def _norm(text) -> str:
    """Lower-case, NFKC, punctuation to spaces, collapsed: ``"KABUPATEN/KOTA"`` -> ``"kabupaten kota"``."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = s.replace("≤", " le ").replace("≥", " ge ").replace("<=", " le ").replace(">=", " ge ")
    s = s.replace("<", " lt ").replace(">", " gt ").replace("sampai dengan", " s d ")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "-", "–", "—")


def _text(value) -> str:
    """Cell value as display text (numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value).strip()


def _col_letter(index: int) -> str:
    """0-based column index -> spreadsheet letter (0 -> "A", 27 -> "AB")."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _region_text(value) -> str:
    """A pemda cell as text; a Kemendagri code typed as a number (33.1) gets its two decimals back ("33.10")."""
    if isinstance(value, float) and not value.is_integer() and 10 <= value < 100:
        return f"{value:.2f}"
    return _text(value)


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_") or "input"


# --------------------------------------------------------------------------- reading files

@dataclasses.dataclass
class _Sheet:
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


def _read_csv_rows(path: Path, label: str, warnings: list) -> tuple[list[_Sheet], str]:
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
    return [_Sheet(label, rows)], enc


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
                    warnings: list | None = None) -> list[_Sheet]:
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


def _read_xlsx_calamine(path: Path, label: str, sheet) -> tuple[list[_Sheet], list[str]]:
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
        sheets.append(_Sheet(label if len(names) == 1 else f"{label}!{name}", [list(r) for r in rows], merged))
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


def _read_xlsx_openpyxl(path: Path, label: str, sheet) -> tuple[list[_Sheet], list[str]]:
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
            sheets.append(_Sheet(label if len(names) == 1 else f"{label}!{name}", rows, _openpyxl_merged(ws)))
        return sheets, skipped
    finally:
        wb.close()


_BLANK_TEXTS = frozenset(("", "-", "–", "—"))


def _clean_row(row: list) -> list:
    """Empty strings, dashes and NaN -> None; text stripped of surrounding spaces."""
    out = []
    for v in row:
        if v.__class__ is str:
            v = v.strip()
            if v in _BLANK_TEXTS:
                v = None
        elif v.__class__ is float and v != v:
            v = None
        out.append(v)
    return out


def _read_rows(path: Path, report: ImportReport, sheet=None) -> list[_Sheet]:
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
        sh.rows = [_clean_row(r) for r in sh.rows]
    if not any(any(v is not None for v in r) for sh in sheets for r in sh.rows):
        raise DataImportError(f"{label}: the file is empty (no cell holds a value)", report)
    return sheets


# --------------------------------------------------------------------------- header finding

def _classify_header(row, named_headers: dict, indicator_role) -> list["_Column"]:
    """Give each header cell a role: "pemda", a named column of ``named_headers``,
    an indicator column (``indicator_role(key)``), or "?" when unknown."""
    cols = []
    for i, text, key in _header_cells(row):
        if key in _PEMDA_HEADERS:
            role = "pemda"
        else:
            role = next((r for r, words in named_headers.items() if key in words), None) or indicator_role(key)
        cols.append(_Column(i, text, role))
    return cols


def _header_cells(row) -> list[tuple[int, str, str]]:
    """(index, text as written, normalised) of each non-empty cell of a row."""
    return [(i, _text(v).replace("\n", " "), _norm(_text(v))) for i, v in enumerate(row) if v is not None]


def _row_text(row) -> str:
    return " ".join(_text(v) for v in row if v is not None)


def _found_columns(row) -> str:
    return ", ".join(repr(t) for _, t, _ in _header_cells(row)) or "(none)"


def _first_rows_text(sheet: _Sheet, n: int = 5) -> str:
    out = []
    for i, row in enumerate(sheet.rows):
        if any(v is not None for v in row):
            out.append(f"row {i + 1}: {_found_columns(row)}")
        if len(out) == n:
            break
    return "; ".join(out)


# --------------------------------------------------------------------------- shared checks

def _new_report(kind: str, path: Path, year) -> ImportReport:
    report = ImportReport(kind, str(path), year)
    if path.is_file():
        report.input_sha256 = sha256_file(path)
    return report


def _check_year(year, report: ImportReport) -> int:
    years = assessment_years()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DataImportError(f"year must be a number, got {year!r}; rules exist for {years}", report) from None
    if year not in years:
        raise DataImportError(f"no framework rules for year {year}: rules (framework and predicate "
                              f"thresholds) exist for {years}", report)
    return year


class _Rejects:
    """Collects rejected cells; row numbers are spreadsheet rows."""

    def __init__(self):
        self.items: list[tuple] = []
        self.keys: set = set()

    def add(self, file: str, row: int, column: str, reason: str, cell: str = ""):
        self.items.append((file, int(row), column, reason, cell))
        self.keys.add((file, int(row)))

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.items, columns=REJECTED_COLUMNS)
        frame["row"] = frame["row"].astype(int)
        return frame


def _matcher(matcher):
    if matcher is not None:
        return matcher
    from .data import region_matcher

    return region_matcher()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (or it is such a text already guarded)."""
    return text.lstrip("'").startswith(_FORMULA_START)


def _guard_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting with ``= + - @`` (tab, CR) get a leading ``'`` so Excel shows them as text.

    :func:`read_imported` takes the quote off again.
    """
    out = table
    for col in table.columns:
        if table[col].dtype == object or isinstance(table[col].dtype, pd.StringDtype):
            values = table[col]
            hit = values.map(lambda v: isinstance(v, str) and _needs_guard(v))
            if hit.any():
                if out is table:
                    out = table.copy()
                out[col] = values.where(~hit, "'" + values.astype(object).where(hit, ""))
    return out


def _unguard_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        if frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype):
            hit = frame[col].map(lambda v: isinstance(v, str) and v.startswith("'") and _needs_guard(v[1:]))
            if hit.any():
                frame[col] = frame[col].where(~hit, frame[col].str[1:])
    return frame


def _finish(report: ImportReport, table: pd.DataFrame, rejects: _Rejects, *, kind: str, stem: str,
            out_dir, strict: bool, max_bad_share: float, write: bool) -> ImportReport:
    """Decide accept/refuse, then write the table atomically."""
    report.rejected = rejects.frame()
    report.rows_rejected = len(rejects.keys)
    report.rows_matched = report.rows_read - report.rows_rejected
    report.table = table
    if report.rows_read == 0:
        raise DataImportError(f"{report.file}: a header was found but no data rows below it", report)
    if report.rows_rejected:
        share = report.rows_rejected / report.rows_read
        if strict:
            raise DataImportError(f"{report.rows_rejected} of {report.rows_read} rows rejected under strict; "
                                  "nothing written", report)
        if share > max_bad_share:
            raise DataImportError(f"{report.rows_rejected} of {report.rows_read} rows rejected ({share:.1%}), more "
                                  f"than the allowed share {max_bad_share:.1%}; nothing written", report)
    if write:
        folder = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
        target = folder / f"{kind}_{report.year}_{_slug(stem)}.csv"
        with atomic_path(target) as tmp:
            _guard_formulas(table).to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
        meta = {"kind": kind, "year": report.year, "source_file": Path(report.file).name,
                "input_sha256": report.input_sha256, "encoding": report.encoding,
                "rows_read": report.rows_read, "rows_matched": report.rows_matched,
                "rows_rejected": report.rows_rejected, "output_sha256": sha256_file(target),
                "columns": list(table.columns)}
        write_text_atomic(target.with_suffix(".meta.json"), json.dumps(meta, indent=2, sort_keys=True) + "\n")
        report.output_path = target
    return report


# --------------------------------------------------------------------------- levels and parameter texts

_ZERO_TEXTS = {"tidak ada", "belum ada", "tidak diisi", "nihil", "tidak", "none"}
_LEVEL_RE = re.compile(r"^(?:level|tingkat|lv|l)?\s*([+-]?\d+(?:[.,]\d+)?)$")


_TERM_SYNONYMS = [
    # a Peraturan Bupati/Wali Kota/Gubernur is the Peraturan Kepala Daerah of a kabupaten/kota/provinsi
    (re.compile(r"\b(?:peraturan (?:bupati|walikota|wali kota|gubernur)|perbup|perwal|perwali|perwalkot|pergub|"
                r"perkada)\b"), "peraturan kepala daerah"),
    (re.compile(r"\bperda\b"), "peraturan daerah"),
    (re.compile(r"\b(?:sk|surat keputusan|keputusan) (?:bupati|walikota|wali kota|gubernur|kepala daerah)\b"),
     "sk kepala daerah"),
]


def _canon_terms(key: str) -> str:
    """Map common abbreviations of legal instruments onto the guideline's words (on normalised text)."""
    for pattern, repl in _TERM_SYNONYMS:
        key = pattern.sub(repl, key)
    return key


class _LevelReader:
    """Reads one indicator's answers: a level 0-3 or one of its three parameter texts."""

    def __init__(self, label: str, params: tuple, framework_year: int):
        self.label = label
        self.params = [str(p) for p in params]
        self.framework_year = framework_year
        self.lookup: dict[str, int] = {}
        alternatives: dict[str, set] = {}
        for level, text in enumerate(self.params, start=1):
            self.lookup[_canon_terms(_norm(text))] = level
            for part in re.split(r"\s+/\s+", text):
                alternatives.setdefault(_canon_terms(_norm(part)), set()).add(level)
        for key, levels in alternatives.items():
            if key and len(levels) == 1 and key not in self.lookup:
                self.lookup[key] = levels.pop()

    def read(self, value) -> tuple[int | None, str | None, bool]:
        """Return (level, error, was_blank)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 0, None, True
        if isinstance(value, bool):
            return None, f"{value!r} is not a level 0-3", False
        if isinstance(value, (int, float, np.integer, np.floating)):
            return self._number(float(value), value)
        text = str(value).strip()
        if _is_blank(text):
            return 0, None, True
        key = _canon_terms(_norm(text))
        if key in _ZERO_TEXTS:
            return 0, None, False
        m = _LEVEL_RE.match(text.lower().strip())
        if m:
            if re.search(r"[.,]\d{3}$", m.group(1)):
                return None, (f"level {text!r} is ambiguous (a thousands separator in Indonesian notation, a "
                              "decimal point in English); levels are whole numbers 0-3: write 0, 1, 2 or 3"), False
            return self._number(float(m.group(1).replace(",", ".")), text)
        if key in self.lookup:
            return self.lookup[key], None, False
        expected = "; ".join(f"{i} = {p!r}" for i, p in enumerate(self.params, start=1))
        close = difflib.get_close_matches(key, list(self.lookup), n=1, cutoff=0.75)
        hint = ""
        if close:
            hint = f" Did you mean level {self.lookup[close[0]]} ({self.params[self.lookup[close[0]] - 1]!r})?"
        return None, (f"{text!r} is not a level 0-3 or a parameter text of {self.label} "
                      f"(framework {self.framework_year}): {expected}.{hint}"), False

    @staticmethod
    def _number(number: float, shown) -> tuple:
        if not number.is_integer():
            return None, f"level {shown!r} is not a whole number 0-3", False
        if not 0 <= number <= 3:
            return None, f"level {int(number)} outside 0-3", False
        return int(number), None, False


def _map_levels(values: pd.Series, reader: _LevelReader):
    """Vectorised read of one column: (levels Int64, errors dict index->msg, blank count)."""
    cache: dict = {}
    levels, errors, blanks = [], {}, 0
    for idx, v in zip(values.index, values.tolist()):
        key = (type(v).__name__, v if not (isinstance(v, float) and math.isnan(v)) else "nan")
        try:
            res = cache[key]
        except KeyError:
            res = cache[key] = reader.read(v)
        except TypeError:  # unhashable
            res = reader.read(v)
        level, err, blank = res
        if err:
            errors[idx] = err
        blanks += blank
        levels.append(level)
    return pd.array(levels, dtype="Int64"), errors, blanks


# --------------------------------------------------------------------------- column recognition

_PEMDA_HEADERS = {"pemda", "pemerintah daerah", "nama pemda", "nama pemerintah daerah", "kode wilayah",
                  "kode pemda", "daerah", "nama daerah", "kabupaten kota", "provinsi kabupaten kota",
                  "region", "instansi", "nama instansi"}
_INNOVATION_HEADERS = {
    "innovation_id": {"innovation id", "id", "id inovasi", "kode inovasi", "no inovasi", "nomor inovasi"},
    "nama_inovasi": {"nama inovasi", "inovasi", "judul inovasi", "nama inovasi daerah", "innovation name"},
    "opd_name": {"opd", "opd name", "nama opd", "perangkat daerah", "nama perangkat daerah", "opd pengusul",
                 "unit", "unit kerja", "opd pengampu"},
    "tahapan": {"tahapan", "tahapan inovasi", "tahap", "tahap inovasi"},
    "jenis": {"jenis", "jenis inovasi"},
    "bentuk": {"bentuk", "bentuk inovasi"},
    "inisiator": {"inisiator", "inisiator inovasi", "inisiator daerah"},
    "urusan": {"urusan", "urusan pemerintahan", "urusan inovasi", "urusan utama"},
    "tematik": {"tematik", "tema", "tematik inovasi"},
    "trial_date": {"trial date", "waktu uji coba", "tanggal uji coba", "waktu uji coba inovasi",
                   "waktu uji coba inovasi daerah"},
    "implementation_date": {"implementation date", "waktu penerapan", "tanggal penerapan", "waktu implementasi",
                            "waktu penerapan inovasi", "waktu penerapan inovasi daerah"},
    "year": {"year", "tahun", "tahun penilaian"},
}
_SID_NUMBER_RE = re.compile(r"^(?:sid|indikator|indicator|ind|i)?\s?(\d{1,2})(?:\s+(?!\d).*)?$")
_SPD_NUMBER_RE = re.compile(r"^(?:spd|indikator|indicator|ind|i)?\s?(\d{1,2})\s?([ab])?(?:\s+(?!\d).*)?$")


@dataclasses.dataclass
class _Column:
    index: int
    header: str  # as written
    role: str    # canonical role ("pemda", "sid_16", "spd_2a", "tahapan", ...)


def _sid_name_lookup() -> dict[str, int]:
    names: dict[str, int] = {}
    for fy in (2023, 2026):
        try:
            fw = load_framework(fy)
        except KeyError:
            continue
        for r in fw.sid.itertuples(index=False):
            names.setdefault(_norm(r.name_id), int(r.indicator_no))
    return names


def _spd_name_lookup(fw: Framework) -> dict[str, str]:
    return {_norm(r.name_id): r.row_id for r in fw.spd.itertuples(index=False)}


# --------------------------------------------------------------------------- annex

_ANNEX_HEADERS = {
    "no": {"no", "nomor", "no urut"},
    "name": {"pemerintah daerah", "kabupaten kota", "provinsi", "kabupaten", "kota", "nama daerah", "daerah",
             "nama pemda", "pemda", "nama pemerintah daerah", "provinsi kabupaten kota", "nama",
             "provinsi kabupaten", "kab kota", "kabupaten kota provinsi"},
    "score": {"nilai indeks", "skor", "nilai", "indeks", "nilai iid", "skor iid", "indeks inovasi daerah",
              "nilai indeks inovasi daerah", "skor indeks", "total skor", "nilai akhir", "nilai index",
              "skor akhir", "iid"},
    "predicate": {"predikat", "predikat inovasi", "predikat iid", "kategori"},
    "rank": {"peringkat", "ranking", "rangking", "rank", "urutan", "peringkat nasional"},
    "kode": {"kode", "kode wilayah", "kode daerah", "kode pemda", "kode kemendagri"},
}
_NAME_HEADER_LEVEL = {"provinsi": "provinsi", "kabupaten": "kabupaten", "kota": "kota"}
_SECTION_RE = re.compile(r"^(?:[a-z]|[ivx]+|\d+)?\s?(?:klaster|kluster|cluster|kelompok|pemerintah)?\s?"
                         r"(provinsi|kabupaten|kota|kabupaten kota|kab kota)$")


def _annex_header(row) -> dict[str, _Column] | None:
    found: dict[str, _Column] = {}
    for i, text, key in _header_cells(row):
        if key == "provinsi" and "name" in found and "province" not in found:
            found["province"] = _Column(i, text, "province")  # NO | KABUPATEN/KOTA | PROVINSI | ...
            continue
        if key != "provinsi" and key in _ANNEX_HEADERS["name"] and found.get("name") and \
                _norm(found["name"].header) == "provinsi":
            # NO | PROVINSI | KABUPATEN/KOTA | ...: the first column names the province of the row
            found["province"] = dataclasses.replace(found["name"], role="province")
            found["name"] = _Column(i, text, "name")
            continue
        for role, words in _ANNEX_HEADERS.items():
            if key in words and role not in found:
                found[role] = _Column(i, text, role)
                break
    if "name" in found and len(found) >= 2:
        return found
    return None


def _merge_subheader(header: dict[str, _Column], row) -> bool:
    """Fold a second header row ("NILAI", "PREDIKAT" under a merged "INDEKS INOVASI DAERAH") into ``header``."""
    cells = _header_cells(row)
    if not cells:
        return False
    found = {}
    for i, text, key in cells:
        role = next((r for r, words in _ANNEX_HEADERS.items() if key in words and r != "name"), None)
        if role is None:
            return False
        found[role] = _Column(i, text, role)
    header.update(found)
    return True


def _names_pemda(m: RegionMatcher, text: str, level: str | None) -> bool:
    """True when ``text`` names a pemda (at ``level`` or any level, or ambiguously): a data row, not a footnote."""
    if len(_norm(text)) >= 60:
        return False
    for lv in (level, None):
        try:
            m.match(text, level=lv)
            return True
        except RegionMatchError as exc:
            if "pemda;" in exc.reason:  # "matches 2 pemda; add a prefix ..."
                return True
    return False


def _vertical_merges(sheet: _Sheet, start: int) -> dict[int, list[tuple[int, int]]]:
    """Cells covered by a one-column merge below its first cell, as {row index: [(column, anchor row)]}.

    A tie in the annex is often one merged score (and predikat) cell over two
    pemda rows; only the first row holds the value.
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if c0 == c1 and r1 > r0 and r0 >= start:
            for r in range(r0 + 1, r1 + 1):
                out.setdefault(r, []).append((c0, r0))
    return {r: sorted(cells) for r, cells in out.items()}


def import_annex(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
                 write: bool = True, sheet=None, matcher: RegionMatcher | None = None) -> ImportReport:
    """Import the national ranking annex of the Kepmendagri IID decree (XLSX or CSV).

    Parameters
    ----------
    path : path-like
        The annex as converted from the decree's PDF (layout: module docstring).
    year : int
        Assessment year of the decree (must have rules: :func:`~iid_research.frameworks.assessment_years`).
    out_dir : path-like, optional
        Output folder; default ``config.PROCESSED_DIR``.  The table goes to
        ``annex_<year>_<file stem>.csv`` with a ``.meta.json`` beside it
        (input SHA-256, counts).
    strict : bool, default False
        Refuse the file if any row is bad.
    max_bad_share : float, default 0.05
        Otherwise refuse it when more than this share of data rows is bad.
    write : bool, default True
        False validates only.
    sheet : str, optional
        One sheet of a workbook; default every visible sheet that holds an annex table.
    matcher : RegionMatcher, optional
        Default :func:`iid_research.data.region_matcher`.

    Returns
    -------
    ImportReport
        ``report.table`` has columns [kode_wilayah, nama, level, year,
        iid_score (0-100), predicate, rank (Int64), source_file, source_row].

    Raises
    ------
    DataImportError
        Empty or unreadable file, no header row, a missing score column, a year
        without rules, or too many bad rows (the error lists each: file, row,
        column, reason).  Predicates contradicting the year's thresholds are
        warnings, not errors.
    """
    path = Path(path)
    report = _new_report("annex", path, year)
    year = report.year = _check_year(year, report)
    sheets = _read_rows(path, report, sheet)
    m = _matcher(matcher)
    names = m.regions.set_index("kode_wilayah")
    rejects = _Rejects()
    records = []
    seen: dict[str, list] = {}
    found_header = False
    footnotes = []
    merged_read = []  # cells read from a merged range above them (ties)
    for sh in sheets:
        header = None
        # locate the first header row
        start = None
        for i, row in enumerate(sh.rows[:HEADER_SEARCH_ROWS]):
            header = _annex_header(row)
            if header:
                start = i
                break
        if header is None:
            if len(sheets) > 1:
                report.warnings.append(f"{sh.label}: no annex header in the first {HEADER_SEARCH_ROWS} rows; "
                                       "sheet skipped")
                continue
            raise DataImportError(
                f"{sh.label}: no header row found in the first {HEADER_SEARCH_ROWS} rows. Expected a row "
                "with the column names 'NO', 'PEMERINTAH DAERAH' (or 'KABUPATEN/KOTA', 'PROVINSI'), "
                "'NILAI INDEKS' (or 'SKOR', 'NILAI'), 'PREDIKAT', in any case. First rows found: "
                + _first_rows_text(sh), report)
        found_header = True
        for i in range(start):
            if any(v is not None for v in sh.rows[i]):
                report.rows_skipped.append((sh.label, i + 1, _row_text(sh.rows[i])))
        candidates = []  # (row_no, row, header, level_hint, province_hint, names_pemda)
        merges = _vertical_merges(sh, start)
        level_hint = _NAME_HEADER_LEVEL.get(_norm(header["name"].header))
        province_hint = None
        sub_row = start + 1
        for i in range(start, len(sh.rows)):
            row = sh.rows[i]
            row_no = i + 1
            if not any(v is not None for v in row):
                continue
            if i == sub_row and _merge_subheader(header, row):
                report.rows_skipped.append((sh.label, row_no, "second header row"))
                continue
            new_header = _annex_header(row)
            if new_header:
                sub_row = i + 1
                if "score" not in new_header and not (i + 1 < len(sh.rows) and _merge_subheader(
                        dict(new_header), sh.rows[i + 1]) and any(
                        _norm(_text(v)) in _ANNEX_HEADERS["score"] for v in sh.rows[i + 1] if v is not None)):
                    raise DataImportError(
                        f"{sh.label} row {row_no}: missing required column for the IID score: expected "
                        "'NILAI INDEKS', 'SKOR' or 'NILAI' (any case); columns found: "
                        f"{_found_columns(row)}", report)
                if i != start:
                    # a header repeated after a page break keeps the section and province in force,
                    # unless its name column says the cluster ("KOTA")
                    report.rows_skipped.append((sh.label, row_no, "repeated header"))
                    level_hint = _NAME_HEADER_LEVEL.get(_norm(new_header["name"].header), level_hint)
                header = new_header
                continue
            for c, r0 in merges.get(i, ()):
                anchor = sh.rows[r0][c] if c < len(sh.rows[r0]) else None
                if anchor is not None and (c >= len(row) or row[c] is None):
                    row = list(row) + [None] * (c + 1 - len(row))
                    row[c] = anchor
                    merged_read.append(f"{sh.label} {_col_letter(c)}{row_no} = {_col_letter(c)}{r0 + 1}")

            def cell(role):
                col = header.get(role)
                return None if col is None or col.index >= len(row) else row[col.index]

            score, pred, no = cell("score"), cell("predicate"), cell("no")
            name = cell("name")
            no_is_int = isinstance(no, (int, float)) or (isinstance(no, str) and no.strip().rstrip(".").isdigit())
            if score is not None or pred is not None:
                candidates.append((row_no, row, header, level_hint, province_hint, True))
                continue
            # no score, no predicate: a section or province heading, a title, a footnote, or a pemda row
            # whose score is missing (rejected below, never skipped)
            texts = [_text(v) for v in row if v is not None]
            joined = " ".join(texts)
            key = _norm(joined)
            sec = _SECTION_RE.match(key)
            if sec:
                level_hint = _NAME_HEADER_LEVEL.get(sec.group(1))
                province_hint = None
                report.rows_skipped.append((sh.label, row_no, joined))
                continue
            if name is not None and level_hint != "provinsi" and len(_norm(name)) < 60:
                try:
                    province_hint = m.match(_text(name), level="provinsi")
                    report.rows_skipped.append((sh.label, row_no, joined))
                    continue
                except RegionMatchError:
                    pass
            if len(texts) == 1 and len(key) < 60 and level_hint != "provinsi":
                try:
                    province_hint = m.match(texts[0], level="provinsi")
                    report.rows_skipped.append((sh.label, row_no, joined))
                    continue
                except RegionMatchError:
                    pass
            named = name is not None and _names_pemda(m, _text(name), level_hint)
            if named or (no_is_int and name is not None):
                candidates.append((row_no, row, header, level_hint, province_hint, named))
                continue
            footnotes.append((row_no, joined, sh.label))
        # rows after the last row with a score are footnotes when they lack score and predicate
        # (unless they name a pemda: then the score is missing)
        last_scored = max((c[0] for c in candidates if (c[2].get("score") and c[2]["score"].index < len(c[1])
                                                        and c[1][c[2]["score"].index] is not None)), default=0)
        for row_no, row, hdr, lvl, prov, named in candidates:
            def get(role, row=row, hdr=hdr):
                col = hdr.get(role)
                return None if col is None or col.index >= len(row) else row[col.index]

            def colname(role, hdr=hdr):
                return hdr[role].header if role in hdr else ""

            def cellref(role, hdr=hdr, row_no=row_no):
                return f"{_col_letter(hdr[role].index)}{row_no}" if role in hdr else ""

            if row_no > last_scored and not named and get("score") is None and get("predicate") is None:
                footnotes.append((row_no, " ".join(_text(v) for v in row if v is not None), sh.label))
                continue
            report.rows_read += 1
            bad = False

            def reject(role, reason):
                nonlocal bad
                bad = True
                rejects.add(sh.label, row_no, colname(role), reason, cellref(role))

            # pemda
            name = get("name")
            kode = None
            if name is None:
                reject("name", "pemda name is empty")
            else:
                prov_written = get("province")
                if prov_written is not None:
                    try:
                        prov = m.match(_text(prov_written), level="provinsi")
                    except RegionMatchError as exc:
                        reject("province", str(exc))
                try:
                    try:
                        kode = m.match(_text(name), level=lvl)
                    except RegionMatchError as ambiguous:
                        if not (prov and len(ambiguous.candidates) > 1 and "pemda;" in ambiguous.reason):
                            raise
                        kode = m.match(_text(name), level=lvl, province=prov)  # the province column decides
                    if prov and kode.split(".")[0] != prov.split(".")[0]:
                        reject("province", f"{_text(name)!r} is {kode} {names.loc[kode, 'nama']} in "
                                           f"{names.loc[kode, 'province']}, not in {names.loc[prov, 'nama']}")
                except RegionMatchError as exc:
                    msg = str(exc)
                    if lvl:
                        try:
                            other = m.match(_text(name))
                            msg = (f"{_text(name)!r} is {other} {names.loc[other, 'nama']} (a "
                                   f"{names.loc[other, 'level']}) but the row is in the {lvl.upper()} table")
                        except RegionMatchError:
                            pass
                    reject("name", msg)
            code_written = get("kode")
            if kode and code_written is not None:
                try:
                    by_code = m.match(_region_text(code_written))
                    if by_code != kode:
                        reject("kode", f"code {_text(code_written)!r} is {by_code} {names.loc[by_code, 'nama']} "
                                       f"but the name {_text(name)!r} is {kode} {names.loc[kode, 'nama']}")
                except RegionMatchError as exc:
                    reject("kode", str(exc))
            # score
            score_value = math.nan
            raw = get("score")
            if raw is not None:
                try:
                    score_value = parse_number(raw, scale="index")
                    if math.isnan(score_value):
                        reject("score", f"score {_text(raw)!r} is not a number; expected a number such as 60,01 "
                                        "or 60.01")
                    elif not 0 <= score_value <= 100:
                        reject("score", f"score {score_value:g} (written {_text(raw)!r}) outside 0-100 "
                                        "(the IID scale since 2021)")
                except ValueError as exc:
                    reject("score", f"{exc}; expected a number such as 60,01 or 60.01")
            # predicate
            predicate = None
            if get("predicate") is not None:
                try:
                    predicate = _normalise_predicate(_text(get("predicate")))
                except ValueError:
                    reject("predicate", f"unknown predikat {_text(get('predicate'))!r}; expected one of "
                                        f"{', '.join(PREDICATES)}")
            if raw is None and not bad and predicate != "Tidak Dapat Dinilai":
                reject("score" if "score" in hdr else "name",
                       "score missing: the row names a pemda but its score cell is empty (for a tie, give the "
                       "score on each row)")
            # rank
            rank = None
            if get("rank") is not None:
                try:
                    rv = parse_number(get("rank"), scale="raw")
                    if not (rv >= 1 and float(rv).is_integer()):
                        raise ValueError
                    rank = int(rv)
                except ValueError:
                    reject("rank", f"rank {_text(get('rank'))!r} is not a whole number ≥ 1")
            if kode:
                seen.setdefault(kode, []).append((sh.label, row_no, hdr))
            records.append({"kode_wilayah": kode, "nama": names.loc[kode, "nama"] if kode else None,
                            "level": names.loc[kode, "level"] if kode else None, "year": year,
                            "iid_score": score_value, "predicate": predicate, "rank": rank,
                            "source_file": sh.label, "source_row": row_no, "_bad": bad})
    if not found_header:
        raise DataImportError(f"{path.name}: no sheet holds an annex table (expected header words 'NO', "
                              "'PEMERINTAH DAERAH', 'NILAI INDEKS', 'PREDIKAT')", report)
    for kode, where in seen.items():
        if len(where) > 1:
            rows = ", ".join(f"{lab} row {r}" for lab, r, _ in where)
            for lab, r, hdr in where:
                rejects.add(lab, r, hdr["name"].header, f"duplicate pemda-year: {kode} {names.loc[kode, 'nama']} "
                            f"{year} appears {len(where)} times ({rows})", f"{_col_letter(hdr['name'].index)}{r}")
    if merged_read:
        report.warnings.append(f"{len(merged_read)} empty cell(s) inside a merged range read as the range's value "
                               "(a tie written once for several rows): " + "; ".join(merged_read[:10])
                               + (" ..." if len(merged_read) > 10 else ""))
    if footnotes:
        report.rows_skipped.extend((lab, r, t) for r, t, lab in footnotes)
        report.warnings.append(f"{len(footnotes)} row(s) without a score read as titles/footnotes and skipped: "
                               + "; ".join(f"{lab} row {r}: {t[:60]!r}" for r, t, lab in footnotes[:10])
                               + (" ..." if len(footnotes) > 10 else ""))
    table = pd.DataFrame.from_records(records, columns=[*ANNEX_COLUMNS, "_bad"])
    if len(table):
        bad_keys = rejects.keys
        keep = [(f, r) not in bad_keys for f, r in zip(table["source_file"], table["source_row"])]
        table = table[keep]
    table = table.drop(columns="_bad").reset_index(drop=True)
    table["year"] = table["year"].astype(int)
    table["iid_score"] = table["iid_score"].astype(float)
    table["rank"] = pd.array(table["rank"].tolist(), dtype="Int64")
    table["source_row"] = table["source_row"].astype(int)
    # predicates that contradict the year's thresholds: warn with the list
    if len(table):
        expected = assign_predicates(table["iid_score"].to_numpy(), year)
        given = table["predicate"].to_numpy(dtype=object)
        clash = [(r, e) for r, e, g in zip(table.itertuples(index=False), expected, given)
                 if g is not None and e is not None and g != e]
        if clash:
            lines = [f"{r.source_file} row {r.source_row}: {r.nama} IID {r.iid_score:.2f} published as "
                     f"{r.predicate!r}, the {year} thresholds give {e!r}" for r, e in clash]
            report.warnings.append(f"{len(clash)} predicate(s) contradict the {year} thresholds (kept as "
                                   "published): " + "; ".join(lines[:20]) + (" ..." if len(lines) > 20 else ""))
    return _finish(report, table, rejects, kind="annex", stem=path.stem, out_dir=out_dir, strict=strict,
                   max_bad_share=max_bad_share, write=write)


# --------------------------------------------------------------------------- table-shaped files

def _find_header(sheet: _Sheet, classify, min_hits: int):
    """First row within HEADER_SEARCH_ROWS with ≥ min_hits recognised columns."""
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cols = classify(row)
        if sum(1 for c in cols if c.role != "?") >= min_hits:
            return i, cols
    return None, None


def _data_frame(sheet: _Sheet, start: int, cols: list[_Column]) -> pd.DataFrame:
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


def _pick_sheet(sheets: list[_Sheet], classify, min_hits: int, report: ImportReport, what: str):
    for sh in sheets:
        start, cols = _find_header(sh, classify, min_hits)
        if start is not None:
            return sh, start, cols
    sh = sheets[0]
    raise DataImportError(f"{sh.label}: no header row found in the first {HEADER_SEARCH_ROWS} rows; expected "
                          f"{what}. First rows found: {_first_rows_text(sh)}", report)


def _match_pemda(frame: pd.DataFrame, m: RegionMatcher, pemda, label: str, header: dict, rejects: _Rejects,
                 report: ImportReport) -> pd.Series:
    given = None
    if pemda is not None:
        try:
            code = given = m.match(pemda)
        except RegionMatchError as exc:
            raise DataImportError(f"pemda given: {exc}", report) from None
        if "pemda" not in frame.columns:
            return pd.Series(code, index=frame.index, dtype=object)
    codes = {}
    for value in pd.unique(frame["pemda"]):
        try:
            codes[value] = (m.match(_region_text(value)), None)
        except RegionMatchError as exc:
            codes[value] = (None, str(exc))
    out = []
    col = header["pemda"]
    for row_no, value in frame["pemda"].items():
        code, err = codes[value]
        if value is None:
            err = "pemda is empty"
            code = None
        if err:
            rejects.add(label, row_no, col.header, err, f"{_col_letter(col.index)}{row_no}")
        elif given is not None and code != given:
            rejects.add(label, row_no, col.header, f"pemda {_text(value)!r} is {code}, not the pemda given "
                        f"({pemda!r})", f"{_col_letter(col.index)}{row_no}")
        out.append(code)
    return pd.Series(out, index=frame.index, dtype=object)


def _check_year_column(frame, year, label, header, rejects):
    if "year" not in frame.columns:
        return
    col = header["year"]
    for row_no, value in frame["year"].items():
        if value is None:
            continue
        try:
            y = parse_number(value, scale="raw")
        except ValueError:
            y = None
        if y is None or math.isnan(y) or not float(y).is_integer():
            rejects.add(label, row_no, col.header, f"{_text(value)!r} is not a year; expected {year} (the year "
                        "imported)", f"{_col_letter(col.index)}{row_no}")
        elif y != year:
            rejects.add(label, row_no, col.header, f"year {_text(value)!r} differs from the year imported "
                        f"({year}); import each year separately", f"{_col_letter(col.index)}{row_no}")


_MONTHS = {"januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
           "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
           "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "aug": 8, "sep": 9,
           "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12, "may": 5}


def _parse_date(value):
    """Return (Timestamp or NaT, error)."""
    if value is None:
        return pd.NaT, None
    if isinstance(value, (_dt.datetime, _dt.date)):
        if not 1900 <= value.year <= 2100:
            return pd.NaT, f"date {value.isoformat()!r} has a year outside 1900-2100"
        return pd.Timestamp(value.year, value.month, value.day), None
    s = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", s)
    parts = None
    if m:
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m2 = re.match(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", s)
    if m2:
        parts = (int(m2.group(3)), int(m2.group(2)), int(m2.group(1)))  # day first, as written in Indonesia
    m3 = re.match(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$", s)
    if m3 and m3.group(2).lower() in _MONTHS:
        parts = (int(m3.group(3)), _MONTHS[m3.group(2).lower()], int(m3.group(1)))
    if parts and not 1900 <= parts[0] <= 2100:
        return pd.NaT, f"date {s!r} has a year outside 1900-2100"
    if parts:
        try:
            return pd.Timestamp(_dt.date(*parts)), None
        except ValueError:
            pass
    return pd.NaT, (f"{s!r} is not a date (expected e.g. 2024-03-01, 2024-03-01 00:00:00, 01/03/2024 or "
                    "1 Maret 2024)")


def _categorical(frame, role, allowed, aliases, label, header, rejects):
    if role not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    col = header[role]
    out = []
    for row_no, value in frame[role].items():
        if value is None:
            out.append(pd.NA)
            continue
        key = _norm(value)
        key = aliases.get(key, key)
        if key not in allowed:
            rejects.add(label, row_no, col.header, f"{_text(value)!r} is not a valid {role}; expected one of "
                        f"{', '.join(allowed)}", f"{_col_letter(col.index)}{row_no}")
            out.append(pd.NA)
        else:
            out.append(key)
    return pd.Series(out, index=frame.index, dtype="string")


def _free_text(frame, role):
    if role not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return pd.Series([pd.NA if v is None else _text(v) for v in frame[role]], index=frame.index, dtype="string")


def import_innovations(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
                       write: bool = True, sheet=None, pemda: str | None = None,
                       matcher: RegionMatcher | None = None) -> ImportReport:
    """Import an innovation list with SID answers (one row per innovation).

    Parameters
    ----------
    path : path-like
        XLSX or CSV; column layout in the module docstring.
    year : int
        Assessment year; its framework (:func:`~iid_research.frameworks.framework_for_year`)
        supplies the parameter texts answers may be written as.
    pemda : str, optional
        The pemda of every row (name or code) when the file has no pemda column;
        when it has one, rows of another pemda are rejected.
    out_dir, strict, max_bad_share, write, sheet, matcher
        As for :func:`import_annex`.  Output ``innovations_<year>_<stem>.csv``.

    Returns
    -------
    ImportReport
        ``report.table``: [innovation_id, kode_wilayah, year, opd_name, tahapan,
        jenis, bentuk, inisiator, urusan, tematik, trial_date,
        implementation_date (datetime64), sid_16 ... sid_35 (Int64 0-3),
        nama_inovasi, source_file, source_row].

    Raises
    ------
    DataImportError
        Empty/unreadable file, no header, missing pemda or SID column(s), a
        column for an unknown indicator number, a year without rules, or too
        many bad rows (levels outside 0-3, unknown parameter texts, unknown
        pemda, duplicate innovation ids, bad dates or categories).
    """
    path = Path(path)
    report = _new_report("innovations", path, year)
    year = report.year = _check_year(year, report)
    fw = framework_for_year(year)
    sheets = _read_rows(path, report, sheet)
    sid_names = _sid_name_lookup()
    unknown_numbers: list[tuple[str, int]] = []

    def indicator_role(key):
        mnum = _SID_NUMBER_RE.match(key)
        if mnum:
            n = int(mnum.group(1))
            return f"sid_{n}" if n in SID_INDICATORS else f"unknown_{n}"
        return f"sid_{sid_names[key]}" if key in sid_names else "?"

    def classify(row):
        return _classify_header(row, _INNOVATION_HEADERS, indicator_role)

    sh, start, cols = _pick_sheet(sheets, classify, 3, report,
                                  "a row naming the pemda column and the SID columns 16-35 "
                                  "('16' or 'sid_16' or 'Indikator 16' or 'Regulasi Inovasi Daerah')")
    for i in range(start):
        if any(v is not None for v in sh.rows[i]):
            report.rows_skipped.append((sh.label, i + 1, _row_text(sh.rows[i])))
    header: dict[str, _Column] = {}
    for c in cols:
        if c.role.startswith("unknown_"):
            unknown_numbers.append((c.header, int(c.role.split("_")[1])))
        elif c.role != "?":
            if c.role in header:
                raise DataImportError(f"{sh.label} row {start + 1}: columns {header[c.role].header!r} and "
                                      f"{c.header!r} both give {c.role}; keep one", report)
            header[c.role] = c
    if unknown_numbers:
        raise DataImportError(
            f"{sh.label} row {start + 1}: unknown indicator number(s) in column(s) "
            + ", ".join(f"{h!r} ({n})" for h, n in unknown_numbers)
            + f"; SID indicators are numbered 16-35 (1-15 are SPD indicators: import them with kind 'spd')",
            report)
    missing = [c for c in SID_COLUMNS if c not in header]
    if "pemda" not in header and pemda is None:
        missing.insert(0, "pemda")
    if missing:
        expected = []
        for c in missing:
            if c == "pemda":
                expected.append("pemda: 'pemda', 'pemerintah daerah' or 'kode_wilayah' (or pass pemda=/--pemda)")
            else:
                n = int(c.split("_")[1])
                name = fw.sid.set_index("indicator_no").loc[n, "name_id"]
                expected.append(f"{c}: '{n}', 'sid_{n}', 'Indikator {n}' or {name!r}")
        raise DataImportError(
            f"{sh.label}: missing required column(s) {missing}. Columns found in row {start + 1}: "
            f"{_found_columns(sh.rows[start])}. Expected names: " + "; ".join(expected), report)
    frame = _data_frame(sh, start, list(header.values()))
    report.rows_read = len(frame)
    rejects = _Rejects()
    label = sh.label
    m = _matcher(matcher)
    kode = _match_pemda(frame, m, pemda, label, header, rejects, report)
    _check_year_column(frame, year, label, header, rejects)

    out = pd.DataFrame(index=frame.index)
    if "innovation_id" in frame.columns:
        ids = [None if v is None else _text(v) for v in frame["innovation_id"]]
        col = header["innovation_id"]
        for row_no, v in zip(frame.index, ids):
            if v is None:
                rejects.add(label, row_no, col.header, "innovation id is empty", f"{_col_letter(col.index)}{row_no}")
    else:
        ids = [f"{_slug(path.stem)}-r{r}" for r in frame.index]
    out["innovation_id"] = pd.Series(ids, index=frame.index, dtype="string")
    out["kode_wilayah"] = pd.Series(kode, index=frame.index, dtype="string")
    out["year"] = year
    out["opd_name"] = _free_text(frame, "opd_name")
    out["tahapan"] = _categorical(frame, "tahapan", TAHAPAN, {"ujicoba": "uji coba", "uji coba inovasi": "uji coba",
                                                             "implementasi": "penerapan"}, label, header, rejects)
    out["jenis"] = _categorical(frame, "jenis", JENIS, {"nondigital": "non digital", "non": "non digital"},
                                label, header, rejects)
    for role in ("bentuk", "inisiator", "urusan", "tematik"):
        out[role] = _free_text(frame, role)
    for role in ("trial_date", "implementation_date"):
        values = []
        if role in frame.columns:
            col = header[role]
            cache = {}
            for row_no, v in frame[role].items():
                try:
                    ts, err = cache[v]
                except KeyError:
                    ts, err = cache[v] = _parse_date(v)
                if not err and ts is not pd.NaT and ts.year > year:
                    what = "trial" if role == "trial_date" else "implementation"
                    err = (f"{what} date {ts.date().isoformat()} is after 31 Dec {year}, the end of the "
                           f"assessment year imported; a {year} innovation is tried and implemented by then")
                if err:
                    rejects.add(label, row_no, col.header, err, f"{_col_letter(col.index)}{row_no}")
                values.append(ts)
        else:
            values = [pd.NaT] * len(frame)
        out[role] = pd.to_datetime(pd.Series(values, index=frame.index, dtype="datetime64[ns]"))
    sid = fw.sid.set_index("indicator_no")
    blanks = 0
    for c in SID_COLUMNS:
        n = int(c.split("_")[1])
        reader = _LevelReader(f"indicator {n} ({sid.loc[n, 'name_id']})",
                              (sid.loc[n, "param1"], sid.loc[n, "param2"], sid.loc[n, "param3"]), fw.year)
        levels, errors, nblank = _map_levels(frame[c], reader)
        blanks += nblank
        col = header[c]
        for row_no, msg in errors.items():
            rejects.add(label, row_no, col.header, msg, f"{_col_letter(col.index)}{row_no}")
        out[c] = levels
    out["nama_inovasi"] = _free_text(frame, "nama_inovasi")
    out["source_file"] = label
    out["source_row"] = frame.index.astype(int)
    # duplicates
    dup_key = out["kode_wilayah"].fillna("?") + "|" + out["innovation_id"].fillna("?")
    dups = dup_key[dup_key.duplicated(keep=False) & out["innovation_id"].notna()]
    if len(dups):
        col = header.get("innovation_id")
        for key, group in dups.groupby(dups, sort=False):
            rows = ", ".join(str(r) for r in group.index)
            for row_no in group.index:
                rejects.add(label, row_no, col.header if col else "", f"duplicate innovation id "
                            f"{key.split('|')[1]!r} for pemda {key.split('|')[0]} {year} (rows {rows})",
                            f"{_col_letter(col.index)}{row_no}" if col else "")
    if out["nama_inovasi"].notna().any():
        name_key = out["kode_wilayah"].fillna("?") + "|" + out["nama_inovasi"].str.lower().str.strip()
        dn = name_key[name_key.duplicated(keep=False) & out["nama_inovasi"].notna()]
        if len(dn):
            report.warnings.append(f"{dn.nunique()} innovation name(s) appear more than once for the same pemda "
                                   f"(rows {', '.join(str(r) for r in dn.index[:20])}); kept, check they are "
                                   "different innovations")
    if blanks:
        report.warnings.append(f"{blanks} empty SID answer(s) read as level 0 (not filled)")
    keep = [(label, int(r)) not in rejects.keys for r in out.index]
    table = out[keep].reset_index(drop=True)
    table = table[INNOVATION_COLUMNS]
    return _finish(report, table, rejects, kind="innovations", stem=path.stem, out_dir=out_dir, strict=strict,
                   max_bad_share=max_bad_share, write=write)


# --------------------------------------------------------------------------- SPD

_SPD_LONG_HEADERS = {
    "indicator": {"indikator", "indicator", "indicator no", "no indikator", "nomor indikator", "kode indikator",
                  "row id", "indikator spd", "butir"},
    "sub": {"sub", "sub indikator", "sub row"},
    "answer": {"level", "jawaban", "parameter", "answer", "pilihan", "nilai parameter", "tingkat", "nilai"},
    "raw_value": {"raw value", "capaian", "nilai capaian", "data", "realisasi", "angka"},
    "year": {"year", "tahun"},
}


def _spd_row_id(value, sub, fw: Framework) -> tuple[str | None, str | None]:
    """Return (row_id, error) for an indicator cell (and optional sub cell)."""
    text = _text(value).lower().replace(" ", "").replace(".", "").replace("-", "").replace("_", "")
    if sub is not None and _text(sub):
        text += _text(sub).lower().strip()
    m = re.match(r"^(?:spd|indikator|ind|i)?(\d{1,2})([a-z])?$", text)
    ids = fw.spd_row_ids
    listed = ", ".join(ids)
    if not m:
        return None, f"{_text(value)!r} is not an SPD indicator number; SPD rows are {listed}"
    rid = str(int(m.group(1))) + (m.group(2) or "")  # "01" is 1, "02a" is 2a
    if rid in ids:
        return rid, None
    subs = [r for r in ids if re.fullmatch(m.group(1) + r"[ab]", r)]
    if subs and not m.group(2):
        return None, f"indicator {m.group(1)} has sub-rows {' and '.join(subs)}; give the sub-row"
    return None, f"unknown SPD indicator number {rid!r}; SPD rows are {listed} (SID indicators 16-35 belong " \
                 f"to the innovations file)"


def import_spd(path, year: int, *, out_dir=None, strict: bool = False, max_bad_share: float = 0.05,
               write: bool = True, sheet=None, pemda: str | None = None,
               matcher: RegionMatcher | None = None) -> ImportReport:
    """Import SPD answers (regional-government aspect, indicators 1-15), long or wide.

    Parameters
    ----------
    path : path-like
        XLSX or CSV; layout in the module docstring.  Long when a column is
        headed ``indikator`` and another ``level``/``jawaban``/``parameter``;
        wide otherwise.
    year : int
        Assessment year (its framework gives the SPD rows and parameter texts).
    pemda, out_dir, strict, max_bad_share, write, sheet, matcher
        As for :func:`import_innovations`.  Output ``spd_<year>_<stem>.csv``.

    Returns
    -------
    ImportReport
        ``report.table``: [kode_wilayah, year, indicator_no (int 1-15), sub
        ("", "a", "b"), level (int 0-3), raw_value (float, NaN if not given),
        source_file, source_row], sorted as read.

    Raises
    ------
    DataImportError
        As for :func:`import_innovations`; also duplicate pemda-year (wide) or
        pemda-year-row (long) answers and unknown SPD indicator numbers.
    """
    path = Path(path)
    report = _new_report("spd", path, year)
    year = report.year = _check_year(year, report)
    fw = framework_for_year(year)
    sheets = _read_rows(path, report, sheet)
    spd_names = _spd_name_lookup(fw)

    def indicator_role(key):
        mnum = _SPD_NUMBER_RE.match(key)
        if mnum:
            return f"spd_{int(mnum.group(1))}{mnum.group(2) or ''}"
        return f"spd_{spd_names[key]}" if key in spd_names else "?"

    def classify(row):
        return _classify_header(row, _SPD_LONG_HEADERS, indicator_role)

    sh, start, cols = _pick_sheet(sheets, classify, 2, report,
                                  "long: columns 'pemda', 'indikator', 'level' (or 'jawaban'); or wide: 'pemda' "
                                  "and one column per SPD row ('1', '2a', ... '15')")
    label = sh.label
    header: dict[str, _Column] = {}
    for c in cols:
        if c.role != "?":
            if c.role in header:
                raise DataImportError(f"{label} row {start + 1}: columns {header[c.role].header!r} and {c.header!r} "
                                      f"both give {c.role}; keep one", report)
            header[c.role] = c
    for i in range(start):
        if any(v is not None for v in sh.rows[i]):
            report.rows_skipped.append((sh.label, i + 1, _row_text(sh.rows[i])))
    is_long = "indicator" in header
    rejects = _Rejects()
    m = _matcher(matcher)
    readers = {r.row_id: _LevelReader(f"SPD row {r.row_id} ({r.name_id})", (r.param1, r.param2, r.param3), fw.year)
               for r in fw.spd.itertuples(index=False)}
    if is_long:
        missing = [r for r in ("indicator", "answer") if r not in header]
    else:
        spd_cols = [c for c in header if c.startswith("spd_")]
        unknown = [header[c] for c in spd_cols if c[4:] not in readers]
        if unknown:
            raise DataImportError(
                f"{label} row {start + 1}: unknown indicator number(s) in column(s) "
                + ", ".join(f"{c.header!r}" for c in unknown)
                + f"; SPD rows are {', '.join(fw.spd_row_ids)} (SID indicators 16-35 go in the innovations file)",
                report)
        missing = [f"spd_{r}" for r in fw.spd_row_ids if f"spd_{r}" not in header]
    if "pemda" not in header and pemda is None:
        missing.insert(0, "pemda")
    if missing:
        expected = {"pemda": "'pemda', 'pemerintah daerah' or 'kode_wilayah' (or pass pemda=/--pemda)",
                    "indicator": "'indikator' (values '1', '2a', ...)",
                    "answer": "'level', 'jawaban' or 'parameter' (a level 0-3 or the parameter text)"}
        spd_rows = fw.spd.set_index("row_id")
        names = [f"{c}: {expected[c]}" if c in expected
                 else f"{c}: {c[4:]!r}, 'spd_{c[4:]}' or {spd_rows.loc[c[4:], 'name_id']!r}" for c in missing]
        raise DataImportError(
            f"{label}: missing required column(s) {missing} for the {'long' if is_long else 'wide'} SPD layout. "
            f"Columns found in row {start + 1}: {_found_columns(sh.rows[start])}. Expected names: "
            + "; ".join(names), report)
    frame = _data_frame(sh, start, list(header.values()))
    report.rows_read = len(frame)
    kode = _match_pemda(frame, m, pemda, label, header, rejects, report)
    _check_year_column(frame, year, label, header, rejects)
    records = []
    blanks = 0
    if is_long:
        ind_col, ans_col = header["indicator"], header["answer"]
        for row_no, r in frame.iterrows():
            rid, err = _spd_row_id(r["indicator"], r.get("sub") if "sub" in frame.columns else None, fw)
            if err:
                rejects.add(label, row_no, ind_col.header, err, f"{_col_letter(ind_col.index)}{row_no}")
                continue
            level, err, blank = readers[rid].read(r["answer"])
            blanks += blank
            if err:
                rejects.add(label, row_no, ans_col.header, err, f"{_col_letter(ans_col.index)}{row_no}")
                continue
            raw_value = math.nan
            if "raw_value" in frame.columns and r["raw_value"] is not None:
                try:
                    raw_value = parse_number(r["raw_value"], scale="index")
                except ValueError as exc:
                    col = header["raw_value"]
                    rejects.add(label, row_no, col.header, str(exc), f"{_col_letter(col.index)}{row_no}")
                    continue
            records.append((kode[row_no], year, int(re.match(r"\d+", rid).group()), rid.lstrip("0123456789"),
                            level, raw_value, label, int(row_no)))
        table = pd.DataFrame(records, columns=SPD_COLUMNS)
        key = table["kode_wilayah"].fillna("?") + "|" + table["indicator_no"].astype(str) + table["sub"]
        dups = key[key.duplicated(keep=False) & table["kode_wilayah"].notna()]
        for k, group in dups.groupby(dups, sort=False):
            rows = table.loc[group.index, "source_row"].tolist()
            for row_no in rows:
                rejects.add(label, row_no, ind_col.header, f"duplicate answer: pemda {k.split('|')[0]} {year} SPD row "
                            f"{k.split('|')[1]} given on rows {', '.join(map(str, rows))}",
                            f"{_col_letter(ind_col.index)}{row_no}")
    else:
        for row_no, r in frame.iterrows():
            for rid in fw.spd_row_ids:
                level, err, blank = readers[rid].read(r[f"spd_{rid}"])
                blanks += blank
                col = header[f"spd_{rid}"]
                if err:
                    rejects.add(label, row_no, col.header, err, f"{_col_letter(col.index)}{row_no}")
                    continue
                records.append((kode[row_no], year, int(re.match(r"\d+", rid).group()), rid.lstrip("0123456789"),
                                level, math.nan, label, int(row_no)))
        table = pd.DataFrame(records, columns=SPD_COLUMNS)
        per_row = pd.Series(kode, index=frame.index)
        dups = per_row[per_row.duplicated(keep=False) & per_row.notna()]
        pcol = header.get("pemda")
        for k, group in dups.groupby(dups, sort=False):
            rows = ", ".join(str(r) for r in group.index)
            for row_no in group.index:
                rejects.add(label, row_no, pcol.header if pcol else "", f"duplicate pemda-year: {k} {year} appears "
                            f"on rows {rows}", f"{_col_letter(pcol.index)}{row_no}" if pcol else "")
    if blanks:
        report.warnings.append(f"{blanks} empty SPD answer(s) read as level 0 (not filled)")
    if len(table):
        keep = [(label, int(r)) not in rejects.keys for r in table["source_row"]]
        table = table[keep].reset_index(drop=True)
    table["year"] = table["year"].astype(int)
    table["indicator_no"] = table["indicator_no"].astype(int)
    table["level"] = table["level"].astype(int)
    table["raw_value"] = table["raw_value"].astype(float)
    table["source_row"] = table["source_row"].astype(int)
    table["kode_wilayah"] = table["kode_wilayah"].astype("string")
    table["sub"] = table["sub"].astype("string")
    if is_long and len(table):
        lacking = []
        for k, grp in table.groupby("kode_wilayah", sort=True):
            absent = sorted(set(fw.spd_row_ids) - set(grp["indicator_no"].astype(str) + grp["sub"]),
                            key=fw.spd_row_ids.index)
            if absent:
                lacking.append(f"{k} lacks {', '.join(absent)}")
        if lacking:
            report.warnings.append("SPD rows not given (score 0 when missing): " + "; ".join(lacking[:20]))
    return _finish(report, table, rejects, kind="spd", stem=path.stem, out_dir=out_dir, strict=strict,
                   max_bad_share=max_bad_share, write=write)


# --------------------------------------------------------------------------- reading outputs back

def read_imported(path) -> pd.DataFrame:
    """Read a table written by an importer back with its dtypes.

    ``kode_wilayah`` stays text (``"33.16"``, ``"33"``: pandas would read them as
    floats/integers), ``sub`` stays text, dates become datetime64, SID levels
    Int64 and ``rank`` Int64.  The ``'`` put before formula-like text on write
    (module docstring) is taken off.

    Parameters
    ----------
    path : path-like
        An ``annex_*.csv``, ``innovations_*.csv`` or ``spd_*.csv`` output.

    Returns
    -------
    DataFrame
    """
    text_cols = {"kode_wilayah": "string", "sub": "string", "innovation_id": "string", "nama": "string",
                 "source_file": "string", "predicate": "string", "level": "string"}
    head = pd.read_csv(path, nrows=0).columns
    dtypes = {c: t for c, t in text_cols.items() if c in head}
    if "indicator_no" in head:  # SPD: level is a number there
        dtypes.pop("level", None)
    frame = _unguard_formulas(pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""]))
    if "sub" in frame.columns:
        frame["sub"] = frame["sub"].fillna("")
    for col in ("trial_date", "implementation_date"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col])
    for col in [*SID_COLUMNS, "rank"]:
        if col in frame.columns:
            frame[col] = frame[col].astype("Int64")
    return frame


# --------------------------------------------------------------------------- dispatch

def import_file(kind: str, path, year: int, **kwargs) -> ImportReport:
    """Import one file of the given kind (``"annex"``, ``"innovations"`` or ``"spd"``).

    Keyword arguments go to :func:`import_annex`, :func:`import_innovations`
    or :func:`import_spd` (``pemda=`` is not accepted for the annex).

    Raises
    ------
    ValueError
        If ``kind`` is unknown.
    DataImportError
        See the importer called.
    """
    funcs = {"annex": import_annex, "innovations": import_innovations, "spd": import_spd}
    if kind not in funcs:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {KINDS}")
    if kind == "annex":
        kwargs.pop("pemda", None)
    return funcs[kind](path, year, **kwargs)


__all__ = ["KINDS", "ImportReport", "DataImportError", "import_file", "import_annex", "import_innovations",
           "import_spd", "read_imported", "XLSX_ENGINE", "ANNEX_COLUMNS", "INNOVATION_COLUMNS", "SPD_COLUMNS"]
