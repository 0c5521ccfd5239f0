"""Verified loaders and validated tidy tables built from ``data/raw/``.

Every raw file is listed in ``data/raw/manifest.csv`` with its SHA-256,
source, licence and access date.  :func:`verify_raw_file` checks the digest
before a file is read; a mismatch raises :class:`ChecksumMismatchError`
naming the file.  Each tidy table is validated by a pandera schema with lazy
validation, so one run reports every failing row and column at once
(:class:`DataValidationError`).

Tables
------
regions           one row per pemda (38 provinsi, 416 kabupaten, 98 kota incl.
                  the 6 non-autonomous DKI Jakarta ones, flagged)
iid_results       one row per pemda and year of published IID results (both collections merged)
iid_result_sources    every source row of the two result tables, with what the merge kept
iid_result_conflicts  values of two sources that disagree (the one kept and the other)
innovations       real innovation records shipped (LAN portal, 2018)
covariates        GRDP per capita, population, area, IDSD per pemda and year
awards            IGA winners and nominees (both award tables)
predicate_counts  national predicate counts and participation per year (by level where published)
innovation_counts     innovations sent/accepted and mean maturity per pemda-year as published
named_innovations     named real innovations with their OPD
national_aggregates   national facts (mean IID 2024/2025, maxima, IGA counts)
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import config
from ._io import sha256_file
from .frameworks import PREDICATES, index_scale_first_year
from .numbers import parse_number
from .published_sources import (
    FIELD_GROUPS,
    RANK_SCOPES,
    TRUST_GRADES,
    award_category_base,
    first_collection_rows,
    innovation_count_records,
    merge_result_rows,
    second_collection_rows,
    split_award_lists,
)
from .regions import LEVELS, RegionMatcher, RegionMatchError

# DKI Jakarta's kabupaten/kota administrasi are not autonomous pemda (not ranked).
_NON_AUTONOMOUS = {"31.01", "31.71", "31.72", "31.73", "31.74", "31.75"}


class ChecksumMismatchError(ValueError):
    """A raw file's SHA-256 differs from the one recorded in the manifest."""


class DataValidationError(ValueError):
    """A table failed its schema; the message lists every failure (file, row, column, check)."""


# --------------------------------------------------------------------------- manifest

def raw_dir(path: str | os.PathLike | None = None) -> Path:
    """Return the folder of raw inputs (``config.RAW_DIR`` unless given)."""
    return Path(path) if path is not None else config.RAW_DIR


def load_manifest(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``manifest.csv``.

    Returns
    -------
    DataFrame with columns [file, sha256, source, licence, accessed_date, description]
    """
    manifest = raw_dir(path) / "manifest.csv"
    if not manifest.exists():
        raise FileNotFoundError(f"{manifest}: manifest of raw data not found")
    frame = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    expected = ["file", "sha256", "source", "licence", "accessed_date", "description"]
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise DataValidationError(f"{manifest}: missing column(s) {missing}; found {list(frame.columns)}")
    return frame


def verify_raw_file(name: str, path: str | os.PathLike | None = None) -> Path:
    """Check one raw file against the manifest and return its path.

    Parameters
    ----------
    name : str
        File name inside the raw folder, e.g. ``"lan_inovasi_2018.csv"``.
    path : path-like, optional
        Raw folder; default ``config.RAW_DIR``.

    Raises
    ------
    KeyError
        If the file is not listed in the manifest.
    FileNotFoundError
        If the listed file is absent.
    ChecksumMismatchError
        If its SHA-256 differs from the manifest's.
    """
    folder = raw_dir(path)
    manifest = load_manifest(folder).set_index("file")
    if name not in manifest.index:
        raise KeyError(f"{name}: not listed in {folder / 'manifest.csv'}")
    file = folder / name
    if not file.exists():
        raise FileNotFoundError(f"{file}: listed in the manifest but missing")
    expected = manifest.loc[name, "sha256"]
    actual = sha256_file(file)
    if actual != expected:
        raise ChecksumMismatchError(
            f"{file}: SHA-256 mismatch (manifest {expected}, file {actual}). The raw file was "
            "changed; restore it or, if the change is intended, update data/raw/manifest.csv with its new "
            "checksum and source.")
    return file


def input_checksums(names: list[str] | None = None, path=None) -> pd.DataFrame:
    """Return [file, sha256] of the raw inputs (all manifest files by default), verified."""
    manifest = load_manifest(path)
    if names is not None:
        manifest = manifest[manifest["file"].isin(names)]
    for name in manifest["file"]:
        verify_raw_file(name, path)
    return manifest[["file", "sha256", "source"]].reset_index(drop=True)


def read_raw(name: str, path=None) -> pd.DataFrame:
    """Read one raw CSV as text cells after verifying it against the manifest (cached by checksum)."""
    file = verify_raw_file(name, path)
    return _read_csv_cached(str(file), sha256_file(file))


@functools.lru_cache(maxsize=32)
def _read_csv_cached(file: str, sha256: str) -> pd.DataFrame:
    # keyed by checksum: a changed file is never served from the cache
    return pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")


def validate_schema(schema: pa.DataFrameSchema, frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validate ``frame`` with a pandera schema, lazily: every failure is reported at once.

    Parameters
    ----------
    schema : pandera DataFrameSchema
    frame : DataFrame
    source : str
        File or table name used in the message.

    Returns
    -------
    DataFrame
        The validated (and dtype-coerced) frame.

    Raises
    ------
    DataValidationError
        Listing up to 50 failures as "row N, column 'c': failed <check> (value v)", rows
        numbered as in a spreadsheet whose header is row 1.
    """
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = []
        for row in cases.head(50).itertuples(index=False):
            idx = row.index
            where = f"row {int(idx) + 2}" if isinstance(idx, (int, np.integer)) or (
                isinstance(idx, float) and not np.isnan(idx)) else "table"
            lines.append(f"{where}, column {row.column!r}: failed {row.check} (value {row.failure_case!r})")
        more = "" if len(cases) <= 50 else f"\n  ... and {len(cases) - 50} more"
        raise DataValidationError(
            f"{source}: {len(cases)} schema failure(s):\n  " + "\n  ".join(lines) + more) from None


_FRAME_BUILDERS: dict = {}


def _build_frame(key: str, name: str, path=None):
    # the disk-cached call: ``key`` holds the raw folder's and the package's checksums (see _cache)
    return _FRAME_BUILDERS[name](path)


def _read_frame_cached(func):
    """Cache a table builder (one frame or a tuple of frames) by the checksums of the whole raw folder.

    Two levels: in the process (a dict), and on disk through the package's one cache
    (:func:`iid_research._cache.cache`), keyed by the raw files' and the package's checksums, so a
    new process (a report worker, a no-op ``make reports``) reads the built tables instead of rebuilding them.
    """
    from ._cache import cache as disk_cache
    from ._cache import package_checksum

    cache: dict = {}
    name = f"{func.__module__}.{func.__qualname__}"
    _FRAME_BUILDERS[name] = func

    @functools.wraps(func)
    def wrapper(path=None):
        folder = raw_dir(path)
        key = (str(folder.resolve()), tuple(sorted(
            (f, sha256_file(folder / f)) for f in load_manifest(folder)["file"] if (folder / f).exists())))
        if key not in cache:
            disk_key = hashlib.sha256(f"{key}|{package_checksum()}|{name}".encode()).hexdigest()
            cache[key] = disk_cache(_build_frame, ignore=["path"])(disk_key, name, path)
        value = cache[key]
        return tuple(v.copy() for v in value) if isinstance(value, tuple) else value.copy()

    wrapper.cache_clear = cache.clear
    return wrapper


# --------------------------------------------------------------------------- regions

REGIONS_SCHEMA = pa.DataFrameSchema(
    {
        "kode_wilayah": pa.Column(str, pa.Check.str_matches(r"^\d{2}(\.\d{2})?$"), unique=True),
        "nama": pa.Column(str),
        "nama_short": pa.Column(str),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "province": pa.Column(str),
        "kode_province": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
        "kode_bps": pa.Column(str, nullable=True),
        "population": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "area_km2": pa.Column(float, pa.Check.gt(0), nullable=True),
        "is_autonomous": pa.Column(bool),
    },
    strict=True,
    name="regions",
)


@_read_frame_cached
def load_regions(path=None) -> pd.DataFrame:
    """Load the pemda table.

    Source: ``regions_kemendagri_2025_population_area.csv`` (Kemendagri codes
    per Kepmendagri 300.2.2-2138/2025; population from Dukcapil; area from BIG).

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, nama_short, level, province,
    kode_province, kode_bps, population, area_km2, is_autonomous]
        552 rows.  ``nama`` carries the prefix ("Kabupaten Blora",
        "Provinsi Jawa Tengah"); ``population`` in persons (2025),
        ``area_km2`` in km².  ``is_autonomous`` is False for the six DKI
        Jakarta administrative kabupaten/kota, which the IID does not rank.
    """
    raw = read_raw("regions_kemendagri_2025_population_area.csv", path)
    is_prov = raw["level"] == "provinsi"
    frame = pd.DataFrame({
        "kode_wilayah": raw["kode_kemendagri"].str.strip(),
        "nama": np.where(is_prov, "Provinsi " + raw["nama"], raw["nama"]),
        "nama_short": raw["nama"].str.replace(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota) ",
                                              "", regex=True),
        "level": raw["level"],
        "province": raw["provinsi"],
        "kode_province": raw["kode_kemendagri"].str[:2],
        "kode_bps": raw["kode_bps_2020"].replace("", None),
        "population": pd.to_numeric(raw["penduduk_total"].replace("", None)).astype("Int64"),
        "area_km2": pd.to_numeric(raw["luas_km2"].replace("", None)).astype(float),
    })
    frame["is_autonomous"] = ~frame["kode_wilayah"].isin(_NON_AUTONOMOUS)
    frame["nama"] = frame["nama"].astype(str)
    return validate_schema(REGIONS_SCHEMA, frame, "regions_kemendagri_2025_population_area.csv")


@functools.lru_cache(maxsize=4)
def _matcher_for(key: str, sha256: str) -> RegionMatcher:
    return RegionMatcher(load_regions(None if key == "" else key))


def region_matcher(path=None) -> RegionMatcher:
    """Return a :class:`~iid_research.regions.RegionMatcher` over :func:`load_regions`.

    Cached by the checksum of the region file, and the file is verified on
    every call: a changed file raises :class:`ChecksumMismatchError`, never
    a stale answer.
    """
    file = verify_raw_file("regions_kemendagri_2025_population_area.csv", path)
    return _matcher_for("" if path is None else str(path), sha256_file(file))


def region_name_fixes(file: str) -> dict[str, str]:
    """Hand-checked name corrections for one raw file (``mappings/region_name_fixes.csv``).

    Returns
    -------
    dict of written name -> kode_wilayah
    """
    fixes = pd.read_csv(config.MAPPINGS_DIR / "region_name_fixes.csv", dtype=str, keep_default_na=False)
    fixes = fixes[fixes["file"] == file]
    return dict(zip(fixes["written_name"], fixes["kode_wilayah"]))


def match_region(query, *, level=None, province=None, path=None) -> str:
    """Shortcut: ``region_matcher().match(query, ...)``; see :meth:`RegionMatcher.match`."""
    return region_matcher(path).match(query, level=level, province=province)


# --------------------------------------------------------------------------- IID results

RESULT_FILES = ("iid_region_scores_news_2019_2025.csv", "iid_region_results_news_round2_2017_2025.csv")
"""The two per-pemda tables of published results (first and second collection), merged by :func:`load_iid_results`."""

_KODE = r"^\d{2}(\.\d{2})?$"


def _result_columns(*, merged: bool) -> dict:
    year = pa.Column(int, pa.Check.in_range(2017, 2030)) if merged else \
        pa.Column("Int64", pa.Check.in_range(2017, 2030), nullable=True)
    cols = {
        "kode_wilayah": pa.Column(str, pa.Check.str_matches(_KODE)),
        "nama": pa.Column(str),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "province": pa.Column(str),
        "year": year,
        "iid_score": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "score_decimals": pa.Column("Int64", pa.Check.in_range(0, 4), nullable=True),
        "is_rounded": pa.Column(bool),
        "raw_score": pa.Column(float, pa.Check.ge(0), nullable=True),
        "predicate": pa.Column(str, pa.Check.isin(PREDICATES), nullable=True),
        "predicate_as_written": pa.Column(str, nullable=True),
        "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "rank_of": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "scoped_rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "scoped_rank_of": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "rank_scope": pa.Column(str, pa.Check.isin(list(RANK_SCOPES)), nullable=True),
        "is_provisional": pa.Column(bool),
        "is_year_uncertain": pa.Column(bool),
        "trust": pa.Column(str, pa.Check.isin(list(TRUST_GRADES))),
        "source_url": pa.Column(str, nullable=True),
        "source_file": pa.Column(str, pa.Check.isin(list(RESULT_FILES))),
        "source_row": pa.Column(int, pa.Check.ge(2)),
        "note": pa.Column(str, nullable=True),
    }
    if merged:
        cols.update({"has_source": pa.Column(bool), "n_sources": pa.Column(int, pa.Check.ge(1)),
                     "n_conflicts": pa.Column(int, pa.Check.ge(0))})
    else:
        cols.update({"status": pa.Column(str, pa.Check.isin(["kept", "agrees", "conflict", "no_year"]))})
    return cols


_RESULT_CHECKS = [
    pa.Check(lambda d: ~(d["iid_score"].notna() & (d["year"] < index_scale_first_year())).fillna(False),
             error="0-100 score given for a year before the 0-100 scale (those years use the raw scale)"),
    pa.Check(lambda d: ~(d["raw_score"].notna() & (d["year"] >= index_scale_first_year())).fillna(False),
             error="raw-scale score given for a year on the 0-100 scale"),
    pa.Check(lambda d: d["rank"].isna() | d["rank_of"].isna() | (d["rank"] <= d["rank_of"]),
             error="rank larger than rank_of"),
    pa.Check(lambda d: d["scoped_rank"].isna() | d["scoped_rank_of"].isna() | (d["scoped_rank"] <= d["scoped_rank_of"]),
             error="scoped_rank larger than scoped_rank_of"),
    pa.Check(lambda d: d["scoped_rank"].isna() == d["rank_scope"].isna(), error="a scoped rank needs its rank_scope"),
    pa.Check(lambda d: d["iid_score"].isna() == d["score_decimals"].isna(), error="a score needs its score_decimals"),
]

IID_RESULTS_SCHEMA = pa.DataFrameSchema(
    _result_columns(merged=True), checks=_RESULT_CHECKS, unique=["kode_wilayah", "year"], strict=True,
    name="iid_results")
"""Schema of :func:`load_iid_results`: one row per pemda and year (strict: no other column)."""

RESULT_SOURCES_SCHEMA = pa.DataFrameSchema(_result_columns(merged=False), checks=_RESULT_CHECKS, strict=True,
                                           name="iid_result_sources")
"""Schema of :func:`load_iid_result_sources`: every source row of both tables."""

CONFLICTS_SCHEMA = pa.DataFrameSchema(
    {"kode_wilayah": pa.Column(str, pa.Check.str_matches(_KODE)), "nama": pa.Column(str),
     "year": pa.Column(int), "field": pa.Column(str, pa.Check.isin(list(FIELD_GROUPS))),
     "kept_value": pa.Column(object), "other_value": pa.Column(object),
     "kept_file": pa.Column(str), "kept_row": pa.Column(int), "kept_trust": pa.Column(str),
     "kept_url": pa.Column(str, nullable=True), "other_file": pa.Column(str), "other_row": pa.Column(int),
     "other_trust": pa.Column(str), "other_url": pa.Column(str, nullable=True),
     "other_is_provisional": pa.Column(bool), "other_note": pa.Column(str, nullable=True)},
    strict=True, name="iid_result_conflicts")
"""Schema of :func:`load_iid_result_conflicts`."""


def rank_scope_overrides() -> dict:
    """Hand-checked scopes of published ranks that are not national cluster ranks (``mappings/rank_scopes.csv``).

    Returns
    -------
    dict of (file, region as written in lower case, year) -> rank scope ("province", "kabupaten_kota", "award")
    """
    table = pd.read_csv(config.MAPPINGS_DIR / "rank_scopes.csv", dtype=str, keep_default_na=False)
    bad = sorted(set(table["rank_scope"]) - set(RANK_SCOPES))
    if bad:
        raise DataValidationError(f"{config.MAPPINGS_DIR / 'rank_scopes.csv'}: unknown rank_scope {bad}; "
                                  f"expected {list(RANK_SCOPES)}")
    return {(r.file, r.region.strip().lower(), int(r.year)): r.rank_scope for r in table.itertuples(index=False)}


@_read_frame_cached
def _result_tables(path=None):
    regions = load_regions(path).set_index("kode_wilayah")
    matcher = region_matcher(path)
    scopes = rank_scope_overrides()
    parts = []
    for name, parse in zip(RESULT_FILES, (first_collection_rows, second_collection_rows)):
        frame, errors = parse(read_raw(name, path), matcher, regions, scopes, name)
        if errors:
            raise DataValidationError(f"{raw_dir(path) / name}:\n  " + "\n  ".join(errors))
        frame.index = frame["source_row"].to_numpy() - 2  # schema messages name the file's row
        order = frame.pop("file_order")
        frame["status"] = "agrees"
        checked = validate_schema(RESULT_SOURCES_SCHEMA, frame, name).drop(columns="status")
        parts.append(checked.assign(file_order=order))
    rows = pd.concat(parts, ignore_index=True)
    merged, conflicts, status = merge_result_rows(rows)
    merged["has_source"] = merged["source_url"].notna()
    merged = merged.astype({"year": int, "source_row": int, "n_sources": int, "n_conflicts": int})
    merged = merged[list(IID_RESULTS_SCHEMA.columns)]
    merged = validate_schema(IID_RESULTS_SCHEMA, merged, "iid_results (merged)")
    merged = merged.sort_values(["year", "level", "kode_wilayah"], kind="stable").reset_index(drop=True)
    sources = rows.drop(columns="file_order").assign(status=status.to_numpy())
    sources = validate_schema(RESULT_SOURCES_SCHEMA, sources, "iid_result_sources")
    conflicts = validate_schema(CONFLICTS_SCHEMA, conflicts, "iid_result_conflicts")
    return merged, sources, conflicts


@_read_frame_cached
def load_iid_results(path=None) -> pd.DataFrame:
    """Load the published per-pemda IID results: both collections merged, one row per pemda and year.

    Sources: ``iid_region_scores_news_2019_2025.csv`` (first collection) and
    ``iid_region_results_news_round2_2017_2025.csv`` (second collection), hand-extracted from news and
    government pages, one URL per row; a convenience sample, not the official Kepmendagri annex.
    Where both (or two rows of one) speak of a pemda-year, each field comes from the most trusted row
    (order in :mod:`iid_research.published_sources`: final before provisional, then the trust grade,
    then the first collection); every other value that disagrees is in :func:`load_iid_result_conflicts`.

    Returns
    -------
    DataFrame with the columns of :data:`IID_RESULTS_SCHEMA`
        ``iid_score`` is on the 0-100 scale (2021 onward) with ``score_decimals`` as written (2 in the
        decree; 0 for a quote such as "skor 59") and ``is_rounded`` True for a quote with fewer than 2
        decimals; ``raw_score`` holds the old additive scale of 2017-2020 (rows marked RAW SCALE) and is
        never mixed with it.  ``rank`` / ``rank_of`` are national ranks within the level cluster
        (provinsi, kabupaten or kota); a rank of another scope is in ``scoped_rank`` / ``scoped_rank_of``
        with ``rank_scope`` "province" (among the province's kabupaten/kota), "kabupaten_kota" (all
        kabupaten and kota together) or "award" (an IGA award order).  ``predicate_as_written`` keeps a
        written title that is not a predikat ("Terinovatif").  ``is_provisional`` marks pre-decree
        readings, ``is_year_uncertain`` rows whose year the source leaves open.  ``trust``,
        ``source_url``, ``source_file`` and ``source_row`` describe the primary row (the one whose score,
        else rank, else predikat was kept); ``n_sources`` counts the rows merged and ``n_conflicts`` the
        values that disagree.  Rows without a stated year (Kota Payakumbuh's rank 25 of 512) are not
        here but in :func:`load_iid_result_sources`.

    Raises
    ------
    DataValidationError
        If a row breaks the schema (the message names the file, row and column).
    """
    return _result_tables(path)[0]


@_read_frame_cached
def load_iid_result_sources(path=None) -> pd.DataFrame:
    """Every source row of both result tables, parsed, with what the merge did with it.

    Returns
    -------
    DataFrame with the columns of :data:`RESULT_SOURCES_SCHEMA`
        As :func:`load_iid_results` (``year`` may be empty) plus ``status``: ``kept`` (the primary row
        of its pemda-year), ``agrees`` (confirms or adds values), ``conflict`` (a value disagrees with the
        kept one) or ``no_year`` (left out of the results: the source states no year).
    """
    return _result_tables(path)[1]


@_read_frame_cached
def load_iid_result_conflicts(path=None) -> pd.DataFrame:
    """Values of published results that disagree with the value kept in :func:`load_iid_results`.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, year, field, kept_value, other_value, kept_file,
    kept_row, kept_trust, kept_url, other_file, other_row, other_trust, other_url,
    other_is_provisional, other_note]
        One row per disagreeing value; ``field`` is one of iid_score, raw_score, predicate, rank,
        rank_of, scoped_rank.  Scores are compared at the lower precision of the two ("59" agrees with
        59.28).  E.g. Kabupaten Pohuwato 2021: rank_of 415 kept, 251 ("197 dari 251") in the other.
    """
    return _result_tables(path)[2]


# --------------------------------------------------------------------------- innovations

LAN_INNOVATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "innovation_id": pa.Column(str, unique=True),
        "nama_inovasi": pa.Column(str),
        "produk_inovasi": pa.Column(str, nullable=True),
        "jenis_inovasi": pa.Column(str, nullable=True),
        "kelompok_inovator": pa.Column(str),
        "nama_instansi": pa.Column(str),
        "opd_name": pa.Column(str, nullable=True),
        "kode_wilayah": pa.Column(str, nullable=True),
        "is_pemda": pa.Column(bool),
        "year_initiated": pa.Column("Int64", pa.Check.in_range(1980, 2030), nullable=True),
        "year_implemented": pa.Column("Int64", pa.Check.in_range(1980, 2030), nullable=True),
        "teknik_validasi": pa.Column(str, nullable=True),
        "source": pa.Column(str),
    },
    checks=[pa.Check(lambda d: ~(d["is_pemda"] & d["kode_wilayah"].isna()),
                     error="pemda innovation without kode_wilayah")],
    strict=True,
    name="lan_innovations",
)


@_read_frame_cached
def load_innovations(path=None) -> pd.DataFrame:
    """Load the real innovation records shipped (LAN innovation portal, Jul 2018).

    The pemda of a record is resolved from ``nama_instansi`` (e.g. "Kota
    Surabaya", "KABUPATEN KULON PROGO"); where the source's own code disagrees
    with the name, the name wins (the code column is known to be shifted for
    a few rows).

    Returns
    -------
    DataFrame with columns [innovation_id, nama_inovasi, produk_inovasi,
    jenis_inovasi, kelompok_inovator, nama_instansi, opd_name, kode_wilayah,
    is_pemda, year_initiated, year_implemented, teknik_validasi, source]
        200 rows; ``is_pemda`` marks the 111 records of provincial and
        kabupaten/kota governments (the rest are ministries, BUMN/BUMD, NGOs).
    """
    name = "lan_inovasi_2018.csv"
    raw = read_raw(name, path)
    matcher = region_matcher(path)
    fixes = region_name_fixes(name)
    is_pemda = raw["kelompok_inovator"].str.startswith("Provinsi / Kabupaten")
    codes, errors = [], []
    for i, row in raw.iterrows():
        if not is_pemda[i]:
            codes.append(None)
            continue
        if row["nama_instansi"].strip() in fixes:
            codes.append(fixes[row["nama_instansi"].strip()])
            continue
        try:
            codes.append(matcher.match(row["nama_instansi"]))
        except RegionMatchError as exc:
            fallback = row["kabkota_kode_kemendagri"].strip() or row["provinsi_kode"].strip()
            if fallback:
                codes.append(matcher.match(fallback))
            else:
                codes.append(None)
                errors.append(f"row {i + 2}, column 'nama_instansi': {exc}")
    if errors:
        raise DataValidationError(f"{raw_dir(path) / name}:\n  " + "\n  ".join(errors))

    def years(col):
        return pd.to_numeric(raw[col].replace("", None)).astype("Int64")

    frame = pd.DataFrame({
        "innovation_id": "LAN-" + raw["lan_id"],
        "nama_inovasi": raw["nama_inovasi"].str.strip(),
        "produk_inovasi": raw["produk_inovasi"].replace("", None),
        "jenis_inovasi": raw["jenis_inovasi"].replace("", None),
        "kelompok_inovator": raw["kelompok_inovator"],
        "nama_instansi": raw["nama_instansi"].str.strip(),
        "opd_name": raw["unit_instansi_opd"].str.strip().replace("", None),
        "kode_wilayah": pd.Series(codes, dtype=object),
        "is_pemda": is_pemda.astype(bool),
        "year_initiated": years("tahun_inisiasi"),
        "year_implemented": years("tahun_implementasi"),
        "teknik_validasi": raw["teknik_validasi"].replace("", None),
        "source": "LAN innovation portal via github.com/edison8301/inovasi-lan (2018)",
    })
    return validate_schema(LAN_INNOVATIONS_SCHEMA, frame, name)


# --------------------------------------------------------------------------- covariates

COVARIATES_SCHEMA = pa.DataFrameSchema(
    {
        "kode_wilayah": pa.Column(str),
        "year": pa.Column(int),
        "grdp_per_capita_thousand_idr": pa.Column(float, pa.Check.gt(0), nullable=True),
        "idsd_score": pa.Column(float, pa.Check.in_range(0, 5), nullable=True),
        "population_2025": pa.Column("Int64", nullable=True),
        "area_km2": pa.Column(float, nullable=True),
        "population_density_per_km2": pa.Column(float, nullable=True),
    },
    unique=["kode_wilayah", "year"],
    strict=True,
    name="covariates",
)


@_read_frame_cached
def load_covariates(path=None) -> pd.DataFrame:
    """Load covariates per pemda and year (2019-2025).

    Sources: GRDP per capita by district from quarcs-lab/indonesia514
    (thousand rupiah, constant prices; joined on the BPS code, then on the
    name for districts renumbered since), BRIN's Indeks Daya Saing Daerah
    2024 (partial, scale 0-5), population 2025 and area from the region table.

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, grdp_per_capita_thousand_idr,
    idsd_score, population_2025, area_km2, population_density_per_km2]
        One row per kabupaten/kota and year 2019-2025 (provinces carry
        population and area only).  Values that are not published are NaN.
    """
    regions = load_regions(path)
    matcher = region_matcher(path)
    grdp = read_raw("grdp_per_capita_districts_2000_2024_quarcs.csv", path)
    by_bps = regions.dropna(subset=["kode_bps"]).set_index("kode_bps")["kode_wilayah"]
    codes = []
    for row in grdp.itertuples(index=False):
        kode = by_bps.get(row.districtID)
        if kode is None:
            try:
                kode = matcher.match(row.district, province=row.province)
            except RegionMatchError:
                kode = None
        codes.append(kode)
    grdp = grdp.assign(kode_wilayah=codes).dropna(subset=["kode_wilayah"])
    grdp = grdp.drop_duplicates("kode_wilayah")
    years = list(range(2019, 2026))
    long = grdp.melt(id_vars=["kode_wilayah"], value_vars=[f"grdp_pc_{y}" for y in years if y <= 2024],
                     var_name="year", value_name="grdp_per_capita_thousand_idr")
    long["year"] = long["year"].str[-4:].astype(int)
    long["grdp_per_capita_thousand_idr"] = long["grdp_per_capita_thousand_idr"].map(parse_number)

    idsd = read_raw("idsd_2024_kabkota_partial.csv", path)
    idsd_codes = matcher.match_many(list(idsd["region"]), level=list(idsd["level"]),
                                    province=list(idsd["province"]),
                                    context="idsd_2024_kabkota_partial.csv")
    idsd = pd.DataFrame({"kode_wilayah": idsd_codes, "year": idsd["year"].astype(int),
                         "idsd_score": idsd["idsd_score"].map(parse_number)})
    idsd = idsd.drop_duplicates(["kode_wilayah", "year"])

    grid = pd.MultiIndex.from_product([regions["kode_wilayah"], years], names=["kode_wilayah", "year"])
    frame = pd.DataFrame(index=grid).reset_index()
    frame = frame.merge(long, on=["kode_wilayah", "year"], how="left", validate="1:1")
    frame = frame.merge(idsd, on=["kode_wilayah", "year"], how="left", validate="1:1")
    static = regions.set_index("kode_wilayah")[["population", "area_km2"]]
    frame["population_2025"] = frame["kode_wilayah"].map(static["population"]).astype("Int64")
    frame["area_km2"] = frame["kode_wilayah"].map(static["area_km2"]).astype(float)
    frame["population_density_per_km2"] = (frame["population_2025"].astype(float) / frame["area_km2"])
    frame["grdp_per_capita_thousand_idr"] = frame["grdp_per_capita_thousand_idr"].astype(float)
    frame["idsd_score"] = frame["idsd_score"].astype(float)
    return validate_schema(COVARIATES_SCHEMA, frame, "covariates")


# --------------------------------------------------------------------------- awards, counts

AWARD_FILES = ("iga_awards_2020_2025.csv", "iga_awards_round2_2021_2025.csv")
"""The two IGA award tables, merged by :func:`load_awards`."""

AWARDS_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2007, 2030)),
        "category": pa.Column(str),
        "kode_wilayah": pa.Column(str),
        "nama": pa.Column(str),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "award_rank": pa.Column("Int64", nullable=True),
        "note": pa.Column(str, nullable=True),
        "source_url": pa.Column(str),
        "source_file": pa.Column(str, pa.Check.isin(list(AWARD_FILES))),
    },
    unique=["year", "category", "kode_wilayah"],
    strict=True,
    name="awards",
)


def _round2_awards(path) -> pd.DataFrame:
    name = AWARD_FILES[1]
    out = split_award_lists(read_raw(name, path))
    out["kode_wilayah"] = region_matcher(path).match_many(list(out["region"]), level=list(out["level"]),
                                                          context=str(raw_dir(path) / name))
    return out


@_read_frame_cached
def load_awards(path=None) -> pd.DataFrame:
    """Load Innovative Government Award (IGA) winners and nominees, 2020-2025, from both award tables.

    Sources: ``iga_awards_2020_2025.csv`` and ``iga_awards_round2_2021_2025.csv`` (second collection:
    IGA 2021 nominees per cluster, Jatim, Sragen, Tegal, Magelang and others; a nominee list in one
    cell is split into one row per pemda, its order kept in ``note`` as "listed k of n").  Where the
    second table repeats a row of the first (same year, pemda and category, a trailing "(...)"
    ignored), the first row is kept and only its missing ``award_rank`` is filled in from the second
    (the source noted in ``note``).

    Returns
    -------
    DataFrame with columns [year, category, kode_wilayah, nama, level, award_rank, note, source_url, source_file]
        ``award_rank`` is the order given by the source where it states a number ("12 besar" and
        IID ranks are kept as text in ``note``).
    """
    name = AWARD_FILES[0]
    raw = read_raw(name, path)
    codes = region_matcher(path).match_many(list(raw["region"]), level=list(raw["level"]),
                                            context=str(raw_dir(path) / name))
    regions = load_regions(path).set_index("kode_wilayah")
    first = pd.DataFrame({
        "year": raw["year"].astype(int),
        "category": raw["category"],
        "kode_wilayah": codes,
        "level": raw["level"],
        "award_rank": pd.to_numeric(raw["award_rank"].replace("", None)).astype("Int64"),
        "note": raw["note"].replace("", None),
        "source_url": raw["source_url"],
        "source_file": name,
    }).drop_duplicates(["year", "category", "kode_wilayah"])
    second = _round2_awards(path)
    key = pd.MultiIndex.from_arrays([first["year"], first["category"].map(award_category_base),
                                     first["kode_wilayah"]])
    extra = []
    for r in second.itertuples(index=False):
        hit = (r.year, award_category_base(r.category), r.kode_wilayah)
        if hit in key:
            pos = key.get_loc(hit)
            pos = pos if isinstance(pos, (int, np.integer)) else int(np.flatnonzero(pos)[0])
            if pd.isna(first["award_rank"].iloc[pos]) and r.award_rank is not None:
                first.iloc[pos, first.columns.get_loc("award_rank")] = r.award_rank
                old = first["note"].iloc[pos]
                first.iloc[pos, first.columns.get_loc("note")] = \
                    f"{old + '; ' if isinstance(old, str) else ''}award_rank {r.award_rank} from {r.source_url}"
            continue
        extra.append({"year": r.year, "category": r.category, "kode_wilayah": r.kode_wilayah, "level": r.level,
                      "award_rank": r.award_rank, "note": r.note, "source_url": r.source_url,
                      "source_file": AWARD_FILES[1]})
    frame = pd.concat([first, pd.DataFrame(extra)], ignore_index=True)
    frame = frame.drop_duplicates(["year", "category", "kode_wilayah"]).reset_index(drop=True)
    frame["award_rank"] = pd.to_numeric(frame["award_rank"]).astype("Float64").round().astype("Int64")
    frame.insert(3, "nama", [regions.loc[c, "nama"] for c in frame["kode_wilayah"]])
    frame["note"] = frame["note"].astype(object).where(frame["note"].notna(), None)
    return validate_schema(AWARDS_SCHEMA, frame, "iga_awards (both tables)")


# --------------------------------------------------------------------------- second collection: counts, names, facts

INNOVATION_COUNTS_SCHEMA = pa.DataFrameSchema(
    {
        "kode_wilayah": pa.Column(str, pa.Check.str_matches(_KODE)),
        "nama": pa.Column(str),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "year": pa.Column("Int64", pa.Check.in_range(2017, 2030), nullable=True),
        "n_sent_or_counted": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "n_accepted": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "mean_maturity": pa.Column(float, pa.Check.in_range(0, 111), nullable=True),
        "maturity_as_written": pa.Column(str, nullable=True),
        "iid_score": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "raw_score": pa.Column(float, pa.Check.ge(0), nullable=True),
        "iid_is_provisional": pa.Column(bool),
        "other_counts": pa.Column(str, nullable=True),
        "source_url": pa.Column(str),
        "note": pa.Column(str, nullable=True),
    },
    checks=[pa.Check(lambda d: (d["n_accepted"].isna() | d["n_sent_or_counted"].isna()
                                | (d["n_accepted"] <= d["n_sent_or_counted"])).astype(bool),
                     error="more innovations accepted than sent")],
    strict=True,
    name="innovation_counts",
)


@_read_frame_cached
def load_innovation_counts(path=None) -> pd.DataFrame:
    """Innovation counts and maturity per pemda-year as published (second collection).

    Source: ``iid_innovation_counts_maturity_2021_2025.csv``: what officials said at a date, often
    before the input deadline.  Kabupaten Tegal 2023-2025 is complete (sent, accepted by Kemendagri,
    mean maturity, IID); Blora: 210 (2023), 250 sent of 1,000 collected (2024), 471 (2025).

    Returns
    -------
    DataFrame with the columns of :data:`INNOVATION_COUNTS_SCHEMA`
        ``n_sent_or_counted`` innovations sent to (or counted for) the IID, ``n_accepted`` those
        Kemendagri accepted; ``mean_maturity`` the mean maturity score ("nilai kematangan", 0-111 per
        innovation) when a number is given, otherwise the text (a threshold or a range) is in
        ``maturity_as_written``.  ``iid_score`` / ``raw_score`` is the IID the same source gives (raw for
        pre-2021 years or "(raw)"), ``iid_is_provisional`` True for "(provisional)".  ``year`` is empty
        where the source states none.
    """
    name = "iid_innovation_counts_maturity_2021_2025.csv"
    records, errors = innovation_count_records(read_raw(name, path), region_matcher(path),
                                               load_regions(path).set_index("kode_wilayah"))
    if errors:
        raise DataValidationError(f"{raw_dir(path) / name}:\n  " + "\n  ".join(errors))
    frame = pd.DataFrame.from_records(records)
    for col in ("year", "n_sent_or_counted", "n_accepted"):
        frame[col] = pd.to_numeric(frame[col]).astype("Float64").round().astype("Int64")
    return validate_schema(INNOVATION_COUNTS_SCHEMA, frame, name)


NAMED_INNOVATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "kode_wilayah": pa.Column(str, pa.Check.str_matches(_KODE)),
        "nama": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(2017, 2030)),
        "nama_inovasi": pa.Column(str),
        "opd_name": pa.Column(str, nullable=True),
        "opd_as_written": pa.Column(str),
        "initiator_type": pa.Column(str, nullable=True),
        "status_note": pa.Column(str, nullable=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    name="named_innovations",
)


@_read_frame_cached
def load_named_innovations(path=None) -> pd.DataFrame:
    """Named real innovations with the OPD or unit that owns them where the source says (second collection).

    Source: ``innovations_named_with_opd_2021_2025.csv`` (Sumbawa 2022 complete: 9 innovations with
    their OPD; otherwise mostly IGA flagships).  No innovator names.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, year, nama_inovasi, opd_name, opd_as_written,
    initiator_type, status_note, source_url]
        ``opd_name`` is empty where the source does not name the OPD ("not stated ..."); the text as
        written is in ``opd_as_written``.
    """
    name = "innovations_named_with_opd_2021_2025.csv"
    raw = read_raw(name, path)
    codes = region_matcher(path).match_many(list(raw["region_name"]), context=str(raw_dir(path) / name))
    regions = load_regions(path).set_index("kode_wilayah")
    opd = raw["opd_or_unit"].str.strip()
    frame = pd.DataFrame({
        "kode_wilayah": codes, "nama": [regions.loc[c, "nama"] for c in codes], "year": raw["year"].astype(int),
        "nama_inovasi": raw["innovation_name"].str.strip(),
        "opd_name": opd.where(~opd.str.contains("not stated", case=False) & opd.ne(""), None),
        "opd_as_written": opd, "initiator_type": raw["initiator_type"].str.strip().replace("", None),
        "status_note": raw["status_note"].str.strip().replace("", None), "source_url": raw["source_url"].str.strip(),
    })
    return validate_schema(NAMED_INNOVATIONS_SCHEMA, frame, name)


NATIONAL_AGGREGATES_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2017, 2030)),
        "item": pa.Column(str),
        "value": pa.Column(str),
        "value_number": pa.Column(float, nullable=True),
        "source_url": pa.Column(str),
        "trust_note": pa.Column(str, nullable=True),
    },
    unique=["year", "item"],
    strict=True,
    name="national_aggregates",
)


@_read_frame_cached
def load_national_aggregates(path=None) -> pd.DataFrame:
    """National IID facts as published (second collection).

    Source: ``iid_national_aggregates_2020_2025.csv``: the national mean IID 46.01 (2024) and 49.43
    (2025), the IID 2020 decree number, IGA winner counts, SPD/SID maxima.

    Returns
    -------
    DataFrame with columns [year, item, value, value_number, source_url, trust_note]
        ``value`` as written; ``value_number`` its number when the value is a single number
        (e.g. ``national mean IID``), else NaN.
    """
    name = "iid_national_aggregates_2020_2025.csv"
    raw = read_raw(name, path)
    plain = raw["value"].str.fullmatch(r"\s*[\d.,]+\s*")
    frame = pd.DataFrame({
        "year": raw["year"].astype(int), "item": raw["item"].str.strip(), "value": raw["value"].str.strip(),
        "value_number": [parse_number(v) if p else np.nan for v, p in zip(raw["value"], plain)],
        "source_url": raw["source_url"].str.strip(), "trust_note": raw["trust_note"].str.strip().replace("", None),
    })
    return validate_schema(NATIONAL_AGGREGATES_SCHEMA, frame, name)


def national_mean_iid(path=None) -> pd.Series:
    """The published national mean IID by year (``load_national_aggregates``, item "national mean IID").

    >>> national_mean_iid().to_dict()
    {2024: 46.01, 2025: 49.43}
    """
    agg = load_national_aggregates(path)
    rows = agg[agg["item"] == "national mean IID"]
    return pd.Series(rows["value_number"].to_numpy(float), index=rows["year"].to_numpy(int), name="national_mean_iid")


PREDICATE_COUNTS_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, unique=True),
        "sangat_inovatif_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "inovatif_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "kurang_inovatif_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "tidak_dapat_dinilai_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "participating_pemda_count": pa.Column("Int64", pa.Check.ge(0)),
        "participating_provinsi_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "participating_kabupaten_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "participating_kota_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "innovations_reported_count": pa.Column("Int64", pa.Check.ge(0)),
        "note": pa.Column(str, nullable=True),
        "source_url": pa.Column(str),
    },
    strict=True,
    name="predicate_counts",
)


@_read_frame_cached
def load_predicate_counts(path=None) -> pd.DataFrame:
    """Load national predicate counts, participation and innovations per year (2018-2025).

    Participation by level is read from the note where the source gives it ("38 prov 398 of 415 kab
    93 kota" in 2024, "38 prov 400 kab 98 kota" in 2025, and 2018-2019); it is not checked against
    the total here (the data-quality list does, :mod:`iid_research.analysis.quality`).

    Returns
    -------
    DataFrame with columns [year, sangat_inovatif_count, inovatif_count,
    kurang_inovatif_count, tidak_dapat_dinilai_count, participating_pemda_count,
    participating_provinsi_count, participating_kabupaten_count, participating_kota_count,
    innovations_reported_count, note, source_url]
        Counts by level are empty where the source gives none.
    """
    raw = read_raw("iid_predicate_counts_2018_2025.csv", path)

    def count(col):
        return pd.to_numeric(raw[col].replace("", None).map(
            lambda v: None if v is None else parse_number(v, scale="raw"))).astype("Int64")

    by_level = raw["note"].str.extract(r"(\d+) prov\w*\s+(\d+)(?: of \d+)? kab\w*\s+(\d+) kota")
    levels = [[None if pd.isna(v) else int(v) for v in by_level[k]] for k in range(3)]
    frame = pd.DataFrame({
        "year": raw["year"].astype(int),
        "sangat_inovatif_count": count("sangat_inovatif"),
        "inovatif_count": count("inovatif"),
        "kurang_inovatif_count": count("kurang_inovatif"),
        "tidak_dapat_dinilai_count": count("tidak_dapat_dinilai"),
        "participating_pemda_count": count("participating_pemda"),
        **{f"participating_{lv}_count": pd.array(levels[k], dtype="Int64") for k, lv in enumerate(LEVELS)},
        "innovations_reported_count": count("innovations_reported"),
        "note": raw["note"].replace("", None),
        "source_url": raw["source_url"],
    })
    return validate_schema(PREDICATE_COUNTS_SCHEMA, frame, "iid_predicate_counts_2018_2025.csv")


def write_processed(path=None, out_dir=None) -> dict[str, Path]:
    """Build every tidy table and write it as CSV under ``data/processed/`` (atomically).

    Returns
    -------
    dict of table name -> written path
    """
    from ._io import write_csv_atomic

    out = Path(out_dir) if out_dir is not None else config.PROCESSED_DIR
    tables = {
        "regions": load_regions(path), "iid_results": load_iid_results(path),
        "innovations": load_innovations(path), "covariates": load_covariates(path),
        "awards": load_awards(path), "predicate_counts": load_predicate_counts(path),
        "iid_result_sources": load_iid_result_sources(path), "iid_result_conflicts": load_iid_result_conflicts(path),
        "innovation_counts": load_innovation_counts(path), "named_innovations": load_named_innovations(path),
        "national_aggregates": load_national_aggregates(path),
    }
    return {name: write_csv_atomic(frame, out / f"{name}.csv") for name, frame in tables.items()}
