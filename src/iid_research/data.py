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
iid_results       one row per pemda and year of published IID results
innovations       real innovation records shipped (LAN portal, 2018)
covariates        GRDP per capita, population, area, IDSD per pemda and year
awards            IGA winners and nominees
predicate_counts  national predicate counts and participation per year
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import config
from ._io import sha256_file
from .frameworks import PREDICATES, index_scale_first_year, normalise_predicate
from .numbers import parse_number
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


def _read_raw(name: str, path=None) -> pd.DataFrame:
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


def _read_frame_cached(func):
    """Cache a table builder by the checksums of the whole raw folder."""
    cache: dict = {}

    @functools.wraps(func)
    def wrapper(path=None):
        folder = raw_dir(path)
        key = (str(folder.resolve()), tuple(sorted(
            (f, sha256_file(folder / f)) for f in load_manifest(folder)["file"] if (folder / f).exists())))
        if key not in cache:
            cache[key] = func(path)
        return cache[key].copy()

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
    raw = _read_raw("regions_kemendagri_2025_population_area.csv", path)
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

IID_RESULTS_SCHEMA = pa.DataFrameSchema(
    {
        "kode_wilayah": pa.Column(str, pa.Check.str_matches(r"^\d{2}(\.\d{2})?$")),
        "nama": pa.Column(str),
        "level": pa.Column(str, pa.Check.isin(LEVELS)),
        "province": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(2018, 2030)),
        "iid_score": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "raw_score": pa.Column(float, pa.Check.ge(0), nullable=True),
        "predicate": pa.Column(str, pa.Check.isin(PREDICATES), nullable=True),
        "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "rank_of": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "is_provisional": pa.Column(bool),
        "has_source": pa.Column(bool),
        "source_url": pa.Column(str, nullable=True),
        "note": pa.Column(str, nullable=True),
    },
    checks=[
        pa.Check(lambda d: ~(d["iid_score"].notna() & (d["year"] < index_scale_first_year())),
                 error="0-100 score given for a year before the 0-100 scale (those years use the raw scale)"),
        pa.Check(lambda d: ~(d["raw_score"].notna() & (d["year"] >= index_scale_first_year())),
                 error="raw-scale score given for a year on the 0-100 scale"),
        pa.Check(lambda d: d["rank"].isna() | d["rank_of"].isna() | (d["rank"] <= d["rank_of"]),
                 error="rank larger than rank_of"),
    ],
    unique=["kode_wilayah", "year"],
    strict=True,
    name="iid_results",
)


@_read_frame_cached
def load_iid_results(path=None) -> pd.DataFrame:
    """Load the published per-pemda IID results.

    Source: ``iid_region_scores_news_2019_2025.csv`` (hand-extracted from news
    and regional-government pages, one URL per row; a convenience sample, not
    the official Kepmendagri annex).

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, level, province, year, iid_score,
    raw_score, predicate, rank, rank_of, is_provisional, has_source, source_url, note]
        One row per pemda and year.  ``iid_score`` is on the 0-100 scale
        (2021 onward); ``raw_score`` holds the old additive scale of 2019-2020
        and is never mixed with it.  ``rank`` is within the pemda's cluster
        (provinsi, kabupaten or kota) where the source says so.
        ``has_source`` is False for rows with no source page.

    Raises
    ------
    DataValidationError
        If a row breaks the schema (the message names each row and column).
    """
    name = "iid_region_scores_news_2019_2025.csv"
    raw = _read_raw(name, path)
    regions = load_regions(path).set_index("kode_wilayah")
    matcher = region_matcher(path)
    errors = []
    records, positions = [], []
    for i, row in raw.iterrows():
        line = i + 2
        kode = row["kode_kemendagri"].strip()
        try:
            by_name = matcher.match(row["region"], level=row["level"] or None)
        except RegionMatchError as exc:
            errors.append(f"row {line}, column 'region': {exc}")
            continue
        if kode and kode != by_name:
            errors.append(f"row {line}, column 'kode_kemendagri': {kode!r} but region {row['region']!r} is {by_name}")
            continue
        kode = by_name
        year = int(row["year"])
        is_raw = row["score_scale"].startswith("raw")
        try:
            value = parse_number(row["iid_score"], scale="raw" if is_raw else "index")
            predicate = normalise_predicate(row["predicate"])
        except ValueError as exc:
            errors.append(f"row {line}: {exc}")
            continue
        positions.append(i)
        records.append({
            "kode_wilayah": kode,
            "nama": regions.loc[kode, "nama"],
            "level": regions.loc[kode, "level"],
            "province": regions.loc[kode, "province"],
            "year": year,
            "iid_score": np.nan if is_raw else value,
            "raw_score": value if is_raw else np.nan,
            "predicate": predicate,
            "rank": parse_number(row["rank"]),
            "rank_of": parse_number(row["rank_of"]),
            "is_provisional": row["provisional"].strip().lower() in ("yes", "true", "1"),
            "has_source": bool(row["source_url"].strip()),
            "source_url": row["source_url"].strip() or None,
            "note": row["note"].strip() or None,
        })
    if errors:
        raise DataValidationError(f"{raw_dir(path) / name}:\n  " + "\n  ".join(errors))
    frame = pd.DataFrame.from_records(records, index=positions)  # index = source row, for error messages
    for col in ("rank", "rank_of"):
        frame[col] = frame[col].astype("Float64").round().astype("Int64")
    frame["year"] = frame["year"].astype(int)
    frame = validate_schema(IID_RESULTS_SCHEMA, frame, name)
    return frame.sort_values(["year", "level", "kode_wilayah"], kind="stable").reset_index(drop=True)


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
    raw = _read_raw(name, path)
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
    grdp = _read_raw("grdp_per_capita_districts_2000_2024_quarcs.csv", path)
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

    idsd = _read_raw("idsd_2024_kabkota_partial.csv", path)
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
    },
    strict=True,
    name="awards",
)


@_read_frame_cached
def load_awards(path=None) -> pd.DataFrame:
    """Load Innovative Government Award (IGA) winners and nominees, 2020-2025.

    Returns
    -------
    DataFrame with columns [year, category, kode_wilayah, nama, level, award_rank, note, source_url]
        ``award_rank`` is the order given by the source where it states one.
    """
    name = "iga_awards_2020_2025.csv"
    raw = _read_raw(name, path)
    codes = region_matcher(path).match_many(list(raw["region"]), level=list(raw["level"]),
                                            context=str(raw_dir(path) / name))
    regions = load_regions(path).set_index("kode_wilayah")
    frame = pd.DataFrame({
        "year": raw["year"].astype(int),
        "category": raw["category"],
        "kode_wilayah": codes,
        "nama": [regions.loc[c, "nama"] for c in codes],
        "level": raw["level"],
        "award_rank": pd.to_numeric(raw["award_rank"].replace("", None)).astype("Int64"),
        "note": raw["note"].replace("", None),
        "source_url": raw["source_url"],
    })
    frame = frame.drop_duplicates(["year", "category", "kode_wilayah"]).reset_index(drop=True)
    return validate_schema(AWARDS_SCHEMA, frame, name)


PREDICATE_COUNTS_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, unique=True),
        "sangat_inovatif_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "inovatif_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "kurang_inovatif_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "tidak_dapat_dinilai_count": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "participating_pemda_count": pa.Column("Int64", pa.Check.ge(0)),
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

    Returns
    -------
    DataFrame with columns [year, sangat_inovatif_count, inovatif_count,
    kurang_inovatif_count, tidak_dapat_dinilai_count, participating_pemda_count,
    innovations_reported_count, note, source_url]
    """
    raw = _read_raw("iid_predicate_counts_2018_2025.csv", path)

    def count(col):
        return pd.to_numeric(raw[col].replace("", None).map(
            lambda v: None if v is None else parse_number(v, scale="raw"))).astype("Int64")

    frame = pd.DataFrame({
        "year": raw["year"].astype(int),
        "sangat_inovatif_count": count("sangat_inovatif"),
        "inovatif_count": count("inovatif"),
        "kurang_inovatif_count": count("kurang_inovatif"),
        "tidak_dapat_dinilai_count": count("tidak_dapat_dinilai"),
        "participating_pemda_count": count("participating_pemda"),
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
    }
    return {name: write_csv_atomic(frame, out / f"{name}.csv") for name, frame in tables.items()}
