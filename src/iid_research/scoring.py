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
import functools
import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .frameworks import (
    PREDICATES,
    SID_INDICATORS,
    Framework,
    assessment_years,
    load_urusan,
    predicate_thresholds,
    urusan_pelayanan_dasar_names,
)

SID_COLUMNS = tuple(f"sid_{i}" for i in SID_INDICATORS)
"""Column names of the per-innovation SID answers: ``sid_16`` ... ``sid_35`` (level 0-3)."""

COMPONENT_SID_COLUMNS = tuple(f"sid_sum_{i}" for i in SID_INDICATORS)
"""Per pemda-year: Σ over innovations of the level of indicator i (weight-free)."""

URUSAN_PELAYANAN_DASAR = urusan_pelayanan_dasar_names()
"""The six urusan wajib pelayanan dasar (UU 23/2014 Pasal 12(1); ``rules/urusan.csv``); the 2026 count
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


def round_half_up(values, decimals: int):
    """Round to ``decimals`` decimals, half away from zero (the rounding of published scores).

    >>> round_half_up([58.5, 60.005, 0.4], 0).tolist(), float(round_half_up(60.005, 2))
    ([59.0, 60.0, 0.0], 60.01)
    """
    x = np.asarray(values, dtype=float)
    factor = 10.0 ** int(decimals)
    return np.sign(x) * np.floor(np.abs(x) * factor + 0.5 + 1e-9) / factor


def matches_published(values, published, decimals):
    """Whether scores equal published scores at the published precision.

    A score is first rounded to the decree's 2 decimals (:func:`round_published`), then to
    ``decimals`` (2 for a decree value, 0 for a quote such as "skor 59", 1 for "60,3"): a quote
    rounds the published 2-decimal score, so 58.496 -> 58.50 -> "59".

    Parameters
    ----------
    values, published : float or array
    decimals : int or array of int
        Decimals of each published value as written (at most 2).

    Returns
    -------
    bool or ndarray of bool (False where either value is missing)

    >>> matches_published([60.324, 58.496, 64.026], [60.3, 59, 64.02], [1, 0, 2]).tolist()
    [True, True, False]
    """
    d = np.minimum(np.asarray(decimals, dtype=float), 2)
    v = round_published(values)
    factor = 10.0 ** d
    got = np.sign(v) * np.floor(np.abs(v) * factor + 0.5 + 1e-9) / factor
    want = np.asarray(published, dtype=float)
    want = np.sign(want) * np.floor(np.abs(want) * factor + 0.5 + 1e-9) / factor
    out = np.isfinite(got) & np.isfinite(want) & (np.abs(got - want) < 0.5 / 10 ** 3)
    return bool(out) if np.ndim(out) == 0 else out


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


# --------------------------------------------------------------------------- urusan (one tolerant matcher)

_URUSAN_SPELLINGS = (("ketentraman", "ketenteraman"), ("perlindungan", "pelindungan"),
                     ("pemukiman", "permukiman"), ("adminitrasi", "administrasi"), ("olah raga", "olahraga"))


def normalise_urusan(text) -> str:
    """Key used to compare urusan texts: case, accents, punctuation, "&"/"dan" and known spellings ignored.

    >>> normalise_urusan("Pekerjaan Umum & Penataan Ruang") == normalise_urusan("pekerjaan umum dan penataan ruang")
    True
    >>> a = normalise_urusan("Ketentraman, Ketertiban Umum dan Perlindungan Masyarakat")
    >>> a == normalise_urusan("Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat")
    True
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).lower().replace("&", " dan ")
    for old, new in _URUSAN_SPELLINGS:
        s = s.replace(old, new)
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return "".join(w for w in s.split() if w not in ("dan", "serta", "urusan"))


@functools.lru_cache(maxsize=4)
def _urusan_keys(rules_dir: str | None) -> dict[str, tuple[str, str]]:
    table = load_urusan(rules_dir)
    keys: dict[str, tuple[str, str]] = {}
    for row in table.itertuples(index=False):
        for name in [row.urusan, *[a for a in row.aliases.split(";") if a.strip()]]:
            keys.setdefault(normalise_urusan(name), (row.urusan, row.kind))
    return keys


def match_urusan(urusan, rules_dir=None) -> pd.DataFrame:
    """Match urusan texts to the urusan pemerintahan of UU 23/2014 (``rules/urusan.csv``).

    The one matcher of the package: scoring (the 2026 count-score condition),
    validation, importers, the planner and the OPD profiles all call it.
    Comparison ignores case, spacing, punctuation, "&" for "dan" and the
    spellings "Ketentraman"/"Ketenteraman", "Perlindungan"/"Pelindungan";
    abbreviations in the table ("PUPR", "Trantibumlinmas", "Perkim") are known.

    Parameters
    ----------
    urusan : sequence of str
        Urusan as written (one per innovation); empty cells allowed.
    rules_dir : path-like, optional

    Returns
    -------
    DataFrame with columns [urusan_text, urusan, kind, is_pelayanan_dasar, is_known, is_blank]
        Aligned with the input (same index when a Series is given).  ``urusan``
        is the official name (NA when unknown or blank), ``kind`` one of
        ``pelayanan_dasar``, ``non_pelayanan_dasar``, ``pilihan``, ``penunjang``.

    Examples
    --------
    >>> match_urusan(["kesehatan", "Ketentraman, Ketertiban Umum, dan Perlindungan Masyarakat", "Urusan X"])[
    ...     ["urusan", "is_pelayanan_dasar", "is_known"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Kesehatan', True, True],
     ['Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat', True, True],
     [<NA>, False, False]]
    """
    series = urusan if isinstance(urusan, pd.Series) else pd.Series(list(urusan), dtype=object)
    keys = _urusan_keys(None if rules_dir is None else str(rules_dir))
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    norm = [normalise_urusan(u) for u in uniques]
    found = [keys.get(k) if k else None for k in norm] + [None]
    blank = np.array([k == "" for k in norm] + [True])
    name = np.array([f[0] if f else None for f in found], dtype=object)[codes]
    kind = np.array([f[1] if f else None for f in found], dtype=object)[codes]
    out = pd.DataFrame({"urusan_text": series.to_numpy(dtype=object),
                        "urusan": pd.array(name, dtype="string"), "kind": pd.array(kind, dtype="string")},
                       index=series.index)
    out["is_pelayanan_dasar"] = (out["kind"] == "pelayanan_dasar").fillna(False).astype(bool)
    out["is_known"] = out["urusan"].notna().to_numpy()
    out["is_blank"] = blank[codes]
    return out


def urusan_pelayanan_dasar(urusan, rules_dir=None) -> pd.Series:
    """Which urusan wajib pelayanan dasar each text names (official name), NA for the others.

    See :func:`match_urusan` for the matching rules.
    """
    m = match_urusan(urusan, rules_dir)
    return m["urusan"].where(m["is_pelayanan_dasar"]).rename("urusan_pelayanan_dasar")


def count_urusan_pelayanan_dasar(urusan, rules_dir=None) -> int:
    """How many different urusan wajib pelayanan dasar the innovations cover (0-6).

    The 2026 count score needs ≥ 5 (Lampiran I butir XI.B of the 2026 guideline).

    >>> count_urusan_pelayanan_dasar(["kesehatan", "Kesehatan", "PENDIDIKAN", "Pekerjaan Umum & Penataan Ruang"])
    3
    """
    return int(urusan_pelayanan_dasar(urusan, rules_dir).dropna().nunique())


def unknown_urusan(urusan, rules_dir=None) -> pd.DataFrame:
    """The urusan texts that name no urusan pemerintahan (to report as warnings with their rows).

    Returns
    -------
    DataFrame with columns [position, urusan_text, suggestion]
        ``position`` is the 0-based row of the input; ``suggestion`` the
        closest official name (difflib) or "".
    """
    import difflib

    m = match_urusan(urusan, rules_dir)
    bad = m[~m["is_known"] & ~m["is_blank"]]
    names = list(load_urusan(rules_dir)["urusan"])
    lowered = {n.lower(): n for n in names}
    sugg = [(difflib.get_close_matches(str(t).lower(), list(lowered), n=1, cutoff=0.6) or [""])[0]
            for t in bad["urusan_text"]]
    return pd.DataFrame({"position": np.flatnonzero((~m["is_known"] & ~m["is_blank"]).to_numpy()),
                         "urusan_text": bad["urusan_text"].to_numpy(),
                         "suggestion": [lowered.get(x, "") for x in sugg]})


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
    cols = framework.sid_columns
    missing = [c for c in cols if c not in answers.columns]
    if missing:
        raise ValueError(f"SID answers lack column(s) {missing}")
    mat = answers[list(cols)].to_numpy(dtype=float)
    bad_cols = [c for c, ok in zip(cols, np.isin(mat, (0, 1, 2, 3)).all(axis=0)) if not ok]
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


def sid_from_sums(sum_innovation_scores, n_innovations, framework: Framework, n_urusan_yandas=None) -> dict:
    """SID parts from Σ_j SID_innovation_j and n, vectorised over pemda (or over what-if variants).

    ``quality = Σ / MAX(floor, n)``, ``count = count_score(n)`` and
    ``sid = quality + count`` (PPT Sosialisasi IID 2023; Lampiran I butir XI.B
    of the 2026 guideline).  :func:`compute_sid` is the scalar form of one pemda.

    Parameters
    ----------
    sum_innovation_scores : float or array
        Σ over the innovations of their SID scores (points, 0-111 each).
    n_innovations : int or array
        Innovations reported (n).
    framework : Framework
    n_urusan_yandas : int or array, optional
        Urusan pelayanan dasar covered; needed under the 2026 rules.

    Returns
    -------
    dict of arrays (or floats) with keys divisor, quality_score, count_score, sid_score, empty_seats
    """
    total = np.asarray(sum_innovation_scores, dtype=float)
    n = np.asarray(n_innovations)
    divisor = sid_divisor(n, framework)
    quality = total / divisor
    count = np.asarray(count_score(n, framework, n_urusan_yandas), dtype=float)
    out = {"divisor": divisor, "quality_score": quality, "count_score": count, "sid_score": quality + count,
           "empty_seats": np.maximum(0, framework.divisor_floor - n)}
    if all(np.ndim(v) == 0 for v in out.values()):
        return {k: (int(v) if k in ("divisor", "empty_seats") else float(v)) for k, v in out.items()}
    return out


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

    Raises
    ------
    ValueError
        If a score is outside 0-111 or the framework needs ``n_urusan_yandas``.
    """
    scores = np.asarray(list(innovation_scores), dtype=float)
    bad = ~np.isfinite(scores) | (scores < 0) | (scores > framework.max_sid_per_innovation + 1e-9)
    if bad.any():
        raise ValueError(f"innovation SID scores must be within 0-{framework.max_sid_per_innovation:g}; "
                         f"found {scores[bad][:5].tolist()}")
    n = len(scores)
    total = float(scores.sum())
    parts = sid_from_sums(total, n, framework, n_urusan_yandas)
    return SIDResult(n, total, parts["divisor"], parts["quality_score"], parts["count_score"],
                     parts["sid_score"], parts["empty_seats"])


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


def spd_levels_wide(spd: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Pivot long SPD answers to one row per pemda-year and one column per SPD row.

    Parameters
    ----------
    spd : DataFrame with columns [kode_wilayah, year, indicator_no, sub, level]
        The SPD contract (:data:`iid_research.contracts.SPD_COLUMNS`); ``sub`` may be empty.
    framework : Framework
        Gives the SPD row ids.

    Returns
    -------
    DataFrame indexed by (kode_wilayah, year) with columns ``spd_1, spd_2a, ...`` (levels; 0 where missing)

    Raises
    ------
    ValueError
        On indicator numbers that are not whole numbers, unknown rows, levels
        outside 0-3, or two answers to the same row of the same pemda-year
        (never added up: a row has one level).
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
    frame = pd.DataFrame({"kode_wilayah": spd["kode_wilayah"].to_numpy(), "year": spd["year"].to_numpy(),
                          "row_id": rows.to_numpy(), "level": spd["level"].to_numpy()})
    dup = frame.duplicated(["kode_wilayah", "year", "row_id"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise ValueError(f"duplicate SPD answer for {first['kode_wilayah']} {first['year']} row {first['row_id']} "
                         f"({int(dup.sum())} duplicate row(s)); each SPD row has one level")
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


def implied_spd_score(iid_score, n_innovations, mean_maturity, framework: Framework, n_urusan_yandas=None):
    """The SPD points a published IID implies, given the innovations counted and their mean maturity.

    The IID formula solved for SPD::

        SPD = IID × max_total / 100 − mean maturity × n / MAX(floor, n) − count_score(n)

    With n ≥ floor the middle term is the mean maturity itself (2023 rules: SPD = IID × 2.5 −
    mean maturity − 0.38 × MIN(n, 200)).  A value outside 0 ≤ SPD ≤ ``max_spd`` means the three
    published numbers cannot come from this method: a contradiction of the method or of the data.

    Parameters
    ----------
    iid_score : float or array
        Published IID (0-100).
    n_innovations : int or array of int
        Innovations counted (accepted by Kemendagri).
    mean_maturity : float or array
        Mean maturity ("nilai kematangan", SID points per innovation, 0-111).
    framework : Framework
    n_urusan_yandas : int or array, optional
        As :func:`count_score` (needed under rules with an urusan condition).

    Returns
    -------
    float or ndarray
        SPD points (not range-checked: an impossible value is the answer).

    >>> from iid_research.frameworks import load_framework
    >>> round(implied_spd_score(77.59, 137, 90.91, load_framework(2023)), 3)
    51.005
    """
    n = np.asarray(n_innovations, dtype=float)
    total = np.asarray(iid_score, dtype=float) * framework.max_total / 100
    quality = np.asarray(mean_maturity, dtype=float) * n / sid_divisor(n, framework)
    value = total - quality - count_score(n, framework, n_urusan_yandas)
    return float(value) if np.ndim(value) == 0 else value


def max_iid_for_count(n_innovations, framework: Framework, n_urusan_yandas=None):
    """The highest IID reachable with ``n`` innovations (every SPD and SID answer at level 3).

    ``(max_spd + max_sid_per_innovation × n / MAX(floor, n) + count_score(n)) / max_total × 100``:
    a published IID above it cannot come with that many innovations.

    >>> from iid_research.frameworks import load_framework
    >>> round(max_iid_for_count(10, load_framework(2023)), 2), round(max_iid_for_count(200, load_framework(2023)), 2)
    (71.12, 100.0)
    """
    n = np.asarray(n_innovations, dtype=float)
    points = (framework.max_spd + framework.max_sid_per_innovation * n / sid_divisor(n, framework)
              + count_score(n, framework, n_urusan_yandas))
    value = points / framework.max_total * 100
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
    return predicates_with_bounds(scores, th.sangat_inovatif_min, th.inovatif_min, th.kurang_inovatif_min)


def predicates_with_bounds(scores, sangat_inovatif_min, inovatif_min, kurang_inovatif_min) -> np.ndarray:
    """The predikat of IID scores under given lower bounds (the rule of :func:`predicate_for`).

    For what-if bounds, e.g. a threshold alternative of ``rules/method_alternatives.csv``.
    The bounds may be arrays broadcast against ``scores`` (one set of bounds per draw).

    Returns
    -------
    ndarray of object
        One of :data:`~iid_research.frameworks.PREDICATES` per score; None for NaN.

    Raises
    ------
    ValueError
        If a score is outside 0-100.

    >>> predicates_with_bounds([60.005, 40.0], 60.01, [35.0, 40.01], 0.01).tolist()
    ['Sangat Inovatif', 'Kurang Inovatif']
    """
    raw = np.asarray(scores, dtype=float)
    if ((raw < 0) | (raw > 100)).any():
        raise ValueError(f"IID scores must be within 0-100; found {raw[(raw < 0) | (raw > 100)][:5].tolist()}")
    s = round_published(raw)
    out = np.select(
        [s >= np.asarray(sangat_inovatif_min), s >= np.asarray(inovatif_min), s >= np.asarray(kurang_inovatif_min),
         s >= 0], list(PREDICATES), default=None).astype(object)
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


def rank_among(scores, others, *, exclude=None) -> np.ndarray:
    """Competition rank of score(s) among other pemda, at the published precision.

    rank = 1 + number of others whose score, rounded half-up to 2 decimals
    (:func:`round_published`), is strictly higher than the rounded score:
    the rule of :func:`rank_within_cluster`, for what-if scores.

    Parameters
    ----------
    scores : float or array of float
        IID scores (0-100) to rank.
    others : array of float
        The other pemda's IID scores (any order; NaN ignored).
    exclude : float or array of float, optional
        A score in ``others`` not to count (the pemda's own score when
        ``others`` is the whole cluster); broadcast against ``scores``.

    Returns
    -------
    ndarray of int, shape of ``scores``

    >>> rank_among([60.005, 60.0], [60.01, 59.0])
    array([1, 2])
    """
    x = round_published(scores)
    pool = round_published(np.asarray(others, dtype=float))
    pool = np.sort(pool[np.isfinite(pool)])
    greater = len(pool) - np.searchsorted(pool, x, side="right")
    if exclude is not None:
        greater = greater - (round_published(exclude) > x)
    return (1 + greater).astype(int)


def rank_among_draws(scores, others) -> np.ndarray:
    """Competition rank of each draw's score among that draw's other pemda (the rule of :func:`rank_among`).

    Parameters
    ----------
    scores : array of float, shape (D,)
        One IID score per draw.
    others : array of float, shape (D, M)
        The other pemda's IID scores in each draw (NaN ignored).

    Returns
    -------
    ndarray of int, shape (D,)
        1 + the number of others whose rounded score is strictly higher in the same draw.

    >>> rank_among_draws([60.0, 60.0], [[61.0, 59.0], [59.0, 58.0]])
    array([2, 1])
    """
    x = round_published(np.asarray(scores, dtype=float))
    pool = round_published(np.asarray(others, dtype=float))
    if pool.ndim != 2 or pool.shape[0] != x.shape[0]:
        raise ValueError(f"others must have one row per score: scores {x.shape}, others {pool.shape}")
    return (1 + (pool > x[:, None]).sum(axis=1)).astype(int)


def ranks_within_rows(scores) -> np.ndarray:
    """Competition ranks (1-2-2-4) of the columns of every row, at the published precision.

    The rule of :func:`rank_within_cluster`, for many draws of a whole cluster at once
    (row = draw, column = pemda).

    Parameters
    ----------
    scores : array of float, shape (D, P)
        IID scores (0-100); no NaN.

    Returns
    -------
    ndarray of int, shape (D, P)

    >>> ranks_within_rows([[50.0, 60.0, 60.004], [1.0, 2.0, 3.0]]).tolist()
    [[3, 1, 1], [3, 2, 1]]
    """
    s = round_published(np.asarray(scores, dtype=float))
    if s.ndim != 2 or not np.isfinite(s).all():
        raise ValueError("scores must be a finite 2-D array (draws × pemda)")
    d, p = s.shape
    # one sorted vector for all rows: row r's scores are shifted into [1000 r, 1000 r + 100]
    shifted = s + 1000.0 * np.arange(d)[:, None]
    flat = np.sort(shifted, axis=None)
    above = np.searchsorted(flat, shifted.ravel(), side="right").reshape(d, p)
    return (1 + (np.arange(1, d + 1)[:, None] * p - above)).astype(int)


# --------------------------------------------------------------------------- checks against reality

def check_published_predicates(results: pd.DataFrame, rules_dir=None) -> pd.DataFrame:
    """Compare every published (score, predikat) pair with its year's thresholds.

    A score quoted with fewer decimals than the decree (column ``score_decimals``, e.g. "skor 66")
    stands for every 2-decimal score that rounds to it; the pair is consistent when any of those
    gets the published predikat.

    Parameters
    ----------
    results : DataFrame with columns [kode_wilayah, nama, year, iid_score, predicate, source_url]
        and optionally ``score_decimals``; as returned by :func:`iid_research.data.load_iid_results`.

    Returns
    -------
    DataFrame with columns [kode_wilayah, nama, year, iid_score, predicate,
    expected_predicate, is_consistent, source_url]
        One row per pair with both a score and a predikat in a year that has rules
        (``rules/assessment_years.csv``).  ``expected_predicate`` is the predikat of the score as
        written (for a rounded quote: of its written value).
    """
    years = assessment_years(rules_dir)
    pairs = results[results["year"].isin(years) & results["iid_score"].notna() & results["predicate"].notna()]
    decimals = (pairs["score_decimals"].fillna(2).astype(int).clip(upper=2) if "score_decimals" in pairs
                else pd.Series(2, index=pairs.index))
    expected, consistent = [], []
    for s, y, d, pub in zip(pairs["iid_score"], pairs["year"], decimals, pairs["predicate"]):
        half = 0.5 / 10 ** d
        ends = {predicate_for(min(max(v, 0.0), 100.0), y, rules_dir)
                for v in (s, s - half, s + half - 0.01)} if d < 2 else {predicate_for(s, y, rules_dir)}
        expected.append(predicate_for(s, y, rules_dir))
        consistent.append(pub in ends)
    out = pairs[["kode_wilayah", "nama", "year", "iid_score", "predicate", "source_url"]].copy()
    out.insert(5, "expected_predicate", expected)
    out.insert(6, "is_consistent", consistent)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- many pemda at once (vectorised)

def pemda_components(spd: pd.DataFrame, innovations: pd.DataFrame, framework: Framework, *,
                     index: pd.MultiIndex | None = None) -> pd.DataFrame:
    """Reduce answers to what scoring needs, per pemda and year (the sufficient statistics).

    Parameters
    ----------
    spd : DataFrame with columns [kode_wilayah, year, indicator_no, sub, level]
        SPD answers (contract :data:`iid_research.contracts.SPD_COLUMNS`).
    innovations : DataFrame with columns [kode_wilayah, year, urusan, sid_16 ... sid_35]
        One row per innovation.
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
        ``n_urusan_yandas`` counts the urusan pelayanan dasar covered, matched by
        :func:`match_urusan` (case, spelling and "&" tolerant).

    Raises
    ------
    ValueError
        As :func:`spd_levels_wide` (unknown rows, levels outside 0-3, duplicate answers).
    """
    wide = spd_levels_wide(spd, framework)
    inn = innovations
    keys = ["kode_wilayah", "year"]
    sums = inn.groupby(keys)[list(framework.sid_columns)].sum()
    sums.columns = [f"sid_sum_{i}" for i in framework.sid_indicators]
    n = inn.groupby(keys).size().rename("n_innovations")
    yd = urusan_pelayanan_dasar(inn["urusan"]) if len(inn) else pd.Series([], dtype="string")
    yandas = (inn.assign(_yd=yd.to_numpy()).dropna(subset=["_yd"]).groupby(keys)["_yd"].nunique()
              .rename("n_urusan_yandas"))
    if index is None:
        index = wide.index.union(sums.index)
    out = pd.concat([wide.reindex(index), sums.reindex(index), n.reindex(index),
                     yandas.reindex(index)], axis=1).fillna(0)
    out.index = out.index.set_names(keys)
    for c in out.columns:
        out[c] = out[c].astype("int64")
    return out


def spd_points(components: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """SPD points per row (bobot × level), same index, columns ``spd_<row>``."""
    cols = [f"spd_{r}" for r in framework.spd_row_ids]
    return components[cols] * framework.spd_weights.to_numpy()


def score_parts(components: pd.DataFrame, framework: Framework) -> dict:
    """The score parts of every row of ``components`` as arrays (points, not IID).

    With SPD_r = w_r L_r, S_i = w_i Σ_j L_ij, n innovations and floor F::

        phi = n / MAX(F, n)          (seat fill)
        m_i = S_i / n                (mean points per innovation of indicator i; 0 when n = 0)
        quality = phi · Σ_i m_i = Σ_i S_i / MAX(F, n)
        C = count_score(n)

    Returns
    -------
    dict with keys spd (N × rows), S and m (N × 20), n, phi, C, yandas (N,)
        ``Σ spd + phi·Σ m + C`` equals the total of :func:`score_components`.
    """
    spd = components[[f"spd_{r}" for r in framework.spd_row_ids]].to_numpy(float) * framework.spd_weights.to_numpy()
    n = components["n_innovations"].to_numpy(float)
    sums = components[[f"sid_sum_{i}" for i in framework.sid_indicators]].to_numpy(float)
    S = sums * framework.sid_weights.to_numpy()
    phi = n / sid_divisor(n, framework)
    m = np.where(n[:, None] > 0, S / np.where(n > 0, n, 1)[:, None], 0.0)
    yandas = components["n_urusan_yandas"].to_numpy() if "n_urusan_yandas" in components else None
    C = np.asarray(count_score(n, framework, yandas if framework.count_score_min_urusan_yandas else None), float)
    return {"spd": spd, "n": n, "phi": phi, "m": m, "C": C, "S": S, "yandas": yandas}


def points_to_iid(points, framework: Framework):
    """IID (0-100) of a total in points: points / max_total × 100 (no range check; for differences too)."""
    return np.asarray(points, float) / framework.max_total * 100


def score_components(components: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Score pemda-years from their components under a framework (vectorised :func:`score_pemda`).

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
    sid_pts = (components[[f"sid_sum_{i}" for i in framework.sid_indicators]].to_numpy(dtype=float)
               @ framework.sid_weights.to_numpy())
    parts = sid_from_sums(sid_pts, n, framework, components["n_urusan_yandas"].to_numpy()
                          if framework.count_score_min_urusan_yandas else None)
    sid = parts["sid_score"]
    return pd.DataFrame({"spd_score": spd, "n_innovations": n, "quality_score": parts["quality_score"],
                         "count_score": parts["count_score"], "sid_score": sid, "total_score": spd + sid,
                         "iid_score": compute_iid(spd, sid, framework)}, index=components.index)
