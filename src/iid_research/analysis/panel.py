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
    """Cross-pemda view (analysis 3): FE regression, boosting importance, predikat transitions."""

    panel: pd.DataFrame
    fixed_effects: pd.DataFrame
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
        Pair for the rank-change model and the transition matrix; the FE
        regression uses every year in ``data``.
    n_bootstrap : int, default 50
    random_state : int

    Returns
    -------
    NationalDrivers
        ``fixed_effects``: within-cluster rank percentile (×100) regressed on the 8 variable scores and
        the count score (IID points), pemda and year effects, cluster-bootstrap intervals.
        ``importances``: permutation importance of Δvariable scores for the rank gain.
    """
    scores = data.scores
    levels = scores.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["level"]
    panel = driver_panel(data.components(), levels)
    feats = [c for c in panel.columns if c not in ("kode_wilayah", "year", "level", "iid_score", "rank", "rank_pct")]
    fe = PanelFixedEffects(n_bootstrap=n_bootstrap, random_state=random_state).fit(
        panel[feats], panel["rank_pct"] * 100, groups=panel["kode_wilayah"].to_numpy(),
        times=panel["year"].to_numpy())
    X, y = rank_change_features(panel, year_from, year_to)
    gb = RankChangeDrivers(n_bootstrap=max(5, n_bootstrap // 5), max_iter=150, random_state=random_state).fit(X, y)
    top = str(gb.importances_["feature"].iloc[0])
    return NationalDrivers(panel, fe.summary(), gb.importances_, gb.partial_dependence(top), top,
                           predicate_transitions(scores, year_from, year_to, n_bootstrap=n_bootstrap,
                                                 random_state=random_state), gb.test_r2_)


