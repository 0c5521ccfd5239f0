"""SIMULATED indicator-level IID data for every autonomous pemda, 2021-2025.

Indicator-level IID answers are not public.  This module generates them with a
seed so that the driver analyses (:mod:`iid_research.drivers`), clustering of
OPDs and the notebooks have realistic material.  **Everything it returns is
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
    sim.calibration  # every published 2021+ result and whether it is reproduced
    sim.components(year)  # sufficient statistics for scoring (see scoring.pemda_components)

How the data are built (all randomness from ``numpy.random.default_rng(seed)``)
-------------------------------------------------------------------------------
1. *Latent innovation capacity* per pemda: a persistent part (province effect
   + 0.35 × standardised log GRDP per capita 2021 from ``load_covariates`` +
   pemda noise) plus an AR(1) yearly shock (ρ = 0.6) and, for about 2 % of
   pemda-years from 2022, a persistent jump of ±1.2-2.2 SD ("big jumps").
2. *Participation*: each year ``participating_pemda_count`` pemda
   (``load_predicate_counts``) report; the others score 0 ("Tidak Dapat
   Dinilai"), drawn mostly among low-capacity pemda.  The new Papua provinces
   (codes 93-96, formed 2022) are assessed from 2023.
3. *Target scores*: participants' capacity ranks are mapped to IID scores by a
   per-year quantile function whose bands reproduce the national predikat
   shares (2021: 37/316/166, 2022: 44/365/101; 2023-2025 shares assumed, see
   :data:`PREDICATE_SHARES`).
4. *Calibration to published results* (``load_iid_results``, 2021+): a
   published 0-100 score is imposed exactly; a published predikat without a
   score moves the score into that band; a published rank (treated as the rank
   within the level cluster) is imposed by moving unconstrained pemda across
   the pinned one, and a pinned rank without a score (Blora 2021-2023) gets a
   score between its neighbours.  Inconsistent pins are dropped and listed in
   ``calibration``.
5. *Answers*: the number of innovations follows the target score and is
   scaled to the national totals (25,124 / 26,900 / 28,539 / 31,719 / 36,742);
   innovations are spread over the pemda's OPDs (the same OPD list every year,
   names in realistic spelling variants); tahapan follows the published split
   (2023: 1,362 / 1,080 / 26,097); SPD levels follow the score; SID levels
   follow a per-innovation maturity and are then adjusted so that the pemda's
   total points hit the target (error ≤ 0.5 / MAX(10, n) points, i.e. ≤ 0.02
   IID points).
6. *Scores* are recomputed from the answers with the official formulas
   (:func:`iid_research.indicator_data.score_components`) under
   ``framework_for_year(year)``, ranked within level clusters (competition
   ranking on 2-decimal scores) and given the year's predikat.

Results are cached in ``data/processed/`` keyed by seed, years, simulator
version and the checksums of the inputs and rules (written atomically).
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from ._io import atomic_path, sha256_file
from .contracts import BENTUK, INISIATOR, JENIS, SPD_COLUMNS
from .data import load_covariates, load_iid_results, load_predicate_counts, load_regions
from .frameworks import framework_for_year, predicate_thresholds
from .scoring import (
    SID_COLUMNS,
    URUSAN_PELAYANAN_DASAR,
    assign_predicates,
    count_score,
    pemda_components,
    score_components,
    sid_divisor,
)

SIMULATOR_VERSION = "1"
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

# OPD catalogue: (full name, abbreviation, main urusan, relative innovation weight)
_OPD_CATALOGUE = (
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda", "Perencanaan", 2.0),
    ("Badan Riset dan Inovasi Daerah", "BRIDA", "Penelitian dan pengembangan", 1.5),
    ("Dinas Kesehatan", "Dinkes", "Kesehatan", 3.0),
    ("Dinas Pendidikan", "Disdik", "Pendidikan", 2.5),
    ("Dinas Komunikasi dan Informatika", "Diskominfo", "Komunikasi dan informatika", 2.5),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "Adminitrasi kependudukan dan pencatatan sipil", 2.5),
    ("Dinas Sosial", "Dinsos", "Sosial", 1.5),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "Pekerjaan umum dan penataan ruang", 1.0),
    ("Dinas Perumahan Rakyat dan Kawasan Permukiman", "Disperkim", "Perumahan rakyat dan kawasan permukiman", 0.8),
    ("Satuan Polisi Pamong Praja", "Satpol PP", "Ketentraman, Ketertiban umum, dan perlindungan masyarakat", 0.8),
    ("Badan Penanggulangan Bencana Daerah", "BPBD", "Ketentraman, Ketertiban umum, dan perlindungan masyarakat", 0.7),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "Penanaman modal", 2.0),
    ("Dinas Pertanian", "Distan", "Pertanian", 1.2),
    ("Dinas Perhubungan", "Dishub", "Perhubungan", 0.8),
    ("Dinas Lingkungan Hidup", "DLH", "Lingkungan hidup", 1.0),
    ("Dinas Tenaga Kerja", "Disnaker", "Tenaga kerja", 0.8),
    ("Dinas Koperasi dan Usaha Mikro", "Dinkop UM", "Koperasi, Usaha kecil, dan menengah", 1.0),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "Dispermades", "Pemberdayaan masyarakat dan desa", 1.0),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A", "Pemberdayaan perempuan dan perlindungan anak", 0.8),
    ("Dinas Pariwisata dan Kebudayaan", "Disparbud", "Pariwisata", 0.8),
    ("Dinas Perpustakaan dan Kearsipan", "Dispusip", "Perpustakaan", 0.6),
    ("Dinas Ketahanan Pangan", "DKP", "pangan", 0.6),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", "Keuangan", 1.0),
    ("Badan Pendapatan Daerah", "Bapenda", "Keuangan", 1.2),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", "Kepegawaian", 1.2),
    ("Inspektorat", "Inspektorat", "Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan", 0.5),
    ("Sekretariat Daerah", "Setda", "Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan", 1.0),
    ("Sekretariat DPRD", "Setwan", "Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan", 0.3),
)
_TEMATIK = ("Digitalisasi layanan pemerintahan", "Penanggulangan kemiskinan", "Kemudahan investasi",
            "Prioritas aktual presiden", "Non tematik")
_URUSAN_OTHER = ("Tenaga kerja", "Pemberdayaan perempuan dan perlindungan anak", "pangan", "Lingkungan hidup",
                 "Adminitrasi kependudukan dan pencatatan sipil", "Pemberdayaan masyarakat dan desa",
                 "Perhubungan", "Komunikasi dan informatika", "Koperasi, Usaha kecil, dan menengah",
                 "Penanaman modal", "Pariwisata", "Pertanian", "Perencanaan", "Keuangan", "Kepegawaian",
                 "Penelitian dan pengembangan", "Perpustakaan", "Kearsipan", "Kelautan dan perikanan")
_URUSAN_CANON = {u.lower(): u for u in URUSAN_PELAYANAN_DASAR}
_URUSAN_CANON.update({"ketentraman, ketertiban umum, dan perlindungan masyarakat": URUSAN_PELAYANAN_DASAR[4],
                      "pekerjaan umum dan penataan ruang": URUSAN_PELAYANAN_DASAR[2],
                      "perumahan rakyat dan kawasan permukiman": URUSAN_PELAYANAN_DASAR[3]})


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
        One row per published 2021+ result: [kode_wilayah, year, level, published_score,
        published_rank, published_predicate, simulated_score, simulated_rank, score_error,
        rank_matches, status].
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


# --------------------------------------------------------------------------- answers of one pemda-year

def _adjust_to_sum(levels: np.ndarray, w: np.ndarray, target: int, rng: np.random.Generator) -> np.ndarray:
    """Raise/lower single levels (0-3) until Σ w × level equals the integer ``target``."""
    L = levels
    d = int(target - (L @ w).sum())
    for _ in range(200):
        if d == 0:
            return L
        sign = 1 if d > 0 else -1
        ok = (L < 3) if sign > 0 else (L > 0)
        wmat = np.broadcast_to(w, L.shape)
        cand = np.flatnonzero(ok & (wmat <= abs(d)))
        if len(cand) == 0:
            cand = np.flatnonzero(ok)
            if len(cand) == 0:
                break
            j = cand[np.argmin(wmat.ravel()[cand])]
            L.ravel()[j] += sign
            d -= sign * int(wmat.ravel()[j])
            continue
        cand = rng.permutation(cand)
        cw = wmat.ravel()[cand].astype(int)
        take = np.cumsum(cw) <= abs(d)
        L.ravel()[cand[take]] += sign
        d -= sign * int(cw[take].sum())
    if d != 0:
        raise RuntimeError(f"could not reach SID point total {target} (left {d})")
    return L


def _spd_levels(share: float, w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p = np.clip(share + rng.normal(0, 0.15, size=len(w)), 0.02, 0.98)
    return rng.binomial(3, p)


# --------------------------------------------------------------------------- main

def _cache_key(seed: int, years: tuple, extra: str = "") -> str:
    h = hashlib.sha256()
    h.update(f"{SIMULATOR_VERSION}|{seed}|{years}|{extra}".encode())
    raw = config.RAW_DIR
    for name in ("regions_kemendagri_2025_population_area.csv", "iid_region_scores_news_2019_2025.csv",
                 "iid_predicate_counts_2018_2025.csv", "grdp_per_capita_districts_2000_2024_quarcs.csv"):
        f = raw / name
        h.update(sha256_file(f).encode() if f.exists() else b"-")
    for f in sorted(Path(config.RULES_DIR).glob("*.csv")):
        h.update(sha256_file(f).encode())
    h.update(sha256_file(Path(__file__)).encode())
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
        iid_score, predicate, rank, ...); default ``load_iid_results()``.
    use_cache : bool, default True
        Read/write ``<cache_dir>/simulated_iid_<key>.pkl`` where the key hashes
        the seed, years, simulator source and the checksums of the inputs.
    cache_dir : path-like, optional
        Default ``config.PROCESSED_DIR``.

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
    cache_file = None
    if use_cache:
        folder = Path(cache_dir) if cache_dir is not None else config.PROCESSED_DIR
        extra = "" if published is None else str(pd.util.hash_pandas_object(
            published.astype(str), index=False).sum())
        cache_file = folder / f"simulated_iid_{_cache_key(seed, years, extra)}.pkl"
        if cache_file.exists():
            try:
                with open(cache_file, "rb") as fh:
                    return pickle.load(fh)
            except Exception:  # noqa: BLE001 - a broken cache is rebuilt
                pass
    sim = _simulate(seed, published)
    if years != DEFAULT_YEARS:
        keep = lambda f: f[f["year"].isin(years)].reset_index(drop=True)  # noqa: E731
        sim = SimulatedIID(keep(sim.spd), keep(sim.innovations), keep(sim.scores), keep(sim.calibration),
                           keep(sim.latent), seed, years)
    if cache_file is not None:
        try:
            with atomic_path(cache_file) as tmp:
                with open(tmp, "wb") as fh:
                    pickle.dump(sim, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass
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

    target = {}
    assessed = {}
    calib_log: list = []
    for t in years:
        active = ~((level == "provinsi") & np.isin(codes, NEW_PAPUA_PROVINCES) & (t < 2023))
        assessed[t] = active
        participating = int(counts.loc[t, "participating_pemda_count"]) if t in counts.index else int(active.sum())
        n_out = max(int(active.sum()) - participating, 0)
        # 2. participation: low capacity pemda more likely not to report
        weights = np.exp(-1.5 * (cap[t] - cap[t].mean()) / cap[t].std()) * active
        pub_t = published[published["year"] == t]
        scored = pub_t["predicate"].isin(["Sangat Inovatif", "Inovatif", "Kurang Inovatif"])
        forced_in = (set(pub_t.loc[pub_t["iid_score"].fillna(0) > 0, "kode_wilayah"])
                     | set(pub_t.loc[scored, "kode_wilayah"])
                     | set(pub_t.loc[pub_t["rank"].notna() & pub_t["iid_score"].isna(), "kode_wilayah"]))
        weights[np.isin(codes, list(forced_in))] = 0
        out_idx = rng.choice(n_p, size=n_out, replace=False, p=weights / weights.sum()) if n_out else []
        part = active.copy()
        part[out_idx] = False
        # 3. target scores by quantile mapping over participants
        s = np.zeros(n_p)
        order = np.argsort(np.argsort(cap[t][part]))
        u = (order + 0.5) / part.sum()
        s[part] = _quantile_scores(u, t)
        # 4. calibration per cluster
        for lv in ("provinsi", "kabupaten", "kota"):
            idx = np.flatnonzero(active & (level == lv))
            pins = pub_t[pub_t["kode_wilayah"].isin(codes[idx])]
            if len(pins):
                s[idx] = _calibrate_cluster(codes[idx], s[idx], pins, t, rng, calib_log)
        s[~active] = np.nan
        target[t] = s
        latent_rows[years.index(t)]["is_participant"] = s > 0

    # 5. answers
    fw_cache = {t: framework_for_year(t) for t in years}
    opd_lists = _opd_lists(pemda, rng)
    spd_parts, inn_parts = [], []
    for t in years:
        fw = fw_cache[t]
        spd_w = fw.spd_weights.to_numpy()
        sid_w = fw.sid_weights.to_numpy().astype(int)
        spd_rows = fw.spd[["indicator_no", "sub"]].to_numpy()
        s = target[t]
        part = np.nan_to_num(s) > 0
        # innovations per pemda scaled to the national total
        z = np.zeros(n_p)
        z[part] = (s[part] - s[part].mean()) / s[part].std()
        raw_n = np.exp(0.75 * z + rng.normal(0, 0.35, n_p) + 0.3 * (level == "provinsi")) * part
        total = int(counts.loc[t, "innovations_reported_count"]) if t in counts.index else INNOVATION_TOTALS[t]
        share_n = raw_n / raw_n.sum() * total
        for _ in range(5):  # cap at MAX_INNOVATIONS_PER_PEMDA and hand the excess to the others
            over = share_n > MAX_INNOVATIONS_PER_PEMDA
            if not over.any():
                break
            excess = (share_n[over] - MAX_INNOVATIONS_PER_PEMDA).sum()
            share_n[over] = MAX_INNOVATIONS_PER_PEMDA
            free = ~over & part
            share_n[free] += excess * share_n[free] / share_n[free].sum()
        n_inn = np.where(part, np.maximum(1, np.round(share_n)), 0).astype(int)
        split = np.array(TAHAPAN_SPLIT.get(t, TAHAPAN_SPLIT[2023] if t < 2023 else TAHAPAN_SPLIT[2024]), float)
        split /= split.sum()
        for i in np.flatnonzero(part):
            T = s[i] * fw.max_total / 100
            n = int(n_inn[i])
            share = np.clip(s[i] / 100 + rng.normal(0, 0.1), 0.03, 0.97)
            spd_lv = _spd_levels(share, spd_w, rng)
            n, spd_lv, K = _fit_totals(T, n, spd_lv, spd_w, fw, rng)
            # SID answers
            tah = rng.choice(3, size=n, p=split)
            q = np.clip(K / (n * fw.max_sid_per_innovation), 0.0, 1.0)
            theta = np.clip(rng.beta(8 * q + 0.5, 8 * (1 - q) + 0.5, size=n) * np.where(tah == 2, 1.05, 0.75),
                            0, 1)
            L = rng.binomial(3, np.clip(theta[:, None] + rng.normal(0, 0.08, (1, 20)), 0, 1)).astype(np.int64)
            L = _adjust_to_sum(L, sid_w, K, rng)
            spd_parts.append((codes[i], t, spd_lv))
            inn_parts.append((codes[i], t, L, tah))

    spd_df = _spd_frame(spd_parts, spd_rows)
    inn_df = _innovation_frame(inn_parts, opd_lists, pemda, rng)

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
    calibration = _calibration_table(published, scores, calib_log)
    latent = pd.concat(latent_rows, ignore_index=True)
    return SimulatedIID(spd_df, inn_df, scores, calibration, latent, seed, years)


_ASSUMED_YANDAS = len(URUSAN_PELAYANAN_DASAR)
"""Under rules with an urusan condition, the fit assumes the innovations cover all six urusan pelayanan dasar."""


def _fit_totals(T, n, spd_lv, spd_w, fw, rng):
    """Adjust SPD levels and the number of innovations so the SID quality needed is feasible.

    Returns (n, spd_levels, K) with K = Σ SID points over the innovations (integer).
    """
    spd_lv = spd_lv.copy()
    for _ in range(2000):
        C = float(count_score(n, fw, _ASSUMED_YANDAS if fw.count_score_min_urusan_yandas else None))
        D = int(sid_divisor(n, fw))
        R = T - float(spd_lv @ spd_w) - C
        qmax = fw.max_sid_per_innovation * n / D
        frac = R / qmax if qmax > 0 else 0
        if R < 0:
            down = np.flatnonzero(spd_lv > 0)
            if len(down):
                spd_lv[rng.choice(down)] -= 1
                continue
            if n > 1:
                n = max(1, min(n - 1, int(T / fw.count_score_per_innovation)))
                continue
            R = 0.0
        elif frac > 0.9:
            up = np.flatnonzero(spd_lv < 3)
            if len(up):
                spd_lv[rng.choice(up)] += 1
                continue
            n += 1
            continue
        elif frac < 0.12 and R > 0 and n > 1 and rng.random() < 0.9:
            n -= 1
            continue
        K = int(round(R * D))
        K = min(K, int(fw.max_sid_per_innovation) * n)
        return n, spd_lv, max(K, 0)
    raise RuntimeError(f"could not fit a total of {T} points")


def _opd_lists(pemda: pd.DataFrame, rng) -> dict:
    """A fixed OPD list per pemda: (names, urusan, weights); names in that pemda's spelling habits."""
    out = {}
    for r in pemda.itertuples(index=False):
        keep = rng.random(len(_OPD_CATALOGUE)) < 0.85
        keep[:6] = True
        cat = [c for c, k in zip(_OPD_CATALOGUE, keep) if k]
        style = rng.choice(["full", "abbr", "upper", "full_region"], p=[0.45, 0.2, 0.15, 0.2])
        names, urusan, weights, variants = [], [], [], []
        short = r.nama_short if isinstance(r.nama_short, str) and r.nama_short else r.nama
        for full, abbr, uru, wgt in cat:
            label = {"full": full, "abbr": abbr, "upper": full.upper(),
                     "full_region": f"{full} {r.nama}"}[style]
            names.append(label)
            variants.append((full, abbr, full.upper(), f"{full} {r.nama}", f"{abbr} {short}"))
            urusan.append(uru)
            weights.append(wgt)
        if r.level != "provinsi":
            names.append(f"RSUD {short}" if style != "upper" else f"RSUD {short.upper()}")
            variants.append((f"RSUD {short}", f"Rumah Sakit Umum Daerah {short}", f"RSUD {short.upper()}",
                             f"RSUD {short}", f"RSUD {short}"))
            urusan.append("Kesehatan")
            weights.append(1.5)
            for k in range(int(rng.integers(2, 6))):
                place = f"{short} {['Kota', 'Utara', 'Selatan', 'Timur', 'Barat', 'Tengah'][k]}"
                names.append(f"Puskesmas {place}")
                variants.append((f"Puskesmas {place}", f"PKM {place}", f"PUSKESMAS {place.upper()}",
                                 f"UPTD Puskesmas {place}", f"Puskesmas {place}"))
                urusan.append("Kesehatan")
                weights.append(0.8)
            for k in range(int(rng.integers(1, 4))):
                place = f"{short} {['Kota', 'Utara', 'Selatan'][k]}"
                names.append(f"Kecamatan {place}")
                variants.append((f"Kecamatan {place}", f"Kec. {place}", f"KECAMATAN {place.upper()}",
                                 f"Kantor Kecamatan {place}", f"Kecamatan {place}"))
                urusan.append("Fungsi lain sesuai dengan ketentuan peraturan perundang-undangan")
                weights.append(0.4)
        else:
            names.append(f"RSUD Provinsi {short}")
            variants.append((f"RSUD Provinsi {short}",) * 5)
            urusan.append("Kesehatan")
            weights.append(1.2)
        w = np.array(weights) * rng.gamma(2.0, 0.5, len(weights))
        out[r.kode_wilayah] = (np.array(names, dtype=object), np.array(urusan, dtype=object), w / w.sum(),
                               variants)
    return out


def _spd_frame(parts, spd_rows) -> pd.DataFrame:
    k = len(spd_rows)
    codes = np.repeat([p[0] for p in parts], k)
    years = np.repeat([p[1] for p in parts], k)
    levels = np.concatenate([p[2] for p in parts]) if parts else np.array([], int)
    ind = np.tile(spd_rows[:, 0].astype(int), len(parts))
    sub = np.tile(np.array([str(x) for x in spd_rows[:, 1]], dtype=object), len(parts))
    df = pd.DataFrame({"kode_wilayah": codes.astype(object), "year": years.astype("int64"),
                       "indicator_no": ind.astype("int64"), "sub": sub, "level": levels.astype("int64"),
                       "raw_value": np.nan})
    df = df[list(SPD_COLUMNS)]
    df["kode_wilayah"] = df["kode_wilayah"].astype(str)
    df["sub"] = df["sub"].astype(str)
    df["source"] = "simulated"
    return df


def _innovation_frame(parts, opd_lists, pemda, rng) -> pd.DataFrame:
    rows_code, rows_year, rows_opd, rows_urusan, mats, tahs = [], [], [], [], [], []
    for code, t, L, tah in parts:
        names, urusan, w, variants = opd_lists[code]
        n = len(L)
        which = rng.choice(len(names), size=n, p=w)
        opd = names[which].copy()
        # ~8 % of records typed in another spelling of the same OPD
        alt = rng.random(n) < 0.08
        for j in np.flatnonzero(alt):
            opd[j] = variants[which[j]][int(rng.integers(0, 5))]
        rows_code.append(np.full(n, code, dtype=object))
        rows_year.append(np.full(n, t))
        rows_opd.append(opd)
        rows_urusan.append(urusan[which])
        mats.append(L)
        tahs.append(tah)
    code = np.concatenate(rows_code)
    year = np.concatenate(rows_year).astype("int64")
    n = len(code)
    urusan = np.concatenate(rows_urusan)
    # a third of innovations address an urusan other than their OPD's main one
    other = rng.random(n) < 0.3
    pool = np.array(list(URUSAN_PELAYANAN_DASAR) + list(_URUSAN_OTHER), dtype=object)
    urusan[other] = rng.choice(pool, size=other.sum())
    urusan = np.array([_URUSAN_CANON.get(str(u).lower(), u) for u in urusan], dtype=object)
    tah = np.concatenate(tahs)
    tahapan = np.array(["inisiatif", "uji coba", "penerapan"], dtype=object)[tah]
    seq = pd.Series(code).groupby([code, year]).cumcount().to_numpy() + 1
    ids = np.char.add(np.char.add(np.char.add("SIM-", code.astype(str)), np.char.add("-", year.astype(str))),
                      np.char.add("-", np.char.zfill(seq.astype(str), 4)))
    impl = pd.to_datetime((year - 1).astype(str), format="%Y") + pd.to_timedelta(rng.integers(0, 540, n), unit="D")
    trial = impl - pd.to_timedelta(rng.integers(30, 300, n), unit="D")
    impl = impl.where(tah == 2, pd.NaT)
    trial = trial.where(tah >= 1, pd.NaT)
    df = pd.DataFrame({
        "innovation_id": ids.astype(object),
        "kode_wilayah": code,
        "year": year,
        "opd_name": np.asarray(rows_opd and np.concatenate(rows_opd), dtype=object),
        "tahapan": tahapan,
        "jenis": rng.choice(np.array(JENIS, dtype=object), size=n, p=[0.58, 0.42]),
        "bentuk": rng.choice(np.array(BENTUK, dtype=object), size=n, p=[0.27, 0.55, 0.18]),
        "inisiator": rng.choice(np.array(INISIATOR, dtype=object), size=n, p=[0.14, 0.02, 0.62, 0.16, 0.06]),
        "urusan": urusan,
        "tematik": rng.choice(np.array(_TEMATIK, dtype=object), size=n, p=[0.3, 0.15, 0.1, 0.15, 0.3]),
        "trial_date": pd.DatetimeIndex(trial).astype("datetime64[ns]"),
        "implementation_date": pd.DatetimeIndex(impl).astype("datetime64[ns]"),
    })
    mat = np.vstack(mats).astype("int64")
    for k, c in enumerate(SID_COLUMNS):
        df[c] = mat[:, k]
    for c in ("innovation_id", "kode_wilayah", "opd_name", "tahapan", "jenis", "bentuk", "inisiator", "urusan",
              "tematik"):
        df[c] = df[c].astype(str)
    df["source"] = "simulated"
    return df


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


def _calibration_table(published: pd.DataFrame, scores: pd.DataFrame, log: list) -> pd.DataFrame:
    pub = published[published["year"].isin(scores["year"].unique())]
    merged = pub.merge(scores[["kode_wilayah", "year", "iid_score", "rank", "rank_of", "predicate"]],
                       on=["kode_wilayah", "year"], how="left", suffixes=("_published", "_simulated"))
    status = {(k, y): s for k, y, s in log}
    out = pd.DataFrame({
        "kode_wilayah": merged["kode_wilayah"], "year": merged["year"], "level": merged["level"],
        "published_score": merged["iid_score_published"], "published_rank": merged["rank_published"],
        "published_predicate": merged["predicate_published"],
        "simulated_score": merged["iid_score_simulated"], "simulated_rank": merged["rank_simulated"],
        "simulated_predicate": merged["predicate_simulated"],
    })
    out["score_error"] = (out["simulated_score"] - out["published_score"]).abs()
    has_rank = out["published_rank"].notna()
    out["rank_matches"] = pd.array([pd.NA] * len(out), dtype="boolean")
    out.loc[has_rank, "rank_matches"] = (out.loc[has_rank, "simulated_rank"].astype(int)
                                         == out.loc[has_rank, "published_rank"].astype(int)).to_numpy()
    st = []
    for r in out.itertuples(index=False):
        s = status.get((r.kode_wilayah, r.year))
        if s is None:
            ok_score = pd.isna(r.published_score) or r.score_error <= 0.05
            ok_rank = pd.isna(r.rank_matches) or bool(r.rank_matches)
            s = "reproduced" if ok_score and ok_rank else "not_reproduced"
        st.append(s)
    out["status"] = st
    return out.reset_index(drop=True)
