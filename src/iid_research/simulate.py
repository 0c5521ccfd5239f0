"""SIMULATED indicator-level IID data for every autonomous pemda, 2021-2025.

Indicator-level IID answers are not public.  This module generates them with a
seed so that the driver analyses (:mod:`iid_research.analysis.decomposition`,
:mod:`iid_research.analysis.panel`), clustering of OPDs and the notebooks have
realistic material.  **Everything it returns is
simulated** and carries ``source="simulated"`` on every row.

Stable API (used by the clustering work on OPDs)::

    from iid_research.simulate import simulate_iid
    sim = simulate_iid(seed=20240101, years=(2021, 2022, 2023, 2024, 2025))
    sim.spd          # SPD answers, long:  [kode_wilayah, year, indicator_no, sub, level, raw_value, source]
    sim.innovations  # one row per innovation: [innovation_id, kode_wilayah, year, opd_name, tahapan, jenis,
                     #   bentuk, inisiator, urusan, tematik, trial_date, implementation_date,
                     #   sid_16 ... sid_35, source]
    sim.scores       # per pemda-year: [kode_wilayah, year, level, spd_score, n_innovations, quality_score,
                     #   count_score, sid_score, iid_score, predicate, rank, rank_of, source]
    sim.calibration  # every calibration target beside its simulated value, with a truthful status
    sim.components(year)  # sufficient statistics for scoring (see scoring.pemda_components)

How the data are built (all randomness from ``numpy.random.default_rng(seed)``)
-------------------------------------------------------------------------------
1. *Latent innovation capacity* per pemda: a persistent part (province effect
   + 0.35 × standardised log GRDP per capita 2021 from ``load_covariates`` +
   pemda noise) plus an AR(1) yearly shock (ρ = 0.6) and, for about 2 % of
   pemda-years from 2022, a persistent jump of ±1.2-2.2 SD ("big jumps").
2. *Participation*: each year ``participating_pemda_count`` pemda
   (``load_predicate_counts``) report, by level where the counts by level are
   published (2024: all 38 provinces, 398 kabupaten, 93 kota; 2025: 38 / 400 /
   98, capped at the 93 autonomous kota); the others score 0 ("Tidak Dapat
   Dinilai"), drawn mostly among low-capacity pemda.  The new Papua provinces
   (codes 93-96, formed 2022) are assessed from 2023.
3. *Target scores*: participants' capacity ranks are mapped to IID scores by a
   per-year quantile function whose bands reproduce the national predikat
   shares (2021: 37/316/166, 2022: 44/365/101; 2023-2025 shares assumed, see
   :data:`PREDICATE_SHARES`).
4. *Calibration to published results* (``load_iid_results``, 2021+, both
   collections merged): a published 0-100 score is imposed; a published predikat
   without a score moves the score into that band; a published national rank
   within the level cluster is imposed by moving unconstrained pemda across the
   pinned one, and a pinned rank without a score (Blora 2021-2023) gets a score
   between its neighbours (ranks within a province or award orders are not
   used).  Inconsistent pins are dropped and listed in ``calibration``.  A rank
   of a pemda scoring 0 fixes the number of non-reporting pemda of its cluster;
   the other clusters make up the national participation.  A pemda with a
   published innovation count (``load_innovation_counts``: accepted, else sent;
   Blora 210 / 250 / 471 in 2023-2025, Tegal 129 / 89 / 137) gets at least the
   score that count gives.  Then the scores of the unpinned participants are
   shifted by one amount, never across a rank-pinned pemda, so that the mean IID
   of the pemda that reported equals the published national mean
   (``national_mean_iid``: 46.01 in 2024, 49.43 in 2025).
5. *Answers*: published innovation counts are kept as they are (Tegal's mean
   maturity too); the other pemda's counts follow the target score and are
   scaled so that the national totals are met exactly (25,124 / 26,900 / 28,539 /
   31,719 / 36,742); innovations are spread over the pemda's OPDs (the same OPD
   list every year, names in realistic spelling variants); tahapan follows the
   published split (2023: 1,362 / 1,080 / 26,097); SPD levels follow the score;
   SID levels follow a per-innovation maturity and are then adjusted so that the
   pemda's total points hit the target.  For a pemda without a published score
   the error is ≤ 0.5 / MAX(10, n) points (≤ 0.02 IID points).  A published score
   is reproduced at its published precision (2 decimals; 0 or 1 for a rounded
   quote such as "skor 59" or "60,3", compared after rounding to 2 decimals):
   the number of innovations (unless published), the SPD total and the SID
   points are searched for a combination whose IID rounds to it.  With few
   innovations the reachable IIDs form a grid (SPD weights are multiples of 0.25,
   SID points are whole numbers, the divisor is MAX(10, n)), and some published
   scores lie between its points; those are listed as not reproduced.
6. *Scores* are recomputed from the answers with the official formulas
   (:func:`iid_research.scoring.score_components`) under
   ``framework_for_year(year)``, ranked within level clusters (competition
   ranking on 2-decimal scores) and given the year's predikat.

The calibration table
---------------------
``calibration`` has one row per target: ``iid_score``, ``rank`` and ``predicate`` of every
published 2021+ result, ``innovations`` and ``mean_maturity`` of every published count,
``national_mean_iid``, ``participation`` (per level and in all) and ``innovations_national`` per
year, each with the published and the simulated value.  ``status`` is ``reproduced`` only when the
simulated value equals the published one at the published precision (``decimals``; scores are
compared with :func:`iid_research.scoring.matches_published`, ranks, predikat and counts exactly);
otherwise ``not_reproduced`` with the reason.  A published result is reproduced when all of its
rows are (:meth:`SimulatedIID.reproduced_results`): the score at its precision AND the predikat
AND the rank.  There is no tolerance beyond the published precision.

Results are kept in the package's one disk cache (:mod:`iid_research._cache`,
joblib.Memory) keyed by seed, years, simulator version and the checksums of the
inputs, rules and simulator source.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from ._cache import cache
from ._io import sha256_file
from .data import (
    load_covariates,
    load_iid_results,
    load_innovation_counts,
    load_predicate_counts,
    load_regions,
    national_mean_iid,
)
from .frameworks import framework_for_year, predicate_thresholds
from .regions import LEVELS
from .scoring import (
    assign_predicates,
    count_score,
    pemda_components,
    predicate_for,
    score_components,
    sid_divisor,
)
from .simulate_fit import ASSUMED_YANDAS, adjust_to_sum, fit_pemda, match_total, spd_levels
from .simulate_records import innovation_frame, opd_lists, spd_frame

SIMULATOR_VERSION = "2"
DEFAULT_SEED = 20240101
DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)

PREDICATE_SHARES = {
    # year: (share sangat inovatif, share kurang inovatif) among participants
    2021: (37 / 519, 166 / 519),   # published counts (BSKDN head, Dec 2022)
    2022: (44 / 510, 101 / 510),   # published counts (BSKDN head, 19 Dec 2022)
    2023: (0.10, 0.17),            # ASSUMED: continuing trend, counts not published
    2024: (0.12, 0.15),            # ASSUMED
    2025: (0.10, 0.18),            # ASSUMED (cut-offs rose to 65.01 / 40.01)
}
"""Predikat shares used for the score distribution of each year."""

INNOVATION_TOTALS = {2021: 25124, 2022: 26900, 2023: 28539, 2024: 31719, 2025: 36742}
"""Innovations reported nationally (``load_predicate_counts``), used when the table lacks a year."""

TAHAPAN_SPLIT = {
    2023: (1362, 1080, 26097),  # nusantarainfo.com, BSKDN head (IID 2023)
    2024: (1347, 1258, 29114),  # bskdn.kemendagri.go.id (IID 2024)
}
"""Published inisiatif / uji coba / penerapan counts; 2021-2022 use 2023, 2025 uses 2024."""

MAX_INNOVATIONS_PER_PEMDA = 400
"""Upper bound of innovations one pemda reports in a year in the simulation (assumed)."""

NEW_PAPUA_PROVINCES = ("93", "94", "95", "96")
"""Provinces formed in 2022; not assessed before IID 2023 (2021 ranks are out of 34 provinces)."""

@dataclasses.dataclass
class SimulatedIID:
    """SIMULATED indicator-level IID data (see the module docstring).

    Attributes
    ----------
    spd : DataFrame
        SPD answers, long: [kode_wilayah, year, indicator_no, sub, level, raw_value, source].
    innovations : DataFrame
        One row per innovation (the innovations contract, :mod:`iid_research.contracts`) + source.
    scores : DataFrame
        One row per pemda-year: [kode_wilayah, year, level, spd_score, n_innovations, quality_score,
        count_score, sid_score, iid_score, predicate, rank, rank_of, source].  Points as in the
        guideline (SPD 0-63, quality 0-111, count 0-76); ``iid_score`` 0-100.
    calibration : DataFrame
        One row per calibration target (module docstring, "The calibration table"):
        [target, kode_wilayah, year, level, published, simulated, decimals, error, status, reason].
    latent : DataFrame
        [kode_wilayah, year, capacity, has_jump, is_participant]: the hidden drivers.
    seed : int
    years : tuple of int
    """

    spd: pd.DataFrame
    innovations: pd.DataFrame
    scores: pd.DataFrame
    calibration: pd.DataFrame
    latent: pd.DataFrame
    seed: int
    years: tuple

    def reproduced_results(self) -> pd.DataFrame:
        """Per published result (pemda-year): whether its score, rank and predikat are all reproduced.

        Returns
        -------
        DataFrame with columns [kode_wilayah, year, n_targets, status]
            ``status`` "reproduced" when every ``iid_score``, ``rank`` and ``predicate`` row of the
            pemda-year in :attr:`calibration` is reproduced, else "not_reproduced".
        """
        cal = self.calibration[self.calibration["target"].isin(["iid_score", "rank", "predicate"])]
        grouped = cal.groupby(["kode_wilayah", "year"])["status"]
        out = pd.DataFrame({"n_targets": grouped.size(),
                            "status": grouped.apply(lambda s: "reproduced" if (s == "reproduced").all()
                                                    else "not_reproduced")})
        return out.reset_index()

    @property
    def is_simulated(self) -> bool:
        """Always True: every table of a simulation is SIMULATED."""
        return True

    def components(self, year: int | None = None) -> pd.DataFrame:
        """Sufficient statistics per pemda-year (:func:`~iid_research.scoring.pemda_components`).

        Parameters
        ----------
        year : int, optional
            One year; default all simulated years.

        Returns
        -------
        DataFrame indexed by (kode_wilayah, year); includes pemda that reported nothing (zeros).
        """
        key = ("components", year)
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            scores = self.scores if year is None else self.scores[self.scores["year"] == year]
            spd = self.spd if year is None else self.spd[self.spd["year"] == year]
            inn = self.innovations if year is None else self.innovations[self.innovations["year"] == year]
            index = pd.MultiIndex.from_frame(scores[["kode_wilayah", "year"]])
            cache[key] = pemda_components(spd, inn, framework_for_year(int(scores["year"].iloc[0])),
                                          index=index)
        return cache[key].copy()


# --------------------------------------------------------------------------- helpers

def _pemda_table() -> pd.DataFrame:
    regions = load_regions()
    pemda = regions[regions["is_autonomous"]].reset_index(drop=True)
    return pemda[["kode_wilayah", "nama", "nama_short", "level", "province", "kode_province"]]


def _grdp_z(pemda: pd.DataFrame) -> np.ndarray:
    cov = load_covariates()
    g = cov[cov["year"] == 2021].set_index("kode_wilayah")["grdp_per_capita_thousand_idr"]
    logg = np.log(pd.to_numeric(pemda["kode_wilayah"].map(g), errors="coerce").astype(float))
    frame = pd.DataFrame({"p": pemda["kode_province"].to_numpy(), "g": logg.to_numpy()})
    prov_mean = frame.groupby("p")["g"].transform("mean")
    filled = frame["g"].fillna(prov_mean).fillna(frame["g"].mean())
    return ((filled - filled.mean()) / filled.std()).to_numpy()


def _quantile_scores(u: np.ndarray, year: int) -> np.ndarray:
    """Map capacity quantiles u in (0, 1) to IID scores with the year's predikat shares."""
    th = predicate_thresholds(year)
    si, ki = PREDICATE_SHARES.get(year, (0.1, 0.18))
    lo, hi = ki, 1 - si
    top = 88.0
    out = np.empty_like(u)
    a = u < lo
    out[a] = 0.5 + (th.inovatif_min - 0.6) * (u[a] / lo) ** 0.7
    b = (u >= lo) & (u < hi)
    out[b] = th.inovatif_min + 0.05 + (th.sangat_inovatif_min - th.inovatif_min - 0.1) * (u[b] - lo) / (hi - lo)
    c = u >= hi
    out[c] = th.sangat_inovatif_min + 0.05 + (top - th.sangat_inovatif_min) * ((u[c] - hi) / (1 - hi)) ** 1.4
    return out


def _band(predicate: str, year: int) -> tuple[float, float]:
    th = predicate_thresholds(year)
    return {"Sangat Inovatif": (th.sangat_inovatif_min + 0.3, 90.0),
            "Inovatif": (th.inovatif_min + 0.3, th.sangat_inovatif_min - 0.3),
            "Kurang Inovatif": (0.5, th.inovatif_min - 0.3),
            "Tidak Dapat Dinilai": (0.0, 0.0)}[predicate]


# --------------------------------------------------------------------------- calibration of one cluster-year

def _calibrate_cluster(codes: np.ndarray, scores: np.ndarray, pins: pd.DataFrame, year: int,
                       rng: np.random.Generator, log: list) -> np.ndarray:
    """Impose published predikat, scores and ranks on one cluster-year (scores: 0 = not reporting)."""
    s = scores.copy()
    pos = {c: i for i, c in enumerate(codes)}
    fixed = np.zeros(len(s), bool)
    # predikat-only pins: move into the band
    for r in pins.itertuples(index=False):
        if pd.isna(r.iid_score) and isinstance(r.predicate, str) and r.predicate:
            i = pos[r.kode_wilayah]
            lo, hi = _band(r.predicate, year)
            if r.predicate == "Tidak Dapat Dinilai":
                s[i] = 0.0
            elif not (lo <= s[i] <= hi):
                s[i] = rng.uniform(lo, hi)
    # score pins
    for r in pins.itertuples(index=False):
        if pd.notna(r.iid_score):
            s[pos[r.kode_wilayah]] = float(r.iid_score)
            fixed[pos[r.kode_wilayah]] = True
    n = len(s)
    before = s.copy()
    unvalued = pins[pins["rank"].notna() & pins["iid_score"].isna()]
    for r in unvalued.itertuples(index=False):
        s[pos[r.kode_wilayah]] = -1.0  # placed when its turn comes; does not count until then
    # zero-score rank pins fix the number of non-reporting pemda: zeros share rank n - zeros + 1
    rank_pins = pins[pins["rank"].notna()].copy()
    zero_pins = rank_pins[rank_pins["iid_score"].fillna(-1) == 0]
    for r in zero_pins.itertuples(index=False):
        want = n - int(r.rank) + 1
        zeros = np.flatnonzero(s == 0)
        if len(zeros) < want:
            protected = np.isin(codes, pins["kode_wilayah"].to_numpy())
            cand = np.flatnonzero((s > 0) & ~fixed & ~protected)
            take = cand[np.argsort(s[cand])][: want - len(zeros)]
            s[take] = 0.0
        elif len(zeros) > want:
            cand = zeros[~fixed[zeros] & ~np.isin(codes[zeros], pins["kode_wilayah"].to_numpy())]
            give = rng.choice(cand, size=min(len(zeros) - want, len(cand)), replace=False)
            s[give] = rng.uniform(0.5, 3.0, size=len(give))
    rank_pins = rank_pins[rank_pins["iid_score"].fillna(-1) != 0].sort_values("rank")
    # consistency of pins with each other: ranks ascending must have scores descending
    kept = []
    last_score, last_rank = np.inf, 0
    for r in rank_pins.itertuples(index=False):
        ok = int(r.rank) > last_rank and int(r.rank) <= n - int((s == 0).sum())
        if ok and pd.notna(r.iid_score):
            ok = float(r.iid_score) < last_score
            # scored pins must also agree with later scored pins (checked as we go)
        if ok:
            kept.append(r)
            last_rank = int(r.rank)
            if pd.notna(r.iid_score):
                last_score = float(r.iid_score)
        else:
            log.append((r.kode_wilayah, year, "rank_pin_dropped_inconsistent"))
    pinned = np.zeros(n, bool)
    for r in kept:
        pinned[pos[r.kode_wilayah]] = True
    kept_codes = {r.kode_wilayah for r in kept}
    for r in unvalued.itertuples(index=False):
        if r.kode_wilayah not in kept_codes:
            s[pos[r.kode_wilayah]] = max(before[pos[r.kode_wilayah]], 0.0)
    gap = 0.06
    for k, r in enumerate(kept):
        i = pos[r.kode_wilayah]
        want_above = int(r.rank) - 1
        # bounds from neighbouring pins (value space)
        upper = np.inf
        for q in kept[:k][::-1]:
            upper = s[pos[q.kode_wilayah]]
            break
        lower = 0.0
        for q in kept[k + 1:]:
            if pd.notna(q.iid_score):
                lower = float(q.iid_score)
                break
        others = np.flatnonzero(np.arange(n) != i)
        if pd.isna(r.iid_score):
            # put it between the want_above-th and (want_above+1)-th other pemda, inside the pin bounds
            srt = np.sort(s[others])[::-1]
            hi_v = srt[want_above - 1] if want_above >= 1 else srt[0] + 2.0
            lo_v = srt[want_above] if want_above < len(srt) else 0.3
            raw_hi = hi_v
            hi_v, lo_v = min(hi_v, upper - 2 * gap), max(lo_v, lower + 2 * gap)
            if hi_v <= lo_v:
                if raw_hi > upper - 2 * gap:  # natural place above the previous pin: just below it
                    hi_v = lo_v = max(upper - 3 * gap, (upper + lower) / 2)
                else:  # natural place below the next scored pin: just above it
                    hi_v = lo_v = lower + min(3.0, (min(upper, 100.0) - lower) / 2)
            s[i] = (hi_v + lo_v) / 2
            fixed[i] = True
        v = s[i]
        above = others[s[others] > v]
        diff = len(above) - want_above
        movable_above = above[(~fixed[above]) & (~pinned[above]) & (s[above] < upper)]
        below = others[(s[others] < v) & (s[others] > 0)]
        movable_below = below[(~fixed[below]) & (~pinned[below])]
        if diff > 0:
            if len(movable_above) < diff:
                log.append((r.kode_wilayah, year, "rank_pin_unreachable"))
                continue
            move = movable_above[np.argsort(s[movable_above])][:diff]
            span = max(v - max(lower, 0.3), 2 * gap)
            s[move] = v - gap - rng.uniform(0, min(span - gap, 3.0), size=len(move))
        elif diff < 0:
            if len(movable_below) < -diff:
                log.append((r.kode_wilayah, year, "rank_pin_unreachable"))
                continue
            move = movable_below[np.argsort(-s[movable_below])][:-diff]
            top = min(upper, 95.0)
            s[move] = v + gap + rng.uniform(0, max(min(top - v - 2 * gap, 3.0), 0.0), size=len(move))
        # keep a gap around the pinned value so 2-decimal rounding cannot reorder
        near = others[(~fixed[others]) & (~pinned[others]) & (np.abs(s[others] - v) < gap) & (s[others] > 0)]
        for j in near:
            s[j] = v + gap if s[j] >= v else v - gap
        fixed[i] = True
    return s


# --------------------------------------------------------------------------- main

def _cache_key(seed: int, years: tuple) -> str:
    h = hashlib.sha256()
    h.update(f"{SIMULATOR_VERSION}|{seed}|{years}".encode())
    raw = config.RAW_DIR
    for name in ("regions_kemendagri_2025_population_area.csv", "iid_region_scores_news_2019_2025.csv",
                 "iid_region_results_news_round2_2017_2025.csv", "iid_innovation_counts_maturity_2021_2025.csv",
                 "iid_national_aggregates_2020_2025.csv", "iid_predicate_counts_2018_2025.csv",
                 "grdp_per_capita_districts_2000_2024_quarcs.csv"):
        f = raw / name
        h.update(sha256_file(f).encode() if f.exists() else b"-")
    for f in sorted(Path(config.RULES_DIR).glob("*.csv")):
        h.update(sha256_file(f).encode())
    h.update(sha256_file(Path(__file__)).encode())
    for helper in ("simulate_records.py", "simulate_fit.py"):
        h.update(sha256_file(Path(__file__).with_name(helper)).encode())
    h.update(sha256_file(config.MAPPINGS_DIR / "rank_scopes.csv").encode())
    return h.hexdigest()[:16]


def simulate_iid(seed: int = DEFAULT_SEED, years=DEFAULT_YEARS, *, published: pd.DataFrame | None = None,
                 use_cache: bool = True, cache_dir=None) -> SimulatedIID:
    """Simulate indicator-level IID data for every autonomous pemda (SIMULATED data).

    Parameters
    ----------
    seed : int, default 20240101
        Seed of ``numpy.random.default_rng``; the same seed and inputs give the same data.
    years : sequence of int, default (2021, 2022, 2023, 2024, 2025)
        Assessment years (each within 2021-2025); each is scored under
        ``framework_for_year(year)`` and its own predikat thresholds.  The
        full 2021-2025 panel is always generated, then subset, so a year's data
        do not depend on which other years are asked for.
    published : DataFrame, optional
        Published results to calibrate to, with the columns of
        :func:`iid_research.data.load_iid_results` (kode_wilayah, level, year,
        iid_score, predicate, rank, and optionally score_decimals, the published
        precision, 2 when absent); default ``load_iid_results()``.  The other
        targets (participation, national totals and mean, published innovation
        counts) always come from the shipped tables.
    use_cache : bool, default True
        Use the package's disk cache (:func:`iid_research._cache.cache`), keyed
        by the seed, years, ``published``, the simulator source and the
        checksums of the inputs and rules.
    cache_dir : path-like, optional
        Cache folder; default ``data/processed/cache``.

    Returns
    -------
    SimulatedIID

    Raises
    ------
    ValueError
        If a year is outside 2021-2025.
    """
    years = tuple(int(y) for y in years)
    bad = [y for y in years if y not in DEFAULT_YEARS]
    if bad:
        raise ValueError(f"years {bad} cannot be simulated; choose within {DEFAULT_YEARS}")
    if use_cache:
        run = cache(_simulate_keyed, cache_dir)
        return run(_cache_key(seed, years), seed, years, published)
    return _simulate_years(seed, years, published)


def _simulate_keyed(key: str, seed: int, years: tuple, published: pd.DataFrame | None) -> SimulatedIID:
    # ``key`` carries the checksums of the inputs, rules and simulator source (see _cache)
    return _simulate_years(seed, years, published)


def _simulate_years(seed: int, years: tuple, published: pd.DataFrame | None) -> SimulatedIID:
    sim = _simulate(seed, published)
    if years != DEFAULT_YEARS:
        keep = lambda f: f[f["year"].isin(years)].reset_index(drop=True)  # noqa: E731
        sim = SimulatedIID(keep(sim.spd), keep(sim.innovations), keep(sim.scores), keep(sim.calibration),
                           keep(sim.latent), seed, years)
    return sim


def _simulate(seed: int, published: pd.DataFrame | None = None) -> SimulatedIID:
    rng = np.random.default_rng(seed)
    years = DEFAULT_YEARS
    pemda = _pemda_table()
    n_p = len(pemda)
    codes = pemda["kode_wilayah"].to_numpy()
    level = pemda["level"].to_numpy()
    provs = pemda["kode_province"].to_numpy()

    # 1. latent capacity
    uprov = {p: rng.normal(0, 0.35) for p in np.unique(provs)}
    base = np.array([uprov[p] for p in provs]) + 0.35 * _grdp_z(pemda) + rng.normal(0, 0.8, n_p)
    shock = rng.normal(0, 0.45, n_p)
    jump_total = np.zeros(n_p)
    latent_rows = []
    cap = {}
    for t in years:
        if t > years[0]:
            shock = 0.6 * shock + rng.normal(0, 0.45 * np.sqrt(1 - 0.36), n_p)
            jumps = rng.random(n_p) < 0.02
            jump_total = jump_total + jumps * rng.choice([-1, 1], n_p, p=[0.3, 0.7]) * rng.uniform(1.2, 2.2, n_p)
        else:
            jumps = np.zeros(n_p, bool)
        cap[t] = base + shock + jump_total
        latent_rows.append(pd.DataFrame({"kode_wilayah": codes, "year": t, "capacity": cap[t], "has_jump": jumps}))

    counts = load_predicate_counts().set_index("year")
    published = load_iid_results() if published is None else published
    published = published[(published["year"] >= 2021) & published["year"].isin(years)]
    score_pins = _score_pins(published)
    count_pins = _count_pins(years)
    means = national_mean_iid()

    target = {}
    assessed = {}
    calib_log: list = []
    for t in years:
        active = ~((level == "provinsi") & np.isin(codes, NEW_PAPUA_PROVINCES) & (t < 2023))
        assessed[t] = active
        # 2. participation: low capacity pemda more likely not to report; by level where published
        weights = np.exp(-1.5 * (cap[t] - cap[t].mean()) / cap[t].std()) * active
        pub_t = published[published["year"] == t]
        scored = pub_t["predicate"].isin(["Sangat Inovatif", "Inovatif", "Kurang Inovatif"])
        forced_in = (set(pub_t.loc[pub_t["iid_score"].fillna(0) > 0, "kode_wilayah"])
                     | set(pub_t.loc[scored, "kode_wilayah"])
                     | set(pub_t.loc[pub_t["rank"].notna() & pub_t["iid_score"].isna(), "kode_wilayah"])
                     | {k for k, y in count_pins if y == t})
        weights[np.isin(codes, list(forced_in))] = 0
        out_idx = []
        for mask, n_in in _participants_wanted(counts, t, active, level):
            n_out = max(int(mask.sum()) - n_in, 0)
            w = weights * mask
            n_out = min(n_out, int((w > 0).sum()))
            if n_out:
                out_idx += list(rng.choice(n_p, size=n_out, replace=False, p=w / w.sum()))
        part = active.copy()
        part[out_idx] = False
        # 3. target scores by quantile mapping over participants
        s = np.zeros(n_p)
        order = np.argsort(np.argsort(cap[t][part]))
        u = (order + 0.5) / part.sum()
        s[part] = _quantile_scores(u, t)
        # 4. calibration per cluster, then the national mean of the participants
        for lv in ("provinsi", "kabupaten", "kota"):
            idx = np.flatnonzero(active & (level == lv))
            pins = pub_t[pub_t["kode_wilayah"].isin(codes[idx])]
            if len(pins):
                s[idx] = _calibrate_cluster(codes[idx], s[idx], pins, t, rng, calib_log)
        anchors = active & np.isin(codes, pub_t.loc[pub_t["rank"].notna(), "kode_wilayah"].to_numpy())
        pinned = np.isin(codes, pub_t["kode_wilayah"].to_numpy())
        wanted = _participants_wanted(counts, t, active, level)
        if len(wanted) == 1:  # a zero-score rank pin may have moved the total; restore it in other clusters
            zero_levels = set(pub_t.loc[pub_t["rank"].notna() & (pub_t["iid_score"] == 0), "level"])
            s = _match_participation(s, level, active & ~pinned & ~np.isin(level, list(zero_levels)), pinned,
                                     wanted[0][1], rng)
        counted = np.isin(codes, [k for k, y in count_pins if y == t]) & ~np.isin(
            codes, [k for k, y in score_pins if y == t])
        s = _count_bounds(s, codes, level, counted, anchors, count_pins, t, framework_for_year(t), rng, calib_log)
        free_mask = active & (s > 0) & ~pinned & ~counted
        if t in counts.index:
            s = _match_predicate_counts(s, level, free_mask, anchors, t, counts.loc[t], rng)
        if t in means.index:
            s = _match_mean(s, level, free_mask, anchors, float(means[t]))
        s[~active] = np.nan
        target[t] = s
        latent_rows[years.index(t)]["is_participant"] = s > 0

    # 5. answers
    fw_cache = {t: framework_for_year(t) for t in years}
    opd_by_pemda = opd_lists(pemda, rng)
    spd_parts, inn_parts = [], []
    for t in years:
        fw = fw_cache[t]
        spd_w = fw.spd_weights.to_numpy()
        sid_w = fw.sid_weights.to_numpy().astype(int)
        spd_rows = fw.spd[["indicator_no", "sub"]].to_numpy()
        s = target[t]
        part = np.nan_to_num(s) > 0
        pinned_n = np.array([count_pins.get((c, t), {}).get("n", 0) if p_ else 0 for c, p_ in zip(codes, part)])
        # innovations per pemda scaled to the national total (published counts of single pemda kept as they are)
        z = np.zeros(n_p)
        z[part] = (s[part] - s[part].mean()) / s[part].std()
        raw_n = np.exp(0.75 * z + rng.normal(0, 0.35, n_p) + 0.3 * (level == "provinsi")) * part * (pinned_n == 0)
        total = int(counts.loc[t, "innovations_reported_count"]) if t in counts.index else INNOVATION_TOTALS[t]
        share_n = raw_n / raw_n.sum() * max(total - int(pinned_n.sum()), 0)
        for _ in range(5):  # cap at MAX_INNOVATIONS_PER_PEMDA and hand the excess to the others
            over = share_n > MAX_INNOVATIONS_PER_PEMDA
            if not over.any():
                break
            excess = (share_n[over] - MAX_INNOVATIONS_PER_PEMDA).sum()
            share_n[over] = MAX_INNOVATIONS_PER_PEMDA
            free = ~over & part & (pinned_n == 0)
            share_n[free] += excess * share_n[free] / share_n[free].sum()
        n_inn = np.where(pinned_n > 0, pinned_n, np.where(part, np.maximum(1, np.round(share_n)), 0)).astype(int)
        split = np.array(TAHAPAN_SPLIT.get(t, TAHAPAN_SPLIT[2023] if t < 2023 else TAHAPAN_SPLIT[2024]), float)
        split /= split.sum()
        fits = {}
        for i in np.flatnonzero(part):
            share = np.clip(s[i] / 100 + rng.normal(0, 0.1), 0.03, 0.97)
            spd_lv = spd_levels(share, spd_w, rng)
            fits[i] = fit_pemda(s[i] * fw.max_total / 100, int(n_inn[i]), spd_lv, spd_w, fw, rng,
                                 score_pins.get((codes[i], t)), count_pins.get((codes[i], t)), (codes[i], t),
                                 calib_log)
        free = [i for i in rng.permutation(np.flatnonzero(part))
                if (codes[i], t) not in score_pins and (codes[i], t) not in count_pins]
        match_total(fits, free, total, s, spd_w, fw, rng, MAX_INNOVATIONS_PER_PEMDA)
        for i in np.flatnonzero(part):
            n, spd_lv, K = fits[i]
            # SID answers
            tah = rng.choice(3, size=n, p=split)
            q = np.clip(K / (n * fw.max_sid_per_innovation), 0.0, 1.0)
            theta = np.clip(rng.beta(8 * q + 0.5, 8 * (1 - q) + 0.5, size=n) * np.where(tah == 2, 1.05, 0.75),
                            0, 1)
            L = rng.binomial(3, np.clip(theta[:, None] + rng.normal(0, 0.08, (1, 20)), 0, 1)).astype(np.int64)
            L = adjust_to_sum(L, sid_w, K, rng)
            spd_parts.append((codes[i], t, spd_lv))
            inn_parts.append((codes[i], t, L, tah))

    spd_df = spd_frame(spd_parts, spd_rows)
    inn_df = innovation_frame(inn_parts, opd_by_pemda, pemda, rng)

    # 6. scores
    score_frames = []
    for t in years:
        fw = fw_cache[t]
        act = assessed[t]
        index = pd.MultiIndex.from_arrays([codes[act], np.full(act.sum(), t)], names=["kode_wilayah", "year"])
        comp = pemda_components(spd_df[spd_df["year"] == t], inn_df[inn_df["year"] == t], fw, index=index)
        sc = score_components(comp, fw).reset_index()
        sc.insert(2, "level", level[act])
        score_frames.append(sc)
    scores = pd.concat(score_frames, ignore_index=True)
    scores = _rank_and_predicate(scores)
    scores["source"] = "simulated"
    scores = scores[["kode_wilayah", "year", "level", "spd_score", "n_innovations", "quality_score", "count_score",
                     "sid_score", "iid_score", "predicate", "rank", "rank_of", "source"]]
    calibration = _calibration_table(published, scores, calib_log, counts, count_pins, means)
    latent = pd.concat(latent_rows, ignore_index=True)
    return SimulatedIID(spd_df, inn_df, scores, calibration, latent, seed, years)


# --------------------------------------------------------------------------- calibration targets

def _score_pins(published: pd.DataFrame) -> dict:
    """(kode, year) -> (published score, decimals as written) for every published 0-100 score above 0."""
    scored = published[published["iid_score"].fillna(0) > 0]
    decimals = (scored["score_decimals"] if "score_decimals" in scored else pd.Series(2, index=scored.index))
    return {(r.kode_wilayah, int(r.year)): (float(r.iid_score), int(d) if pd.notna(d) else 2)
            for r, d in zip(scored.itertuples(index=False), decimals)}


def _count_pins(years) -> dict:
    """(kode, year) -> {"n": innovations (accepted, else sent), "mean": mean maturity or None, "kind"}."""
    counts = load_innovation_counts()
    out = {}
    for r in counts[counts["year"].isin(list(years))].itertuples(index=False):
        n = r.n_accepted if pd.notna(r.n_accepted) else r.n_sent_or_counted
        if pd.notna(n) and int(n) > 0:
            out[(r.kode_wilayah, int(r.year))] = {
                "n": int(n), "kind": "accepted" if pd.notna(r.n_accepted) else "sent",
                "mean": float(r.mean_maturity) if pd.notna(r.mean_maturity) else None}
    return out


def _participants_wanted(counts: pd.DataFrame, year: int, active: np.ndarray, level: np.ndarray):
    """[(mask, participants wanted)]: per level where the counts by level are published, else one total."""
    row = counts.loc[year] if year in counts.index else None
    by_level = [row[f"participating_{lv}_count"] for lv in LEVELS] if row is not None else [pd.NA]
    if all(pd.notna(v) for v in by_level):
        return [(active & (level == lv), min(int(v), int((active & (level == lv)).sum())))
                for lv, v in zip(LEVELS, by_level)]
    total = int(row["participating_pemda_count"]) if row is not None else int(active.sum())
    return [(active, total)]


def _match_mean(s, level, movable, anchors, target, gap=0.06):
    """Shift the movable participants' scores by one amount so the participants' mean is ``target``.

    No moved score crosses the score of a rank-pinned pemda of its cluster (a gap of ``gap`` is kept)
    or leaves 0.5-95, so every published rank stays where the calibration put it.
    """
    part = s > 0
    lo, hi = np.full(len(s), 0.5), np.full(len(s), 95.0)
    for lv in np.unique(level):
        anc = np.sort(s[anchors & part & (level == lv)])
        idx = np.flatnonzero(movable & (level == lv))
        if len(anc) and len(idx):
            pos = np.searchsorted(anc, s[idx])
            lo[idx] = np.maximum(lo[idx], np.where(pos > 0, anc[np.maximum(pos - 1, 0)] + gap, 0.5))
            hi[idx] = np.minimum(hi[idx], np.where(pos < len(anc), anc[np.minimum(pos, len(anc) - 1)] - gap, 95.0))
    lo, hi = np.minimum(lo, s), np.maximum(hi, s)

    def shifted(d):
        x = s.copy()
        x[movable] = np.clip(s[movable] + d, lo[movable], hi[movable])
        return x

    low, high = -40.0, 40.0
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if shifted(mid)[part].mean() < target else (low, mid)
    return shifted((low + high) / 2)


def _match_participation(s, level, eligible, pinned, wanted: int, rng, gap=0.06):
    """Set participants (score > 0) to ``wanted`` by zeroing the lowest or reviving zeros among ``eligible``.

    A revived pemda gets a score below every pinned score of its cluster and a zeroed one is below
    them too, so published ranks are not moved.
    """
    s = s.copy()
    diff = int((s > 0).sum()) - wanted
    floor = {lv: (s[pinned & (level == lv) & (s > 0)].min() if (pinned & (level == lv) & (s > 0)).any() else 100.0)
             for lv in np.unique(level)}
    low = np.array([floor[lv] for lv in level])
    if diff > 0:
        cand = np.flatnonzero(eligible & (s > 0) & (s < low - gap))
        s[cand[np.argsort(s[cand])][:diff]] = 0.0
    elif diff < 0:
        cand = np.flatnonzero(eligible & (s == 0) & (low > 0.5 + 2 * gap))
        take = rng.permutation(cand)[:-diff]
        s[take] = rng.uniform(0.5, np.minimum(3.0, low[take] - gap))
    return s


def _match_predicate_counts(s, level, movable, anchors, year, row, rng, gap=0.06):
    """Move free pemda across the predikat bounds until the published predikat counts are met (where published).

    Pemda nearest a bound move first, to 0.05-1 IID points past it, and never across the score of a
    rank-pinned pemda of their cluster (2021 and 2022: 37/316/166 and 44/365/101).
    """
    wanted = [row.get(k) for k in ("sangat_inovatif_count", "inovatif_count", "kurang_inovatif_count")]
    if any(pd.isna(v) for v in wanted):
        return s
    s = s.copy()
    th = predicate_thresholds(year)

    def move(bound, need, from_below):
        side = (s > 0) & movable & ((s < bound) if from_below else (s >= bound))
        cand = np.flatnonzero(side)
        for i in cand[np.argsort(np.abs(s[cand] - bound))]:
            if need <= 0:
                return
            new = bound + rng.uniform(0.05, 1.0) if from_below else bound - rng.uniform(0.05, 1.0)
            lo, hi = min(s[i], new) - gap, max(s[i], new) + gap
            if (anchors & (level == level[i]) & (s > lo) & (s < hi)).any():
                continue
            s[i] = new
            need -= 1

    above = int((s >= th.sangat_inovatif_min).sum())  # Sangat Inovatif: too few -> raise, too many -> lower
    if above < int(wanted[0]):
        move(th.sangat_inovatif_min, int(wanted[0]) - above, True)
    else:
        move(th.sangat_inovatif_min, above - int(wanted[0]), False)
    below = int(((s > 0) & (s < th.inovatif_min)).sum())  # Kurang Inovatif: too many -> raise, too few -> lower
    if below > int(wanted[2]):
        move(th.inovatif_min, below - int(wanted[2]), True)
    else:
        move(th.inovatif_min, int(wanted[2]) - below, False)
    return s


def _count_bounds(s, codes, level, counted, anchors, count_pins, year, fw, rng, log, gap=0.06):
    """Keep a pemda with a published innovation count (and no published score) within what that count allows.

    n innovations give at least the count score and at most :func:`~iid_research.scoring.max_iid_for_count`;
    a target outside is moved 0.3-3 IID points inside, unless the move would cross the score of a
    rank-pinned pemda of the cluster (then the count is fitted as far as it goes and the calibration
    table says so).
    """
    from .scoring import max_iid_for_count

    s = s.copy()
    yandas = ASSUMED_YANDAS if fw.count_score_min_urusan_yandas else None
    for i in np.flatnonzero(counted & (s > 0)):
        n = count_pins[(codes[i], year)]["n"]
        floor = float(count_score(n, fw, yandas)) / fw.max_total * 100 + 0.3
        ceiling = float(max_iid_for_count(n, fw, yandas)) - 0.3
        if floor <= s[i] <= ceiling:
            continue
        new = floor + rng.uniform(0, 2.7) if s[i] < floor else ceiling - rng.uniform(0, 2.7)
        lo, hi = min(s[i], new) - gap, max(s[i], new) + gap
        if (anchors & (level == level[i]) & (s > lo) & (s < hi)).any():
            log.append((codes[i], year, "count_bound_blocked"))
            continue
        s[i] = new
    return s


def _rank_and_predicate(scores: pd.DataFrame) -> pd.DataFrame:
    from .scoring import cluster_sizes, rank_within_cluster  # noqa: I001
    out = scores.copy()
    out["rank"] = rank_within_cluster(out)
    out["rank_of"] = cluster_sizes(out)
    out["predicate"] = None
    for t, idx in out.groupby("year").groups.items():
        out.loc[idx, "predicate"] = assign_predicates(out.loc[idx, "iid_score"].to_numpy(), int(t))
    out["predicate"] = out["predicate"].astype(str)
    return out


CALIBRATION_COLUMNS = ["target", "kode_wilayah", "year", "level", "published", "simulated", "decimals", "error",
                       "status", "reason"]
"""Columns of :attr:`SimulatedIID.calibration`."""

_REASONS = {
    "rank_pin_dropped_inconsistent": "the published rank contradicts other published ranks or scores of the cluster",
    "rank_pin_unreachable": "too few free pemda to move across the pinned one",
    "score_window_unreachable": "no answers give this score at its published precision under the reconstructed "
                                "weights (with the published count, if any): the reachable IIDs form a grid "
                                "when few innovations are counted",
    "count_bound_blocked": "moving the score to what the count allows would move a published rank",
    "count_pin_infeasible": "the published innovation count cannot give the target score",
    "mean_maturity_unreachable": "the published mean maturity cannot be kept together with the score",
}


def _calibration_table(published, scores, log, counts, count_pins, means) -> pd.DataFrame:
    """Every calibration target beside the simulated value, with a truthful status (see :class:`SimulatedIID`)."""
    from .scoring import matches_published

    why = {}
    for k, y, reason in log:
        why.setdefault((k, y), []).append(reason)
    sim = scores.set_index(["kode_wilayah", "year"])
    rows = []

    def add(target, kode, year, level, pub, got, decimals, ok, reason=""):
        err = abs(float(got) - float(pub)) if isinstance(pub, (int, float, np.number)) and pd.notna(got) else np.nan
        rows.append({"target": target, "kode_wilayah": kode, "year": int(year), "level": level, "published": pub,
                     "simulated": got, "decimals": decimals, "error": err,
                     "status": "reproduced" if ok else "not_reproduced", "reason": reason or None})

    for r in published[published["year"].isin(scores["year"].unique())].itertuples(index=False):
        key = (r.kode_wilayah, int(r.year))
        if key not in sim.index:
            continue
        got = sim.loc[key]
        notes = "; ".join(_REASONS[x] for x in why.get(key, []))
        if pd.notna(r.iid_score):
            d = int(getattr(r, "score_decimals", 2)) if pd.notna(getattr(r, "score_decimals", 2)) else 2
            add("iid_score", *key, r.level, float(r.iid_score), float(got["iid_score"]), d,
                bool(matches_published(got["iid_score"], r.iid_score, d)), notes)
        if pd.notna(r.rank):
            ok = int(got["rank"]) == int(r.rank)
            dropped = [x for x in why.get(key, []) if x.startswith("rank_pin")]
            add("rank", *key, r.level, int(r.rank), int(got["rank"]), None, ok,
                "; ".join(_REASONS[x] for x in dropped) if not ok else "")
        if isinstance(r.predicate, str):
            ok = got["predicate"] == r.predicate
            reason = ""
            if not ok and pd.notna(r.iid_score) and predicate_for(float(r.iid_score), int(r.year)) != r.predicate:
                reason = "the published predikat contradicts the year's thresholds for the published score"
            add("predicate", *key, r.level, r.predicate, got["predicate"], None, ok, reason)
    inn = scores.set_index(["kode_wilayah", "year"])
    for (kode, year), pin in sorted(count_pins.items()):
        if (kode, year) not in inn.index:
            continue
        got = inn.loc[(kode, year)]
        n = int(got["n_innovations"])
        add("innovations", kode, year, got["level"], pin["n"], n, 0, n == pin["n"],
            "" if n == pin["n"] else "; ".join(_REASONS[x] for x in why.get((kode, year), [])) or
            f"published count ({pin['kind']}) not kept")
        if pin["mean"] is not None:
            fw = framework_for_year(year)
            mean = float(got["quality_score"]) * int(sid_divisor(n, fw)) / n if n else np.nan
            add("mean_maturity", kode, year, got["level"], pin["mean"], mean, 2,
                bool(matches_published(mean, pin["mean"], 2)),
                "; ".join(_REASONS[x] for x in why.get((kode, year), []) if x == "mean_maturity_unreachable"))
    for year in sorted(scores["year"].unique()):
        yr = scores[scores["year"] == year]
        if year in means.index:
            got = float(yr.loc[yr["iid_score"] > 0, "iid_score"].mean())
            add("national_mean_iid", None, year, "all", float(means[year]), got, 2,
                bool(matches_published(got, means[year], 2)), "mean over the pemda that reported (score > 0)")
        if year in counts.index:
            row = counts.loc[year]
            for lv in LEVELS:
                want = row[f"participating_{lv}_count"]
                if pd.isna(want):
                    continue
                got = int((yr.loc[yr["level"] == lv, "iid_score"] > 0).sum())
                size = int((yr["level"] == lv).sum())
                add("participation", None, year, lv, int(want), got, 0, got == int(want),
                    "" if got == int(want) else (f"more reported than the {size} autonomous pemda of the level"
                                                 if int(want) > size else ""))
            got = int((yr["iid_score"] > 0).sum())
            by_level = all(pd.notna(row[f"participating_{lv}_count"]) for lv in LEVELS)
            add("participation", None, year, "all", int(row["participating_pemda_count"]), got, 0,
                got == int(row["participating_pemda_count"]),
                "participation follows the published counts by level" if by_level else "")
            got = int(yr["n_innovations"].sum())
            add("innovations_national", None, year, "all", int(row["innovations_reported_count"]), got, 0,
                got == int(row["innovations_reported_count"]))
    out = pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)
    out["decimals"] = pd.array(out["decimals"], dtype="Int64")
    return out
