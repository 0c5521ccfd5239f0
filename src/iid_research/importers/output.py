"""The import report, refusal rules, and the atomic write of an imported table with its sidecar."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
from pathlib import Path

import pandas as pd

from .. import config, contracts
from .._io import atomic_paths, remove_stale_temps, sha256_file, terminate_as_interrupt
from ..frameworks import assessment_years
from ..scoring import SID_COLUMNS
from .cells import column_letter, slug

KINDS = config.IMPORT_KINDS
"""Kinds of file :func:`iid_research.importers.import_file` reads (``config.IMPORT_KINDS``)."""

_PROVENANCE = ("source_file", "source_row")
ANNEX_COLUMNS = [*contracts.ANNEX_COLUMNS, *_PROVENANCE]
"""Columns of an imported annex: the annex contract plus the file and row each row was read from."""
INNOVATION_COLUMNS = [*contracts.INNOVATION_COLUMNS, "nama_inovasi", *_PROVENANCE]
"""Columns of an imported innovation list: the innovations contract, the innovation's name, provenance."""
SPD_COLUMNS = [*contracts.SPD_COLUMNS, *_PROVENANCE]
"""Columns of imported SPD answers: the SPD contract plus provenance."""
REJECTED_COLUMNS = ["file", "row", "column", "reason", "cell"]


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
    framework_hint : str or None
        One line saying that the file follows another framework year's template than the year imported
        (:func:`~iid_research.importers.framework_fit.framework_hint`); also the first warning, and the
        start of ``error`` when the import is refused.
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
    framework_hint: str | None = None

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
        """Multi-line text: the error (or the framework hint) first, counts, output, warnings, rejected rows
        (first ``limit``), and the error again last when warnings or rejected rows stand between."""
        head = (f"{self.kind} {self.file} (year {self.year}, sha256 {self.input_sha256[:12]}): "
                f"rows read {self.rows_read}, matched {self.rows_matched}, rejected {self.rows_rejected}")
        parts = []
        if self.error:
            parts.append(f"ERROR: {self.error}")
        elif self.framework_hint:
            parts.append(f"warning: {self.framework_hint}")
        parts.append(head)
        if self.rows_skipped:
            parts.append(f"non-data rows skipped (titles, headings, footnotes): {len(self.rows_skipped)}")
        parts.append(f"written: {self.output_path}" if self.output_path else "written: nothing")
        details = [f"warning: {w}" for w in self.warnings if w != self.framework_hint]
        if len(self.rejected):
            details.append("rejected rows:")
            details.extend("  " + line for line in self.rejected_lines(limit))
        parts.extend(details)
        if self.error and details:  # where a reader of a long list looks: its end
            parts.append(f"ERROR: {self.error}")
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


def new_report(kind: str, path: Path, year) -> ImportReport:
    """A fresh :class:`ImportReport` for one file, with its SHA-256 when the file exists."""
    report = ImportReport(kind, str(path), year)
    if path.is_file():
        report.input_sha256 = sha256_file(path)
    return report


def check_year(year, report: ImportReport) -> int:
    """The assessment year as int; raises :class:`DataImportError` for a year without rules."""
    years = assessment_years()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DataImportError(f"year must be a number, got {year!r}; rules exist for {years}", report) from None
    if year not in years:
        raise DataImportError(f"no framework rules for year {year}: rules (framework and predicate "
                              f"thresholds) exist for {years}", report)
    return year


class Rejects:
    """Collects rejected cells; row numbers are spreadsheet rows."""

    def __init__(self):
        self.items: list[tuple] = []
        self.keys: set = set()

    def add(self, file: str, row: int, column: str, reason: str, cell: str = ""):
        """Reject a row: file, spreadsheet row, column header, reason, cell reference."""
        self.items.append((file, int(row), column, reason, cell))
        self.keys.add((file, int(row)))

    def frame(self) -> pd.DataFrame:
        """The rejections as a table [file, row, column, reason, cell]."""
        frame = pd.DataFrame(self.items, columns=REJECTED_COLUMNS)
        frame["row"] = frame["row"].astype(int)
        return frame


def note_framework(report: ImportReport, hint: str | None) -> None:
    """Keep the line naming the framework whose template the file follows (if any) as the first warning."""
    if hint:
        report.framework_hint = hint
        report.warnings.insert(0, hint)


def refuse_unanswered(frame: pd.DataFrame, columns: list, label: str, what: str, report: ImportReport) -> None:
    """Raise :class:`DataImportError` when no answer cell is filled in: the empty template read as answers.

    ``columns`` are the answer columns (:class:`~.sheets.Column`, in file order); ``frame`` the data rows
    (index = spreadsheet row numbers).  A cell holding anything (a level, a text, ``tidak ada``, an error) is
    filled; empty cells and ``-`` are not.
    """
    if not len(frame) or frame[[c.role for c in columns]].notna().to_numpy().any():
        return
    first, last = columns[0], columns[-1]
    rows = f"row {frame.index[0]}" if len(frame) == 1 else f"rows {frame.index.min()}-{frame.index.max()}"
    where = (f"column {first.header!r} ({column_letter(first.index)}) is" if len(columns) == 1 else
             f"columns {first.header!r} ({column_letter(first.index)}) to {last.header!r} "
             f"({column_letter(last.index)}) are")
    raise DataImportError(f"{label}: no answer is filled in: is this the empty template? The {where} empty in all "
                          f"{len(frame)} data row(s) ({rows}); expected in each {what} a level 0-3 or the "
                          "guideline's parameter text. Fill in the answers and import again; nothing written", report)


def refuse_all(report: ImportReport, rejects: Rejects) -> None:
    """Raise :class:`DataImportError` when every data row was rejected before the rest was read."""
    report.rejected = rejects.frame()
    report.rows_rejected = len(rejects.keys)
    raise DataImportError(f"all {report.rows_read} data row(s) rejected; nothing written", report)


def get_matcher(matcher):
    """The region matcher given, or the package's one over the region table."""
    if matcher is not None:
        return matcher
    from ..data import region_matcher

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


def finish_import(report: ImportReport, table: pd.DataFrame, rejects: Rejects, *, kind: str, stem: str,
            out_dir, strict: bool, max_bad_share: float, write: bool) -> ImportReport:
    """Decide accept/refuse, validate the table against the contract, then write it atomically.

    Raises
    ------
    DataImportError
        If no data row was read, or rows were rejected under ``strict`` or beyond ``max_bad_share``.
    """
    report.rejected = rejects.frame()
    report.rows_rejected = len(rejects.keys)
    report.rows_matched = report.rows_read - report.rows_rejected
    if len(table):  # the one contract: an importer that produced a bad table fails here, not downstream
        table = contracts.VALIDATORS[kind](table, str(report.file))
    report.table = table
    if report.rows_read == 0:
        raise DataImportError(f"{report.file}: a header was found but no data rows below it", report)
    if report.rows_rejected:
        share = report.rows_rejected / report.rows_read
        hint = f"{report.framework_hint}. " if report.framework_hint else ""  # the reason, before the count
        if strict:
            raise DataImportError(f"{hint}{report.rows_rejected} of {report.rows_read} rows rejected under strict; "
                                  "nothing written", report)
        if share > max_bad_share:
            raise DataImportError(f"{hint}{report.rows_rejected} of {report.rows_read} rows rejected ({share:.1%}), "
                                  f"more than the allowed share {max_bad_share:.1%}; nothing written", report)
    if write:
        folder = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
        target = folder / output_name(kind, report.year, table, stem)
        _write_pair(report, table, kind, folder, target)
    return report


def output_name(kind: str, year: int, table: pd.DataFrame, stem: str) -> str:
    """File name of an imported table: ``annex_<year>_<stem>.csv``; for innovations and SPD answers the
    pemda too, so that two files of the same name from different pemda never replace each other:
    ``innovations_<year>_<kode>_<stem>.csv`` for one pemda (``innovations_2024_33.16_inovasi.csv``),
    ``innovations_<year>_<n>pemda-<hash>_<stem>.csv`` for several (hash of their sorted codes).
    """
    if kind == "annex" or "kode_wilayah" not in table.columns:
        return f"{kind}_{year}_{slug(stem)}.csv"
    codes = sorted({str(c) for c in table["kode_wilayah"].dropna()})
    if len(codes) == 1:
        return f"{kind}_{year}_{codes[0]}_{slug(stem)}.csv"
    digest = hashlib.sha256(",".join(codes).encode()).hexdigest()[:8]
    return f"{kind}_{year}_{len(codes)}pemda-{digest}_{slug(stem)}.csv"


def _write_pair(report: ImportReport, table: pd.DataFrame, kind: str, folder: Path, target: Path) -> None:
    """Write the table and its sidecar to temporary files, then rename both (sidecar last)."""
    sidecar = target.with_suffix(".meta.json")
    try:
        with terminate_as_interrupt():
            _make_folder(folder)
            stale = remove_stale_temps(folder)
            if stale:
                report.warnings.append(f"removed {len(stale)} temporary file(s) left in {folder} by an import that "
                                       f"was killed: {', '.join(p.name for p in stale[:5])}")
            with atomic_paths(target, sidecar) as (tmp, tmp_meta):
                _guard_formulas(table).to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
                meta = {"kind": kind, "year": report.year, "source_file": Path(report.file).name,
                        "input_sha256": report.input_sha256, "encoding": report.encoding,
                        "rows_read": report.rows_read, "rows_matched": report.rows_matched,
                        "rows_rejected": report.rows_rejected, "output_file": target.name,
                        "output_sha256": sha256_file(tmp), "columns": list(table.columns)}
                if kind != "annex":
                    meta["pemda"] = sorted({str(c) for c in table["kode_wilayah"].dropna()})
                tmp_meta.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DataImportError(f"cannot write {target}: {_os_reason(exc, folder)}; nothing written (any "
                              "previous output there is unchanged)", report) from None
    report.output_path = target


def _make_folder(folder: Path) -> None:
    for parent in [folder, *folder.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{parent} is a file, not a folder", str(parent))
            break
    folder.mkdir(parents=True, exist_ok=True)


def _os_reason(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EFBIG:
        return "the file is larger than this process may write (a file-size limit, e.g. 'ulimit -f')"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is used up"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and exc.strerror and " is a file" in exc.strerror:
        return f"the output folder {folder} cannot be made: {exc.strerror}"
    if exc.errno == errno.ENOTDIR:
        return f"the output folder {folder} lies below a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write in {folder}"
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only file system"
    return f"{type(exc).__name__}: {exc.strerror or exc}"


class ImportedFileError(ValueError):
    """An imported table does not match its ``.meta.json`` sidecar (or has none)."""


def read_imported(path, *, check: bool = True) -> pd.DataFrame:
    """Read a table written by an importer back with its dtypes.

    With ``check`` (default) the table's SHA-256 must equal the ``output_sha256`` of its
    ``.meta.json`` sidecar: a table without its sidecar, or with the sidecar of another import (an
    import interrupted between the two renames, a table edited by hand), is refused.

    ``kode_wilayah`` stays text (``"33.16"``, ``"33"``: pandas would read them as
    floats/integers), ``sub`` stays text, dates become datetime64, SID levels
    Int64 and ``rank`` Int64.  The ``'`` put before formula-like text on write
    (module docstring) is taken off.

    Parameters
    ----------
    path : path-like
        An ``annex_*.csv``, ``innovations_*.csv`` or ``spd_*.csv`` output.
    check : bool, default True
        Verify the table against its sidecar.

    Returns
    -------
    DataFrame

    Raises
    ------
    ImportedFileError
        ``check`` and the sidecar is missing, unreadable or of another table.
    """
    path = Path(path)
    if check:
        _check_sidecar(path)
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


def _check_sidecar(path: Path) -> None:
    sidecar = path.with_suffix(".meta.json")
    if not sidecar.is_file():
        raise ImportedFileError(f"{path.name}: no sidecar {sidecar.name} beside it, so nothing says which import "
                                "wrote it; import the source file again (or pass check=False)")
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        expected = meta["output_sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImportedFileError(f"{sidecar.name}: unreadable sidecar ({exc}); import the source file again") from None
    if sha256_file(path) != expected:
        raise ImportedFileError(f"{path.name} does not match its sidecar {sidecar.name} (SHA-256 differs): the "
                                "import that wrote it was interrupted, or the table was edited; import the source "
                                "file again")
