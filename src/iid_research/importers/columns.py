"""Header vocabulary and column readers shared by the innovation and SPD importers."""

from __future__ import annotations

import math
import re

import pandas as pd

from ..contracts import ENUMS, normalise_enum
from ..frameworks import Framework, framework_years, load_framework
from ..numbers import parse_number
from ..regions import RegionMatcher, RegionMatchError
from .cells import cell_text, column_letter, norm_header, region_text
from .grid import CellError
from .output import DataImportError, ImportReport, Rejects

PEMDA_HEADERS = {"pemda", "pemerintah daerah", "nama pemda", "nama pemerintah daerah", "kode wilayah",
                  "kode pemda", "daerah", "nama daerah", "kabupaten kota", "provinsi kabupaten kota",
                  "region", "instansi", "nama instansi"}


INNOVATION_HEADERS = {
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


SID_NUMBER_RE = re.compile(r"^(?:sid|indikator|indicator|ind|i)?\s?(\d{1,2})(?:\s+(?!\d).*)?$")


SPD_NUMBER_RE = re.compile(r"^(?:spd|indikator|indicator|ind|i)?\s?(\d{1,2})\s?([ab])?(?:\s+(?!\d).*)?$")


def sid_name_lookup() -> dict[str, int]:
    """Normalised Indonesian SID indicator name -> indicator number, over every framework in the rules
    (newest first, so its wording wins where two frameworks name an indicator differently)."""
    names: dict[str, int] = {}
    for fy in reversed(framework_years()):
        fw = load_framework(fy)
        for r in fw.sid.itertuples(index=False):
            names.setdefault(norm_header(r.name_id), int(r.indicator_no))
    return names


def spd_name_lookup(fw: Framework) -> dict[str, str]:
    """Normalised Indonesian SPD row name -> row id ("2a") under one framework."""
    return {norm_header(r.name_id): r.row_id for r in fw.spd.itertuples(index=False)}


def match_pemda(frame: pd.DataFrame, m: RegionMatcher, pemda, label: str, header: dict, rejects: Rejects,
                 report: ImportReport) -> pd.Series:
    """Kemendagri code of each row, from its pemda cell (or ``pemda`` for all rows); bad rows are rejected.

    Parameters
    ----------
    frame : DataFrame
        The data rows (index = spreadsheet row numbers), with a column ``pemda`` when the file has one.
    m : RegionMatcher
    pemda : str or None
        The pemda given with ``pemda=`` / ``--pemda`` (name or code).  It is the pemda of every row when
        the file has no pemda column, and of every row whose pemda cell is empty when it has one; a
        filled cell naming another pemda rejects its row, naming both pemda.
    label : str
        The file (and sheet) as shown in messages.
    header : dict
        Role -> :class:`~iid_research.importers.sheets.Column` (``header["pemda"]`` when there is a column).
    rejects : Rejects
        Receives the rejected rows.
    report : ImportReport
        Receives the warnings (former names, empty cells filled from ``pemda``).

    Returns
    -------
    Series of object
        The code of each row (None where rejected).

    Raises
    ------
    DataImportError
        If ``pemda`` names no pemda.
    """
    given = None
    if pemda is not None:
        try:
            code = given = m.match(pemda)
        except RegionMatchError as exc:
            raise DataImportError(f"pemda given: {exc}", report) from None
        if "pemda" not in frame.columns:
            return pd.Series(code, index=frame.index, dtype=object)
    names = m.regions.set_index("kode_wilayah")["nama"] if "nama" in m.regions else pd.Series(dtype=object)

    def named(code):
        return f"{code} {names.get(code, '')}".strip()

    codes, notes = {}, []
    for value in pd.unique(frame["pemda"]):
        if value is None:
            codes[value] = ((given, None) if given is not None else
                            (None, "pemda is empty; fill in the pemda, or give the pemda of the file with "
                                   "pemda=/--pemda (e.g. --pemda \"Kab. Blora\"): empty pemda cells then take it"))
            continue
        if isinstance(value, CellError):
            codes[value] = (None, f"pemda: {value.describe()}")
            continue
        try:
            code = m.match(region_text(value), year=report.year)
            codes[value] = (code, None)
            note = m.former_note(region_text(value), code)
            if note:
                notes.append(note)
        except RegionMatchError as exc:
            codes[value] = (None, str(exc))
    out = []
    filled = []
    col = header["pemda"]
    for row_no, value in frame["pemda"].items():
        code, err = codes[value]
        if err:
            rejects.add(label, row_no, col.header, err, f"{column_letter(col.index)}{row_no}")
        elif given is not None and code != given:
            rejects.add(label, row_no, col.header, f"pemda {cell_text(value)!r} is {named(code)}, not the pemda "
                        f"given with pemda=/--pemda ({pemda!r}, {named(given)}); correct the cell, leave it empty "
                        "to take the pemda given, or import the file without --pemda",
                        f"{column_letter(col.index)}{row_no}")
        elif value is None:
            filled.append(row_no)
        out.append(code)
    if notes:
        report.warnings.append(f"{label}: pemda written by a former name or code, read as today's pemda: "
                               + "; ".join(notes))
    if filled:
        report.warnings.append(f"{label}: {len(filled)} empty cell(s) in column {col.header!r} read as the pemda "
                               f"given ({named(given)})")
    return pd.Series(out, index=frame.index, dtype=object)


def check_year_column(frame, year, label, header, rejects):
    """Reject rows whose year column differs from the assessment year imported."""
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
            rejects.add(label, row_no, col.header, f"{cell_text(value)!r} is not a year; expected {year} (the year "
                        "imported)", f"{column_letter(col.index)}{row_no}")
        elif y != year:
            rejects.add(label, row_no, col.header, f"year {cell_text(value)!r} differs from the year imported "
                        f"({year}); import each year separately", f"{column_letter(col.index)}{row_no}")


def read_categorical(frame, role, label, header, rejects):
    """Read an enum column of the innovations contract (tahapan, jenis, bentuk, inisiator).

    Values are matched after :func:`iid_research.contracts.normalise_enum`
    (case, spacing and the known spellings of :data:`~iid_research.contracts.ENUM_ALIASES`);
    any other value rejects its row, naming the cell and the allowed values.

    Returns
    -------
    Series of string (NA where empty or rejected)
    """
    if role not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    allowed = ENUMS[role]
    col = header[role]
    texts = pd.Series([None if v is None else norm_header(v) for v in frame[role]], index=frame.index, dtype=object)
    keys = normalise_enum(texts, role)
    out = []
    for (row_no, value), key in zip(frame[role].items(), keys):
        if value is None or key is pd.NA:
            out.append(pd.NA)
        elif key not in allowed:
            rejects.add(label, row_no, col.header, f"{cell_text(value)!r} is not a valid {role}; expected one of "
                        f"{', '.join(allowed)}", f"{column_letter(col.index)}{row_no}")
            out.append(pd.NA)
        else:
            out.append(key)
    return pd.Series(out, index=frame.index, dtype="string")


def read_free_text(frame, role):
    """A text column as written (NA where empty or absent)."""
    if role not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return pd.Series([pd.NA if v is None else cell_text(v) for v in frame[role]], index=frame.index, dtype="string")
