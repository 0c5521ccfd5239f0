"""Across pemda: panel models of what moves ranks, gradient-boosted rank-change drivers, predikat transitions.

These need many pemda's answers (the simulated demo, or a workspace holding
several pemda); they are estimators in the scikit-learn style
(``fit`` returns self, fitted attributes end in ``_``, randomness through
``random_state``).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from ..frameworks import PREDICATES, framework_for_year
from ..scoring import cluster_sizes, points_to_iid, rank_within_cluster, score_components, score_parts
from .shapley import variable_groups


def driver_panel(components: pd.DataFrame, levels: pd.Series, *, frameworks: dict | None = None) -> pd.DataFrame:
    """Per pemda-year table of variable-level scores, IID and within-cluster rank.

    The eight variable scores and the count score add up exactly to the IID, so they describe
    where a score came from (e.g. for :class:`RankChangeDrivers`); a regression of the rank on
    them identifies nothing but the value of one IID point.  To estimate what indicators are
    worth in ranks use :func:`indicator_panel` and :func:`indicator_rank_model`.

    Parameters
    ----------
    components : DataFrame indexed by (kode_wilayah, year)
    levels : Series kode_wilayah -> cluster
    frameworks : dict year -> Framework, optional

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, level, <8 variables> (IID points each; SID variables
    as φ·Σm_i of their indicators), count_score, iid_score, rank, rank_pct]
        ``rank_pct`` = 1 − (rank − 1)/(cluster size − 1): 1 = top of the cluster.
    """
    rows = []
    for year in sorted(components.index.get_level_values("year").unique()):
        fw = (frameworks or {}).get(year) or framework_for_year(int(year))
        comp = components.xs(year, level="year")
        parts = score_parts(comp, fw)
        players, spd_vars, sid_vars, spd_idx, sid_idx, _ = variable_groups(fw, None)
        frame = pd.DataFrame(index=comp.index)
        for v in spd_vars:
            frame[v] = points_to_iid(parts["spd"][:, spd_idx[v]].sum(1), fw)
        for v in sid_vars:
            frame[v] = points_to_iid(parts["phi"] * parts["m"][:, sid_idx[v]].sum(1), fw)
        frame["count_score"] = points_to_iid(parts["C"], fw)
        frame["iid_score"] = score_components(comp, fw)["iid_score"]
        frame["year"] = int(year)
        frame["level"] = levels.reindex(frame.index).to_numpy()
        rows.append(frame.reset_index())
    panel = pd.concat(rows, ignore_index=True)
    panel["rank"] = rank_within_cluster(panel).astype(int)
    size = cluster_sizes(panel).astype(int)
    panel["rank_pct"] = 1 - (panel["rank"] - 1) / (size - 1).clip(lower=1)
    return panel


MAX_DUMMY_CELLS = 50_000_000
"""Largest n_obs x n_levels dummy block :func:`_within` builds (about 400 MB of float64)."""


def _group_demean(X: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """X minus its mean within each code (exact one-way within transformation)."""
    n_levels = int(codes.max()) + 1 if len(codes) else 0
    sums = np.zeros((n_levels, X.shape[1]))
    np.add.at(sums, codes, X)
    counts = np.bincount(codes, minlength=n_levels)[:, None]
    return X - (sums / counts)[codes]


def _within(values: np.ndarray, groups, times=None, *, entity_effects: bool = True) -> np.ndarray:
    """Residuals of ``values`` after least squares on pemda and year dummies (exact, any panel shape).

    Exact Frisch-Waugh-Lovell two-step instead of iterating: demean every column by the factor
    with more levels (exact), demean that factor's complement's dummies the same way, and take
    the least-squares residual on them (``numpy.linalg.lstsq``, SVD: collinear dummies and
    disconnected panels are handled).  The result equals the residual of a regression on the full
    set of pemda and year dummies, so OLS on it gives the dummy-variable (LSDV) coefficients for
    balanced, unbalanced and weakly connected panels alike.

    Parameters
    ----------
    values : ndarray (n_obs,) or (n_obs, k)
    groups : array-like (n_obs,)
        Pemda ids (entity effects).
    times : array-like (n_obs,), optional
        Years (time effects); None for none.
    entity_effects : bool, default True
        False: remove the time effects only.

    Returns
    -------
    ndarray (n_obs, k)

    Raises
    ------
    ValueError
        If the dummy block of the smaller factor would exceed :data:`MAX_DUMMY_CELLS` cells.
    """
    X = np.asarray(values, float)
    if X.ndim == 1:
        X = X[:, None]
    factors = []
    if entity_effects:
        factors.append(pd.factorize(np.asarray(groups))[0])
    if times is not None:
        factors.append(pd.factorize(np.asarray(times))[0])
    if not factors:
        return X - X.mean(0)  # intercept only
    if len(factors) == 1:
        return _group_demean(X, factors[0])
    big, small = sorted(factors, key=lambda c: -(int(c.max()) + 1))
    n_small = int(small.max()) + 1
    if len(X) * n_small > MAX_DUMMY_CELLS:
        raise ValueError(f"two-way fixed effects: {len(X)} rows x {n_small} levels exceed the limit of "
                         f"{MAX_DUMMY_CELLS:,} cells (iid_research.analysis.panel.MAX_DUMMY_CELLS)")
    Xb = _group_demean(X, big)
    D = _group_demean(np.eye(n_small)[small], big)
    coef, *_ = np.linalg.lstsq(D, Xb, rcond=None)
    return Xb - D @ coef


class PanelFixedEffects(RegressorMixin, BaseEstimator):
    """Fixed-effects (pemda and/or year) linear regression with a cluster bootstrap.

    y_it = α_i + τ_t + X_it β + ε_it, estimated by OLS on the within-transformed
    data (:func:`_within`: exact, equal to OLS with one dummy per pemda and per
    year, for balanced, unbalanced and weakly connected panels).  Intervals:
    percentile bootstrap resampling whole pemda (clusters).  The flags follow
    ``linearmodels.PanelOLS``.

    Parameters
    ----------
    n_bootstrap : int, default 200
    confidence : float, default 0.95
    entity_effects : bool, default True
        Pemda effects α_i; False drops them (e.g. for a model in first differences).
    time_effects : bool, default True
        Year effects τ_t (with neither, an intercept is removed).
    random_state : int, optional

    Attributes
    ----------
    coef_ : ndarray (n_features,)
    coef_ci_ : ndarray (2, n_features)
        Lower and upper bounds.
    coef_se_ : ndarray (n_features,)
        Bootstrap standard errors.
    feature_names_in_ : ndarray of str, when X is a DataFrame
    n_groups_ : int

    Raises
    ------
    ValueError
        From ``fit``, when a feature has no variation left once the effects are removed (it is
        constant within pemda, or within year): its coefficient would not be identified.
    """

    def __init__(self, n_bootstrap: int = 200, confidence: float = 0.95, entity_effects: bool = True,
                 time_effects: bool = True, random_state=None):
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.entity_effects = entity_effects
        self.time_effects = time_effects
        self.random_state = random_state

    def fit(self, X, y, *, groups, times):
        """Fit on X (n_obs × n_features), y (n_obs,), with pemda ids ``groups`` and years ``times``."""
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            return self._fit(X, y, groups, times)

    def _fit(self, X, y, groups, times):
        Xa = np.asarray(X, float)
        ya = np.asarray(y, float)
        groups = np.asarray(groups)
        times = np.asarray(times)
        Z = self._transform(np.column_stack([ya, Xa]), groups, times)
        scale = np.sqrt(((Xa - Xa.mean(0)) ** 2).sum(0)) + 1.0
        absorbed = np.sqrt((Z[:, 1:] ** 2).sum(0)) <= 1e-9 * scale
        if absorbed.any():
            names = getattr(self, "feature_names_in_", np.arange(Xa.shape[1]))
            raise ValueError(f"feature(s) {[str(v) for v in np.asarray(names)[absorbed]]} have no variation left "
                             "after removing the fixed effects (constant within pemda or within year); "
                             "their coefficients are not identified: drop them")
        self.coef_ = np.linalg.lstsq(Z[:, 1:], Z[:, 0], rcond=None)[0]
        rng = np.random.default_rng(self.random_state)
        uniq = np.unique(groups)
        self.n_groups_ = len(uniq)
        idx_by_group = {g: np.flatnonzero(groups == g) for g in uniq}
        boots = []
        for _ in range(self.n_bootstrap):
            pick = rng.choice(uniq, size=len(uniq), replace=True)
            rows = np.concatenate([idx_by_group[g] for g in pick])
            new_groups = np.repeat(np.arange(len(pick)), [len(idx_by_group[g]) for g in pick])
            boots.append(self._ols(Xa[rows], ya[rows], new_groups, times[rows]))
        boots = np.array(boots) if boots else np.empty((0, Xa.shape[1]))
        alpha = (1 - self.confidence) / 2
        if len(boots):
            self.coef_ci_ = np.quantile(boots, [alpha, 1 - alpha], axis=0)
            self.coef_se_ = boots.std(0, ddof=1)
        else:
            self.coef_ci_ = np.full((2, Xa.shape[1]), np.nan)
            self.coef_se_ = np.full(Xa.shape[1], np.nan)
        self._groups, self._times = groups, times
        self._fe = ya - Xa @ self.coef_
        return self

    def _transform(self, values, groups, times):
        return _within(values, groups, times if self.time_effects else None, entity_effects=self.entity_effects)

    def _ols(self, X, y, groups, times):
        Z = self._transform(np.column_stack([y, X]), groups, times)
        coef, *_ = np.linalg.lstsq(Z[:, 1:], Z[:, 0], rcond=None)
        return coef

    def predict(self, X):
        """Within-part prediction X β (fixed effects are not extrapolated)."""
        return np.asarray(X, float) @ self.coef_

    def summary(self) -> pd.DataFrame:
        """Coefficients with bootstrap intervals: [feature, coef, se, ci_low, ci_high]."""
        names = getattr(self, "feature_names_in_", np.arange(len(self.coef_)))
        return pd.DataFrame({"feature": names, "coef": self.coef_, "se": self.coef_se_,
                             "ci_low": self.coef_ci_[0], "ci_high": self.coef_ci_[1]})


# --------------------------------------------------------------------------- indicators -> ranks

def indicator_panel(components: pd.DataFrame, levels: pd.Series, *, frameworks: dict | None = None) -> pd.DataFrame:
    """Per pemda-year table of indicator levels, IID and within-cluster rank (input of :func:`indicator_changes`).

    Parameters
    ----------
    components : DataFrame indexed by (kode_wilayah, year)
        :func:`iid_research.scoring.pemda_components` (SPD levels, SID level sums, innovation counts).
    levels : Series kode_wilayah -> cluster ("provinsi", "kota", "kabupaten")
    frameworks : dict year -> Framework, optional
        Default :func:`iid_research.frameworks.framework_for_year`.

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, level, framework, spd_<row> ..., sid_<i> ..., n_innovations,
    iid_score, rank, rank_of, rank_pct]
        ``spd_<row>``: the SPD answer level (0-3); ``sid_<i>``: the mean level (0-3) of SID indicator i
        over the pemda's innovations (0 without innovations, as in the scoring); ``framework``: the year
        of the rules that score the row; ``rank_pct`` = 1 − (rank − 1)/(rank_of − 1), 1 = top of the cluster.
    """
    rows = []
    for year in sorted(components.index.get_level_values("year").unique()):
        fw = (frameworks or {}).get(year) or framework_for_year(int(year))
        comp = components.xs(year, level="year")
        n = comp["n_innovations"].to_numpy(float)
        frame = pd.DataFrame(index=comp.index)
        for r in fw.spd_row_ids:
            frame[f"spd_{r}"] = comp[f"spd_{r}"].to_numpy(float)
        for i in fw.sid_indicators:
            frame[f"sid_{i}"] = np.where(n > 0, comp[f"sid_sum_{i}"].to_numpy(float) / np.where(n > 0, n, 1), 0.0)
        frame["n_innovations"] = n
        frame["iid_score"] = score_components(comp, fw)["iid_score"]
        frame["year"] = int(year)
        frame["framework"] = int(fw.year)
        frame["level"] = levels.reindex(frame.index).to_numpy()
        rows.append(frame.reset_index())
    panel = pd.concat(rows, ignore_index=True)
    panel["rank"] = rank_within_cluster(panel).astype(int)
    panel["rank_of"] = cluster_sizes(panel).astype(int)
    panel["rank_pct"] = 1 - (panel["rank"] - 1) / (panel["rank_of"] - 1).clip(lower=1)
    front = ["kode_wilayah", "year", "level", "framework"]
    return panel[front + [c for c in panel.columns if c not in front]]


def indicator_features(frame: pd.DataFrame) -> list[str]:
    """The indicator columns of an :func:`indicator_panel` or :func:`indicator_changes` table, in order."""
    return [c for c in frame.columns if (c.startswith(("spd_", "sid_")) and not c.startswith("sid_sum_"))
            or c == "n_innovations"]


def indicator_changes(panel: pd.DataFrame) -> pd.DataFrame:
    """Changes from each pemda's assessment year to its next one.

    Pairs of years scored under different rules (``framework`` differs) are left
    out: an indicator level means something else there (the rules change is
    analysed by :func:`iid_research.analysis.decomposition.rules_comparison`).

    Parameters
    ----------
    panel : DataFrame
        :func:`indicator_panel`, or any table with [kode_wilayah, year, level, rank_pct] and indicator
        columns (:func:`indicator_features`); optional [rank, rank_of, iid_score, framework].

    Returns
    -------
    DataFrame with columns [kode_wilayah, level, year_from, year_to, rank_of, pct_gain, rank_gain,
    iid_gain, <indicator columns>]
        One row per pemda and pair of consecutive years it took part in.  ``pct_gain`` = 100 ×
        (rank_pct_to − rank_pct_from), percentile points of the cluster (positive = moved up);
        ``rank_gain`` = rank_from − rank_to; ``iid_gain`` = IID_to − IID_from; the indicator columns
        hold to − from; ``rank_of`` is the cluster size in ``year_to``.  Indicators missing from
        any pair are dropped.

    Raises
    ------
    ValueError
        If a required column is missing or a pemda has two rows for one year.
    """
    need = ["kode_wilayah", "year", "level", "rank_pct"]
    missing = [c for c in need if c not in panel.columns]
    if missing:
        raise ValueError(f"indicator panel lacks column(s) {missing}")
    dup = panel.duplicated(["kode_wilayah", "year"])
    if dup.any():
        first = panel.loc[dup].iloc[0]
        raise ValueError(f"indicator panel has {int(dup.sum())} repeated pemda-years, e.g. kode_wilayah "
                         f"{first['kode_wilayah']} year {first['year']}")
    feats = indicator_features(panel)
    p = panel.sort_values(["kode_wilayah", "year"]).reset_index(drop=True)
    prev = p.groupby("kode_wilayah", sort=False).shift(1)
    ok = prev["year"].notna()
    if "framework" in p.columns:
        ok &= prev["framework"].eq(p["framework"])
    cur, prev = p.loc[ok], prev.loc[ok]
    out = pd.DataFrame({"kode_wilayah": cur["kode_wilayah"], "level": cur["level"],
                        "year_from": prev["year"].astype(int), "year_to": cur["year"].astype(int),
                        "rank_of": cur["rank_of"] if "rank_of" in cur else np.nan,
                        "pct_gain": 100 * (cur["rank_pct"] - prev["rank_pct"]),
                        "rank_gain": prev["rank"] - cur["rank"] if "rank" in cur else np.nan,
                        "iid_gain": cur["iid_score"] - prev["iid_score"] if "iid_score" in cur else np.nan})
    deltas = cur[feats].astype(float) - prev[feats].astype(float)
    deltas = deltas.loc[:, deltas.notna().all()]
    return pd.concat([out, deltas], axis=1).reset_index(drop=True)


def _pair_label(changes: pd.DataFrame) -> np.ndarray:
    return (changes["year_from"].astype(str) + "-" + changes["year_to"].astype(str)).to_numpy()


def _cluster_order(changes: pd.DataFrame) -> list:
    sizes = changes.groupby("level")["rank_of"].max().fillna(0)
    return sorted(sizes.index, key=lambda c: (sizes[c], str(c)))


def ranks_per_iid_point(changes: pd.DataFrame, *, n_bootstrap: int = 200, confidence: float = 0.95,
                        random_state=None) -> pd.DataFrame:
    """How many ranks, and rank percentile points, one IID point is worth in each cluster.

    Within each cluster, the OLS slope of the rank gain on the IID gain with one
    intercept per pair of years (what every pemda moved), i.e.
    :class:`PanelFixedEffects` without pemda effects; interval from resampling
    whole pemda.  The rank slope grows with the cluster size: one IID point
    passes more pemda in a cluster of 415 kabupaten than in one of 38 provinsi;
    the percentile slope is the same quantity per 1 % of the cluster.

    Parameters
    ----------
    changes : DataFrame from :func:`indicator_changes`
        Needs [kode_wilayah, level, year_from, year_to, rank_of, rank_gain, pct_gain, iid_gain].
    n_bootstrap : int, default 200
    confidence : float, default 0.95
    random_state : int, optional

    Returns
    -------
    DataFrame with columns [level, cluster_size, n_changes, ranks_per_iid_point, ci_low, ci_high,
    pct_per_iid_point]
        One row per cluster, smallest cluster first; ``cluster_size`` = pemda in the cluster in the
        latest ``year_to``.
    """
    rows = []
    for level in _cluster_order(changes):
        c = changes[changes["level"] == level].dropna(subset=["rank_gain", "iid_gain", "pct_gain"])
        if len(c) < 3 or c["iid_gain"].abs().max() == 0:
            continue
        fit = dict(groups=c["kode_wilayah"].to_numpy(), times=_pair_label(c))
        rank_fe = PanelFixedEffects(n_bootstrap=n_bootstrap, confidence=confidence, entity_effects=False,
                                    random_state=random_state).fit(c[["iid_gain"]], c["rank_gain"], **fit)
        pct_fe = PanelFixedEffects(n_bootstrap=0, entity_effects=False).fit(c[["iid_gain"]], c["pct_gain"], **fit)
        latest = c[c["year_to"] == c["year_to"].max()]
        rows.append((level, int(latest["rank_of"].max()), len(c), float(rank_fe.coef_[0]),
                     float(rank_fe.coef_ci_[0, 0]), float(rank_fe.coef_ci_[1, 0]), float(pct_fe.coef_[0])))
    return pd.DataFrame(rows, columns=["level", "cluster_size", "n_changes", "ranks_per_iid_point", "ci_low",
                                       "ci_high", "pct_per_iid_point"])


@dataclasses.dataclass
class IndicatorRankModel:
    """Result of :func:`indicator_rank_model`.

    Attributes
    ----------
    coefficients : DataFrame [feature, coef, se, ci_low, ci_high, (iid_per_step), ranks_<level> ...]
        ``coef``: percentile points of the cluster gained per one-step rise of the indicator
        (one SPD level; one level of the SID mean over innovations; one innovation more), other
        indicators held fixed, relative to the average move of all pemda in the same pair of years;
        ``ranks_<level>`` = coef × (cluster size − 1) / 100, the same in ranks of that cluster.
    ranks_per_point : DataFrame
        :func:`ranks_per_iid_point` of the same changes.
    cluster_sizes : Series level -> pemda in the cluster (latest year)
    n_changes, n_pemda : int
    pairs : list of (year_from, year_to)
    dropped : list of str
        Indicators left out because they never changed (net of the year-pair means).
    """

    coefficients: pd.DataFrame
    ranks_per_point: pd.DataFrame
    cluster_sizes: pd.Series
    n_changes: int
    n_pemda: int
    pairs: list
    dropped: list


def indicator_rank_model(changes: pd.DataFrame, *, features=None, framework=None, n_bootstrap: int = 200,
                         confidence: float = 0.95, random_state=None) -> IndicatorRankModel:
    """What a one-step rise of each indicator is worth in rank, estimated from changes across pemda.

    Model (first differences, one intercept per pair of years)::

        Δpct_it = δ_t + Σ_j β_j Δx_ijt + ε_it

    Δpct is the change of the within-cluster rank percentile in percentile points
    (100 × Δ``rank_pct``), so pemda of clusters of different size are on one scale
    (a percentile point is 0.37 ranks among 38 provinsi, 4.14 among 415 kabupaten);
    Δx are the changes of the indicator levels (:func:`indicator_changes`); δ_t absorbs
    what every pemda did in the pair of years (the others' moves); first differences
    remove each pemda's fixed level.  Estimated by :class:`PanelFixedEffects` (no pemda
    effects, year-pair effects), with a percentile bootstrap resampling whole pemda.

    Unlike a regression on the variable scores (which add up to the IID, so every
    coefficient is the value of one IID point), β_j is the percentile gain associated
    with the indicator itself; since the IID is a fixed formula of the indicators, it
    is close to (IID points per step of j) × (percentile points per IID point).  An
    average association across pemda, not a causal effect.

    Parameters
    ----------
    changes : DataFrame from :func:`indicator_changes`
    features : list of str, optional
        Indicator columns; default :func:`indicator_features`.
    framework : Framework, optional
        When given, ``coefficients`` gets the column ``iid_per_step``: the IID points one step adds
        by the rules (SPD: weight × 100 / max_total; SID: the same for a pemda with at least the
        divisor floor of innovations, where the mean enters at full weight; NaN for the innovation
        count, whose effect depends on n), for comparison with ``coef`` / pct_per_iid_point.
    n_bootstrap : int, default 200
    confidence : float, default 0.95
    random_state : int, optional

    Returns
    -------
    IndicatorRankModel

    Raises
    ------
    ValueError
        If ``changes`` has no rows or no indicator changes.
    """
    feats = list(features) if features is not None else indicator_features(changes)
    data = changes.dropna(subset=["pct_gain", *feats])
    if data.empty or not feats:
        raise ValueError("no indicator changes to model: the panel needs two consecutive years of the same rules")
    times = _pair_label(data)
    resid = _within(data[feats].to_numpy(float), None, times, entity_effects=False)
    moved = np.sqrt((resid ** 2).sum(0)) > 1e-9
    kept = [f for f, m in zip(feats, moved) if m]
    dropped = [f for f, m in zip(feats, moved) if not m]
    if not kept:
        raise ValueError("no indicator changed (net of the year-pair means); nothing to estimate")
    fe = PanelFixedEffects(n_bootstrap=n_bootstrap, confidence=confidence, entity_effects=False,
                           random_state=random_state).fit(data[kept], data["pct_gain"],
                                                          groups=data["kode_wilayah"].to_numpy(), times=times)
    table = fe.summary()
    if framework is not None:
        weights = dict(zip([f"spd_{r}" for r in framework.spd_row_ids], framework.spd_weights))
        weights.update(zip([f"sid_{i}" for i in framework.sid_indicators], framework.sid_weights))
        table["iid_per_step"] = [float(points_to_iid(weights[f], framework)) if f in weights else np.nan
                                 for f in table["feature"]]
    latest = data[data["year_to"] == data["year_to"].max()]
    sizes = latest.groupby("level")["rank_of"].max().reindex(_cluster_order(data)).dropna().astype(int)
    for level, size in sizes.items():
        table[f"ranks_{level}"] = table["coef"] * (size - 1) / 100
    pairs = sorted({(int(a), int(b)) for a, b in zip(data["year_from"], data["year_to"])})
    has_ranks = {"rank_gain", "iid_gain", "rank_of"} <= set(data.columns) and data["rank_gain"].notna().any()
    per_point = (ranks_per_iid_point(data, n_bootstrap=n_bootstrap, confidence=confidence,
                                     random_state=random_state) if has_ranks else pd.DataFrame())
    return IndicatorRankModel(table, per_point, sizes.rename("cluster_size"), len(data),
                              int(data["kode_wilayah"].nunique()), pairs, dropped)


class RankChangeDrivers(BaseEstimator):
    """Gradient boosting of rank change on indicator changes, with permutation importance.

    Fits ``sklearn.ensemble.HistGradientBoostingRegressor`` to predict the rank
    gain (rank_from − rank_to; positive = better) from the changes of the
    variables/indicators; importance = permutation importance
    (``sklearn.inspection.permutation_importance``) on held-out rows; intervals
    from refitting on bootstrap resamples and scoring on their out-of-bag rows.

    Parameters
    ----------
    n_bootstrap : int, default 20
    max_iter : int, default 200
    learning_rate : float, default 0.1
    n_repeats : int, default 5
        Permutations per feature in each importance evaluation.
    confidence : float, default 0.95
    random_state : int, optional

    Attributes
    ----------
    model_ : HistGradientBoostingRegressor fitted on all rows
    importances_ : DataFrame [feature, importance, ci_low, ci_high] sorted by importance
    feature_names_in_ : ndarray
    """

    def __init__(self, n_bootstrap: int = 20, max_iter: int = 200, learning_rate: float = 0.1, n_repeats: int = 5,
                 confidence: float = 0.95, random_state=None):
        self.n_bootstrap = n_bootstrap
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.n_repeats = n_repeats
        self.confidence = confidence
        self.random_state = random_state

    def _model(self, seed):
        from sklearn.ensemble import HistGradientBoostingRegressor
        return HistGradientBoostingRegressor(max_iter=self.max_iter, learning_rate=self.learning_rate,
                                             random_state=seed)

    def fit(self, X, y):
        """Fit on X (DataFrame of feature changes) and y (rank gain).

        OpenMP threads are limited to one while fitting (``threadpoolctl``): the
        models are small and thread spinning on a busy 2-core machine made fits
        ten times slower.
        """
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            return self._fit(X, y)

    def _fit(self, X, y):
        from sklearn.inspection import permutation_importance
        from sklearn.model_selection import train_test_split
        X = pd.DataFrame(X)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        y = np.asarray(y, float)
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2 ** 31 - 1))
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=seed)
        holdout = self._model(seed).fit(Xtr, ytr)
        point = permutation_importance(holdout, Xte, yte, n_repeats=self.n_repeats, random_state=seed)
        self.test_r2_ = float(holdout.score(Xte, yte))
        boots = []
        self.bootstrap_models_ = []
        for _ in range(self.n_bootstrap):
            s = int(rng.integers(2 ** 31 - 1))
            idx = rng.integers(0, len(X), len(X))
            oob = np.setdiff1d(np.arange(len(X)), idx)
            if len(oob) < 10:
                continue
            m = self._model(s).fit(X.iloc[idx], y[idx])
            self.bootstrap_models_.append(m)
            imp = permutation_importance(m, X.iloc[oob], y[oob], n_repeats=max(1, self.n_repeats // 2),
                                         random_state=s)
            boots.append(imp.importances_mean)
        alpha = (1 - self.confidence) / 2
        boots = np.array(boots) if boots else np.full((1, X.shape[1]), np.nan)
        self.importances_ = pd.DataFrame({
            "feature": self.feature_names_in_, "importance": point.importances_mean,
            "ci_low": np.quantile(boots, alpha, axis=0), "ci_high": np.quantile(boots, 1 - alpha, axis=0),
        }).sort_values("importance", ascending=False).reset_index(drop=True)
        self.model_ = self._model(seed).fit(X, y)
        self._X = X
        return self

    def partial_dependence(self, feature: str, grid_resolution: int = 20) -> pd.DataFrame:
        """Partial dependence of the predicted rank gain on one feature.

        Returns
        -------
        DataFrame with columns [value, rank_gain, ci_low, ci_high]
            ``rank_gain`` from the model fitted on all rows; the interval from the
            bootstrap models evaluated on the same grid.
        """
        from sklearn.inspection import partial_dependence
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            pd_res = partial_dependence(self.model_, self._X, [feature], grid_resolution=grid_resolution)
            grid = pd_res["grid_values"][0]
            col = list(self._X.columns).index(feature)
            curves = []
            for m in self.bootstrap_models_:
                # manual brute-force partial dependence on the common grid
                Xg = self._X.to_numpy(float).copy()
                curve = []
                for v in grid:
                    Xg[:, col] = v
                    curve.append(m.predict(pd.DataFrame(Xg, columns=self._X.columns)).mean())
                curves.append(curve)
        alpha = (1 - self.confidence) / 2
        curves = np.array(curves) if curves else np.full((1, len(grid)), np.nan)
        return pd.DataFrame({"value": grid, "rank_gain": pd_res["average"][0],
                             "ci_low": np.quantile(curves, alpha, axis=0),
                             "ci_high": np.quantile(curves, 1 - alpha, axis=0)})


def rank_change_features(panel: pd.DataFrame, year_from: int, year_to: int) -> tuple[pd.DataFrame, pd.Series]:
    """Changes of the variable scores between two years and the rank gain, from :func:`driver_panel`.

    Returns
    -------
    (X, y)
        X: DataFrame indexed by kode_wilayah, one column per variable + count_score (Δ IID points);
        y: rank gain rank_from − rank_to (positive = moved up).
    """
    feats = [c for c in panel.columns if c not in ("kode_wilayah", "year", "level", "iid_score", "rank", "rank_pct")]
    a = panel[panel["year"] == year_from].set_index("kode_wilayah")
    b = panel[panel["year"] == year_to].set_index("kode_wilayah")
    common = a.index.intersection(b.index)
    X = b.loc[common, feats] - a.loc[common, feats]
    y = (a.loc[common, "rank"] - b.loc[common, "rank"]).rename("rank_gain")
    return X, y


def predicate_transitions(scores: pd.DataFrame, year_from: int, year_to: int, *, n_bootstrap: int = 200,
                          confidence: float = 0.95, random_state=None) -> pd.DataFrame:
    """Predikat transition matrix between two years, with bootstrap intervals.

    Each year keeps its own thresholds (the predikat in ``scores``).

    Parameters
    ----------
    scores : DataFrame with columns [kode_wilayah, year, predicate]
    year_from, year_to : int
    n_bootstrap : int, default 200
        Resamples of pemda.
    confidence : float
    random_state : int, optional

    Returns
    -------
    DataFrame with columns [predicate_from, predicate_to, count, share, ci_low, ci_high]
        ``share`` = P(predicate_to | predicate_from) (rows sum to 1).
    """
    a = scores[scores["year"] == year_from].set_index("kode_wilayah")["predicate"]
    b = scores[scores["year"] == year_to].set_index("kode_wilayah")["predicate"]
    common = a.index.intersection(b.index)
    cats = list(PREDICATES)
    ia = pd.Categorical(a.loc[common], categories=cats).codes
    ib = pd.Categorical(b.loc[common], categories=cats).codes
    k = len(cats)

    def matrix(ia_, ib_):
        m = np.zeros((k, k))
        np.add.at(m, (ia_, ib_), 1)
        return m

    counts = matrix(ia, ib)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts / counts.sum(1, keepdims=True)
    rng = np.random.default_rng(random_state)
    boots = []
    for _ in range(n_bootstrap):
        idx = rng.integers(0, len(ia), len(ia))
        m = matrix(ia[idx], ib[idx])
        with np.errstate(invalid="ignore", divide="ignore"):
            boots.append(m / m.sum(1, keepdims=True))
    boots = np.array(boots)
    alpha = (1 - confidence) / 2
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # predikat never observed in year_from: all-NaN row
        lo = np.nanquantile(boots, alpha, axis=0) if len(boots) else np.full((k, k), np.nan)
        hi = np.nanquantile(boots, 1 - alpha, axis=0) if len(boots) else np.full((k, k), np.nan)
    recs = [(cats[i], cats[j], int(counts[i, j]), share[i, j], lo[i, j], hi[i, j])
            for i, j in itertools.product(range(k), range(k))]
    return pd.DataFrame(recs, columns=["predicate_from", "predicate_to", "count", "share", "ci_low", "ci_high"])


@dataclasses.dataclass
class NationalDrivers:
    """Cross-pemda view (analysis 3): indicator-to-rank model, boosting importance, predikat transitions."""

    panel: pd.DataFrame
    indicator_model: IndicatorRankModel
    importances: pd.DataFrame
    partial_dependence: pd.DataFrame
    top_feature: str
    transitions: pd.DataFrame
    test_r2: float


def national_drivers(data, year_from: int, year_to: int, *, n_bootstrap: int = 50, random_state=0) -> NationalDrivers:
    """Run analysis 3 on every pemda.

    Parameters
    ----------
    data : object with ``scores`` and ``components()`` (e.g. SimulatedIID)
    year_from, year_to : int
        Pair for the rank-change model and the transition matrix; the
        indicator model uses every pair of consecutive years in ``data``.
    n_bootstrap : int, default 50
    random_state : int

    Returns
    -------
    NationalDrivers
        ``indicator_model``: :func:`indicator_rank_model` (percentile-point change of the within-cluster
        rank on the changes of the SPD levels, SID mean levels and innovation count; ranks per IID point
        per cluster), cluster-bootstrap intervals.
        ``importances``: permutation importance of Δvariable scores for the rank gain.
    """
    scores = data.scores
    levels = scores.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["level"]
    components = data.components()
    ipanel = indicator_panel(components, levels)
    model = indicator_rank_model(indicator_changes(ipanel), framework=framework_for_year(int(ipanel["year"].max())),
                                 n_bootstrap=n_bootstrap, random_state=random_state)
    panel = driver_panel(components, levels)
    X, y = rank_change_features(panel, year_from, year_to)
    gb = RankChangeDrivers(n_bootstrap=max(5, n_bootstrap // 5), max_iter=150, random_state=random_state).fit(X, y)
    top = str(gb.importances_["feature"].iloc[0])
    return NationalDrivers(panel, model, gb.importances_, gb.partial_dependence(top), top,
                           predicate_transitions(scores, year_from, year_to, n_bootstrap=n_bootstrap,
                                                 random_state=random_state), gb.test_r2_)
