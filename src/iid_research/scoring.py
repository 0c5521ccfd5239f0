"""The official IID method: SPD, SID, IID, predikat and ranks.

Formulas (PPT Sosialisasi IID 2023, slide "Metode, skor dan predikat
penilaian IID 2023"; Lampiran I butir XI.B of the 2026 guideline)::

    score of one row     = bobot × level reached (1, 2, 3); 0 if not filled / not proven
    SPD                  = Σ over the SPD rows (indicators 1-15, sub-rows a/b)
    SID_innovation_j     = Σ_{i=16..35} bobot_i × level_{i,j}             (max 111)
    SkorJumlahInovasi    = per_innovation × MIN(n, cap)  [if urusan condition met]
    SID                  = Σ_j SID_innovation_j / MAX(floor, n) + SkorJumlahInovasi
    IID                  = (SPD + SID) / max_total × 100

The divisor floor, count rule, maxima and predikat thresholds come from
:mod:`iid_research.frameworks` for the year concerned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .data import PREDICATES
from .frameworks import SID_INDICATORS, Framework, predicate_thresholds

SID_COLUMNS = tuple(f"sid_{i}" for i in SID_INDICATORS)
"""Column names of the per-innovation SID answers: ``sid_16`` ... ``sid_35`` (level 0-3)."""

URUSAN_PELAYANAN_DASAR = (
    "Pendidikan",
    "Kesehatan",
    "Pekerjaan Umum dan Penataan Ruang",
    "Perumahan Rakyat dan Kawasan Permukiman",
    "Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat",
    "Sosial",
)
"""The six urusan wajib pelayanan dasar (UU 23/2014 Pasal 12(1)); the 2026 count
score needs the innovations to cover at least 5 of them."""


def _check_levels(values: np.ndarray, where: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    bad = ~np.isin(arr, (0, 1, 2, 3))
    if bad.any():
        sample = np.unique(arr[bad])[:5]
        raise ValueError(f"{where}: levels must be 0, 1, 2 or 3; found {sample.tolist()}")
    return arr


def round_published(scores):
    """Round IID scores to 2 decimals, half away from zero, as published (Excel ROUND).

    ``np.round(60.005, 2)`` gives 60.0 because 60.005 is stored as 60.00499...;
    this gives 60.01.
    """
    x = np.asarray(scores, dtype=float)
    return np.sign(x) * np.floor(np.abs(x) * 100 + 0.5 + 1e-9) / 100


def _indicator_keys(levels: Mapping) -> dict[int, float]:
    out: dict[int, float] = {}
    for key, value in levels.items():
        text = str(key).strip()
        if isinstance(key, float) and key.is_integer():
            number = int(key)
        elif text.isdigit():
            number = int(text)
        else:
            raise ValueError(f"SID indicator key {key!r} is not an indicator number (16-35)")
        if number in out:
            raise ValueError(f"SID indicator {number} is given twice (keys {key!r} and another)")
        out[number] = value
    return out


# --------------------------------------------------------------------------- SID

def score_sid_innovation(levels, framework: Framework) -> float:
    """Score one innovation's SID answers (its maturity, "skor kematangan").

    Parameters
    ----------
    levels : mapping of indicator number -> level, or sequence of 20 levels
        Levels 0-3 for indicators 16-35.  Indicators missing from a mapping
        score 0 (not filled).
    framework : Framework

    Returns
    -------
    float
        Σ bobot_i × level_i, between 0 and ``framework.max_sid_per_innovation`` (111).

    Raises
    ------
    ValueError
        If a level is outside 0-3 or an indicator number is not 16-35.
    """
    weights = framework.sid_weights
    if isinstance(levels, Mapping):
        given = _indicator_keys(levels)
        unknown = sorted(set(given) - set(weights.index))
        if unknown:
            raise ValueError(f"unknown SID indicator number(s) {unknown}; expected 16-35")
        vec = np.array([given.get(i, 0) for i in weights.index], dtype=float)
    else:
        vec = np.asarray(levels, dtype=float)
        if vec.shape != (len(weights),):
            raise ValueError(f"expected {len(weights)} SID levels (indicators 16-35), got shape {vec.shape}")
    _check_levels(vec, "SID answers")
    return float(vec @ weights.to_numpy())


def score_sid_innovations(answers: pd.DataFrame, framework: Framework) -> pd.Series:
    """Score many innovations at once.

    Parameters
    ----------
    answers : DataFrame with columns [sid_16, ..., sid_35]
        One row per innovation, levels 0-3.

    Returns
    -------
    Series of float, aligned with ``answers``
        Each innovation's SID score (0-111).

    Raises
    ------
    ValueError
        If a column is missing or a level is outside 0-3 (the message names the column).
    """
    missing = [c for c in SID_COLUMNS if c not in answers.columns]
    if missing:
        raise ValueError(f"SID answers lack column(s) {missing}")
    mat = answers[list(SID_COLUMNS)].to_numpy(dtype=float)
    bad_cols = [c for c, ok in zip(SID_COLUMNS, np.isin(mat, (0, 1, 2, 3)).all(axis=0)) if not ok]
    if bad_cols:
        raise ValueError(f"SID answers: levels outside 0-3 in column(s) {bad_cols}")
    return pd.Series(mat @ framework.sid_weights.to_numpy(), index=answers.index, name="sid_innovation_score")


def count_score(n_innovations, framework: Framework, n_urusan_yandas=None):
    """Skor Jumlah Inovasi (innovation-count score).

    Parameters
    ----------
    n_innovations : int or array of int
        Innovations reported (n).
    framework : Framework
    n_urusan_yandas : int or array of int, optional
        How many of the six urusan wajib pelayanan dasar the innovations cover.
        Required when the framework sets a minimum (2026: 5).

    Returns
    -------
    float or ndarray
        ``per_innovation × MIN(n, cap)`` (2023 and 2026: 0.38 × MIN(n, 200),
        max 76), or 0 when the urusan condition is not met.

    Raises
    ------
    ValueError
        If the framework needs ``n_urusan_yandas`` and it is not given, or n < 0.
    """
    n = np.asarray(n_innovations, dtype=float)
    if not np.isfinite(n).all() or (n < 0).any() or (n != np.floor(n)).any():
        raise ValueError(f"the number of innovations must be a whole number ≥ 0, got {n_innovations!r}")
    score = framework.count_score_per_innovation * np.minimum(n, framework.count_score_cap_n)
    if framework.count_score_min_urusan_yandas > 0:
        if n_urusan_yandas is None:
            raise ValueError(f"framework {framework.year} gives the count score only when the innovations cover "
                             f"≥{framework.count_score_min_urusan_yandas} of the 6 urusan pelayanan dasar: "
                             "pass n_urusan_yandas")
        score = np.where(np.asarray(n_urusan_yandas) >= framework.count_score_min_urusan_yandas, score, 0.0)
    return float(score) if np.ndim(score) == 0 else score


def sid_divisor(n_innovations, framework: Framework):
    """The SID divisor MAX(floor, n): 2023 MAX(10, n), 2026 MAX(12, n)."""
    return np.maximum(framework.divisor_floor, np.asarray(n_innovations))


@dataclasses.dataclass(frozen=True)
class SIDResult:
    """Parts of the SID score of one pemda.

    Attributes
    ----------
    n_innovations : int
    sum_innovation_scores : float
        Σ_j SID_innovation_j.
    divisor : int
        MAX(floor, n).
    quality_score : float
        Σ_j SID_innovation_j / divisor (max 111).
    count_score : float
        Skor Jumlah Inovasi.
    sid_score : float
        quality_score + count_score.
    empty_seats : int
        max(0, floor − n): the "kursi kosong" that each count as an innovation scoring 0.
    """

    n_innovations: int
    sum_innovation_scores: float
    divisor: int
    quality_score: float
    count_score: float
    sid_score: float
    empty_seats: int


def compute_sid(innovation_scores, framework: Framework, *, n_urusan_yandas=None) -> SIDResult:
    """SID of one pemda from its innovations' scores.

    Parameters
    ----------
    innovation_scores : sequence of float
        SID score of each reported innovation (see :func:`score_sid_innovation`).
    framework : Framework
    n_urusan_yandas : int, optional
        Urusan pelayanan dasar covered; needed under the 2026 rules.

    Returns
    -------
    SIDResult
    """
    scores = np.asarray(list(innovation_scores), dtype=float)
    bad = ~np.isfinite(scores) | (scores < 0) | (scores > framework.max_sid_per_innovation + 1e-9)
    if bad.any():
        raise ValueError(f"innovation SID scores must be within 0-{framework.max_sid_per_innovation:g}; "
                         f"found {scores[bad][:5].tolist()}")
    n = len(scores)
    divisor = int(sid_divisor(n, framework))
    total = float(scores.sum())
    quality = total / divisor
    count = count_score(n, framework, n_urusan_yandas)
    return SIDResult(n, total, divisor, quality, float(count), quality + float(count),
                     max(0, framework.divisor_floor - n))


# --------------------------------------------------------------------------- SPD

def score_spd(levels, framework: Framework) -> float:
    """Score a pemda's SPD answers.

    Parameters
    ----------
    levels : mapping of row id -> level
        Row ids as in the guideline: ``"1"``, ``"2a"``, ``"2b"``, ``"3"`` ...
        ``"15"`` (integers are accepted for rows without sub-rows).  Missing
        rows score 0.
    framework : Framework

    Returns
    -------
    float
        Σ bobot × level over the SPD rows (0-63).

    Raises
    ------
    ValueError
        If a row id is unknown or a level is outside 0-3.
    """
    weights = framework.spd_weights
    given = {str(k): v for k, v in dict(levels).items()}
    unknown = sorted(set(given) - set(weights.index))
    if unknown:
        raise ValueError(f"unknown SPD row(s) {unknown}; expected {list(weights.index)}")
    vec = np.array([given.get(r, 0) for r in weights.index], dtype=float)
    _check_levels(vec, "SPD answers")
    return float(vec @ weights.to_numpy())


def spd_long_to_wide(spd: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Pivot long SPD answers to one row per pemda-year and one column per SPD row.

    Parameters
    ----------
    spd : DataFrame with columns [kode_wilayah, year, indicator_no, sub, level]

    Returns
    -------
    DataFrame indexed by (kode_wilayah, year) with columns ``spd_1, spd_2a, ...`` (levels; 0 where missing)

    Raises
    ------
    ValueError
        On unknown indicator rows, levels outside 0-3 or duplicate answers.
    """
    numbers = pd.to_numeric(spd["indicator_no"], errors="coerce")
    if numbers.isna().any() or (numbers != np.floor(numbers)).any():
        bad = spd["indicator_no"][numbers.isna() | (numbers != np.floor(numbers))].unique()[:5]
        raise ValueError(f"SPD indicator numbers must be whole numbers 1-15; found {list(bad)}")
    rows = numbers.astype(int).astype(str) + spd["sub"].fillna("").astype(str).str.strip().str.lower()
    unknown = sorted(set(rows) - set(framework.spd_row_ids))
    if unknown:
        raise ValueError(f"unknown SPD row(s) {unknown} for framework {framework.year}")
    _check_levels(spd["level"].to_numpy(), "SPD answers")
    frame = spd.assign(row_id=rows)
    dup = frame.duplicated(["kode_wilayah", "year", "row_id"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise ValueError(f"duplicate SPD answer for {first['kode_wilayah']} {first['year']} row {first['row_id']}")
    wide = frame.pivot(index=["kode_wilayah", "year"], columns="row_id", values="level")
    wide = wide.reindex(columns=framework.spd_row_ids).fillna(0)
    wide.columns = [f"spd_{c}" for c in wide.columns]
    return wide


# --------------------------------------------------------------------------- IID

def compute_iid(spd_score, sid_score, framework: Framework):
    """IID = (SPD + SID) / max_total × 100 (0-100 scale).

    Parameters
    ----------
    spd_score, sid_score : float or array
    framework : Framework

    Returns
    -------
    float or ndarray
    """
    spd = np.asarray(spd_score, dtype=float)
    sid = np.asarray(sid_score, dtype=float)
    max_sid = framework.max_sid_per_innovation + framework.max_count_score
    if not (np.isfinite(spd).all() and np.isfinite(sid).all()) or (spd < 0).any() or (sid < 0).any() \
            or (spd > framework.max_spd + 1e-9).any() or (sid > max_sid + 1e-9).any():
        raise ValueError(f"SPD must be within 0-{framework.max_spd:g} and SID within 0-{max_sid:g}; "
                         f"got SPD {spd_score!r}, SID {sid_score!r}")
    value = (spd + sid) / framework.max_total * 100
    return float(value) if np.ndim(value) == 0 else value


def score_pemda(spd_levels, sid_answers, framework: Framework, *, n_urusan_yandas=None) -> dict:
    """Score one pemda from its answers: SPD, SID parts and IID.

    Parameters
    ----------
    spd_levels : mapping of SPD row id -> level
    sid_answers : DataFrame with columns [sid_16 ... sid_35], or list of mappings
        One entry per reported innovation.
    framework : Framework
    n_urusan_yandas : int, optional
        Needed under rules with an urusan condition (2026).

    Returns
    -------
    dict with keys spd_score, n_innovations, quality_score, count_score,
    sid_score, empty_seats, total_score, iid_score
    """
    if isinstance(sid_answers, pd.DataFrame):
        scores = score_sid_innovations(sid_answers, framework).to_numpy()
    else:
        scores = [score_sid_innovation(a, framework) for a in sid_answers]
    spd = score_spd(spd_levels, framework)
    sid = compute_sid(scores, framework, n_urusan_yandas=n_urusan_yandas)
    total = spd + sid.sid_score
    return {"spd_score": spd, "n_innovations": sid.n_innovations, "quality_score": sid.quality_score,
            "count_score": sid.count_score, "sid_score": sid.sid_score, "empty_seats": sid.empty_seats,
            "total_score": total, "iid_score": compute_iid(spd, sid.sid_score, framework)}


# --------------------------------------------------------------------------- predikat

def predicate_for(score: float, year: int, rules_dir=None) -> str:
    """The predikat of an IID score in an assessment year.

    The score is rounded to two decimals, half away from zero (the
    published precision; :func:`round_published`), and
    compared with the year's lower bounds (``rules/assessment_years.csv``;
    2023: Sangat Inovatif 60.01-100, Inovatif 35.00-60.00, Kurang Inovatif
    0.01-34.99, Tidak Dapat Dinilai 0 — PPT Sosialisasi IID 2023; 2026:
    65.01 / 40.01 / 0.01).

    Raises
    ------
    KeyError
        If the year has no rules (the message lists the years that do).
    ValueError
        If the score is outside 0-100 or missing.
    """
    if score is None or not np.isfinite(score):
        raise ValueError(f"IID score must be a number, got {score!r}")
    if not 0 <= score <= 100:
        raise ValueError(f"IID score must be within 0-100, got {score}")
    return str(assign_predicates(np.array([score]), year, rules_dir)[0])


def assign_predicates(scores, year: int, rules_dir=None) -> np.ndarray:
    """Vectorised :func:`predicate_for`; NaN scores give None."""
    th = predicate_thresholds(year, rules_dir)
    raw = np.asarray(scores, dtype=float)
    if ((raw < 0) | (raw > 100)).any():
        raise ValueError(f"IID scores must be within 0-100; found {raw[(raw < 0) | (raw > 100)][:5].tolist()}")
    s = round_published(raw)
    out = np.select(
        [s >= th.sangat_inovatif_min, s >= th.inovatif_min, s >= th.kurang_inovatif_min, s >= 0],
        list(PREDICATES), default=None).astype(object)
    out[np.isnan(s)] = None
    return out


# --------------------------------------------------------------------------- ranks

def rank_within_cluster(frame: pd.DataFrame, *, score: str = "iid_score", cluster: str = "level",
                        by: tuple[str, ...] = ("year",)) -> pd.Series:
    """Rank pemda by score within their cluster (provinsi, kabupaten, kota).

    Tie rule: scores are compared at the published precision (2 decimals);
    equal scores share the best rank and the next rank is skipped
    ("competition ranking", 1-2-2-4).  The official tie-break, if any, is not
    published.

    Parameters
    ----------
    frame : DataFrame with columns [score, cluster, *by]
    score, cluster : str
        Column names.
    by : tuple of str
        Further grouping columns (default: per year).

    Returns
    -------
    Series of Int64 aligned with ``frame``; NaN scores get <NA>.
    """
    keys = [cluster, *by]
    rounded = pd.Series(round_published(frame[score].astype(float)), index=frame.index)
    ranks = rounded.groupby([frame[k] for k in keys]).rank(method="min", ascending=False)
    return ranks.astype("Int64").rename("rank")


def cluster_sizes(frame: pd.DataFrame, *, score: str = "iid_score", cluster: str = "level",
                  by: tuple[str, ...] = ("year",)) -> pd.Series:
    """Number of scored pemda in each row's cluster (the ``rank_of`` of its rank)."""
    keys = [cluster, *by]
    return frame[score].notna().groupby([frame[k] for k in keys]).transform("sum").astype("Int64")


# --------------------------------------------------------------------------- checks against reality

def check_published_predicates(results: pd.DataFrame, rules_dir=None) -> pd.DataFrame:
    """Compare every published (score, predikat) pair with its year's thresholds.

    Parameters
    ----------
    results : DataFrame with columns [kode_wilayah, nama, year, iid_score, predicate, source_url]
        As returned by :func:`iid_research.data.load_iid_results`.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, year, iid_score, predicate,
    expected_predicate, is_consistent, source_url]
        One row per pair from 2021 onward with both a score and a predikat.
    """
    pairs = results[(results["year"] >= 2021) & results["iid_score"].notna() & results["predicate"].notna()]
    expected = [predicate_for(s, y, rules_dir) for s, y in zip(pairs["iid_score"], pairs["year"])]
    out = pairs[["kode_wilayah", "nama", "year", "iid_score", "predicate", "source_url"]].copy()
    out.insert(5, "expected_predicate", expected)
    out.insert(6, "is_consistent", out["predicate"] == out["expected_predicate"])
    return out.reset_index(drop=True)


def data_quality_issues(results: pd.DataFrame, rules_dir=None, lang: str = "en") -> pd.DataFrame:
    """List the published results that need care before use.

    Checks: a predikat that contradicts its year's thresholds; a value with
    no source page; a provisional (pre-decree) value.

    Parameters
    ----------
    results : DataFrame
        As returned by :func:`iid_research.data.load_iid_results`.
    rules_dir : path-like, optional
    lang : {"en", "id"}, default="en"
        Language of the ``detail`` text.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, year, issue, detail, source_url]
        ``issue`` is one of "predicate_contradicts_threshold", "no_source", "provisional".
    """
    from .i18n import t

    rows = []
    checked = check_published_predicates(results, rules_dir)
    for r in checked[~checked["is_consistent"]].itertuples(index=False):
        th = predicate_thresholds(r.year, rules_dir)
        rows.append((r.kode_wilayah, r.nama, r.year, "predicate_contradicts_threshold",
                     t("dq_contradiction", lang, score=f"{r.iid_score:.2f}", predicate=r.predicate, year=r.year,
                       sangat=th.sangat_inovatif_min, inovatif=th.inovatif_min, expected=r.expected_predicate),
                     r.source_url))
    for r in results[~results["has_source"]].itertuples(index=False):
        rows.append((r.kode_wilayah, r.nama, r.year, "no_source", t("dq_no_source", lang, rank=r.rank), None))
    for r in results[results["is_provisional"]].itertuples(index=False):
        rows.append((r.kode_wilayah, r.nama, r.year, "provisional", t("dq_provisional", lang, score=r.iid_score),
                     r.source_url))
    return pd.DataFrame(rows, columns=["kode_wilayah", "nama", "year", "issue", "detail", "source_url"])
