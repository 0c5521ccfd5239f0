"""The user-data contract: SPD answers, innovations with their SID answers, annex rows.

Each table is defined once here, as a list of :class:`Field` (name, type,
enum or range, whether it may be empty, meaning), and one pandera schema per
table is generated from it.  The importers' output, the loaders of the
documented file layout, the simulator's output and every analysis use these
schemas (PUDL-style field metadata: a column's meaning is written once).

Tables
------
SPD answers (long: one row per pemda, year and SPD score row)
    ``[kode_wilayah, year, indicator_no (1-15), sub ("", "a", "b"), level (0-3), raw_value]``
Innovations (one row per reported innovation, one column per SID indicator)
    ``[innovation_id, kode_wilayah, year, opd_name, tahapan, jenis, bentuk, inisiator, urusan,
    tematik, trial_date, implementation_date, sid_16 ... sid_35]``
Annex rows (the published results of the Kepmendagri decree annex)
    ``[kode_wilayah, nama, level, year, iid_score, predicate, rank]``

Every table may also carry provenance columns: ``source`` (where the row comes
from: ``workspace``, ``published`` or ``simulated``), ``source_file`` and
``source_row`` (the file and spreadsheet row it was read from).

Enumerations follow PP 38/2017 and the IID application (tahapan Pasal 5,
jenis daring/luring, bentuk Pasal 4, inisiator Pasal 3); :func:`normalise_enum`
accepts the spellings seen in regional applications ("Uji Coba", "non-digital",
"Inovasi pelayanan public").
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .data import DataValidationError, validate_schema
from .frameworks import PREDICATES, SID_INDICATORS
from .regions import LEVELS

SID_COLUMNS = tuple(f"sid_{i}" for i in SID_INDICATORS)
"""SID answer columns ``sid_16`` ... ``sid_35``: level 0-3 of each SID indicator (0 = not filled / not proven)."""

SOURCES = ("workspace", "published", "simulated")
"""Values of the provenance column ``source``: a pemda's own files, the shipped published results, the simulator."""

ENUMS: dict[str, tuple[str, ...]] = {
    "tahapan": ("inisiatif", "uji coba", "penerapan"),
    "jenis": ("digital", "non digital"),
    "bentuk": ("tata kelola pemerintahan daerah", "pelayanan publik", "inovasi daerah lainnya sesuai urusan"),
    "inisiator": ("kepala daerah", "anggota dprd", "opd", "asn", "masyarakat"),
}
"""Allowed values (lower case) of the categorical innovation fields (PP 38/2017 Pasal 3-5; IID application)."""

TAHAPAN, JENIS, BENTUK, INISIATOR = (ENUMS[k] for k in ("tahapan", "jenis", "bentuk", "inisiator"))

ENUM_ALIASES: dict[str, dict[str, str]] = {
    "tahapan": {"ujicoba": "uji coba", "uji-coba": "uji coba", "uji coba inovasi": "uji coba",
                "implementasi": "penerapan", "inisiasi": "inisiatif"},
    "jenis": {"non-digital": "non digital", "nondigital": "non digital", "non": "non digital",
              "daring": "digital", "luring": "non digital"},
    "bentuk": {"inovasi pelayanan publik": "pelayanan publik", "inovasi pelayanan public": "pelayanan publik",
               "pelayanan public": "pelayanan publik",
               "inovasi tata kelola pemerintahan daerah": "tata kelola pemerintahan daerah",
               "tata kelola": "tata kelola pemerintahan daerah",
               "inovasi daerah lainnya sesuai dengan urusan pemerintahan yang menjadi kewenangan daerah":
                   "inovasi daerah lainnya sesuai urusan",
               "inovasi daerah lainnya sesuai denhgan urusan pemerintahan yang menjadi kewenangan daerah":
                   "inovasi daerah lainnya sesuai urusan",
               "inovasi daerah lainnya": "inovasi daerah lainnya sesuai urusan"},
    "inisiator": {"perangkat daerah": "opd", "opd (perangkat daerah)": "opd", "dprd": "anggota dprd",
                  "aparatur sipil negara": "asn"},
}
"""Spellings of the enum values seen in the regional apps (``proposal_enums_riswandiii_iga.csv``) and files."""


@dataclasses.dataclass(frozen=True)
class Field:
    """One column of the contract.

    Attributes
    ----------
    name : str
    dtype : str
        pandas dtype of the validated column ("str", "int64", "float64", "Int64", "datetime64[ns]", "bool").
    description : str
        Meaning and unit.
    nullable : bool
        Whether the cell may be empty.
    required : bool
        Whether the column must be present.
    enum : tuple of str, optional
        Allowed values.
    value_range : (low, high), optional
        Inclusive bounds of a number.
    pattern : str, optional
        Regular expression a text must match.
    """

    name: str
    dtype: str
    description: str
    nullable: bool = False
    required: bool = True
    enum: tuple | None = None
    value_range: tuple | None = None
    pattern: str | None = None

    def column(self) -> pa.Column:
        """The pandera column of this field."""
        checks = []
        if self.enum is not None:
            checks.append(pa.Check.isin(list(self.enum)))
        if self.value_range is not None:
            checks.append(pa.Check.in_range(*self.value_range))
        if self.pattern is not None:
            checks.append(pa.Check.str_matches(self.pattern))
        dtype = str if self.dtype == "str" else self.dtype
        return pa.Column(dtype, checks, nullable=self.nullable, required=self.required)


_KODE = r"^\d{2}(\.\d{2})?$"
_PROVENANCE = (
    Field("source", "str", "where the row comes from: workspace, published or simulated", required=False,
          enum=SOURCES),
    Field("source_file", "str", "name of the file the row was read from", nullable=True, required=False),
    Field("source_row", "int64", "spreadsheet row number in that file (header = row 1 of the table)",
          required=False),
)

SPD_FIELDS = (
    Field("kode_wilayah", "str", "Kemendagri code of the pemda (33.16 = Kabupaten Blora)", pattern=_KODE),
    Field("year", "int64", "assessment year", value_range=(2018, 2100)),
    Field("indicator_no", "int64", "SPD indicator number in the guideline (1-15)", value_range=(1, 15)),
    Field("sub", "str", "sub-row of indicators 2, 5, 10, 11, 13 ('a'/'b'); '' otherwise", enum=("", "a", "b")),
    Field("level", "int64", "parameter level reached, 0 = not filled / not proven", enum=(0, 1, 2, 3)),
    Field("raw_value", "float64", "the value behind the level (e.g. a growth in %), when known", nullable=True,
          required=False),
    *_PROVENANCE,
)
"""Fields of the SPD answers table (Lampiran II of the guideline: SPD rows 1-15 with sub-rows a/b)."""

INNOVATION_FIELDS = (
    Field("innovation_id", "str", "identifier of the innovation, unique per pemda and year"),
    Field("kode_wilayah", "str", "Kemendagri code of the pemda", pattern=_KODE),
    Field("year", "int64", "assessment year", value_range=(2018, 2100)),
    Field("opd_name", "str", "the OPD (agency) that owns the innovation, as the pemda's file writes it",
          nullable=True),
    Field("tahapan", "str", "stage: inisiatif, uji coba or penerapan (PP 38/2017)", nullable=True,
          enum=ENUMS["tahapan"]),
    Field("jenis", "str", "type: digital or non digital", nullable=True, enum=ENUMS["jenis"]),
    Field("bentuk", "str", "form (PP 38/2017 Pasal 4)", nullable=True, enum=ENUMS["bentuk"]),
    Field("inisiator", "str", "initiator (PP 38/2017 Pasal 3)", nullable=True, enum=ENUMS["inisiator"]),
    Field("urusan", "str", "urusan pemerintahan as written (matched by scoring.match_urusan)", nullable=True),
    Field("tematik", "str", "theme as written", nullable=True),
    Field("trial_date", "datetime64[ns]", "date of the trial (uji coba)", nullable=True),
    Field("implementation_date", "datetime64[ns]", "date of implementation (penerapan)", nullable=True),
    *[Field(c, "int64", f"level 0-3 of SID indicator {c[4:]}", enum=(0, 1, 2, 3)) for c in SID_COLUMNS],
    Field("nama_inovasi", "str", "name of the innovation", nullable=True, required=False),
    *_PROVENANCE,
)
"""Fields of the innovations table (one row per innovation with its 20 SID answers)."""

ANNEX_FIELDS = (
    Field("kode_wilayah", "str", "Kemendagri code of the pemda", pattern=_KODE),
    Field("nama", "str", "Kemendagri name of the pemda"),
    Field("level", "str", "cluster: provinsi, kabupaten or kota", enum=LEVELS),
    Field("year", "int64", "assessment year", value_range=(2018, 2100)),
    Field("iid_score", "float64", "published IID score (0-100 scale)", nullable=True, value_range=(0, 100)),
    Field("predicate", "str", "published predikat", nullable=True, enum=PREDICATES),
    Field("rank", "Int64", "published rank within the cluster", nullable=True, value_range=(1, 10_000)),
    *_PROVENANCE,
)
"""Fields of the annex rows (Kepmendagri decree annex: one row per pemda)."""


def field_names(fields, *, required_only: bool = False) -> tuple[str, ...]:
    """Column names of a field list, in order (``required_only``: those that must be present)."""
    return tuple(f.name for f in fields if f.required or not required_only)


SPD_COLUMNS = field_names(SPD_FIELDS, required_only=True) + ("raw_value",)
"""Core columns of the SPD answers, in order."""
INNOVATION_COLUMNS = field_names(INNOVATION_FIELDS, required_only=True)
"""Core columns of the innovations table, in order."""
ANNEX_COLUMNS = field_names(ANNEX_FIELDS, required_only=True)
"""Core columns of the annex rows, in order."""


def _schema(fields, name: str, unique: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({f.name: f.column() for f in fields}, unique=unique, strict=True, name=name)


SPD_SCHEMA = _schema(SPD_FIELDS, "spd_answers", ["kode_wilayah", "year", "indicator_no", "sub"])
INNOVATIONS_SCHEMA = _schema(INNOVATION_FIELDS, "innovations", ["kode_wilayah", "year", "innovation_id"])
ANNEX_SCHEMA = _schema(ANNEX_FIELDS, "annex_rows", ["kode_wilayah", "year"])

TABLES = {"spd": (SPD_FIELDS, SPD_SCHEMA), "innovations": (INNOVATION_FIELDS, INNOVATIONS_SCHEMA),
          "annex": (ANNEX_FIELDS, ANNEX_SCHEMA)}
"""Kind -> (fields, schema) for the three tables."""


def fields_table(kind: str) -> pd.DataFrame:
    """The fields of one table as a DataFrame [name, dtype, required, nullable, allowed, description] (for docs)."""
    fields, _ = TABLES[kind]
    return pd.DataFrame([{"name": f.name, "dtype": f.dtype, "required": f.required, "nullable": f.nullable,
                          "allowed": (", ".join(map(str, f.enum)) if f.enum else
                                      f"{f.value_range[0]}-{f.value_range[1]}" if f.value_range else ""),
                          "description": f.description} for f in fields])


# --------------------------------------------------------------------------- enums

def normalise_enum(values: pd.Series, field: str) -> pd.Series:
    """Lower-case, collapse spaces and map known spellings of a categorical field to its allowed value.

    Values that are still not allowed are left as they are (validation names them).

    >>> normalise_enum(pd.Series(["Uji Coba", " non-digital", None]), "jenis").tolist()[1:]
    ['non digital', <NA>]
    """
    s = pd.Series(values, dtype="string").str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    s = s.replace({"": pd.NA})
    return s.replace(ENUM_ALIASES.get(field, {}))


# --------------------------------------------------------------------------- coercion + validation

def _coerce_int(frame, columns, source, problems):
    for col in columns:
        raw = frame[col]
        if pd.api.types.is_numeric_dtype(raw):
            num = raw.astype(float)
        else:
            num = pd.to_numeric(raw.astype("string").str.strip().str.replace(",", ".", regex=False),
                                errors="coerce")
        bad = num.isna() | (num.notna() & (num != np.round(num)))
        for idx in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(f"{source}: row {idx + 2}, column {col!r}: expected a whole number, "
                            f"got {raw.iloc[idx]!r}")
        frame[col] = num.fillna(-1).astype("int64")


def _coerce_text(frame, columns, *, nullable: bool):
    for col in columns:
        values = frame[col].astype("string").str.strip()
        if nullable:
            frame[col] = values.replace({"": pd.NA}).astype(object).where(values.notna() & values.ne(""), None)
        else:
            frame[col] = values.fillna("").astype(object).astype(str)


def _coerce_dates(frame, columns, source, problems):
    for col in columns:
        raw = frame[col]
        if pd.api.types.is_datetime64_any_dtype(raw):
            parsed = raw
        else:
            parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
        text = raw.astype("string").fillna("").str.strip()
        bad = parsed.isna() & text.ne("") & ~text.str.lower().isin(["nat", "nan"])
        for idx in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(f"{source}: row {idx + 2}, column {col!r}: expected a date YYYY-MM-DD, "
                            f"got {raw.iloc[idx]!r}")
        frame[col] = pd.to_datetime(parsed).astype("datetime64[ns]")


def _require(frame, fields, source):
    missing = [f.name for f in fields if f.required and f.name not in frame.columns]
    if missing:
        raise DataValidationError(f"{source}: missing column(s) {missing}; found {list(frame.columns)}. "
                                  f"Expected layout: {list(field_names(fields, required_only=True))}")
    extra = [c for c in frame.columns if c not in {f.name for f in fields}]
    if extra:
        raise DataValidationError(f"{source}: unexpected column(s) {extra}; expected "
                                  f"{list(field_names(fields))}")


def _finish(out, fields, schema, source, problems):
    if problems:
        raise DataValidationError(f"{source}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    order = [f.name for f in fields if f.name in out.columns]
    if len(out) == 0:  # no rows to check (pandera would compare the dtypes of empty object columns)
        return out[order]
    return validate_schema(schema, out[order], source)


def _coerce_provenance(out, source, problems):
    if "source_row" in out.columns:
        _coerce_int(out, ["source_row"], source, problems)
    if "source_file" in out.columns:
        _coerce_text(out, ["source_file"], nullable=True)
    if "source" in out.columns:
        _coerce_text(out, ["source"], nullable=False)


def validate_spd(frame: pd.DataFrame, source: str = "SPD answers") -> pd.DataFrame:
    """Coerce and validate SPD answers (long layout) against :data:`SPD_SCHEMA`.

    Parameters
    ----------
    frame : DataFrame with columns [kode_wilayah, year, indicator_no, sub, level] and optionally
        [raw_value, source, source_file, source_row]
        Text cells are accepted (as read from CSV/XLSX); ``sub`` may be empty.
    source : str
        Name used in error messages (usually the file path).

    Returns
    -------
    DataFrame
        ``year``, ``indicator_no`` and ``level`` as int64, ``sub`` lower-case text,
        ``raw_value`` float (NaN when absent).

    Raises
    ------
    DataValidationError
        Listing every failing row and column (spreadsheet row numbers: header = row 1):
        missing or unexpected columns, non-numeric or out-of-range levels (expected 0-3),
        indicator numbers outside 1-15, sub-rows other than "", "a", "b", duplicate answers.
    """
    _require(frame, SPD_FIELDS, source)
    out = frame.copy().reset_index(drop=True)
    if "raw_value" not in out.columns:
        out["raw_value"] = np.nan
    problems: list[str] = []
    _coerce_text(out, ["kode_wilayah"], nullable=False)
    out["sub"] = out["sub"].astype("string").fillna("").str.strip().str.lower().astype(object).astype(str)
    _coerce_int(out, ["year", "indicator_no", "level"], source, problems)
    out["raw_value"] = pd.to_numeric(out["raw_value"], errors="coerce").astype(float)
    _coerce_provenance(out, source, problems)
    return _finish(out, SPD_FIELDS, SPD_SCHEMA, source, problems)


def validate_innovations(frame: pd.DataFrame, source: str = "innovations") -> pd.DataFrame:
    """Coerce and validate innovations with their SID answers against :data:`INNOVATIONS_SCHEMA`.

    Parameters
    ----------
    frame : DataFrame with the columns of :data:`INNOVATION_COLUMNS` (optionally nama_inovasi and provenance)
        Categorical fields are matched case-insensitively and through
        :data:`ENUM_ALIASES` (``"Uji Coba"`` -> ``"uji coba"``); text fields and
        dates may be empty.
    source : str
        Name used in error messages.

    Returns
    -------
    DataFrame
        ``sid_16`` ... ``sid_35`` as int64 levels 0-3, dates as datetime64, empty texts as None.

    Raises
    ------
    DataValidationError
        Listing every failing row and column: missing columns, a level that is
        not 0-3, tahapan/jenis/bentuk/inisiator outside :data:`ENUMS`,
        unparseable dates, an innovation id repeated for one pemda and year.
    """
    _require(frame, INNOVATION_FIELDS, source)
    out = frame.copy().reset_index(drop=True)
    problems: list[str] = []
    _coerce_text(out, ["innovation_id", "kode_wilayah"], nullable=False)
    _coerce_text(out, ["opd_name", "urusan", "tematik"] + (["nama_inovasi"] if "nama_inovasi" in out else []),
                 nullable=True)
    for col in ENUMS:
        out[col] = normalise_enum(out[col], col).astype(object).where(lambda s: s.notna(), None)
    _coerce_int(out, ["year", *SID_COLUMNS], source, problems)
    _coerce_dates(out, ["trial_date", "implementation_date"], source, problems)
    _coerce_provenance(out, source, problems)
    return _finish(out, INNOVATION_FIELDS, INNOVATIONS_SCHEMA, source, problems)


def validate_annex(frame: pd.DataFrame, source: str = "annex") -> pd.DataFrame:
    """Validate annex rows (published results) against :data:`ANNEX_SCHEMA`.

    Parameters
    ----------
    frame : DataFrame with columns [kode_wilayah, nama, level, year, iid_score, predicate, rank]
        (optionally provenance columns)
    source : str

    Returns
    -------
    DataFrame
        ``iid_score`` float, ``rank`` Int64, ``predicate`` one of :data:`~iid_research.frameworks.PREDICATES` or None.

    Raises
    ------
    DataValidationError
        Naming every failing row and column (a score outside 0-100, an unknown predikat or
        level, two rows for one pemda and year).
    """
    _require(frame, ANNEX_FIELDS, source)
    out = frame.copy().reset_index(drop=True)
    problems: list[str] = []
    _coerce_text(out, ["kode_wilayah", "nama", "level"], nullable=False)
    _coerce_text(out, ["predicate"], nullable=True)
    _coerce_int(out, ["year"], source, problems)
    out["iid_score"] = pd.to_numeric(out["iid_score"], errors="coerce").astype(float)
    out["rank"] = pd.to_numeric(out["rank"], errors="coerce").astype("Float64").round().astype("Int64")
    _coerce_provenance(out, source, problems)
    return _finish(out, ANNEX_FIELDS, ANNEX_SCHEMA, source, problems)


VALIDATORS = {"spd": validate_spd, "innovations": validate_innovations, "annex": validate_annex}
"""Kind -> validating function."""


# --------------------------------------------------------------------------- files in the documented layout

def _read_table(path, sheet_name) -> pd.DataFrame:
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"{file}: file not found")
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(file, sheet_name=sheet_name, dtype=str, keep_default_na=False, engine="openpyxl")
    raise ValueError(f"{file}: unsupported file type {suffix!r}; expected .csv or .xlsx")


def load_spd_answers(path: str | os.PathLike, *, sheet_name=0) -> pd.DataFrame:
    """Read SPD answers in the contract layout (one header row with the column names) from CSV or XLSX.

    For files as pemda hold them (any header wording, parameter texts) use
    :func:`iid_research.importers.import_spd`.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8) or ``.xlsx``.
    sheet_name : str or int, default 0

    Returns
    -------
    DataFrame
        As :func:`validate_spd`.

    Raises
    ------
    FileNotFoundError, ValueError
        Missing file or unsupported extension.
    DataValidationError
        Naming file, row and column of every bad cell.
    """
    return validate_spd(_read_table(path, sheet_name), str(path))


def load_innovation_answers(path: str | os.PathLike, *, sheet_name=0) -> pd.DataFrame:
    """Read innovations with SID answers in the contract layout from CSV or XLSX.

    Parameters
    ----------
    path : path-like
    sheet_name : str or int, default 0

    Returns
    -------
    DataFrame
        As :func:`validate_innovations`.

    Raises
    ------
    FileNotFoundError, ValueError, DataValidationError
        As :func:`load_spd_answers`.
    """
    return validate_innovations(_read_table(path, sheet_name), str(path))


def write_templates(folder: str | os.PathLike, *, xlsx: bool = True) -> dict[str, Path]:
    """Write empty input templates (header + one example row) in the documented layout.

    Parameters
    ----------
    folder : path-like
        Created if missing.
    xlsx : bool, default True
        Also write ``.xlsx`` versions.

    Returns
    -------
    dict name -> path
        ``spd_answers.csv``, ``innovation_answers.csv`` (and ``.xlsx``, with fixed document and zip
        times), each written atomically.
    """
    from ._io import atomic_path, normalise_xlsx, write_csv_atomic
    from .frameworks import assessment_years

    folder = Path(folder)
    year = max(assessment_years())  # the example row is for the newest assessment year with rules
    spd = pd.DataFrame([{"kode_wilayah": "33.16", "year": year, "indicator_no": 2, "sub": "a", "level": 3,
                         "raw_value": None}])
    inn = pd.DataFrame([{"innovation_id": f"33.16-{year}-0001", "kode_wilayah": "33.16", "year": year,
                         "opd_name": "Dinas Kesehatan", "tahapan": "penerapan", "jenis": "digital",
                         "bentuk": "pelayanan publik", "inisiator": "opd", "urusan": "Kesehatan",
                         "tematik": "Digitalisasi layanan pemerintahan", "trial_date": f"{year - 1}-02-01",
                         "implementation_date": f"{year - 1}-08-01", **{c: 0 for c in SID_COLUMNS}}])
    out = {}
    for name, frame in (("spd_answers", spd), ("innovation_answers", inn)):
        out[f"{name}.csv"] = write_csv_atomic(frame, folder / f"{name}.csv")
        if xlsx:
            with atomic_path(folder / f"{name}.xlsx") as tmp:
                frame.to_excel(tmp, index=False, engine="openpyxl")
                normalise_xlsx(tmp)
            out[f"{name}.xlsx"] = folder / f"{name}.xlsx"
    return out
