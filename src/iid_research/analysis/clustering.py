"""Clustering OPDs by innovation profile, archetypes and OPD scorecards.

:class:`OPDClusterer` is a scikit-learn style estimator over an OPD profile
table (:func:`iid_research.analysis.opd.build_opd_profiles` or
:func:`iid_research.analysis.opd.build_real_opd_profiles`).  Four methods:

``"kmeans"``
    k-means on standardised features (scikit-learn ``KMeans``), k chosen by
    the silhouette over ``k_range``; the inertia of every k is kept for an
    elbow plot.
``"ward"``
    agglomerative Ward linkage (``scipy.cluster.hierarchy.linkage``) cut at
    k clusters; the linkage matrix feeds :func:`plot_dendrogram`.
``"hdbscan"``
    scikit-learn ``HDBSCAN``; OPDs that fit no cluster get label -1 (noise).
``"kmedoids"``
    k-medoids (``kmedoids`` package, FasterPAM) on a Gower distance matrix
    (:func:`gower_distances`), for mixed numeric and categorical profiles.

Preprocessing is a ``ColumnTransformer``: numeric features are imputed
(median) and standardised, categorical ones imputed (most frequent) and
one-hot encoded.  Stability is measured by bootstrap (Hennig 2007,
``fpc::clusterboot``): the method is refitted on ``n_bootstrap`` resamples
(drawn with replacement; for hdbscan 80 % subsamples without replacement,
as duplicated points would form spurious dense clusters);
the mean adjusted Rand index against the original labels and, for every
cluster, the mean Jaccard similarity with its best-matching resampled
cluster are reported (Hennig's rule of thumb: Jaccard < 0.6 means the
cluster is not stable, > 0.75 stable).

Clustering tendency: with ``k="auto"`` the gap statistic (Tibshirani, Walther
and Hastie 2001, allowing k = 1; :func:`gap_statistic`) first asks whether the
profiles hold more grouping than structureless data.  When it picks k = 1 the
model says so (``has_structure_`` False, ``k_`` 1, one group named "no clear
groups") instead of forcing the best of k = 2-8 on noise, which the silhouette
alone always does.

Methods needing an n x n distance matrix (ward, kmedoids) refuse more than
:data:`MAX_PAIRWISE_OPDS` OPDs with a message; use kmeans for larger tables.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.metrics.cluster import contingency_matrix
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import check_random_state

from .opd import PROFILE_ID_COLUMNS, profile_feature_columns

METHODS = ("kmeans", "ward", "hdbscan", "kmedoids")
MAX_PAIRWISE_OPDS = 8000
"""Largest number of OPDs for methods that hold an n x n distance matrix (ward, kmedoids)."""

NOISE = -1


# --------------------------------------------------------------------------- messages

class TooFewOPDsError(ValueError):
    """Too few OPDs to cluster (one OPD, or fewer OPDs than clusters asked for).

    Reports explain it in the reader's language with
    :func:`iid_research.notebook.opd_clusters.too_few_message`.

    Attributes
    ----------
    n_opds : int
        OPDs in the profile table.
    needed : int
        OPDs the request needs.
    what : str
        What needs them ("k=4 clusters").
    where : str
        Which pemda/year, when the table holds one.
    """

    def __init__(self, n_opds: int, needed: int, what: str, where: str = ""):
        self.n_opds, self.needed, self.what, self.where = int(n_opds), int(needed), what, where
        head = f"{where}: " if where else ""
        if self.n_opds <= 1:
            text = (f"{head}only {self.n_opds} OPD has innovations; clustering needs at least {self.needed} OPDs. "
                    "Compare it with OPDs of the same type in other pemda (kode_wilayah='all').")
        else:
            text = (f"{head}{self.n_opds} OPDs have innovations but {what} needs at least {self.needed}. "
                    "Choose a smaller k or k='auto', or cluster OPDs across pemda (kode_wilayah='all').")
        super().__init__(text)


@dataclasses.dataclass
class ClusteringOutcome:
    """Result of :func:`fit_or_explain`: a fitted model, or the reason there is none.

    Attributes
    ----------
    model : OPDClusterer or None
    error : TooFewOPDsError or None
        Why clustering was not possible (None when fitted).
    """

    model: OPDClusterer | None
    error: TooFewOPDsError | None = None

    @property
    def is_fitted(self) -> bool:
        """True when clustering ran; False when only the reason (``error``) is available."""
        return self.model is not None


def fit_or_explain(model: OPDClusterer, profiles: pd.DataFrame) -> ClusteringOutcome:
    """Fit ``model``; on too few OPDs return the reason instead of raising.

    Parameters
    ----------
    model : OPDClusterer
    profiles : DataFrame
        Profile table (see :meth:`OPDClusterer.fit`).

    Returns
    -------
    ClusteringOutcome
        ``model`` fitted, or None with ``error`` set.  Other errors propagate.
    """
    try:
        return ClusteringOutcome(model.fit(profiles), None)
    except TooFewOPDsError as exc:
        return ClusteringOutcome(None, exc)


@dataclasses.dataclass(frozen=True)
class ClusterStability:
    """Bootstrap stability of a clustering.

    Attributes
    ----------
    n_bootstrap : int
    ari : ndarray of shape (n_bootstrap,)
        Adjusted Rand index of each resample's labels against the original
        labels, on the OPDs drawn.
    mean_ari : float
    jaccard : Series indexed by cluster label
        Mean over resamples of the Jaccard similarity between the cluster and
        its most similar resampled cluster (Hennig 2007); NaN if never drawn.
    """

    n_bootstrap: int
    ari: np.ndarray
    mean_ari: float
    jaccard: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """DataFrame with columns [cluster, jaccard_mean, is_stable (Jaccard ≥ 0.75)]."""
        return pd.DataFrame({"cluster": self.jaccard.index, "jaccard_mean": self.jaccard.to_numpy(),
                             "is_stable": self.jaccard.to_numpy() >= 0.75})


# --------------------------------------------------------------------------- Gower

def gower_distances(numeric=None, categorical=None, *, dtype=np.float32, chunk_bytes: int = 1 << 26) -> np.ndarray:
    """Gower distance matrix for mixed numeric and categorical data.

    d(i, j) = mean over features of |x_i - x_j| / range (numeric) or
    [c_i != c_j] (categorical) (Gower 1971; as ``cluster::daisy`` in R).
    Numeric features with zero range are left out.  Missing values must be
    imputed first.

    Parameters
    ----------
    numeric : array-like of shape (n_samples, n_numeric), optional
    categorical : array-like of shape (n_samples, n_categorical), optional
        Any hashable values (compared for equality).
    dtype : numpy dtype, default=np.float32
    chunk_bytes : int, default=64 MiB
        Memory of one block of rows during computation.

    Returns
    -------
    ndarray of shape (n_samples, n_samples)
        Symmetric, zero diagonal, values in [0, 1].

    Raises
    ------
    ValueError
        If no feature is given, row counts differ or numeric data has NaN.
    """
    parts = []
    n = None
    if numeric is not None:
        x = np.asarray(numeric, dtype=float)
        if x.ndim != 2:
            raise ValueError(f"numeric must be 2-D, got shape {x.shape}")
        if np.isnan(x).any():
            raise ValueError("numeric features contain NaN; impute them before computing Gower distances")
        rng = x.max(axis=0) - x.min(axis=0) if len(x) else np.zeros(x.shape[1])
        keep = rng > 0
        parts.append(("num", (x[:, keep] / rng[keep]).astype(dtype)))
        n = x.shape[0]
    if categorical is not None:
        c = np.asarray(categorical, dtype=object)
        if c.ndim != 2:
            raise ValueError(f"categorical must be 2-D, got shape {c.shape}")
        codes = np.column_stack([pd.factorize(c[:, j], use_na_sentinel=False)[0] for j in range(c.shape[1])]) \
            if c.shape[1] else np.zeros((c.shape[0], 0), dtype=int)
        if n is not None and c.shape[0] != n:
            raise ValueError(f"numeric has {n} rows but categorical has {c.shape[0]}")
        parts.append(("cat", codes.astype(np.int32)))
        n = c.shape[0]
    if n is None:
        raise ValueError("give numeric and/or categorical features")
    n_feat = sum(p.shape[1] for _, p in parts)
    out = np.zeros((n, n), dtype=dtype)
    if n_feat == 0:
        return out
    step = max(1, int(chunk_bytes // max(1, n * n_feat * np.dtype(dtype).itemsize)))
    for a in range(0, n, step):
        b = min(n, a + step)
        block = np.zeros((b - a, n), dtype=dtype)
        for kind, arr in parts:
            if arr.shape[1] == 0:
                continue
            if kind == "num":
                block += np.abs(arr[a:b, None, :] - arr[None, :, :]).sum(axis=2, dtype=dtype)
            else:
                block += (arr[a:b, None, :] != arr[None, :, :]).sum(axis=2).astype(dtype)
        out[a:b] = block / n_feat
    out = (out + out.T) / 2
    np.fill_diagonal(out, 0)
    return out


# --------------------------------------------------------------------------- clustering tendency

def _log_dispersion(labels: np.ndarray, Z=None, D=None) -> float:
    """Log W_k: within-cluster sum of squares (Euclidean Z), or Σ_r Σ_{i,j in r} d_ij / (2 n_r) (distances D)."""
    if D is None:
        w = _within_ss(Z, labels)
    else:
        w = sum(float(D[np.ix_(labels == c, labels == c)].sum()) / (2 * int((labels == c).sum()))
                for c in np.unique(labels))
    return float(np.log(max(w, 1e-300)))


def gap_statistic(cluster_fn, data, reference_fn, ks, *, n_references: int = 10, random_state=None,
                  distance_fn=None) -> pd.DataFrame:
    """Gap statistic of Tibshirani, Walther and Hastie (2001) over ``ks`` (k = 1 allowed).

    Gap(k) = E*[log W*_k] − log W_k, where W_k is the pooled within-cluster
    dispersion of a k-cluster solution of the data and E* the mean over
    ``n_references`` reference data sets drawn from a structureless
    distribution; s_k = sd*(log W*_k) · sqrt(1 + 1/B).  The number of clusters
    is the smallest k with Gap(k) ≥ Gap(k + 1) − s_{k+1} (their rule; the
    largest k tried when none qualifies); k = 1 means no more grouping than
    in the reference data ("no clear groups").

    Tibshirani R., Walther G., Hastie T. (2001). Estimating the number of
    clusters in a data set via the gap statistic. J. R. Statist. Soc. B 63(2),
    411-423.  As ``cluster::clusGap`` with ``method = "Tibs2001SEmax"`` in R.

    Parameters
    ----------
    cluster_fn : callable (data, k, seed) -> labels
        Clusters a data set into k groups (not called for k = 1).
    data : array
        The data (``cluster_fn``'s input).
    reference_fn : callable (numpy Generator) -> array
        Draws one reference data set like ``data``.
    ks : sequence of int
        Increasing, starting at 1.
    n_references : int, default 10
    random_state : int or numpy Generator, optional
    distance_fn : callable (array) -> ndarray (n, n), optional
        Dissimilarities for W_k (Σ_r D_r / 2n_r); default squared Euclidean (within sum of squares).

    Returns
    -------
    DataFrame indexed by k with columns [log_w, ref_log_w, gap, se, chosen]
        ``chosen`` is True on the k picked by the rule.
    """
    rng = np.random.default_rng(random_state)
    ks = [int(k) for k in ks]

    def log_w(x):
        dist = distance_fn(x) if distance_fn is not None else None
        n = len(dist) if dist is not None else len(x)
        out = []
        for k in ks:
            labels = (np.zeros(n, dtype=int) if k == 1
                      else np.asarray(cluster_fn(dist if dist is not None else x, k,
                                                 int(rng.integers(np.iinfo(np.int32).max))), dtype=int))
            out.append(_log_dispersion(labels, Z=None if dist is not None else x, D=dist))
        return np.array(out)

    observed = log_w(data)
    refs = np.array([log_w(reference_fn(rng)) for _ in range(int(n_references))])
    gap = refs.mean(axis=0) - observed
    se = refs.std(axis=0) * np.sqrt(1 + 1 / max(1, len(refs)))
    chosen = next((ks[i] for i in range(len(ks) - 1) if gap[i] >= gap[i + 1] - se[i + 1]), ks[-1])
    out = pd.DataFrame({"log_w": observed, "ref_log_w": refs.mean(axis=0), "gap": gap, "se": se,
                        "chosen": [k == chosen for k in ks]}, index=pd.Index(ks, name="k"))
    return out


def uniform_box_reference(Z: np.ndarray):
    """Reference generator of the gap statistic: uniform in the box aligned with the principal axes of Z.

    Tibshirani et al. (2001), reference (b): rotate Z to its principal
    components, draw uniformly within their ranges, rotate back.
    """
    mean = Z.mean(axis=0)
    _, _, vt = np.linalg.svd(Z - mean, full_matrices=False)
    proj = (Z - mean) @ vt.T
    lo, hi = proj.min(axis=0), proj.max(axis=0)
    return lambda rng: rng.uniform(lo, hi, proj.shape) @ vt + mean


def independent_features_reference(numeric, categorical):
    """Reference generator for mixed data: each numeric feature uniform in its range, each categorical one
    uniform over its observed values, all independent (returns (numeric, categorical) pairs)."""
    num = None if numeric is None else np.asarray(numeric, dtype=float)
    cat = None if categorical is None else np.asarray(categorical, dtype=object)
    levels = [] if cat is None else [pd.unique(cat[:, j]) for j in range(cat.shape[1])]

    def draw(rng):
        rn = None if num is None else rng.uniform(num.min(axis=0), num.max(axis=0), num.shape)
        rc = None if cat is None else (np.column_stack([rng.choice(lv, len(cat)) for lv in levels])
                                       if levels else cat)
        return rn, rc

    return draw


# --------------------------------------------------------------------------- estimator

class OPDClusterer(ClusterMixin, BaseEstimator):
    """Cluster OPDs by innovation profile.

    Parameters
    ----------
    method : {'kmeans', 'ward', 'hdbscan', 'kmedoids'}, default='kmeans'
        Clustering method (see the module docstring).
    k : int or 'auto', default='auto'
        Number of clusters; 'auto' first runs the clustering-tendency check
        (``tendency``) and, when it finds groups, picks the k in ``k_range``
        with the highest silhouette.  Ignored by 'hdbscan'.
    k_range : tuple of (int, int), default=(2, 8)
        Smallest and largest k tried when ``k='auto'`` (capped at n_opds - 1).
    features : list of str, optional
        Numeric feature columns; None means every numeric column except the
        identifiers in :data:`iid_research.analysis.opd.PROFILE_ID_COLUMNS`.
    categorical_features : list of str, optional
        Categorical feature columns; None means every text/categorical column
        except the identifiers (e.g. ``level`` and ``jenis_main`` of the real
        LAN profiles).  Use ``[]`` for none.
    n_bootstrap : int, default=20
        Bootstrap resamples for :attr:`stability_`; 0 skips it.
    min_cluster_size : int, default=5
        HDBSCAN's smallest cluster.
    n_init : int, default=4
        k-means restarts.
    silhouette_sample_size : int, default=4000
        OPDs sampled to compute a silhouette when there are more (exact below).
    tendency : {'gap', None}, default='gap'
        Clustering-tendency check with ``k='auto'``: the gap statistic
        (:func:`gap_statistic`, Tibshirani et al. 2001) over k = 1 ...
        ``k_range[1]``, computed with the method's own dissimilarity
        (k-means within sum of squares on the standardised features for
        kmeans/ward, uniform reference in the principal-axes box; Gower
        distances with k-medoids for kmedoids, reference drawing every feature
        independently and uniformly).  If it picks k = 1 the OPDs form one
        group, "no clear groups".  None skips the check (the former
        behaviour: always 2 or more clusters).
    n_references : int, default=10
        Reference data sets of the gap statistic.
    tendency_sample_size : int, default=2000
        OPDs sampled for the tendency check when there are more.
    n_threads : int or None, default=1
        BLAS/OpenMP threads while fitting (``threadpoolctl``); None keeps the
        libraries' defaults.  One thread is the default: profile tables are
        small and on a shared 2-core machine k-means ran ~10x slower with 2
        threads than with 1 (measured for the benchmark).
    random_state : int, RandomState or None, default=None
        Seed of every random step (k-means starts, k-medoids starts,
        silhouette samples, bootstrap draws).

    Attributes
    ----------
    labels_ : ndarray of shape (n_opds,)
        Cluster of each OPD, 0 = largest cluster; -1 = noise (hdbscan only).
    k_ : int
        Number of clusters (noise not counted); 1 when the tendency check finds no clear groups.
    has_structure_ : bool
        False when the tendency check picked k = 1 (then every label is 0 and the one
        archetype has level "none"); True otherwise, also when no check ran.
    gap_ : DataFrame or None
        :func:`gap_statistic` table (indexed by k = 1 ...) when the check ran, else None.
    gap_k_ : int or None
        The k the gap statistic picked (None without the check).
    silhouette_scores_ : Series indexed by k
        Silhouette of each k tried (one entry for a fixed k; for hdbscan the
        silhouette of the non-noise OPDs, NaN if undefined).
    inertia_ : Series indexed by k
        Within-cluster sum of squares on the standardised features (kmeans,
        ward) or sum of Gower distances to the medoids (kmedoids), per k: the
        elbow curve.  Empty for hdbscan.
    stability_ : ClusterStability or None
        Bootstrap mean ARI and per-cluster Jaccard; None if ``n_bootstrap`` is 0 or
        there is one group (no clear groups).
    archetypes_ : DataFrame with columns [cluster, opd_count, archetype_level, archetype_focus, archetype_suffix,
        distinguishing]
        Automatic cluster names in Bahasa Indonesia and English, and the
        features that set each cluster apart (z-scores).
    cluster_means_ : DataFrame of shape (n_clusters, n_features)
        Mean of each numeric feature per cluster (original units).
    cluster_zscores_ : DataFrame of shape (n_clusters, n_features)
        Cluster means standardised by the overall mean and standard deviation.
    embedding_ : ndarray of shape (n_opds, n_transformed)
        Preprocessed (standardised, one-hot) features.
    preprocessor_ : ColumnTransformer
    linkage_ : ndarray or None
        Ward linkage matrix (method 'ward').
    medoid_indices_ : ndarray or None
        Rows of the medoids (method 'kmedoids').
    feature_names_in_ : ndarray of str
    n_features_in_ : int
    index_ : Index
        Index of the profile rows, aligned with ``labels_``.
    years_ : tuple of int
        The assessment years of the profiles (their ``year`` column; empty without one): reader
        texts name SID features with the framework of these years
        (:func:`iid_research.frameworks.framework_for_years`).
    """

    def __init__(self, method: str = "kmeans", k="auto", k_range=(2, 8), *, features=None,
                 categorical_features=None, n_bootstrap: int = 20, min_cluster_size: int = 5, n_init: int = 4,
                 silhouette_sample_size: int = 4000, tendency: str | None = "gap", n_references: int = 10,
                 tendency_sample_size: int = 2000, n_threads: int | None = 1, random_state=None):
        self.method = method
        self.k = k
        self.k_range = k_range
        self.features = features
        self.categorical_features = categorical_features
        self.n_bootstrap = n_bootstrap
        self.min_cluster_size = min_cluster_size
        self.n_init = n_init
        self.silhouette_sample_size = silhouette_sample_size
        self.tendency = tendency
        self.n_references = n_references
        self.tendency_sample_size = tendency_sample_size
        self.n_threads = n_threads
        self.random_state = random_state

    # -- checks ------------------------------------------------------------
    def _check_params(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {list(METHODS)}, got {self.method!r}")
        if not (self.k == "auto" or (isinstance(self.k, (int, np.integer)) and self.k >= 2)):
            raise ValueError(f"k must be 'auto' or an integer ≥ 2, got {self.k!r}")
        lo, hi = self.k_range
        if not (isinstance(lo, (int, np.integer)) and isinstance(hi, (int, np.integer)) and 2 <= lo <= hi):
            raise ValueError(f"k_range must be (low, high) integers with 2 ≤ low ≤ high, got {self.k_range!r}")
        if int(self.n_bootstrap) < 0:
            raise ValueError(f"n_bootstrap must be ≥ 0, got {self.n_bootstrap}")
        if self.tendency not in ("gap", None):
            raise ValueError(f"tendency must be 'gap' or None, got {self.tendency!r}")
        if int(self.n_references) < 1 or int(self.tendency_sample_size) < 3:
            raise ValueError(f"n_references must be ≥ 1 and tendency_sample_size ≥ 3, got {self.n_references} "
                             f"and {self.tendency_sample_size}")

    def _columns(self, X: pd.DataFrame):
        if self.features is not None:
            num = list(self.features)
        else:
            num = profile_feature_columns(X)
        if self.categorical_features is not None:
            cat = list(self.categorical_features)
        else:
            cat = [c for c in X.columns if c not in PROFILE_ID_COLUMNS and c not in num
                   and not pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])
                   and c not in ("opd_key", "opd_name")]
        missing = [c for c in num + cat if c not in X.columns]
        if missing:
            raise ValueError(f"profile table lacks feature column(s) {missing}")
        bad = [c for c in num if not pd.api.types.is_numeric_dtype(X[c])]
        if bad:
            raise ValueError(f"numeric feature column(s) {bad} are not numeric; pass them as categorical_features")
        if not num and not cat:
            raise ValueError("no feature columns found in the profile table")
        return num, cat

    @staticmethod
    def _where(X: pd.DataFrame) -> str:
        parts = []
        for col in ("kode_wilayah", "year"):
            if col in X.columns and X[col].nunique() == 1:
                parts.append(f"{col} {X[col].iloc[0]}")
        return ", ".join(parts)

    def _check_size(self, X: pd.DataFrame) -> list[int]:
        n = len(X)
        where = self._where(X)
        if self.method == "hdbscan":
            need = max(2, int(self.min_cluster_size))
            if n < need:
                raise TooFewOPDsError(n, need, f"HDBSCAN with min_cluster_size={self.min_cluster_size}", where)
            return []
        if n < 3:
            raise TooFewOPDsError(n, 3, "clustering (a silhouette needs 2 ≤ k ≤ n_opds - 1)", where)
        if self.k != "auto":
            if n <= int(self.k):
                raise TooFewOPDsError(n, int(self.k) + 1, f"k={self.k} clusters", where)
            ks = [int(self.k)]
        else:
            ks = list(range(int(self.k_range[0]), min(int(self.k_range[1]), n - 1) + 1))
            if not ks:
                raise TooFewOPDsError(n, int(self.k_range[0]) + 1, f"k_range={tuple(self.k_range)}", where)
        if self.method in ("ward", "kmedoids") and n > MAX_PAIRWISE_OPDS:
            raise ValueError(f"method={self.method!r} holds an n x n distance matrix; {n} OPDs exceed the limit of "
                             f"{MAX_PAIRWISE_OPDS} (iid_research.analysis.clustering.MAX_PAIRWISE_OPDS). Use "
                             "method='kmeans' or cluster a subset (one pemda, one year).")
        return ks

    # -- fitting -----------------------------------------------------------
    def fit(self, profiles, y=None):
        """Cluster the OPDs of a profile table.

        Parameters
        ----------
        profiles : DataFrame of shape (n_opds, n_columns) or array-like of shape (n_opds, n_features)
            One row per OPD (see :func:`iid_research.analysis.opd.build_opd_profiles`);
            identifier columns are ignored.  An array is taken as numeric features.
        y : None
            Ignored.

        Returns
        -------
        self : OPDClusterer

        Raises
        ------
        TooFewOPDsError
            With one OPD, fewer OPDs than k + 1, or fewer than ``min_cluster_size`` (hdbscan).
        ValueError
            On bad parameters, missing feature columns, or too many OPDs for a
            distance-matrix method.
        """
        self._check_params()
        if self.n_threads is None:
            return self._fit(profiles)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=int(self.n_threads)):
            return self._fit(profiles)

    def _fit(self, profiles):
        X = profiles if isinstance(profiles, pd.DataFrame) else pd.DataFrame(
            np.asarray(profiles, dtype=float)).rename(columns=lambda c: f"x{c}")
        ks = self._check_size(X)
        num, cat = self._columns(X)
        rng = check_random_state(self.random_state)
        self._seed = int(rng.randint(np.iinfo(np.int32).max))
        self.index_ = X.index
        self.years_ = (tuple(sorted({int(y) for y in X["year"].dropna()})) if "year" in X.columns else ())
        self.feature_columns_, self.categorical_columns_ = num, cat
        self.feature_names_in_ = np.array(num + cat, dtype=object)
        self.n_features_in_ = len(num) + len(cat)
        transformers = []
        if num:
            transformers.append(("num", Pipeline([("impute", SimpleImputer(strategy="median",
                                                                            keep_empty_features=True)),
                                                  ("scale", StandardScaler())]), num))
        if cat:
            transformers.append(("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent",
                                                                            keep_empty_features=True)),
                                                  ("onehot", OneHotEncoder(handle_unknown="ignore",
                                                                           sparse_output=False))]), cat))
        self.preprocessor_ = ColumnTransformer(transformers)
        Xin = X[num + cat].copy()
        for c in num:
            Xin[c] = Xin[c].astype(float)
        for c in cat:
            Xin[c] = Xin[c].astype(object).where(Xin[c].notna(), np.nan)
        self.embedding_ = np.asarray(self.preprocessor_.fit_transform(Xin), dtype=float)
        self._numeric_raw = (self.preprocessor_.named_transformers_["num"].named_steps["impute"]
                             .transform(Xin[num]) if num else np.zeros((len(X), 0)))
        self._distance = None
        if self.method == "kmedoids":
            cat_raw = (self.preprocessor_.named_transformers_["cat"].named_steps["impute"].transform(Xin[cat])
                       if cat else None)
            self._distance = gower_distances(self._numeric_raw if num else None, cat_raw)
        self.linkage_ = None
        self.medoid_indices_ = None

        if self.method == "hdbscan":
            labels = self._fit_hdbscan(self.embedding_)
            self.inertia_ = pd.Series(dtype=float, name="inertia")
            ok = labels != NOISE
            n_cl = len(set(labels[ok]))
            sil = (self._silhouette(self.embedding_[ok], labels[ok], rng)
                   if 2 <= n_cl < ok.sum() else np.nan)
            self.silhouette_scores_ = pd.Series({n_cl: sil}, name="silhouette", dtype=float)
            self.silhouette_scores_.index.name = "k"
        else:
            if self.method == "ward":
                from scipy.cluster.hierarchy import linkage
                self.linkage_ = linkage(self.embedding_, method="ward")
            sils, inertias, fits = {}, {}, {}
            for k in ks:
                labels_k, inertia_k, extra = self._fit_k(k, self.embedding_, self._distance, self._seed)
                fits[k] = (labels_k, extra)
                inertias[k] = inertia_k
                sils[k] = (self._silhouette(self._distance if self.method == "kmedoids" else self.embedding_,
                                            labels_k, rng) if len(set(labels_k)) > 1 else np.nan)
            self.silhouette_scores_ = pd.Series(sils, name="silhouette", dtype=float)
            self.silhouette_scores_.index.name = "k"
            self.inertia_ = pd.Series(inertias, name="inertia", dtype=float)
            self.inertia_.index.name = "k"
            best = int(self.silhouette_scores_.fillna(-np.inf).idxmax()) if len(ks) > 1 else ks[0]
            labels, extra = fits[best]
            if self.method == "kmedoids":
                self.medoid_indices_ = extra
        self.gap_, self.gap_k_ = None, None
        if self.k == "auto" and self.method != "hdbscan" and self.tendency == "gap":
            self.gap_ = self._gap(ks[-1], Xin, num, cat)
            self.gap_k_ = int(self.gap_.index[self.gap_["chosen"]][0])
        self.has_structure_ = self.gap_k_ != 1
        if not self.has_structure_:  # one group: every OPD together
            labels = np.zeros(len(X), dtype=int)
            if self.method == "kmedoids":
                self.medoid_indices_ = np.array([int(np.argmin(self._distance.sum(axis=1)))])
        self.labels_, order = _relabel_by_size(labels)
        if self.medoid_indices_ is not None:
            self.medoid_indices_ = np.asarray(self.medoid_indices_)[order]
        self.k_ = int(len(set(self.labels_[self.labels_ != NOISE])))
        self._describe_clusters(X, num)
        self.stability_ = (self._bootstrap(rng) if int(self.n_bootstrap) > 0 and self.has_structure_ else None)
        del self._distance, self._numeric_raw  # working data (an n x n matrix for kmedoids): not kept
        return self

    def _gap(self, k_max: int, Xin: pd.DataFrame, num: list[str], cat: list[str]) -> pd.DataFrame:
        """The gap statistic over k = 1 ... k_max with the method's dissimilarity (see ``tendency``)."""
        rng = np.random.default_rng([self._seed, 9])
        n = len(Xin)
        idx = (np.sort(rng.choice(n, int(self.tendency_sample_size), replace=False))
               if n > int(self.tendency_sample_size) else np.arange(n))
        ks = range(1, max(2, int(k_max)) + 1)
        if self.method == "kmedoids":
            import kmedoids

            num_raw = self._numeric_raw[idx] if num else None
            cat_raw = (self.preprocessor_.named_transformers_["cat"].named_steps["impute"].transform(Xin[cat])[idx]
                       if cat else None)

            def medoids(D, k, seed):
                return kmedoids.KMedoids(n_clusters=k, metric="precomputed", method="fasterpam",
                                         random_state=seed).fit(D).labels_

            return gap_statistic(medoids, (num_raw, cat_raw), independent_features_reference(num_raw, cat_raw), ks,
                                 n_references=int(self.n_references), random_state=rng,
                                 distance_fn=lambda d: gower_distances(*d, dtype=np.float64))
        Z = self.embedding_[idx]

        def kmeans(data, k, seed):
            return KMeans(n_clusters=k, n_init=int(self.n_init), random_state=seed).fit(data).labels_

        return gap_statistic(kmeans, Z, uniform_box_reference(Z), ks, n_references=int(self.n_references),
                             random_state=rng)

    def _fit_hdbscan(self, Z):
        model = HDBSCAN(min_cluster_size=int(self.min_cluster_size), copy=True)
        return model.fit(Z).labels_.astype(int)

    def _fit_k(self, k, Z, D, seed):
        """Labels, inertia and extra (medoids) of one method at k clusters on data Z (or distances D)."""
        if self.method == "kmeans":
            m = KMeans(n_clusters=k, n_init=int(self.n_init), random_state=seed).fit(Z)
            return m.labels_.astype(int), float(m.inertia_), None
        if self.method == "ward":
            from scipy.cluster.hierarchy import fcluster, linkage
            link = self.linkage_ if Z is self.embedding_ else linkage(Z, method="ward")
            labels = fcluster(link, t=k, criterion="maxclust").astype(int) - 1
            return labels, _within_ss(Z, labels), None
        if self.method == "kmedoids":
            import kmedoids
            m = kmedoids.KMedoids(n_clusters=k, metric="precomputed", method="fasterpam",
                                  random_state=seed).fit(D)
            return np.asarray(m.labels_, dtype=int), float(m.inertia_), np.asarray(m.medoid_indices_)
        raise AssertionError(self.method)

    def _silhouette(self, data, labels, rng):
        n = len(labels)
        metric = "precomputed" if self.method == "kmedoids" else "euclidean"
        size = int(self.silhouette_sample_size)
        if n > size:
            idx = np.sort(rng.choice(n, size, replace=False))
            if len(set(labels[idx])) < 2:
                return np.nan
            data = data[np.ix_(idx, idx)] if metric == "precomputed" else data[idx]
            labels = labels[idx]
        if metric == "precomputed":
            data = np.array(data, dtype=float)
            np.fill_diagonal(data, 0)
        return float(silhouette_score(data, labels, metric=metric))

    def _bootstrap(self, rng) -> ClusterStability:
        n = len(self.labels_)
        clusters = sorted(set(self.labels_) - {NOISE})
        aris, jac = [], {c: [] for c in clusters}
        for _ in range(int(self.n_bootstrap)):
            if self.method == "hdbscan":
                # density-based: duplicated points would form spurious dense clusters, so subsample
                # 80 % without replacement (Hennig's "subset" scheme) instead of a bootstrap draw
                idx = np.sort(rng.choice(n, max(2, int(0.8 * n)), replace=False))
            else:
                idx = rng.randint(0, n, n)
            seed = int(rng.randint(np.iinfo(np.int32).max))
            if self.method == "hdbscan":
                lb = self._fit_hdbscan(self.embedding_[idx])
            else:
                D = self._distance[np.ix_(idx, idx)] if self._distance is not None else None
                k = min(self.k_, len(np.unique(idx)) - 1)
                if k < 2:
                    continue
                lb, _, _ = self._fit_k(k, self.embedding_[idx], D, seed)
            uniq, first = np.unique(idx, return_index=True)
            orig, boot = self.labels_[uniq], lb[first]
            aris.append(adjusted_rand_score(orig, boot))
            cont = contingency_matrix(orig, boot)
            o_labels = np.unique(orig)
            b_labels = np.unique(boot)
            b_real = b_labels != NOISE
            union = cont.sum(axis=1)[:, None] + cont.sum(axis=0)[None, :] - cont
            with np.errstate(invalid="ignore", divide="ignore"):
                j = np.where(union > 0, cont / union, 0.0)
            j = j[:, b_real] if b_real.any() else np.zeros((len(o_labels), 1))
            for row, c in enumerate(o_labels):
                if c in jac:
                    jac[c].append(float(j[row].max()))
        ari = np.array(aris, dtype=float)
        if not clusters:  # hdbscan found no cluster: agreement of "all noise" with itself says nothing
            ari = np.full(len(aris), np.nan)
        jaccard = pd.Series({c: (np.mean(v) if v else np.nan) for c, v in jac.items()}, name="jaccard_mean",
                            dtype=float)
        jaccard.index.name = "cluster"
        mean_ari = float(np.nanmean(ari)) if np.isfinite(ari).any() else np.nan
        return ClusterStability(int(self.n_bootstrap), ari, mean_ari, jaccard)

    def _describe_clusters(self, X: pd.DataFrame, num: list[str]):
        raw = pd.DataFrame(self._numeric_raw, columns=num, index=X.index)
        labels = pd.Series(self.labels_, index=X.index, name="cluster")
        self.cluster_means_ = raw.groupby(labels).mean()
        mu, sd = raw.mean(), raw.std(ddof=0).replace(0, np.nan)
        self.cluster_zscores_ = ((self.cluster_means_ - mu) / sd).fillna(0.0)
        dormant = (X["innovation_count"].groupby(labels).max() == 0) if "innovation_count" in X.columns else None
        self.archetypes_ = name_archetypes(self.cluster_zscores_, labels.value_counts().sort_index(),
                                           dormant=dormant)
        if not self.has_structure_:
            self.archetypes_[["archetype_level", "archetype_focus", "archetype_suffix"]] = ["none", "", 0]

    # -- convenience -------------------------------------------------------
    def assignments(self, profiles: pd.DataFrame) -> pd.DataFrame:
        """The profile table with the columns of :attr:`archetypes_` added (cluster, archetype keys)."""
        if len(profiles) != len(self.labels_):
            raise ValueError(f"profiles has {len(profiles)} rows but the model was fitted on {len(self.labels_)}")
        out = profiles.copy()
        out["cluster"] = self.labels_
        keys = self.archetypes_.set_index("cluster")[list(ARCHETYPE_KEYS)]
        for col in ARCHETYPE_KEYS:
            out[col] = out["cluster"].map(keys[col])
        return out

    def summary(self) -> pd.DataFrame:
        """One row per cluster: [cluster, archetype_level, archetype_focus, archetype_suffix, opd_count,
        distinguishing, jaccard_mean]."""
        out = self.archetypes_[["cluster", *ARCHETYPE_KEYS, "opd_count", "distinguishing"]].copy()
        if self.stability_ is not None:
            out["jaccard_mean"] = out["cluster"].map(self.stability_.jaccard).round(2)
        return out


def _relabel_by_size(labels: np.ndarray):
    labels = np.asarray(labels, dtype=int)
    real = [c for c in np.unique(labels) if c != NOISE]
    sizes = {c: int((labels == c).sum()) for c in real}
    # largest first; ties by first appearance so the result does not depend on the method's numbering
    first = {c: int(np.argmax(labels == c)) for c in real}
    order = sorted(real, key=lambda c: (-sizes[c], first[c]))
    mapping = {c: i for i, c in enumerate(order)}
    mapping[NOISE] = NOISE
    return np.array([mapping[c] for c in labels], dtype=int), np.array(order, dtype=int)


def _within_ss(Z: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for c in np.unique(labels):
        part = Z[labels == c]
        total += float(((part - part.mean(axis=0)) ** 2).sum())
    return total


# --------------------------------------------------------------------------- archetypes

_LEVEL_FEATURES = {"maturity_mean_score": 1.0, "mandatory_met_share": 1.0, "tahapan_penerapan_share": 0.5,
                   "tahapan_inisiatif_share": -0.5, "innovation_count": 0.5}
FOCUS_FEATURES = ("jenis_digital_share", "bentuk_pelayanan_publik_share", "bentuk_tata_kelola_share",
                  "bentuk_urusan_lain_share", "inisiator_masyarakat_share", "inisiator_kepala_daerah_share",
                  "inisiator_asn_share", "inisiator_anggota_dprd_share", "replicated_share", "urusan_yandas_share",
                  "age_mean_year", "jenis_teknologi_share", "jenis_metode_share", "jenis_produk_share",
                  "jenis_proses_share", "jenis_konseptual_share", "jenis_sumber_daya_manusia_share",
                  "jenis_struktur_organisasi_share", "jenis_hubungan_share")
"""Profile features that can name a cluster's focus (their words: ``focus_<feature>`` in the text catalogue)."""
ARCHETYPE_KEYS = ("archetype_level", "archetype_focus", "archetype_suffix")
"""Columns naming a cluster by keys; :func:`iid_research.text.archetype_label` turns them into words."""


def name_archetypes(zscores: pd.DataFrame, sizes: pd.Series, *, dormant: pd.Series | None = None,
                    threshold: float = 0.5) -> pd.DataFrame:
    """Name clusters from what distinguishes them (as keys; reports put them into words).

    Level: the mean z-score of the maturity features (maturity_mean_score,
    mandatory_met_share, tahapan_penerapan_share, innovation_count; minus
    tahapan_inisiatif_share) above ``threshold`` -> ``"high"`` ("pelopor" /
    "leaders"), below -``threshold`` -> ``"low"`` ("baru mulai" / "early
    starters"), else ``"mid"`` ("berkembang" / "developing").  Focus: the
    focus feature (digital, public service, governance, community initiators,
    replication, ...; LAN jenis categories) with the highest z-score above
    ``threshold``.  A cluster of OPDs without innovations is ``"dormant"``; noise
    (-1) is ``"noise"``.  Repeated names take the next focus feature, then a
    number (``archetype_suffix`` 2, 3, ...).

    Parameters
    ----------
    zscores : DataFrame of shape (n_clusters, n_features)
        Cluster means standardised over all OPDs, indexed by cluster label.
    sizes : Series indexed by cluster label
        OPDs per cluster.
    dormant : Series of bool indexed by cluster label, optional
        Whether every OPD of the cluster has no innovation.
    threshold : float, default=0.5
        z-score a feature needs to count as distinctive.

    Returns
    -------
    DataFrame with columns [cluster, opd_count, archetype_level, archetype_focus, archetype_suffix,
    distinguishing]
        ``archetype_focus`` is a profile column name or "" (no focus); ``archetype_suffix`` 0 when the
        name is unique; ``distinguishing``: the three features with the largest |z|, e.g.
        "jenis_digital_share +1.3".
    """
    rows, used = [], {}
    for c in zscores.index:
        z = zscores.loc[c]
        top = z.reindex(z.abs().sort_values(ascending=False).index)[:3]
        distinguishing = ", ".join(f"{f} {v:+.1f}" for f, v in top.items())
        if c == NOISE:
            rows.append((c, int(sizes.get(c, 0)), "noise", "", 0, distinguishing))
            continue
        if dormant is not None and bool(dormant.get(c, False)):
            name = ("dormant", "")
        else:
            avail = {f: w for f, w in _LEVEL_FEATURES.items() if f in z.index}
            level_z = (sum(w * z[f] for f, w in avail.items()) / sum(abs(w) for w in avail.values())
                       if avail else 0.0)
            level = "high" if level_z > threshold else "low" if level_z < -threshold else "mid"
            foci = [f for f in z[z > threshold].sort_values(ascending=False).index
                    if f in FOCUS_FEATURES and not (level == "low" and f == "age_mean_year")]
            candidates = [(level, f) for f in foci] or [(level, "")]
            name = next((cand for cand in candidates if cand not in used), candidates[0])
        used[name] = used.get(name, 0) + 1
        rows.append((c, int(sizes.get(c, 0)), name[0], name[1], used[name] if used[name] > 1 else 0, distinguishing))
    return pd.DataFrame(rows, columns=["cluster", "opd_count", *ARCHETYPE_KEYS, "distinguishing"])


# --------------------------------------------------------------------------- scorecards

def strengths_weaknesses(profiles: pd.DataFrame, labels, *, features=None, top_n: int = 3) -> pd.DataFrame:
    """Each OPD's strengths and weaknesses against its cluster and its pemda.

    A feature's gap is (OPD value - reference mean) / overall standard
    deviation; the reference is the OPD's cluster, or all OPDs of its pemda
    and year.  Strengths: the ``top_n`` largest positive gaps (≥ 0.25 sd);
    weaknesses: the largest negative ones (≤ -0.25 sd).

    Parameters
    ----------
    profiles : DataFrame with columns [kode_wilayah, year, opd_key, *features]
    labels : array-like of shape (n_opds,)
        Cluster of each row (e.g. ``OPDClusterer.labels_``).
    features : list of str, optional
        Default: :func:`iid_research.analysis.opd.profile_feature_columns`.
    top_n : int, default=3

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_key, cluster, strengths_vs_cluster,
    weaknesses_vs_cluster, strengths_vs_pemda, weaknesses_vs_pemda]
        One row per OPD; each of the last four holds a list of (feature, gap in sd) pairs,
        largest first (reports put them into words with :func:`iid_research.notebook.opd_clusters.gaps_text`).
    """
    feats = list(features) if features is not None else profile_feature_columns(profiles)
    vals = profiles[feats].astype(float)
    sd = vals.std(ddof=0).replace(0, np.nan)
    labels = pd.Series(np.asarray(labels), index=profiles.index, name="cluster")
    cl_mean = vals.groupby(labels).transform("mean")
    group_keys = [c for c in ("kode_wilayah", "year") if c in profiles.columns]
    pemda_mean = vals.groupby([profiles[k] for k in group_keys]).transform("mean") if group_keys else vals.mean()
    gap_cl = ((vals - cl_mean) / sd).fillna(0.0)
    gap_pd = ((vals - pemda_mean) / sd).fillna(0.0)

    def pick(gaps: pd.DataFrame, positive: bool) -> list:
        out = []
        for row in gaps.to_numpy():
            order = np.argsort(-row if positive else row, kind="stable")[:top_n]
            out.append([(feats[j], float(row[j])) for j in order
                        if (row[j] >= 0.25 if positive else row[j] <= -0.25)])
        return out

    out = profiles[[c for c in ("kode_wilayah", "year", "opd_key") if c in profiles.columns]].copy()
    out["cluster"] = labels.to_numpy()
    out["strengths_vs_cluster"] = pick(gap_cl, True)
    out["weaknesses_vs_cluster"] = pick(gap_cl, False)
    out["strengths_vs_pemda"] = pick(gap_pd, True)
    out["weaknesses_vs_pemda"] = pick(gap_pd, False)
    return out.reset_index(drop=True)
