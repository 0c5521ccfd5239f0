"""How sure is a rank?  A seeded Monte Carlo over named sources of uncertainty, and their Sobol indices.

A pemda's projected (or computed) rank depends on three things that are not known exactly:

``validation``
    The portal's validators accept only evidenced answers.  Each claimed answer is kept, or cut by
    one level, two levels or to 0, with chances per indicator; each innovation is rejected whole
    with a chance (higher for one that :func:`~iid_research.analysis.evaluation.validation_risk`
    flags).  Defaults: ``rules/validation_uncertainty.csv`` (from the published sent/accepted
    figures, 157/129 in 2023, 89/89 in 2024 and 139/137 in 2025 for one pemda; an assumption).
``method``
    The reconstructed rules drawn among their documented alternatives
    (``rules/method_alternatives.csv``: the 2021-2025 count rule with or without the urusan
    condition, the 2024-2025 divisor floor 10 or 12, the 2021 and 2025 inovatif bound, the
    announced 2027-2029 floor ladder 14 / 16 / 18).
``others``
    The other pemda's totals: held at the annex when it is of the same year; for a projected year,
    the earlier annex shifted by the drift, with a common drift error and a spread per pemda drawn
    from the year-to-year changes of the published results
    (:func:`~iid_research.analysis.projection.published_year_changes`); in a published+simulated
    field the simulated totals spread by one year's change, the published ones held.

Each source is drawn from its own random stream (``numpy.random.SeedSequence(seed).spawn``), so
switching one off leaves the draws of the others as they were; the same seed gives the same result.

Everything is vectorised over draws: a source's draws are tables of sufficient statistics (kept SID
points, innovations, urusan covered, SPD points; divisor floor and bounds; the others' totals),
index 0 of each table being the point state (everything as claimed, the package reading, the field's
centre).  The official formulas of :mod:`iid_research.scoring` score them (``sid_from_sums``,
``compute_iid``, ``predicates_with_bounds``, ``rank_among``/``rank_among_draws``,
``ranks_within_rows``), once per method alternative, never once per draw.

Sobol indices treat each source as one factor (a uniform number choosing one of the source's draws,
the "trigger" approach of composite-indicator audits); SALib's Saltelli/Sobol estimator computes
first-order and total indices of the rank.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd

from ..frameworks import (
    METHOD_SETTINGS,
    PREDICATES,
    Framework,
    PredicateThresholds,
    framework_for_year,
    method_alternatives,
    predicate_thresholds,
    validation_uncertainty,
)
from ..scoring import (
    URUSAN_PELAYANAN_DASAR,
    compute_iid,
    predicates_with_bounds,
    rank_among,
    rank_among_draws,
    ranks_within_rows,
    round_published,
    sid_from_sums,
    spd_levels_wide,
    urusan_pelayanan_dasar,
)
from .evaluation import validation_risk
from .projection import published_year_changes

SOURCES = ("validation", "method", "others")
"""The named sources of uncertainty, in the order of every table."""

BAND = (0.05, 0.5, 0.95)
"""Quantiles of the rank band: the 90 % band and the median."""

ORDER_KEPT = 0.9
"""Share of draws in which two pemda must keep their order for it to count as meaningful."""

ORDER_DRAWS = 2000
"""Draws used for the order-kept shares of :func:`cluster_rank_bands` (an average over every pair of a
distance and over these draws; its standard error is far below 0.01)."""


# --------------------------------------------------------------------------- settings and inputs

@dataclasses.dataclass(frozen=True, eq=False)
class UncertaintySettings:
    """Which sources are on, and their parameters (None: the documented default).

    Attributes
    ----------
    validation, method, others : bool, default True
        Switch each source on or off.
    p_reject_innovation : float, optional
        Chance an innovation is rejected whole; default the ``innovation`` row of
        ``rules/validation_uncertainty.csv`` (0.0779: 30 of 385 not accepted).
    p_reject_at_risk : float, optional
        The same for an innovation flagged by ``validation_risk``; default the ``innovation_at_risk`` row (0.9).
    answer_probabilities : DataFrame, optional
        Rows like the ``answer`` rows of ``rules/validation_uncertainty.csv``.
    method_table : DataFrame, optional
        Rows like ``rules/method_alternatives.csv`` for the year; default that file.
    others_spread : float, optional
        SD of one pemda's yearly change (IID points); default ``published_year_changes()["spread_per_year"]``.
    others_drift_sd : float, optional
        SD of the common drift per year; default ``published_year_changes()["drift_sd"]``.
    """

    validation: bool = True
    method: bool = True
    others: bool = True
    p_reject_innovation: float | None = None
    p_reject_at_risk: float | None = None
    answer_probabilities: pd.DataFrame | None = None
    method_table: pd.DataFrame | None = None
    others_spread: float | None = None
    others_drift_sd: float | None = None

    def only(self, *names: str) -> UncertaintySettings:
        """A copy with only the named sources on."""
        unknown = sorted(set(names) - set(SOURCES))
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; expected {SOURCES}")
        return dataclasses.replace(self, **{s: s in names for s in SOURCES})

    @property
    def active(self) -> tuple[str, ...]:
        """The sources switched on."""
        return tuple(s for s in SOURCES if getattr(self, s))


@dataclasses.dataclass(frozen=True, eq=False)
class Claims:
    """What one pemda claims for one year, as arrays (see :func:`claims_from_answers`).

    Attributes
    ----------
    kode_wilayah : str
    year : int
    spd_levels, spd_weights, spd_indicator : ndarray, shape (R,)
        SPD level claimed per score row (0-3), its weight, its indicator number (1-15).
    sid_levels : ndarray of int, shape (n, I)
        SID levels claimed per innovation and indicator.
    sid_weights, sid_indicator : ndarray, shape (I,)
    yandas : ndarray of int, shape (n,)
        Which urusan pelayanan dasar each innovation serves (index into
        :data:`~iid_research.scoring.URUSAN_PELAYANAN_DASAR`; -1 for any other urusan).
    at_risk : ndarray of bool, shape (n,)
        Flagged by :func:`~iid_research.analysis.evaluation.validation_risk`.
    """

    kode_wilayah: str
    year: int
    spd_levels: np.ndarray
    spd_weights: np.ndarray
    spd_indicator: np.ndarray
    sid_levels: np.ndarray
    sid_weights: np.ndarray
    sid_indicator: np.ndarray
    yandas: np.ndarray
    at_risk: np.ndarray

    @property
    def n_innovations(self) -> int:
        """Innovations claimed."""
        return int(self.sid_levels.shape[0])


@dataclasses.dataclass(frozen=True, eq=False)
class OthersField:
    """The other pemda of the cluster, and how uncertain their totals are.

    Attributes
    ----------
    kode_wilayah : ndarray of str, shape (M,)
    iid_score : ndarray of float, shape (M,)
        The centre: the totals the point rank uses (annex, or annex + drift).
    common : ndarray of float, shape (M,)
        Years over which the common drift error applies (0: held).
    scale : ndarray of float, shape (M,)
        Multiplier of the individual spread (√years; 0: held).
    basis : str
        The projection's ``rank_basis``.
    """

    kode_wilayah: np.ndarray
    iid_score: np.ndarray
    common: np.ndarray
    scale: np.ndarray
    basis: str

    @property
    def varies(self) -> bool:
        """Whether any total is uncertain."""
        return bool((self.common > 0).any() or (self.scale > 0).any())


def _urusan_index(urusan) -> np.ndarray:
    names = {n: k for k, n in enumerate(URUSAN_PELAYANAN_DASAR)}
    yd = urusan_pelayanan_dasar(pd.Series(list(urusan), dtype=object))
    return np.array([names.get(v, -1) if isinstance(v, str) else -1 for v in yd], dtype=int)


def claims_from_answers(spd: pd.DataFrame, innovations: pd.DataFrame, framework: Framework, kode_wilayah: str,
                        year: int) -> Claims:
    """Reduce one pemda-year's answers (contract tables) to :class:`Claims`.

    Parameters
    ----------
    spd : DataFrame [kode_wilayah, year, indicator_no, sub, level]
        The pemda's SPD answers of ``year`` (other rows are ignored).
    innovations : DataFrame following the innovations contract
        The pemda's innovations of ``year`` (other rows are ignored).
    framework : Framework
        The rules of ``year``.

    Raises
    ------
    ValueError
        As :func:`iid_research.scoring.spd_levels_wide` (unknown rows, levels outside 0-3).
    """
    spd = spd[(spd["kode_wilayah"] == kode_wilayah) & (spd["year"] == year)] if len(spd) else spd
    inn = innovations[(innovations["kode_wilayah"] == kode_wilayah) & (innovations["year"] == year)] \
        if len(innovations) else innovations
    rows = framework.spd_row_ids
    if len(spd):
        wide = spd_levels_wide(spd, framework)
        levels = wide.iloc[0].to_numpy(int)
    else:
        levels = np.zeros(len(rows), int)
    return _claims(kode_wilayah, year, levels, inn, framework,
                   validation_risk(inn, framework)["at_risk"].to_numpy(bool) if len(inn) else np.zeros(0, bool))


def _claims(kode, year, spd_levels, inn, fw, at_risk) -> Claims:
    spd_ind = np.array([int("".join(ch for ch in r if ch.isdigit())) for r in fw.spd_row_ids])
    sid = inn[list(fw.sid_columns)].to_numpy(int) if len(inn) else np.zeros((0, len(fw.sid_columns)), int)
    return Claims(kode, int(year), np.asarray(spd_levels, int), fw.spd_weights.to_numpy(float), spd_ind, sid,
                  fw.sid_weights.to_numpy(float), np.array(fw.sid_indicators, int),
                  _urusan_index(inn["urusan"]) if len(inn) else np.zeros(0, int), np.asarray(at_risk, bool))


def claims_for_cluster(dataset, year: int, level: str) -> list[Claims]:
    """:class:`Claims` of every pemda of a cluster with answers in ``year`` (e.g. a simulated dataset).

    The tables are reduced once for all pemda (urusan matching, validation risk, SPD levels), then split.
    In a simulated dataset the pemda that reported nothing (IID 0) are part of the cluster too, with empty claims.
    """
    from ..data import load_regions

    fw = framework_for_year(int(year))
    levels = load_regions().set_index("kode_wilayah")["level"]
    spd = dataset.spd[(dataset.spd["year"] == year)] if len(dataset.spd) else dataset.spd
    inn = dataset.innovations[dataset.innovations["year"] == year] if len(dataset.innovations) \
        else dataset.innovations
    spd = spd[spd["kode_wilayah"].map(levels) == level]
    inn = inn[inn["kode_wilayah"].map(levels) == level].reset_index(drop=True)
    wide = spd_levels_wide(spd, fw) if len(spd) else pd.DataFrame()
    risk = validation_risk(inn, fw)["at_risk"].to_numpy(bool) if len(inn) else np.zeros(0, bool)
    codes = set(spd["kode_wilayah"]) | set(inn["kode_wilayah"])
    if getattr(dataset, "kind", None) == "simulated" and dataset.simulation is not None:
        sc = dataset.simulation.scores  # a pemda that reported nothing is in the cluster with IID 0
        codes |= set(sc.loc[(sc["year"] == year) & (sc["kode_wilayah"].map(levels) == level), "kode_wilayah"])
    codes = sorted(codes)
    groups = inn.groupby("kode_wilayah").indices if len(inn) else {}
    out = []
    for kode in codes:
        idx = groups.get(kode, np.zeros(0, int))
        sl = wide.loc[(kode, year)].to_numpy(int) if len(wide) and (kode, year) in wide.index \
            else np.zeros(len(fw.spd_row_ids), int)
        out.append(_claims(kode, year, sl, inn.iloc[idx], fw, risk[idx]))
    return out


def field_from_projection(projection) -> OthersField:
    """The :class:`OthersField` of a :class:`~iid_research.analysis.projection.Projection`.

    Held (no uncertainty) when the annex is of the projected year or the field is simulated; drifted
    from an earlier annex: common drift error over the years between, spread √years; a
    published+simulated field: the simulated totals spread by one year, the published held.
    """
    f = projection.field
    m = len(f)
    common, scale = np.zeros(m), np.zeros(m)
    basis = projection.rank_basis
    if basis.startswith("annex") and projection.drift is not None:
        gap = projection.year - int(basis.split()[1])
        common[:], scale[:] = gap, np.sqrt(gap)
    elif basis == "published+simulated":
        scale[:] = (f["source"] == "simulated").to_numpy(float)
    return OthersField(f["kode_wilayah"].to_numpy(str), f["iid_score"].to_numpy(float), common, scale, basis)


def field_from_dataset(dataset, kode_wilayah: str, year: int) -> OthersField:
    """The other pemda of the pemda's cluster in :meth:`Dataset.field <iid_research.dataset.Dataset.field>`.

    Used where ranks come from the dataset's own field (notebook 03): an annex or a simulated world
    is held; in a published+simulated field the simulated totals spread by one year's change.
    """
    field, basis = dataset.field(int(year))
    level = field.loc[field["kode_wilayah"] == kode_wilayah, "level"]
    others = field[(field["level"] == (level.iloc[0] if len(level) else None))
                   & (field["kode_wilayah"] != kode_wilayah)].dropna(subset=["iid_score"])
    m = len(others)
    scale = (others["source"] == "simulated").to_numpy(float) if basis == "published+simulated" else np.zeros(m)
    return OthersField(others["kode_wilayah"].to_numpy(str), others["iid_score"].to_numpy(float), np.zeros(m), scale,
                       basis)


# --------------------------------------------------------------------------- the draws of each source

def _probability_rows(table: pd.DataFrame, aspect: str, indicators) -> np.ndarray:
    rows = table[(table["target"] == "answer") & (table["aspect"] == aspect)] if "target" in table else table
    cols = ["p_keep", "p_down_1", "p_down_2", "p_down_all"]
    by_no = rows.set_index(rows["indicator_no"].astype(str))[cols]
    default = by_no.loc["*"].to_numpy(float)
    return np.array([by_no.loc[str(i)].to_numpy(float) if str(i) in by_no.index else default for i in indicators])


@functools.lru_cache(maxsize=16)
def _default_probability_rows(aspect: str, indicators: tuple) -> np.ndarray:
    return _probability_rows(validation_uncertainty(), aspect, indicators)


def _answer_probabilities(settings: UncertaintySettings, aspect: str, indicators: np.ndarray) -> np.ndarray:
    """(indicators × 4) chances [kept, one level, two levels, to 0] of each indicator's claimed answers."""
    if settings.answer_probabilities is None:
        return _default_probability_rows(aspect, tuple(int(i) for i in indicators))
    return _probability_rows(settings.answer_probabilities, aspect, indicators)


@functools.lru_cache(maxsize=1)
def _default_rejections() -> tuple[float, float]:
    row = validation_uncertainty().set_index("target")
    return float(row.loc["innovation", "p_down_all"]), float(row.loc["innovation_at_risk", "p_down_all"])


def validation_parameters(settings: UncertaintySettings | None = None) -> dict:
    """The chances of the validation source in force: p_reject_innovation, p_reject_at_risk."""
    settings = settings or UncertaintySettings()
    reject, at_risk = _default_rejections()
    return {"p_reject_innovation": float(reject if settings.p_reject_innovation is None
                                         else settings.p_reject_innovation),
            "p_reject_at_risk": float(at_risk if settings.p_reject_at_risk is None else settings.p_reject_at_risk)}


def _lost_levels(level, category):
    """Levels lost when a claimed ``level`` falls in cut ``category`` (0 kept, 1 and 2 levels, 3 all)."""
    return np.where(category == 3, level, np.minimum(level, category))


def _conditional(p_next, p_used):
    """Chance of the next category given none of the earlier ones (0 when nothing is left)."""
    rest = 1.0 - p_used
    return np.where(rest > 1e-12, np.clip(p_next / np.where(rest > 1e-12, rest, 1.0), 0, 1), 0.0)


def _levels_lost(counts: np.ndarray, level: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Levels lost by ``counts`` answers per group, each answer cut independently with chances ``p``.

    The multinomial split of a group's answers into (kept, one level, two levels, to 0), drawn as a chain of
    binomials; categories that lose the same number of levels are merged (at level 1 every cut loses 1, at
    level 2 "two levels" and "to 0" both lose 2), which draws fewer numbers and leaves the law unchanged.

    Parameters
    ----------
    counts : int array (draws, groups)
    level : array (groups,) of the claimed level (1-3)
    p : array (groups, 4) of chances [kept, one level, two levels, to 0]
    """
    p1, p2, p3 = p[:, 1], p[:, 2], p[:, 3]
    one = rng.binomial(counts, np.where(level == 1, p1 + p2 + p3, p1)[None, :])
    lost = one.astype(float)
    rest = counts - one
    deep = np.flatnonzero(level >= 2)
    if len(deep):  # losing 2 levels: "two levels", and at level 2 also "to 0"
        lv = level[deep]
        two = rng.binomial(rest[:, deep], _conditional(np.where(lv >= 3, p2[deep], p2[deep] + p3[deep]),
                                                       p1[deep])[None, :])
        lost[:, deep] += 2 * two
        top = np.flatnonzero(lv >= 3)
        if len(top):
            g = deep[top]
            three = rng.binomial(rest[:, g] - two[:, top], _conditional(p3[g], p1[g] + p2[g])[None, :])
            lost[:, g] += 3 * three
    return lost


def validation_draws(claims: Claims, settings: UncertaintySettings, rng: np.random.Generator,
                     draws: int) -> dict[str, np.ndarray]:
    """Draws of what survives validation, as sufficient statistics.

    Given the innovations kept, the number of answers of indicator i at level ℓ cut by k levels is
    multinomial (each answer independently; :func:`_levels_lost`), so the draws need no per-answer loop.

    Returns
    -------
    dict of arrays, shape (draws + 1,), keys spd_points, sid_points, n_innovations, n_urusan_yandas
        Row 0 is the claim as it stands; rows 1.. are draws (all equal to row 0 when the source is off).
    """
    spd_pts0 = float(claims.spd_levels @ claims.spd_weights)
    sid_pts0 = float(claims.sid_levels.sum(axis=0) @ claims.sid_weights) if claims.n_innovations else 0.0
    n0 = claims.n_innovations
    y0 = len(set(claims.yandas[claims.yandas >= 0].tolist()))
    out = {"spd_points": np.full(draws + 1, spd_pts0), "sid_points": np.full(draws + 1, sid_pts0),
           "n_innovations": np.full(draws + 1, n0, dtype=np.int64),
           "n_urusan_yandas": np.full(draws + 1, y0, dtype=np.int64)}
    if not settings.validation or draws == 0:
        return out
    # SPD: one categorical draw per score row
    p_spd = _answer_probabilities(settings, "SPD", claims.spd_indicator)
    cum = np.cumsum(p_spd, axis=1)[:, :3]
    u = rng.random((draws, len(claims.spd_levels)))
    cat = (u[:, :, None] >= cum[None, :, :]).sum(axis=2)
    lost = _lost_levels(claims.spd_levels[None, :], cat)
    out["spd_points"][1:] = (claims.spd_levels[None, :] - lost) @ claims.spd_weights
    if n0 == 0:
        return out
    # SID: innovations kept, then multinomial cuts per group of answers that share level, weight and chances
    # (a sum of multinomials with the same chances is multinomial: exact, and few groups)
    par = validation_parameters(settings)
    reject = np.where(claims.at_risk, par["p_reject_at_risk"], par["p_reject_innovation"])
    n_ind = claims.sid_levels.shape[1]
    p_ind = _answer_probabilities(settings, "SID", claims.sid_indicator)
    keys = [(lv, float(claims.sid_weights[i]), *p_ind[i].tolist()) for i in range(n_ind) for lv in (1, 2, 3)]
    uniq = sorted(set(keys))
    group_of = {k: g for g, k in enumerate(uniq)}
    member = np.zeros((n_ind * 3, len(uniq)), np.float32)  # cell (indicator i, level lv) -> group
    member[np.arange(n_ind * 3), [group_of[k] for k in keys]] = 1
    cells = np.zeros((n0, n_ind * 3), np.float32)
    for lv in (1, 2, 3):
        cells[:, lv - 1::3] = claims.sid_levels == lv
    per_innovation = cells @ member  # (n, groups): answers of each group in each innovation
    g_level = np.array([k[0] for k in uniq], float)
    g_weight = np.array([k[1] for k in uniq], float)
    g_p = np.array([k[2:] for k in uniq], float)
    urusan = np.zeros((n0, len(URUSAN_PELAYANAN_DASAR)), np.float32)
    has = claims.yandas >= 0
    urusan[np.flatnonzero(has), claims.yandas[has]] = 1
    chunk = max(1, min(draws, 2_000_000 // max(n0, 1)))
    for start in range(0, draws, chunk):
        c = min(chunk, draws - start)
        kept = (rng.random((c, n0)) >= reject[None, :]).astype(np.float32)
        counts = np.rint(kept @ per_innovation).astype(np.int64)  # (c, groups)
        lost_levels = _levels_lost(counts, g_level, g_p, rng)
        rows = slice(1 + start, 1 + start + c)
        out["sid_points"][rows] = (counts * g_level - lost_levels) @ g_weight
        out["n_innovations"][rows] = kept.sum(axis=1).astype(np.int64)
        out["n_urusan_yandas"][rows] = ((kept @ urusan) > 0).sum(axis=1)
    return out


def method_draws(framework: Framework, thresholds: PredicateThresholds, settings: UncertaintySettings,
                 rng: np.random.Generator, draws: int) -> dict[str, np.ndarray]:
    """Draws of the method: one alternative per part of ``rules/method_alternatives.csv`` per draw.

    Returns
    -------
    dict of arrays, shape (draws + 1,), keys count_score_min_urusan_yandas, divisor_floor,
    sangat_inovatif_min, inovatif_min, kurang_inovatif_min
        Row 0 is the rules in force (the package reading).
    """
    base = {k: float(getattr(framework if owner == "framework" else thresholds, k))
            for k, owner in METHOD_SETTINGS.items()}
    out = {k: np.full(draws + 1, v) for k, v in base.items()}
    if not settings.method or draws == 0:
        return out
    table = settings.method_table if settings.method_table is not None else method_alternatives(thresholds.year)
    table = table[table["year"] == thresholds.year]
    for _part, g in table.groupby("part", sort=True):
        pick = rng.choice(len(g), size=draws, p=g["weight"].to_numpy(float) / g["weight"].sum())
        out[g["setting"].iloc[0]][1:] = g["value"].to_numpy(float)[pick]
    return out


@functools.lru_cache(maxsize=1)
def _published_changes() -> tuple[float, float]:
    est = published_year_changes()
    return float(est["spread_per_year"]), float(est["drift_sd"])


def others_parameters(settings: UncertaintySettings | None = None) -> tuple[float, float]:
    """(spread per year of one pemda's change, sd of the common drift per year) in force.

    Defaults: :func:`~iid_research.analysis.projection.published_year_changes` of the shipped published results.
    """
    settings = settings or UncertaintySettings()
    if settings.others_spread is not None and settings.others_drift_sd is not None:
        return float(settings.others_spread), float(settings.others_drift_sd)
    spread, drift_sd = _published_changes()
    return (spread if settings.others_spread is None else float(settings.others_spread),
            drift_sd if settings.others_drift_sd is None else float(settings.others_drift_sd))


def others_draws(field: OthersField, settings: UncertaintySettings, rng: np.random.Generator,
                 draws: int) -> np.ndarray | None:
    """Draws of the other pemda's totals, shape (draws + 1, M), or None when they are held.

    ``total = clip(centre + common · drift_sd · z + scale · spread · e_i, 0, 100)`` with one z per draw and
    one e_i per pemda and draw (standard normal); row 0 is the centre.
    """
    if not settings.others or not field.varies or draws == 0:
        return None
    spread, drift_sd = others_parameters(settings)
    m = len(field.iid_score)
    out = np.empty((draws + 1, m))
    out[0] = field.iid_score
    z = rng.standard_normal(draws)
    e = rng.standard_normal((draws, m))
    out[1:] = np.clip(field.iid_score[None, :] + field.common[None, :] * drift_sd * z[:, None]
                      + field.scale[None, :] * spread * e, 0, 100)
    return out


# --------------------------------------------------------------------------- scoring the draws

def own_scores(val: dict, meth: dict, framework: Framework, v_idx: np.ndarray, m_idx: np.ndarray) -> np.ndarray:
    """IID of combinations of validation draws ``v_idx`` and method draws ``m_idx`` (official formulas).

    Scored once per distinct (divisor floor, urusan minimum) pair with :func:`~iid_research.scoring.sid_from_sums`
    and :func:`~iid_research.scoring.compute_iid` on a ``Framework.replace`` copy, never once per draw.
    ``val`` arrays may be 1-D (one pemda) or 2-D (draws × pemda, with ``v_idx`` selecting rows).
    """
    floor = meth["divisor_floor"][m_idx]
    need = meth["count_score_min_urusan_yandas"][m_idx]
    spd, sid, n, yd = (val[k][v_idx] for k in ("spd_points", "sid_points", "n_innovations", "n_urusan_yandas"))
    out = np.empty(spd.shape)
    for f_val, k_val in sorted(set(zip(floor.tolist(), need.tolist()))):
        mask = (floor == f_val) & (need == k_val)
        fw = framework.replace(divisor_floor=int(f_val), count_score_min_urusan_yandas=int(k_val))
        parts = sid_from_sums(sid[mask], n[mask], fw, yd[mask] if k_val > 0 else None)
        out[mask] = compute_iid(spd[mask], parts["sid_score"], fw)
    return out


def _evaluate(tables, framework, field, v_idx, m_idx, o_idx):
    val, meth, others = tables
    iid = own_scores(val, meth, framework, v_idx, m_idx)
    rank = rank_among(iid, field.iid_score) if others is None else rank_among_draws(iid, others[o_idx])
    return iid, rank


def _quantiles(x) -> list:
    return [float(q) for q in np.quantile(np.asarray(x), BAND, method="inverted_cdf")]


@dataclasses.dataclass
class RankUncertainty:
    """A rank as a band (see :func:`rank_uncertainty`).

    Attributes
    ----------
    kode_wilayah : str
    year : int
    draws, seed : int
    settings : UncertaintySettings
    basis : str
        Where the other pemda's totals come from (the projection's ``rank_basis``).
    point_iid, point_rank, point_predicate, rank_of
        Everything as claimed, the package reading, the field's centre.
    target_rank : int or None
    iid, rank, predicate : ndarray, shape (draws,)
        The draws.
    rank_p05, rank_p50, rank_p95 : int
        The 90 % band and the median (``inverted_cdf`` quantiles: ranks that occur).
    iid_p05, iid_p50, iid_p95 : float
    p_target : float or None
        Share of draws with rank ≤ ``target_rank``.
    p_predicate : dict
        Share of draws in each predikat (all four keys; sums to 1).
    contributions : DataFrame
        One row per source: [source, active, rank_p05, rank_p50, rank_p95, band_width, sobol_first,
        sobol_first_conf, sobol_total, sobol_total_conf]; the band with only that source on and its
        Sobol indices (0 when the rank does not vary; NaN when Sobol was not computed).
    parameters : dict
        The defaults in force (validation chances, method parts, spread and drift sd of the others).
    """

    kode_wilayah: str
    year: int
    draws: int
    seed: int
    settings: UncertaintySettings
    basis: str
    point_iid: float
    point_rank: int
    point_predicate: str
    rank_of: int
    target_rank: int | None
    iid: np.ndarray
    rank: np.ndarray
    predicate: np.ndarray
    rank_p05: int
    rank_p50: int
    rank_p95: int
    iid_p05: float
    iid_p50: float
    iid_p95: float
    p_target: float | None
    p_predicate: dict
    contributions: pd.DataFrame
    parameters: dict

    def p_rank_at_most(self, rank: int) -> float:
        """Share of draws with rank ≤ ``rank``."""
        return float((self.rank <= int(rank)).mean())

    @property
    def band_width(self) -> int:
        """Places between the ends of the 90 % band."""
        return int(self.rank_p95 - self.rank_p05)


def sobol_indices(evaluate, active: dict, draws: int, *, n: int = 1024, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of a model of the sources, estimated with SALib.

    Each source is one factor: a uniform number u picking draw ``1 + ⌊u · draws⌋`` of that source's table
    (an inactive source stays at its point state 0).  SALib's Sobol sequence sample (``SALib.sample.sobol``,
    ``n · (k + 2)`` evaluations) and estimator (``SALib.analyze.sobol``, bootstrap confidence) do the rest.

    Parameters
    ----------
    evaluate : callable (v_idx, m_idx, o_idx) -> ndarray
        The model output (the rank) for arrays of draw indices.
    active : dict of source -> bool
    draws : int
        Draws in each source's table.
    n : int, default 1024
        Base sample size (a power of 2).
    seed : int

    Returns
    -------
    DataFrame indexed by source with columns [sobol_first, sobol_first_conf, sobol_total, sobol_total_conf]
        All 0 when the output does not vary.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": len(SOURCES), "names": list(SOURCES), "bounds": [[0.0, 1.0]] * len(SOURCES)}
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    idx = [np.where(active[s], 1 + np.minimum((x[:, k] * draws).astype(int), draws - 1), 0)
           for k, s in enumerate(SOURCES)]
    y = np.asarray(evaluate(*idx), dtype=float)
    cols = ["sobol_first", "sobol_first_conf", "sobol_total", "sobol_total_conf"]
    if np.ptp(y) == 0:
        return pd.DataFrame(0.0, index=list(SOURCES), columns=cols)
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=100, seed=seed)
    return pd.DataFrame({"sobol_first": si["S1"], "sobol_first_conf": si["S1_conf"], "sobol_total": si["ST"],
                         "sobol_total_conf": si["ST_conf"]}, index=list(SOURCES))


def rank_uncertainty(claims: Claims, field: OthersField, *, target_rank: int | None = None,
                     settings: UncertaintySettings | None = None, draws: int = 10_000, seed: int = 0,
                     sobol: bool = True, sobol_n: int = 1024) -> RankUncertainty:
    """The rank of one pemda as a band: a seeded Monte Carlo over the sources of uncertainty.

    Parameters
    ----------
    claims : Claims
        The pemda's answers (:func:`claims_from_answers`).
    field : OthersField
        The other pemda of its cluster (:func:`field_from_projection`, :func:`field_from_dataset`).
    target_rank : int, optional
        For ``p_target``.
    settings : UncertaintySettings, optional
        Sources on/off and parameters; default every source on with the documented defaults.
    draws : int, default 10000
    seed : int, default 0
    sobol : bool, default True
        Also estimate the Sobol indices of the rank (SALib).
    sobol_n : int, default 1024
        Base sample size of the Sobol estimate.

    Returns
    -------
    RankUncertainty

    Raises
    ------
    ValueError
        If ``draws`` < 1.
    KeyError
        If the year has no rules.
    """
    if draws < 1:
        raise ValueError(f"draws must be ≥ 1, got {draws}")
    settings = settings or UncertaintySettings()
    fw = framework_for_year(claims.year)
    th = predicate_thresholds(claims.year)
    rv, rm, ro = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(SOURCES)))
    val = validation_draws(claims, settings, rv, draws)
    meth = method_draws(fw, th, settings, rm, draws)
    others = others_draws(field, settings, ro, draws)
    tables = (val, meth, others)
    every = np.arange(1, draws + 1)
    zero = np.zeros(draws, int)

    def evaluate(v, m, o):
        return _evaluate(tables, fw, field, v, m, o)[1]

    iid, rank = _evaluate(tables, fw, field, every, every, every)
    point_iid, point_rank = _evaluate(tables, fw, field, np.array([0]), np.array([0]), np.array([0]))
    predicate = predicates_with_bounds(iid, meth["sangat_inovatif_min"][1:], meth["inovatif_min"][1:],
                                       meth["kurang_inovatif_min"][1:])
    point_pred = str(predicates_with_bounds(point_iid, th.sangat_inovatif_min, th.inovatif_min,
                                            th.kurang_inovatif_min)[0])
    active = {"validation": settings.validation, "method": settings.method,
              "others": settings.others and others is not None}
    rows = []
    for k, s in enumerate(SOURCES):
        idx = [every if j == k else zero for j in range(len(SOURCES))]
        alone = evaluate(*idx)
        q = _quantiles(alone)
        rows.append({"source": s, "active": bool(active[s]), "rank_p05": int(q[0]), "rank_p50": int(q[1]),
                     "rank_p95": int(q[2]), "band_width": int(q[2] - q[0])})
    contrib = pd.DataFrame(rows).set_index("source")
    if sobol:
        contrib = contrib.join(sobol_indices(evaluate, active, draws, n=sobol_n, seed=seed))
    else:
        for c in ("sobol_first", "sobol_first_conf", "sobol_total", "sobol_total_conf"):
            contrib[c] = np.nan
    rq, iq = _quantiles(rank), _quantiles(iid)
    counts = pd.Series(predicate).value_counts()
    p_pred = {p: float(counts.get(p, 0) / draws) for p in PREDICATES}
    spread, drift_sd = others_parameters(settings) if others is not None else (None, None)
    params = {**validation_parameters(settings),
              "method_parts": sorted(set(method_alternatives(claims.year)["part"])) if settings.method else [],
              "others_spread": spread, "others_drift_sd": drift_sd}
    return RankUncertainty(
        claims.kode_wilayah, claims.year, int(draws), int(seed), settings, field.basis, float(point_iid[0]),
        int(point_rank[0]), point_pred, len(field.iid_score) + 1, target_rank, iid, rank, predicate,
        int(rq[0]), int(rq[1]), int(rq[2]), iq[0], iq[1], iq[2],
        None if target_rank is None else float((rank <= int(target_rank)).mean()), p_pred,
        contrib.reset_index(), params)


def project_uncertainty(dataset, projection, *, settings: UncertaintySettings | None = None, draws: int = 10_000,
                        seed: int = 0, sobol: bool = True) -> RankUncertainty:
    """The band of a :class:`~iid_research.analysis.projection.Projection` (same answers, same field).

    Raises
    ------
    ValueError
        If the projection has no rank (no field of other pemda).
    """
    if projection.rank is None:
        raise ValueError(f"{projection.kode_wilayah} {projection.year}: no rank to put a band on (no field)")
    fw = framework_for_year(projection.year)
    claims = claims_from_answers(dataset.spd, dataset.innovations, fw, projection.kode_wilayah, projection.year)
    return rank_uncertainty(claims, field_from_projection(projection), target_rank=projection.target_rank,
                            settings=settings, draws=draws, seed=seed, sobol=sobol)


def dataset_uncertainty(dataset, kode_wilayah: str, year: int, *, target_rank: int | None = None,
                        settings: UncertaintySettings | None = None, draws: int = 10_000, seed: int = 0,
                        sobol: bool = True) -> RankUncertainty:
    """The band of a pemda's rank in a dataset's own field (:func:`field_from_dataset`; notebook 03)."""
    fw = framework_for_year(int(year))
    claims = claims_from_answers(dataset.spd, dataset.innovations, fw, kode_wilayah, int(year))
    return rank_uncertainty(claims, field_from_dataset(dataset, kode_wilayah, year), target_rank=target_rank,
                            settings=settings, draws=draws, seed=seed, sobol=sobol)


def rank_change_verdict(previous_rank, band: RankUncertainty) -> str | None:
    """Whether a change from ``previous_rank`` to the band's rank is larger than the band.

    Returns
    -------
    str or None
        ``"up_beyond_band"`` (the earlier rank is worse than the band's worst end: a real climb),
        ``"down_beyond_band"`` (better than its best end: a real fall), ``"within_band"``, or None
        without an earlier rank.
    """
    if previous_rank is None or pd.isna(previous_rank):
        return None
    if previous_rank > band.rank_p95:
        return "up_beyond_band"
    if previous_rank < band.rank_p05:
        return "down_beyond_band"
    return "within_band"


def uncertainty_dict(u: RankUncertainty) -> dict:
    """The band as JSON-ready data (the ``uncertainty`` object of ``iid-research project --json``).

    Keys: draws, seed, sources (on/off), rank, rank_p05, rank_p50, rank_p95, iid_p05, iid_p50, iid_p95,
    target_rank, p_target, p_predicate (each predikat, summing to 1), contributions (per source: active,
    band alone, Sobol first-order and total index with their 95 % confidence half-widths), parameters.
    """
    def num(v, digits=6):
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else round(float(v), digits)

    contrib = {}
    for r in u.contributions.to_dict("records"):
        contrib[r["source"]] = {"active": bool(r["active"]), "rank_p05": int(r["rank_p05"]),
                                "rank_p50": int(r["rank_p50"]), "rank_p95": int(r["rank_p95"]),
                                "band_width": int(r["band_width"]),
                                **{k: num(r[k], 4) for k in ("sobol_first", "sobol_first_conf", "sobol_total",
                                                             "sobol_total_conf")}}
    return {"draws": u.draws, "seed": u.seed, "sources": {s: bool(getattr(u.settings, s)) for s in SOURCES},
            "rank": u.point_rank, "rank_of": u.rank_of, "rank_p05": u.rank_p05, "rank_p50": u.rank_p50,
            "rank_p95": u.rank_p95, "iid_p05": num(u.iid_p05, 4), "iid_p50": num(u.iid_p50, 4),
            "iid_p95": num(u.iid_p95, 4), "target_rank": u.target_rank,
            "p_target": num(u.p_target, 4), "p_predicate": {k: round(v, 4) for k, v in u.p_predicate.items()},
            "contributions": contrib,
            "parameters": {k: (num(v) if isinstance(v, float) else v) for k, v in u.parameters.items()}}


# --------------------------------------------------------------------------- a whole cluster at once

@dataclasses.dataclass
class ClusterBands:
    """The ranks of every pemda of a cluster as bands, drawn jointly (see :func:`cluster_rank_bands`).

    Attributes
    ----------
    year : int
    level : str
    draws, seed : int
    bands : DataFrame
        One row per pemda, best point rank first: [kode_wilayah, iid_score, rank, rank_p05, rank_p50,
        rank_p95, band_width].
    order_kept : DataFrame
        [distance, n_pairs, p_order_kept]: for pemda ``distance`` places apart in the point ranking, the
        share of draws (the first :data:`ORDER_DRAWS`) and pairs in which the better one stays strictly ahead.
    meaningful_gap : int or None
        The smallest distance whose order is kept in at least :data:`ORDER_KEPT` of the draws (None
        when none up to the largest distance examined).
    """

    year: int
    level: str
    draws: int
    seed: int
    bands: pd.DataFrame
    order_kept: pd.DataFrame
    meaningful_gap: int | None


def cluster_rank_bands(claims: list[Claims], *, level: str, settings: UncertaintySettings | None = None,
                       draws: int = 2000, seed: int = 0, max_distance: int = 60) -> ClusterBands:
    """Bands for every pemda of a cluster: every pemda's answers through validation, one method per draw.

    The others source does not apply: the cluster is its own field, every total drawn from its answers.

    Parameters
    ----------
    claims : list of Claims
        Every pemda of the cluster in one year (:func:`claims_for_cluster`).
    level : str
        The cluster (for the record).
    settings, draws, seed
        As :func:`rank_uncertainty`.
    max_distance : int, default 60
        Largest rank distance examined for :attr:`ClusterBands.meaningful_gap`.

    Returns
    -------
    ClusterBands

    Raises
    ------
    ValueError
        If ``claims`` is empty or mixes years.
    """
    if not claims:
        raise ValueError("no pemda in the cluster")
    years = {c.year for c in claims}
    if len(years) != 1:
        raise ValueError(f"claims of one year expected, got {sorted(years)}")
    year = years.pop()
    settings = settings or UncertaintySettings()
    fw = framework_for_year(year)
    th = predicate_thresholds(year)
    rv, rm = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    tables = [validation_draws(c, settings, rv, draws) for c in claims]
    val = {k: np.stack([t[k] for t in tables], axis=1) for k in tables[0]}  # (draws + 1, P)
    meth = method_draws(fw, th, settings, rm, draws)
    p = len(claims)
    every = np.repeat(np.arange(draws + 1), p).reshape(draws + 1, p)
    flat = {k: v.reshape(-1) for k, v in val.items()}
    iid = own_scores(flat, meth, fw, np.arange((draws + 1) * p), every.reshape(-1)).reshape(draws + 1, p)
    ranks = ranks_within_rows(iid)
    point, drawn = ranks[0], ranks[1:]
    q = np.quantile(drawn, BAND, axis=0, method="inverted_cdf").astype(int)
    order = np.argsort(-iid[0], kind="stable")
    bands = pd.DataFrame({"kode_wilayah": [claims[i].kode_wilayah for i in order], "iid_score": iid[0, order],
                          "rank": point[order], "rank_p05": q[0, order], "rank_p50": q[1, order],
                          "rank_p95": q[2, order]})
    bands["band_width"] = bands["rank_p95"] - bands["rank_p05"]
    scores = round_published(iid[1:1 + ORDER_DRAWS, order])  # the pair average is precise with fewer draws
    centre = round_published(iid[0, order])
    rows, gap = [], None
    for k in range(1, min(max_distance, p - 1) + 1):
        distinct = centre[:-k] > centre[k:]
        if not distinct.any():
            continue
        kept = (scores[:, :-k] > scores[:, k:])[:, distinct].mean()
        rows.append({"distance": k, "n_pairs": int(distinct.sum()), "p_order_kept": float(kept)})
        if gap is None and kept >= ORDER_KEPT:
            gap = k
    return ClusterBands(year, level, int(draws), int(seed), bands, pd.DataFrame(
        rows, columns=["distance", "n_pairs", "p_order_kept"]), gap)


def meaningful_rank_gaps(dataset, year: int, *, levels=("provinsi", "kabupaten", "kota"),
                         settings: UncertaintySettings | None = None, draws: int = 1000,
                         seed: int = 0) -> pd.DataFrame:
    """Per cluster: how many ranks apart two pemda must be before their order is meaningful.

    Parameters
    ----------
    dataset : Dataset
        With the answers of every pemda of the clusters (a simulated dataset: indicator-level
        answers are not published).
    year : int
    levels : tuple of str
    settings, draws, seed
        As :func:`cluster_rank_bands` (the others source does not apply).

    Returns
    -------
    DataFrame with columns [level, n_pemda, meaningful_gap, p_order_kept_at_gap, band_width_median,
    band_width_top10]
        ``meaningful_gap`` from :func:`cluster_rank_bands`; ``band_width_median`` the median width of
        the 90 % bands; ``band_width_top10`` that of the ten best.
    """
    rows = []
    for k, level in enumerate(levels):
        claims = claims_for_cluster(dataset, int(year), level)
        if len(claims) < 2:
            continue
        cb = cluster_rank_bands(claims, level=level, settings=settings, draws=draws, seed=seed + k)
        at = cb.order_kept.set_index("distance")["p_order_kept"]
        rows.append({"level": level, "n_pemda": len(claims), "meaningful_gap": cb.meaningful_gap,
                     "p_order_kept_at_gap": float(at.get(cb.meaningful_gap, np.nan)) if cb.meaningful_gap else None,
                     "band_width_median": float(cb.bands["band_width"].median()),
                     "band_width_top10": float(cb.bands["band_width"].head(10).median())})
    return pd.DataFrame(rows, columns=["level", "n_pemda", "meaningful_gap", "p_order_kept_at_gap",
                                       "band_width_median", "band_width_top10"])
