"""OPD names, OPD types and OPD innovation profiles.

An OPD (Organisasi Perangkat Daerah) is an agency of a pemda.  The same kind
of agency is written in many ways ("Dinas Kesehatan", "Dinkes Kab. Blora",
"DINAS KESEHATAN", "UPT Puskesmas Jepon").  :func:`map_opd_types` turns each
written name into a canonical OPD type ("kesehatan") through the editable
table ``src/iid_research/mappings/opd_types.csv``:

``pattern``
    a regular expression searched in the normalised name (lower case,
    punctuation removed, "&" read as "dan"; see :func:`normalise_opd_name`).
``opd_type``
    the canonical type (snake_case); units (schools, puskesmas, RSUD, UPT)
    are mapped to the type of their parent dinas.
``label_id``, ``label_en``
    the type's label in Bahasa Indonesia and English (one pair per type).
``note``
    why the row exists.

Rule: of all patterns found in a name, the one that starts **earliest**
wins (the head noun comes first in Indonesian: "UPT RS Paru Dinas
Kesehatan" -> the hospital; "Dinas Pertanian dan Perikanan" -> pertanian);
ties go to the longer match, then to the earlier row.  Names that match no
pattern get the type :data:`UNMAPPED` and are listed by
:func:`unmapped_opd_names`; they are never dropped.

Profiles (:func:`build_opd_profiles`) summarise each OPD's innovations per
pemda and year: counts, shares by tahapan, jenis, bentuk and inisiator,
urusan covered, mean SID levels, maturity (SID score out of 111, from
:func:`iid_research.scoring.score_sid_innovations`), mandatory indicators
met, replication and age.  :func:`build_real_opd_profiles` does the same from
the categorical fields of the real LAN records.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..contracts import BENTUK, INISIATOR, JENIS, TAHAPAN, validate_innovations
from ..frameworks import Framework, framework_for_year
from ..regions import normalise_name
from ..scoring import SID_COLUMNS, score_sid_innovations, urusan_pelayanan_dasar

UNMAPPED = "belum_terpetakan"
"""OPD type given to names that match no pattern of the mapping table."""

UNMAPPED_LABELS = ("Belum terpetakan", "Unmapped")

PROFILE_ID_COLUMNS = ("kode_wilayah", "year", "opd_key", "opd_type", "opd_name", "opd_label_id",
                      "opd_label_en", "is_dormant", "source", "year_first", "year_last")
"""Identifier columns of a profile table; every other numeric column is a feature."""

_SHORT = {
    "uji coba": "uji_coba", "non digital": "non_digital",
    "tata kelola pemerintahan daerah": "tata_kelola", "pelayanan publik": "pelayanan_publik",
    "inovasi daerah lainnya sesuai urusan": "urusan_lain", "kepala daerah": "kepala_daerah",
    "anggota dprd": "anggota_dprd",
}
def _short(value: str) -> str:
    return _SHORT.get(value, value.replace(" ", "_"))


# --------------------------------------------------------------------------- names -> OPD types

def normalise_opd_name(name) -> str:
    """Normalise an OPD name for matching.

    Lower case; "&" read as "dan"; punctuation, dashes and quotes replaced by
    spaces; spaces collapsed.  ``"Dinkes Kab. Blora"`` -> ``"dinkes kab blora"``.

    Parameters
    ----------
    name : str or None

    Returns
    -------
    str
        The normalised name ("" for None/NA).
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    text = str(name).replace("&", " dan ")
    text = re.sub(r"[\u2013\u2014\u201c\u201d\u2018\u2019*+!?#%@=_|\[\]{}<>]", " ", text)
    return normalise_name(text)


@functools.lru_cache(maxsize=4)
def _load_table_cached(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["pattern", "opd_type", "label_id", "label_en", "note"]
    missing = [c for c in expected if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: OPD type table lacks column(s) {missing}; expected {expected}")
    for i, row in table.iterrows():
        if not row["pattern"].strip() or not row["opd_type"].strip():
            raise ValueError(f"{path}, row {i + 2}: empty pattern or opd_type")
        try:
            re.compile(row["pattern"])
        except re.error as exc:
            raise ValueError(f"{path}, row {i + 2}: pattern {row['pattern']!r} is not a valid regular "
                             f"expression ({exc})") from exc
    labels = table.groupby("opd_type")[["label_id", "label_en"]].nunique()
    bad = labels[(labels > 1).any(axis=1)].index.tolist()
    if bad:
        raise ValueError(f"{path}: opd_type(s) {bad} have more than one label_id/label_en; give one pair per type")
    return table[expected].reset_index(drop=True)


def load_opd_types(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the OPD-type mapping table.

    Parameters
    ----------
    path : path-like, optional
        CSV file; default ``src/iid_research/mappings/opd_types.csv``.

    Returns
    -------
    DataFrame with columns [pattern, opd_type, label_id, label_en, note]
        One row per pattern, in file order (the tie-break order).

    Raises
    ------
    ValueError
        If a column is missing, a pattern is not a valid regular expression,
        or a type has more than one label pair.
    """
    return _load_table_cached(str(Path(path) if path is not None else config.MAPPINGS_DIR / "opd_types.csv"))


def opd_type_labels(lang: str = "id", path=None) -> dict[str, str]:
    """Label of each OPD type in ``lang`` ({'id', 'en'}), including :data:`UNMAPPED`."""
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    table = load_opd_types(path).drop_duplicates("opd_type")
    labels = dict(zip(table["opd_type"], table[f"label_{lang}"]))
    labels[UNMAPPED] = UNMAPPED_LABELS[0 if lang == "id" else 1]
    return labels


@functools.lru_cache(maxsize=4)
def _compiled(path: str):
    table = load_opd_types(path)
    return [(re.compile(p), t) for p, t in zip(table["pattern"], table["opd_type"])]


def _match_one(normalised: str, patterns) -> tuple[str, str]:
    best = None
    for order, (rx, opd_type) in enumerate(patterns):
        m = rx.search(normalised)
        if m is None:
            continue
        key = (m.start(), -(m.end() - m.start()), order)
        if best is None or key < best[0]:
            best = (key, opd_type, rx.pattern)
    if best is None:
        return UNMAPPED, ""
    return best[1], best[2]


def map_opd_types(names, *, path=None) -> pd.DataFrame:
    """Map written OPD names to canonical OPD types.

    Parameters
    ----------
    names : sequence of str
        OPD names as written (NA allowed).
    path : path-like, optional
        Mapping table; default the package's ``mappings/opd_types.csv``.

    Returns
    -------
    DataFrame with columns [opd_name, opd_name_normalised, opd_type, label_id, label_en, matched_pattern, is_mapped]
        One row per input name, in input order (nothing is dropped).
        Unmatched names get ``opd_type`` = :data:`UNMAPPED` and ``is_mapped`` False.

    Examples
    --------
    >>> map_opd_types(["Dinkes Kab. Blora", "Bappeda"])["opd_type"].tolist()
    ['kesehatan', 'perencanaan']
    """
    key = str(Path(path) if path is not None else config.MAPPINGS_DIR / "opd_types.csv")
    patterns = _compiled(key)
    names = pd.Series(list(names), dtype=object)
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    norm_uniques = np.array([normalise_opd_name(u) for u in uniques] + [""], dtype=object)
    normalised = pd.Series(norm_uniques[codes], dtype=object)  # code -1 (NA) picks the trailing ""
    uniq = {n: _match_one(n, patterns) if n else (UNMAPPED, "") for n in pd.unique(normalised)}
    types = normalised.map(lambda n: uniq[n][0])
    labels_id, labels_en = opd_type_labels("id", path), opd_type_labels("en", path)
    return pd.DataFrame({
        "opd_name": names, "opd_name_normalised": normalised, "opd_type": types,
        "label_id": types.map(labels_id), "label_en": types.map(labels_en),
        "matched_pattern": normalised.map(lambda n: uniq[n][1]), "is_mapped": types != UNMAPPED,
    })


def opd_type_of(name: str, *, path=None) -> str:
    """Canonical OPD type of one name (:data:`UNMAPPED` if none matches)."""
    return str(map_opd_types([name], path=path)["opd_type"].iloc[0])


def opd_types_matched(name: str, *, path=None) -> set[str]:
    """Every OPD type whose pattern matches ``name``, not only the first (:func:`map_opd_types`).

    An OPD that merges two functions has two: "Badan Perencanaan Pembangunan, Riset dan Inovasi
    Daerah" (Bapperida) is planning and research and innovation.

    Examples
    --------
    >>> sorted(opd_types_matched("Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah"))
    ['penelitian_pengembangan', 'perencanaan']
    """
    key = str(Path(path) if path is not None else config.MAPPINGS_DIR / "opd_types.csv")
    normalised = normalise_opd_name(name) if isinstance(name, str) and name else ""
    return {opd_type for rx, opd_type in _compiled(key) if normalised and rx.search(normalised)}


def unmapped_opd_names(names, *, path=None) -> pd.DataFrame:
    """List the OPD names the mapping table does not cover.

    Parameters
    ----------
    names : sequence of str

    Returns
    -------
    DataFrame with columns [opd_name, opd_name_normalised, record_count]
        One row per distinct unmapped name, most frequent first; empty when
        every name is mapped.  Add a row to ``mappings/opd_types.csv`` to map one.
    """
    mapped = map_opd_types(names, path=path)
    out = (mapped[~mapped["is_mapped"]].groupby(["opd_name_normalised"], dropna=False)
           .agg(opd_name=("opd_name", "first"), record_count=("opd_name", "size")).reset_index())
    out = out.sort_values(["record_count", "opd_name_normalised"], ascending=[False, True], kind="stable")
    return out[["opd_name", "opd_name_normalised", "record_count"]].reset_index(drop=True)


def add_opd_keys(innovations: pd.DataFrame, *, opd_key: str = "opd_type", path=None) -> pd.DataFrame:
    """Add the columns [opd_type, opd_key, opd_label_id, opd_label_en] to a table with ``opd_name``.

    Parameters
    ----------
    innovations : DataFrame with column opd_name
    opd_key : {'opd_type', 'opd_name'}, default='opd_type'
        What identifies one OPD within a pemda: its canonical type (units
        such as puskesmas fold into their dinas; unmapped names stay apart,
        keyed by their normalised name) or the normalised written name.
    path : path-like, optional
        Mapping table.

    Returns
    -------
    DataFrame
        A copy with the four columns added.
    """
    if opd_key not in ("opd_type", "opd_name"):
        raise ValueError(f"opd_key must be 'opd_type' or 'opd_name', got {opd_key!r}")
    mapped = map_opd_types(innovations["opd_name"], path=path)
    out = innovations.copy()
    out["opd_type"] = mapped["opd_type"].to_numpy()
    norm = mapped["opd_name_normalised"].replace("", "(tanpa nama)").to_numpy()
    if opd_key == "opd_type":
        out["opd_key"] = np.where(mapped["is_mapped"], mapped["opd_type"], UNMAPPED + ":" + norm)
    else:
        out["opd_key"] = norm
    out["opd_label_id"] = mapped["label_id"].to_numpy()
    out["opd_label_en"] = mapped["label_en"].to_numpy()
    return out


# --------------------------------------------------------------------------- profiles

def _most_frequent(frame: pd.DataFrame, keys: list[str], col: str) -> pd.Series:
    """Most frequent non-missing value of ``col`` per group (ties: alphabetical), indexed by ``keys``."""
    counts = frame.dropna(subset=[col]).groupby([*keys, col], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["n", col], ascending=[False, True], kind="stable").drop_duplicates(keys)
    return counts.set_index(keys)[col]


def _shares(frame: pd.DataFrame, col: str, values, keys: list[str], prefix: str) -> pd.DataFrame:
    dummies = pd.DataFrame({f"{prefix}_{_short(v)}_share": (frame[col] == v).astype(float) for v in values})
    dummies[keys] = frame[keys]
    return dummies.groupby(keys, sort=False).mean()


def build_opd_profiles(innovations: pd.DataFrame, *, framework: Framework | None = None,
                       opd_key: str = "opd_type", opd_list: pd.DataFrame | None = None,
                       mapping_path=None) -> pd.DataFrame:
    """Innovation profile of every OPD, per pemda and year.

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        :data:`iid_research.contracts.INNOVATION_COLUMNS`; one row per innovation with SID answers.
    framework : Framework, optional
        Rules used for the maturity score and the mandatory indicators;
        default the framework of each row's year
        (:func:`iid_research.frameworks.framework_for_year`).
    opd_key : {'opd_type', 'opd_name'}, default='opd_type'
        What identifies one OPD within a pemda (see :func:`add_opd_keys`).
    opd_list : DataFrame with columns [kode_wilayah, year, opd_name], optional
        All OPDs of the pemda; those without any innovation are added as
        dormant profiles (``is_dormant`` True, counts and levels 0, age NaN).
    mapping_path : path-like, optional
        OPD-type mapping table.

    Returns
    -------
    DataFrame, one row per (kode_wilayah, year, opd_key), with columns
        [kode_wilayah, year, opd_key, opd_type, opd_name, opd_label_id, opd_label_en, is_dormant,
        innovation_count,
        tahapan_inisiatif_share, tahapan_uji_coba_share, tahapan_penerapan_share,
        jenis_digital_share,
        bentuk_tata_kelola_share, bentuk_pelayanan_publik_share, bentuk_urusan_lain_share,
        inisiator_kepala_daerah_share, ..., inisiator_masyarakat_share,
        urusan_yandas_count (distinct urusan pelayanan dasar covered, 0-6), urusan_other_count,
        urusan_yandas_share (share of innovations in the six),
        sid_16_mean_level ... sid_35_mean_level (0-3),
        maturity_mean_score (mean SID score of an innovation, 0-111),
        mandatory_met_share (share of mandatory indicator answers with level ≥ 1),
        replicated_share (share with sid_31 > 0),
        age_mean_year (mean years from implementation, or trial, to 31 Dec of ``year``)]
        plus ``source`` (the provenance of the OPD's innovations) when the input has it.  ``opd_name`` is the most
        frequent written name.  Shares are fractions 0-1.

    Raises
    ------
    ValueError
        If the input breaks the contract (:func:`iid_research.contracts.validate_innovations`).
    """
    inn = add_opd_keys(validate_innovations(innovations, "innovations"), opd_key=opd_key, path=mapping_path)
    keys = ["kode_wilayah", "year", "opd_key"]
    if inn.empty and opd_list is None:
        return _empty_profiles("source" in inn.columns)
    # maturity and mandatory share, with each year's rules
    maturity = pd.Series(np.nan, index=inn.index)
    mandatory = pd.Series(np.nan, index=inn.index)
    for year, idx in inn.groupby("year").groups.items():
        fw = framework if framework is not None else framework_for_year(int(year))
        part = inn.loc[idx]
        maturity.loc[idx] = score_sid_innovations(part, fw).to_numpy()
        mand_cols = [f"sid_{i}" for i in fw.sid.loc[fw.sid["is_mandatory"], "indicator_no"]]
        mandatory.loc[idx] = (part[mand_cols].to_numpy() > 0).mean(axis=1)
    start = inn["implementation_date"].fillna(inn["trial_date"])
    year_end = pd.to_datetime(inn["year"].astype(str) + "-12-31")
    yandas = urusan_pelayanan_dasar(inn["urusan"])
    work = inn[keys].copy()
    work["maturity_mean_score"] = maturity.to_numpy()
    work["mandatory_met_share"] = mandatory.to_numpy()
    work["replicated_share"] = (inn["sid_31"].to_numpy() > 0).astype(float)
    work["age_mean_year"] = ((year_end - start).dt.days / 365.25).to_numpy()
    work["urusan_yandas_share"] = yandas.notna().astype(float).to_numpy()
    for c in SID_COLUMNS:
        work[f"{c}_mean_level"] = inn[c].to_numpy(dtype=float)
    grouped = work.groupby(keys, sort=False)
    means = grouped.mean()
    first = inn.groupby(keys, sort=False).agg(
        opd_type=("opd_type", "first"), opd_label_id=("opd_label_id", "first"),
        opd_label_en=("opd_label_en", "first"), innovation_count=("innovation_id", "size"))
    first["opd_name"] = _most_frequent(inn, keys, "opd_name").reindex(first.index)
    urusan = pd.DataFrame({"yandas": yandas.to_numpy(), "urusan": inn["urusan"].to_numpy()}, index=inn.index)
    urusan[keys] = inn[keys]
    ucounts = urusan.groupby(keys, sort=False).agg(urusan_yandas_count=("yandas", "nunique"),
                                                   urusan_all=("urusan", "nunique"))
    ucounts["urusan_other_count"] = ucounts["urusan_all"] - ucounts["urusan_yandas_count"]
    parts = [first,
             _shares(inn, "tahapan", TAHAPAN, keys, "tahapan"),
             _shares(inn, "jenis", JENIS[:1], keys, "jenis"),
             _shares(inn, "bentuk", BENTUK, keys, "bentuk"),
             _shares(inn, "inisiator", INISIATOR, keys, "inisiator"),
             ucounts[["urusan_yandas_count", "urusan_other_count"]], means]
    if "source" in inn.columns:
        parts.append(inn.groupby(keys, sort=False)["source"].agg(lambda s: ",".join(sorted(set(s)))).to_frame())
    prof = pd.concat(parts, axis=1).reset_index()
    prof.insert(prof.columns.get_loc("innovation_count"), "is_dormant", False)
    if opd_list is not None:
        prof = _add_dormant(prof, opd_list, opd_key=opd_key, path=mapping_path)
    order = ["kode_wilayah", "year", "opd_key", "opd_type", "opd_name", "opd_label_id", "opd_label_en",
             "is_dormant"]
    rest = [c for c in prof.columns if c not in order]
    prof = prof[order + rest].sort_values(["kode_wilayah", "year", "opd_key"], kind="stable")
    return prof.reset_index(drop=True)


def _empty_profiles(with_simulated: bool) -> pd.DataFrame:
    cols = (["kode_wilayah", "year", "opd_key", "opd_type", "opd_name", "opd_label_id", "opd_label_en", "is_dormant",
             "innovation_count"] + [f"tahapan_{_short(v)}_share" for v in TAHAPAN] + ["jenis_digital_share"]
            + [f"bentuk_{_short(v)}_share" for v in BENTUK] + [f"inisiator_{_short(v)}_share" for v in INISIATOR]
            + ["urusan_yandas_count", "urusan_other_count", "maturity_mean_score", "mandatory_met_share",
               "replicated_share", "age_mean_year", "urusan_yandas_share"]
            + [f"{c}_mean_level" for c in SID_COLUMNS] + (["source"] if with_simulated else []))
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    for c in ("kode_wilayah", "opd_key", "opd_type", "opd_name", "opd_label_id", "opd_label_en", "source"):
        if c in frame.columns:
            frame[c] = frame[c].astype(object)
    return frame


def _add_dormant(prof: pd.DataFrame, opd_list: pd.DataFrame, *, opd_key: str, path) -> pd.DataFrame:
    missing = [c for c in ("kode_wilayah", "year", "opd_name") if c not in opd_list.columns]
    if missing:
        raise ValueError(f"opd_list lacks column(s) {missing}; expected [kode_wilayah, year, opd_name]")
    listed = add_opd_keys(opd_list[["kode_wilayah", "year", "opd_name"]].assign(year=lambda d: d["year"].astype(int)),
                          opd_key=opd_key, path=path)
    listed = listed.drop_duplicates(["kode_wilayah", "year", "opd_key"])
    have = pd.MultiIndex.from_frame(prof[["kode_wilayah", "year", "opd_key"]])
    new = listed[~pd.MultiIndex.from_frame(listed[["kode_wilayah", "year", "opd_key"]]).isin(have)]
    if new.empty:
        return prof
    dormant = pd.DataFrame(0.0, index=range(len(new)), columns=prof.columns)
    for c in ("kode_wilayah", "year", "opd_key", "opd_type", "opd_name", "opd_label_id", "opd_label_en"):
        dormant[c] = new[c].to_numpy()
    dormant["is_dormant"] = True
    dormant["innovation_count"] = 0
    dormant["age_mean_year"] = np.nan
    for c in ("urusan_yandas_count", "urusan_other_count"):
        dormant[c] = 0
    if "source" in prof.columns:
        dormant["source"] = prof["source"].iloc[0] if len(prof) else ""
    return pd.concat([prof, dormant.astype(prof.dtypes.to_dict())], ignore_index=True)


def profile_feature_columns(profiles: pd.DataFrame) -> list[str]:
    """Numeric feature columns of a profile table (everything but :data:`PROFILE_ID_COLUMNS`)."""
    return [c for c in profiles.columns
            if c not in PROFILE_ID_COLUMNS and pd.api.types.is_numeric_dtype(profiles[c])
            and not pd.api.types.is_bool_dtype(profiles[c])]


# --------------------------------------------------------------------------- real LAN records

def build_real_opd_profiles(innovations: pd.DataFrame | None = None, *, kode_wilayah: str = "all",
                            snapshot_year: int = 2018, mapping_path=None) -> pd.DataFrame:
    """OPD profiles from the real LAN innovation records (categorical fields only).

    The LAN records (:func:`iid_research.data.load_innovations`) have no SID
    answers, tahapan or bentuk; a profile uses what they do have: jenis
    inovasi (LAN categories Metode, Teknologi, Produk, ...), years and the OPD
    type.  Only records of pemda (``is_pemda``) are used.  All years are
    pooled per pemda and OPD (the records are too few per year).

    Parameters
    ----------
    innovations : DataFrame, optional
        As returned by :func:`iid_research.data.load_innovations`; loaded when None.
    kode_wilayah : str, default='all'
        One pemda's code, or "all".
    snapshot_year : int, default=2018
        Year of the data snapshot (LAN portal, July 2018), for the age.
    mapping_path : path-like, optional
        OPD-type mapping table.

    Returns
    -------
    DataFrame, one row per (kode_wilayah, opd_key), with columns
        [kode_wilayah, opd_key, opd_type, opd_name, opd_label_id, opd_label_en, level,
        year_first, year_last, innovation_count, jenis_<category>_share (one per LAN jenis),
        jenis_main (most frequent LAN jenis; categorical), age_mean_year (years since implementation
        at ``snapshot_year``)]
        Empty (same columns) when the pemda has no record; unmapped OPD
        names are kept with ``opd_type`` = :data:`UNMAPPED`.
    """
    from ..data import load_innovations, load_regions

    inn = load_innovations() if innovations is None else innovations
    inn = inn[inn["is_pemda"]].copy()
    jenis_values = sorted(inn["jenis_inovasi"].dropna().unique())
    if kode_wilayah != "all":
        inn = inn[inn["kode_wilayah"] == kode_wilayah]
    inn = add_opd_keys(inn, path=mapping_path)
    inn["jenis"] = inn["jenis_inovasi"].fillna("tidak diketahui")
    inn["year_impl"] = inn["year_implemented"].fillna(inn["year_initiated"]).astype("Float64")
    keys = ["kode_wilayah", "opd_key"]
    jcols = {f"jenis_{_short(v.lower())}_share": v for v in jenis_values}
    if inn.empty:
        cols = ["kode_wilayah", "opd_key", "opd_type", "opd_name", "opd_label_id", "opd_label_en", "level",
                "year_first", "year_last", "innovation_count", *jcols, "jenis_main", "age_mean_year"]
        return pd.DataFrame(columns=cols)
    for col, v in jcols.items():
        inn[col] = (inn["jenis"] == v).astype(float)
    inn["age_mean_year"] = (snapshot_year - inn["year_impl"]).astype(float)
    g = inn.groupby(keys, sort=True)
    prof = g.agg(opd_type=("opd_type", "first"), opd_label_id=("opd_label_id", "first"),
                 opd_label_en=("opd_label_en", "first"), year_first=("year_initiated", "min"),
                 year_last=("year_impl", "max"), innovation_count=("innovation_id", "size"))
    prof.insert(1, "opd_name", _most_frequent(inn, keys, "opd_name").reindex(prof.index))
    prof["jenis_main"] = _most_frequent(inn, keys, "jenis").reindex(prof.index)
    prof = prof.join(g[list(jcols)].mean()).join(g["age_mean_year"].mean()).reset_index()
    levels = load_regions().set_index("kode_wilayah")["level"]
    prof.insert(6, "level", prof["kode_wilayah"].map(levels).astype("string"))
    prof["year_first"] = prof["year_first"].astype(float)
    prof["year_last"] = prof["year_last"].astype(float)
    prof["jenis_main"] = prof["jenis_main"].astype("string")
    return prof


def select_pemda_year(innovations: pd.DataFrame, kode_wilayah: str = "all", year: int | None = None) -> pd.DataFrame:
    """Rows of one pemda (or "all") and one year (or every year when None).

    Parameters
    ----------
    innovations : DataFrame with columns [kode_wilayah, year]
    kode_wilayah : str, default='all'
    year : int, optional

    Returns
    -------
    DataFrame
        The selected rows (possibly empty), index reset.
    """
    mask = pd.Series(True, index=innovations.index)
    if kode_wilayah != "all":
        mask &= innovations["kode_wilayah"] == kode_wilayah
    if year is not None:
        mask &= innovations["year"].astype(int) == int(year)
    return innovations[mask].reset_index(drop=True)
