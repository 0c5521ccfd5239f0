"""Indicator-level IID data: what a pemda records, validated, and its sufficient statistics.

Two tables make up the data contract (simulated by :mod:`iid_research.simulate`
or supplied by a user, e.g. exported from a regional SIAGAS/IID application):

SPD answers (long layout)
    One row per pemda, year and SPD score row: ``[kode_wilayah, year,
    indicator_no (int 1-15), sub ("", "a" or "b"), level (int 0-3),
    raw_value (float, optional)]``.
Innovations with their SID answers (wide layout)
    One row per reported innovation, one column per SID indicator:
    ``[innovation_id, kode_wilayah, year, opd_name, tahapan, jenis, bentuk,
    inisiator, urusan, tematik, trial_date, implementation_date, sid_16 ...
    sid_35]`` with levels 0-3 (0 = not filled / not proven).

File layout accepted by the loaders (CSV, or XLSX with the table on the first
sheet unless ``sheet_name`` is given): a header row with the column names
above, then one row per record; dates as ISO ``YYYY-MM-DD``; levels as whole
numbers.  Every failure is reported at once with file, row (spreadsheet row
number, header = row 1), column and the expected value.

Scoring only needs per pemda-year sums (:func:`pemda_components`): the SPD
levels by row, the level sums of each SID indicator over the innovations, the
number of innovations and the urusan pelayanan dasar covered.  Every
framework year can rescore these (:func:`score_components`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .data import DataValidationError, _validate
from .frameworks import SID_INDICATORS, Framework
from .scoring import SID_COLUMNS, URUSAN_PELAYANAN_DASAR, compute_iid, count_score

TAHAPAN = ("inisiatif", "uji coba", "penerapan")
"""Stages of an innovation (PP 38/2017; IID application field ``tahapan_inovasi``)."""
JENIS = ("digital", "non digital")
"""Type of an innovation (PP 38/2017: daring / luring)."""
BENTUK = ("tata kelola pemerintahan daerah", "pelayanan publik", "inovasi daerah lainnya sesuai urusan")
"""Forms of an innovation (PP 38/2017 Pasal 4)."""
INISIATOR = ("kepala daerah", "anggota dprd", "opd", "asn", "masyarakat")
"""Initiators of an innovation (PP 38/2017 Pasal 3)."""

SPD_COLUMNS = ("kode_wilayah", "year", "indicator_no", "sub", "level", "raw_value")
INNOVATION_COLUMNS = ("innovation_id", "kode_wilayah", "year", "opd_name", "tahapan", "jenis", "bentuk",
                      "inisiator", "urusan", "tematik", "trial_date", "implementation_date", *SID_COLUMNS)

_KODE = pa.Check.str_matches(r"^\d{2}(\.\d{2})?$")
_LEVEL = pa.Check.isin([0, 1, 2, 3])

SPD_SCHEMA = pa.DataFrameSchema(
    {
        "kode_wilayah": pa.Column(str, _KODE),
        "year": pa.Column(int, pa.Check.in_range(2018, 2100)),
        "indicator_no": pa.Column(int, pa.Check.in_range(1, 15)),
        "sub": pa.Column(str, pa.Check.isin(["", "a", "b"])),
        "level": pa.Column(int, _LEVEL),
        "raw_value": pa.Column(float, nullable=True, required=False),
        "is_simulated": pa.Column(bool, required=False),
    },
    unique=["kode_wilayah", "year", "indicator_no", "sub"],
    strict=True,
    name="spd_answers",
)

INNOVATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "innovation_id": pa.Column(str, unique=True),
        "kode_wilayah": pa.Column(str, _KODE),
        "year": pa.Column(int, pa.Check.in_range(2018, 2100)),
        "opd_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "tahapan": pa.Column(str, pa.Check.isin(TAHAPAN)),
        "jenis": pa.Column(str, pa.Check.isin(JENIS)),
        "bentuk": pa.Column(str, pa.Check.isin(BENTUK)),
        "inisiator": pa.Column(str, pa.Check.isin(INISIATOR)),
        "urusan": pa.Column(str),
        "tematik": pa.Column(str),
        "trial_date": pa.Column("datetime64[ns]", nullable=True),
        "implementation_date": pa.Column("datetime64[ns]", nullable=True),
        **{c: pa.Column(int, _LEVEL) for c in SID_COLUMNS},
        "is_simulated": pa.Column(bool, required=False),
    },
    strict=True,
    name="innovations",
)


# --------------------------------------------------------------------------- coercion helpers

def _coerce_int(frame: pd.DataFrame, columns, source: str, problems: list[str]) -> None:
    for col in columns:
        raw = frame[col]
        num = pd.to_numeric(raw.astype("string").str.strip().str.replace(",", ".", regex=False),
                            errors="coerce") if not pd.api.types.is_numeric_dtype(raw) else raw.astype(float)
        bad = num.isna() | (num.notna() & (num != np.round(num)))
        for idx in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(f"{source}: row {idx + 2}, column {col!r}: expected a whole number, "
                            f"got {raw.iloc[idx]!r}")
        frame[col] = num.fillna(-1).astype("int64")


def _coerce_text(frame: pd.DataFrame, columns, *, lower: bool = False) -> None:
    for col in columns:
        values = frame[col].astype("string").fillna("").str.strip()
        if lower:
            values = values.str.lower()
        frame[col] = values.astype(object).astype(str)


def _coerce_dates(frame: pd.DataFrame, columns, source: str, problems: list[str]) -> None:
    for col in columns:
        raw = frame[col]
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed") if not pd.api.types.is_datetime64_any_dtype(
            raw) else raw
        text = raw.astype("string").fillna("").str.strip()
        bad = parsed.isna() & text.ne("") & text.str.lower().ne("nat") & text.str.lower().ne("nan")
        for idx in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(f"{source}: row {idx + 2}, column {col!r}: expected a date YYYY-MM-DD, "
                            f"got {raw.iloc[idx]!r}")
        frame[col] = pd.to_datetime(parsed).astype("datetime64[ns]")


def _require_columns(frame: pd.DataFrame, required, source: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataValidationError(f"{source}: missing column(s) {missing}; found {list(frame.columns)}. "
                                  f"Expected layout: {list(required)}")


# --------------------------------------------------------------------------- validation

def _finish(out: pd.DataFrame, columns, schema, source: str, problems: list[str]) -> pd.DataFrame:
    """Raise on coercion problems or unexpected columns, then validate with ``schema``."""
    if problems:
        raise DataValidationError(f"{source}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    cols = [c for c in (*columns, "is_simulated") if c in out.columns]
    extra = [c for c in out.columns if c not in cols]
    if extra:
        raise DataValidationError(f"{source}: unexpected column(s) {extra}; expected {list(columns)}")
    return _validate(schema, out[cols], source)


def validate_spd(frame: pd.DataFrame, source: str = "SPD answers") -> pd.DataFrame:
    """Coerce and validate SPD answers in the long layout.

    Parameters
    ----------
    frame : DataFrame with columns [kode_wilayah, year, indicator_no, sub, level] and optionally
        [raw_value, is_simulated]
        Text cells are accepted (as read from CSV/XLSX); ``sub`` may be empty.
    source : str
        Name used in error messages (usually the file path).

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, indicator_no, sub, level, raw_value(, is_simulated)]
        ``year``, ``indicator_no`` and ``level`` as int64, ``sub`` lower-case text.

    Raises
    ------
    DataValidationError
        Listing every failing row and column (spreadsheet row numbers: header = row 1):
        missing columns, non-numeric or out-of-range levels (expected 0-3), indicator
        numbers outside 1-15, sub-rows other than "", "a", "b", duplicate answers.
    """
    required = ("kode_wilayah", "year", "indicator_no", "sub", "level")
    _require_columns(frame, required, source)
    out = frame.copy().reset_index(drop=True)
    if "raw_value" not in out.columns:
        out["raw_value"] = np.nan
    problems: list[str] = []
    _coerce_text(out, ["kode_wilayah"])
    _coerce_text(out, ["sub"], lower=True)
    _coerce_int(out, ["year", "indicator_no", "level"], source, problems)
    out["raw_value"] = pd.to_numeric(out["raw_value"], errors="coerce").astype(float)
    return _finish(out, SPD_COLUMNS, SPD_SCHEMA, source, problems)


def validate_innovations(frame: pd.DataFrame, source: str = "innovations") -> pd.DataFrame:
    """Coerce and validate innovations with their SID answers (one row per innovation).

    Parameters
    ----------
    frame : DataFrame with the columns of :data:`INNOVATION_COLUMNS` (optionally ``is_simulated``)
        Categorical fields are matched case-insensitively (``"Uji Coba"`` ->
        ``"uji coba"``); dates may be empty.
    source : str
        Name used in error messages.

    Returns
    -------
    DataFrame with the columns of :data:`INNOVATION_COLUMNS`
        ``sid_16`` ... ``sid_35`` as int64 levels 0-3, dates as datetime64.

    Raises
    ------
    DataValidationError
        Listing every failing row and column: missing columns, a level that is
        not 0-3, tahapan/jenis/bentuk/inisiator outside their lists
        (:data:`TAHAPAN`, :data:`JENIS`, :data:`BENTUK`, :data:`INISIATOR`),
        unparseable dates, duplicate innovation ids.
    """
    _require_columns(frame, INNOVATION_COLUMNS, source)
    out = frame.copy().reset_index(drop=True)
    problems: list[str] = []
    _coerce_text(out, ["innovation_id", "kode_wilayah", "opd_name", "urusan", "tematik"])
    _coerce_text(out, ["tahapan", "jenis", "bentuk", "inisiator"], lower=True)
    out["jenis"] = out["jenis"].str.replace("non-digital", "non digital", regex=False)
    _coerce_int(out, ["year", *SID_COLUMNS], source, problems)
    _coerce_dates(out, ["trial_date", "implementation_date"], source, problems)
    return _finish(out, INNOVATION_COLUMNS, INNOVATIONS_SCHEMA, source, problems)


# --------------------------------------------------------------------------- loaders

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
    """Read SPD answers (long layout) from CSV or XLSX and validate them.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8) or ``.xlsx``; header row with at least
        ``kode_wilayah, year, indicator_no, sub, level`` (``raw_value`` optional).
    sheet_name : str or int, default 0
        Sheet of an XLSX file.

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
    """Read innovations with SID answers (one row per innovation) from CSV or XLSX and validate them.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8) or ``.xlsx`` with the columns of :data:`INNOVATION_COLUMNS`.
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


# --------------------------------------------------------------------------- sufficient statistics

COMPONENT_SID_COLUMNS = tuple(f"sid_sum_{i}" for i in SID_INDICATORS)
"""Per pemda-year: Σ over innovations of the level of indicator i (weight-free)."""


def pemda_components(spd: pd.DataFrame, innovations: pd.DataFrame, framework: Framework, *,
                     index: pd.MultiIndex | None = None) -> pd.DataFrame:
    """Reduce answers to what scoring needs, per pemda and year.

    Parameters
    ----------
    spd : DataFrame with columns [kode_wilayah, year, indicator_no, sub, level]
    innovations : DataFrame with columns [kode_wilayah, year, urusan, sid_16 ... sid_35]
    framework : Framework
        Gives the SPD row ids.
    index : MultiIndex of (kode_wilayah, year), optional
        Pemda-years to include; those without any answer get zeros (a pemda
        that reported nothing scores 0, "Tidak Dapat Dinilai").  Default: the
        union of pemda-years present in either table.

    Returns
    -------
    DataFrame indexed by (kode_wilayah, year) with columns
    [spd_1, spd_2a, ... (SPD levels 0-3), sid_sum_16 ... sid_sum_35 (level sums over
    innovations), n_innovations, n_urusan_yandas]
    """
    wide = spd_levels_wide(spd, framework)
    inn = innovations
    sums = inn.groupby(["kode_wilayah", "year"])[list(SID_COLUMNS)].sum()
    sums.columns = list(COMPONENT_SID_COLUMNS)
    n = inn.groupby(["kode_wilayah", "year"]).size().rename("n_innovations")
    yandas = inn[inn["urusan"].isin(URUSAN_PELAYANAN_DASAR)].groupby(["kode_wilayah", "year"])[
        "urusan"].nunique().rename("n_urusan_yandas")
    if index is None:
        index = wide.index.union(sums.index)
    out = pd.concat([wide.reindex(index), sums.reindex(index), n.reindex(index),
                     yandas.reindex(index)], axis=1).fillna(0)
    out.index = out.index.set_names(["kode_wilayah", "year"])
    for c in out.columns:
        out[c] = out[c].astype("int64")
    return out


def spd_levels_wide(spd: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """SPD levels with one column per score row (``spd_1, spd_2a, ...``), indexed by (kode_wilayah, year).

    Vectorised equivalent of :func:`iid_research.scoring.spd_long_to_wide`.
    """
    rows = framework.spd_row_ids
    row_id = spd["indicator_no"].astype(int).astype(str) + spd["sub"].fillna("").astype(str)
    unknown = sorted(set(row_id) - set(rows))
    if unknown:
        raise ValueError(f"unknown SPD row(s) {unknown} for framework {framework.year}")
    frame = pd.DataFrame({"kode_wilayah": spd["kode_wilayah"].to_numpy(), "year": spd["year"].to_numpy(),
                          "row": row_id.to_numpy(), "level": spd["level"].to_numpy()})
    wide = frame.pivot_table(index=["kode_wilayah", "year"], columns="row", values="level", aggfunc="sum")
    wide = wide.reindex(columns=rows).fillna(0)
    wide.columns = [f"spd_{r}" for r in rows]
    return wide


def spd_points(components: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """SPD points per row (bobot × level), same index, columns ``spd_<row>``."""
    cols = [f"spd_{r}" for r in framework.spd_row_ids]
    return components[cols] * framework.spd_weights.to_numpy()


def score_components(components: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Score pemda-years from their components under a framework.

    Formula (PPT Sosialisasi IID 2023; Lampiran I butir XI.B of the 2026 guideline)::

        SPD = Σ_r bobot_r × level_r
        SID = Σ_i bobot_i × sid_sum_i / MAX(floor, n) + count_score(n)
        IID = (SPD + SID) / max_total × 100

    Parameters
    ----------
    components : DataFrame from :func:`pemda_components`
    framework : Framework

    Returns
    -------
    DataFrame, same index, columns [spd_score, n_innovations, quality_score, count_score,
    sid_score, total_score, iid_score]
        Points (0-63, 0-111, 0-76, 0-250) and the IID on the 0-100 scale.
    """
    spd = spd_points(components, framework).sum(axis=1).to_numpy()
    n = components["n_innovations"].to_numpy()
    sid_pts = components[list(COMPONENT_SID_COLUMNS)].to_numpy(dtype=float) @ framework.sid_weights.to_numpy()
    quality = sid_pts / np.maximum(framework.divisor_floor, n)
    count = count_score(n, framework, components["n_urusan_yandas"].to_numpy()
                        if framework.count_score_min_urusan_yandas else None)
    count = np.asarray(count, dtype=float)
    sid = quality + count
    return pd.DataFrame({"spd_score": spd, "n_innovations": n, "quality_score": quality, "count_score": count,
                         "sid_score": sid, "total_score": spd + sid,
                         "iid_score": compute_iid(spd, sid, framework)}, index=components.index)


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
        ``spd_answers.csv``, ``innovation_answers.csv`` (and ``.xlsx``), each written atomically.
    """
    from ._io import atomic_path, write_csv_atomic
    folder = Path(folder)
    spd = pd.DataFrame([{"kode_wilayah": "33.16", "year": 2023, "indicator_no": 2, "sub": "a", "level": 3,
                         "raw_value": None}])
    inn = pd.DataFrame([{"innovation_id": "33.16-2023-0001", "kode_wilayah": "33.16", "year": 2023,
                         "opd_name": "Dinas Kesehatan", "tahapan": "penerapan", "jenis": "digital",
                         "bentuk": "pelayanan publik", "inisiator": "opd", "urusan": "Kesehatan",
                         "tematik": "Digitalisasi layanan pemerintahan", "trial_date": "2022-02-01",
                         "implementation_date": "2022-08-01", **{c: 0 for c in SID_COLUMNS}}])
    out = {}
    for name, frame in (("spd_answers", spd), ("innovation_answers", inn)):
        out[f"{name}.csv"] = write_csv_atomic(frame, folder / f"{name}.csv")
        if xlsx:
            with atomic_path(folder / f"{name}.xlsx") as tmp:
                frame.to_excel(tmp, index=False, engine="openpyxl")
            out[f"{name}.xlsx"] = folder / f"{name}.xlsx"
    return out
