"""Clustering OPDs by innovation profile, archetypes and OPD scorecards.

:class:`OPDClusterer` is a scikit-learn style estimator over an OPD profile
table (:func:`iid_research.opd.build_opd_profiles` or
:func:`iid_research.opd.build_real_opd_profiles`).  Four methods:

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
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.metrics.cluster import contingency_matrix
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils import check_random_state

from .i18n import fmt_number
from .frameworks import Framework, framework_for_year, load_framework
from .opd import PROFILE_ID_COLUMNS, add_opd_keys, check_innovations, profile_feature_columns, \
    urusan_pelayanan_dasar
from .scoring import SID_COLUMNS, compute_iid, compute_sid, score_sid_innovations

METHODS = ("kmeans", "ward", "hdbscan", "kmedoids")
MAX_PAIRWISE_OPDS = 8000
"""Largest number of OPDs for methods that hold an n x n distance matrix (ward, kmedoids)."""

NOISE = -1


# --------------------------------------------------------------------------- messages

class TooFewOPDsError(ValueError):
    """Too few OPDs to cluster (one OPD, or fewer OPDs than clusters asked for).

    Attributes
    ----------
    n_opds : int
        OPDs in the profile table.
    needed : int
        OPDs the request needs.
    where : str
        Which pemda/year, when the table holds one.
    """

    def __init__(self, n_opds: int, needed: int, what: str, where: str = ""):
        self.n_opds, self.needed, self.what, self.where = int(n_opds), int(needed), what, where
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The message in Bahasa Indonesia (``"id"``) or English (``"en"``)."""
        where = f"{self.where}: " if self.where else ""
        if lang == "id":
            if self.n_opds <= 1:
                return (f"{where}hanya {self.n_opds} OPD yang punya inovasi; pengelompokan butuh sedikitnya "
                        f"{self.needed} OPD. Bandingkan OPD ini dengan OPD sejenis di pemda lain "
                        f"(kode_wilayah='all').")
            return (f"{where}{self.n_opds} OPD punya inovasi, sedangkan {self.what} butuh sedikitnya "
                    f"{self.needed} OPD. Pilih k lebih kecil atau k='auto', atau kelompokkan OPD lintas "
                    f"pemda (kode_wilayah='all').")
        if self.n_opds <= 1:
            return (f"{where}only {self.n_opds} OPD has innovations; clustering needs at least {self.needed} "
                    f"OPDs. Compare it with OPDs of the same type in other pemda (kode_wilayah='all').")
        return (f"{where}{self.n_opds} OPDs have innovations but {self.what} needs at least {self.needed}. "
                f"Choose a smaller k or k='auto', or cluster OPDs across pemda (kode_wilayah='all').")


@dataclasses.dataclass
class ClusteringOutcome:
    """Result of :func:`fit_or_explain`: a fitted model, or the reason there is none.

    Attributes
    ----------
    model : OPDClusterer or None
    message : str
        Empty when fitted; otherwise why clustering was not possible (in the requested language).
    """

    model: "OPDClusterer | None"
    message: str = ""

    @property
    def is_fitted(self) -> bool:
        """True when clustering ran; False when only an explanation (message) is available."""
        return self.model is not None


def fit_or_explain(model: "OPDClusterer", profiles: pd.DataFrame, *, lang: str = "id") -> ClusteringOutcome:
    """Fit ``model``; on too few OPDs return the reason instead of raising.

    Parameters
    ----------
    model : OPDClusterer
    profiles : DataFrame
        Profile table (see :meth:`OPDClusterer.fit`).
    lang : {'id', 'en'}, default='id'

    Returns
    -------
    ClusteringOutcome
        ``model`` fitted, or None with ``message`` set.  Other errors propagate.
    """
    try:
        return ClusteringOutcome(model.fit(profiles), "")
    except TooFewOPDsError as exc:
        return ClusteringOutcome(None, exc.message(lang))


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


# --------------------------------------------------------------------------- estimator

class OPDClusterer(ClusterMixin, BaseEstimator):
    """Cluster OPDs by innovation profile.

    Parameters
    ----------
    method : {'kmeans', 'ward', 'hdbscan', 'kmedoids'}, default='kmeans'
        Clustering method (see the module docstring).
    k : int or 'auto', default='auto'
        Number of clusters; 'auto' picks the k in ``k_range`` with the
        highest silhouette.  Ignored by 'hdbscan'.
    k_range : tuple of (int, int), default=(2, 8)
        Smallest and largest k tried when ``k='auto'`` (capped at n_opds - 1).
    features : list of str, optional
        Numeric feature columns; None means every numeric column except the
        identifiers in :data:`iid_research.opd.PROFILE_ID_COLUMNS`.
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
        Number of clusters (noise not counted).
    silhouette_scores_ : Series indexed by k
        Silhouette of each k tried (one entry for a fixed k; for hdbscan the
        silhouette of the non-noise OPDs, NaN if undefined).
    inertia_ : Series indexed by k
        Within-cluster sum of squares on the standardised features (kmeans,
        ward) or sum of Gower distances to the medoids (kmedoids), per k: the
        elbow curve.  Empty for hdbscan.
    stability_ : ClusterStability or None
        Bootstrap mean ARI and per-cluster Jaccard; None if ``n_bootstrap`` is 0.
    archetypes_ : DataFrame with columns [cluster, opd_count, archetype_id, archetype_en, distinguishing]
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
    """

    def __init__(self, method: str = "kmeans", k="auto", k_range=(2, 8), *, features=None,
                 categorical_features=None, n_bootstrap: int = 20, min_cluster_size: int = 5, n_init: int = 4,
                 silhouette_sample_size: int = 4000, n_threads: int | None = 1, random_state=None):
        self.method = method
        self.k = k
        self.k_range = k_range
        self.features = features
        self.categorical_features = categorical_features
        self.n_bootstrap = n_bootstrap
        self.min_cluster_size = min_cluster_size
        self.n_init = n_init
        self.silhouette_sample_size = silhouette_sample_size
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
                             f"{MAX_PAIRWISE_OPDS} (iid_research.clustering.MAX_PAIRWISE_OPDS). Use method='kmeans' "
                             "or cluster a subset (one pemda, one year).")
        return ks

    # -- fitting -----------------------------------------------------------
    def fit(self, profiles, y=None):
        """Cluster the OPDs of a profile table.

        Parameters
        ----------
        profiles : DataFrame of shape (n_opds, n_columns) or array-like of shape (n_opds, n_features)
            One row per OPD (see :func:`iid_research.opd.build_opd_profiles`);
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
        self.labels_, order = _relabel_by_size(labels)
        if self.medoid_indices_ is not None:
            self.medoid_indices_ = np.asarray(self.medoid_indices_)[order]
        self.k_ = int(len(set(self.labels_[self.labels_ != NOISE])))
        self._describe_clusters(X, num)
        self.stability_ = self._bootstrap(rng) if int(self.n_bootstrap) > 0 else None
        del self._distance, self._numeric_raw  # working data (an n x n matrix for kmedoids): not kept
        return self

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

    # -- convenience -------------------------------------------------------
    def assignments(self, profiles: pd.DataFrame, *, lang: str = "id") -> pd.DataFrame:
        """The profile table with columns [cluster, archetype] added (archetype in ``lang``)."""
        if len(profiles) != len(self.labels_):
            raise ValueError(f"profiles has {len(profiles)} rows but the model was fitted on {len(self.labels_)}")
        names = self.archetypes_.set_index("cluster")[f"archetype_{lang}"]
        out = profiles.copy()
        out["cluster"] = self.labels_
        out["archetype"] = out["cluster"].map(names)
        return out

    def summary(self, *, lang: str = "id") -> pd.DataFrame:
        """One row per cluster: [cluster, archetype, opd_count, jaccard_mean, distinguishing]."""
        out = self.archetypes_[["cluster", f"archetype_{lang}", "opd_count", "distinguishing"]].rename(
            columns={f"archetype_{lang}": "archetype"})
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
_FOCUS = {
    "jenis_digital_share": ("layanan digital", "digital service"),
    "bentuk_pelayanan_publik_share": ("pelayanan publik", "public service"),
    "bentuk_tata_kelola_share": ("tata kelola", "governance"),
    "bentuk_urusan_lain_share": ("inovasi sektoral", "sectoral innovation"),
    "inisiator_masyarakat_share": ("berbasis masyarakat", "community-driven"),
    "inisiator_kepala_daerah_share": ("arahan kepala daerah", "leader-initiated"),
    "inisiator_asn_share": ("prakarsa ASN", "civil-servant-initiated"),
    "inisiator_anggota_dprd_share": ("prakarsa DPRD", "council-initiated"),
    "replicated_share": ("replikasi", "replication"),
    "urusan_yandas_share": ("pelayanan dasar", "basic service"),
    "age_mean_year": ("inovasi lama", "long-running"),
    "jenis_teknologi_share": ("inovasi teknologi", "technology"),
    "jenis_metode_share": ("inovasi metode", "method"),
    "jenis_produk_share": ("inovasi produk", "product"),
    "jenis_proses_share": ("inovasi proses", "process"),
    "jenis_konseptual_share": ("inovasi konseptual", "conceptual"),
    "jenis_sumber_daya_manusia_share": ("inovasi SDM", "human-resource"),
    "jenis_struktur_organisasi_share": ("inovasi organisasi", "organisational"),
    "jenis_hubungan_share": ("inovasi kemitraan", "partnership"),
}
_LEVEL_NAMES = {"high": ("pelopor", "leaders"), "mid": ("berkembang", "developing"),
                "low": ("baru mulai", "early starters")}


def _compose(level: str, focus):
    lid, len_ = _LEVEL_NAMES[level]
    if focus is None:
        return lid, len_
    fid, fen = focus
    if level == "high":
        return f"pelopor {fid}", f"{fen} leaders"
    if level == "mid":
        return f"{fid} berkembang", f"developing {fen}"
    return f"baru mulai – {fid}", f"early starters – {fen}"


def name_archetypes(zscores: pd.DataFrame, sizes: pd.Series, *, dormant: pd.Series | None = None,
                    threshold: float = 0.5) -> pd.DataFrame:
    """Name clusters from what distinguishes them, in Bahasa Indonesia and English.

    Level: the mean z-score of the maturity features (maturity_mean_score,
    mandatory_met_share, tahapan_penerapan_share, innovation_count; minus
    tahapan_inisiatif_share) above ``threshold`` -> "pelopor"/"leaders",
    below -``threshold`` -> "baru mulai"/"early starters", else
    "berkembang"/"developing".  Focus: the focus feature (digital, public
    service, governance, community initiators, replication, ...; LAN jenis
    categories) with the highest z-score above ``threshold``.  A cluster of
    OPDs without innovations is "dorman"/"dormant"; noise (-1) is
    "tidak tergolong"/"unassigned".  Repeated names get the next focus
    feature, then a number.

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
    DataFrame with columns [cluster, opd_count, archetype_id, archetype_en, distinguishing]
        ``distinguishing``: the three features with the largest |z|, e.g. "jenis_digital_share +1.3".
    """
    rows, used = [], {}
    for c in zscores.index:
        z = zscores.loc[c]
        top = z.reindex(z.abs().sort_values(ascending=False).index)[:3]
        distinguishing = ", ".join(f"{f} {v:+.1f}" for f, v in top.items())
        if c == NOISE:
            rows.append((c, int(sizes.get(c, 0)), "tidak tergolong", "unassigned", distinguishing))
            continue
        if dormant is not None and bool(dormant.get(c, False)):
            name_id, name_en = "dorman", "dormant"
        else:
            avail = {f: w for f, w in _LEVEL_FEATURES.items() if f in z.index}
            level_z = (sum(w * z[f] for f, w in avail.items()) / sum(abs(w) for w in avail.values())
                       if avail else 0.0)
            level = "high" if level_z > threshold else "low" if level_z < -threshold else "mid"
            foci = [f for f in z[z > threshold].sort_values(ascending=False).index
                    if f in _FOCUS and not (level == "low" and f == "age_mean_year")]
            candidates = [_compose(level, _FOCUS[f]) for f in foci] or [_compose(level, None)]
            name_id, name_en = next((cand for cand in candidates if cand[0] not in used), candidates[0])
        if name_id in used:
            used[name_id] += 1
            name_id, name_en = f"{name_id} ({used[name_id]})", f"{name_en} ({used[name_id]})"
        else:
            used[name_id] = 1
        rows.append((c, int(sizes.get(c, 0)), name_id, name_en, distinguishing))
    return pd.DataFrame(rows, columns=["cluster", "opd_count", "archetype_id", "archetype_en", "distinguishing"])


# --------------------------------------------------------------------------- feature labels

_FEATURE_LABELS = {
    "innovation_count": ("Jumlah inovasi", "Innovations"),
    "tahapan_inisiatif_share": ("Porsi tahap inisiatif", "Share at initiative stage"),
    "tahapan_uji_coba_share": ("Porsi tahap uji coba", "Share at trial stage"),
    "tahapan_penerapan_share": ("Porsi tahap penerapan", "Share implemented"),
    "jenis_digital_share": ("Porsi inovasi digital", "Share digital"),
    "bentuk_tata_kelola_share": ("Porsi tata kelola", "Share governance"),
    "bentuk_pelayanan_publik_share": ("Porsi pelayanan publik", "Share public service"),
    "bentuk_urusan_lain_share": ("Porsi inovasi urusan lain", "Share other urusan"),
    "inisiator_kepala_daerah_share": ("Inisiator kepala daerah", "Initiated by regional head"),
    "inisiator_anggota_dprd_share": ("Inisiator anggota DPRD", "Initiated by council members"),
    "inisiator_opd_share": ("Inisiator OPD", "Initiated by the OPD"),
    "inisiator_asn_share": ("Inisiator ASN", "Initiated by civil servants"),
    "inisiator_masyarakat_share": ("Inisiator masyarakat", "Initiated by citizens"),
    "urusan_yandas_count": ("Urusan pelayanan dasar tercakup", "Basic-service urusan covered"),
    "urusan_other_count": ("Urusan lain tercakup", "Other urusan covered"),
    "urusan_yandas_share": ("Porsi inovasi pelayanan dasar", "Share in basic services"),
    "maturity_mean_score": ("Rata-rata skor kematangan (maks 111)", "Mean maturity score (max 111)"),
    "mandatory_met_share": ("Indikator wajib terpenuhi", "Mandatory indicators met"),
    "replicated_share": ("Porsi direplikasi", "Share replicated"),
    "age_mean_year": ("Rata-rata umur inovasi (tahun)", "Mean innovation age (years)"),
}


_LAN_JENIS_EN = {"metode": "method", "produk": "product", "proses": "process", "teknologi": "technology",
                 "konseptual": "conceptual", "struktur_organisasi": "organisational structure",
                 "hubungan": "partnership", "sumber_daya_manusia": "human resources", "lainnya": "other"}


def feature_label(column: str, lang: str = "id", *, short: bool = False) -> str:
    """Readable label of a profile column in ``lang`` ({'id', 'en'}).

    SID columns use the indicator names of the 2026 framework, e.g.
    ``"sid_19_mean_level"`` -> "19 Alat Kerja (rata-rata level)".
    With ``short=True`` SID columns read "SID 19 Alat Kerja" (for running text).
    Unknown columns are returned unchanged.
    """
    i = 0 if lang == "id" else 1
    if column in _FEATURE_LABELS:
        return _FEATURE_LABELS[column][i]
    if column.startswith("sid_") and column.endswith("_mean_level"):
        no = int(column.split("_")[1])
        fw = load_framework(2026)
        name = fw.sid.set_index("indicator_no").loc[no, "name_id" if i == 0 else "name_en"]
        if short:
            return f"SID {no} {name}"
        return f"{no} {name} ({'rata-rata level' if i == 0 else 'mean level'})"
    if column.startswith("jenis_") and column.endswith("_share"):
        cat = column[len("jenis_"):-len("_share")]
        if i == 0:
            return f"Porsi jenis {cat.replace('_', ' ')}"
        return f"Share of type {_LAN_JENIS_EN.get(cat, cat.replace('_', ' '))}"
    return column


# --------------------------------------------------------------------------- scorecards

def strengths_weaknesses(profiles: pd.DataFrame, labels, *, features=None, top_n: int = 3,
                         lang: str = "id") -> pd.DataFrame:
    """Each OPD's strengths and weaknesses against its cluster and its pemda.

    A feature's gap is (OPD value - reference mean) / overall standard
    deviation; the reference is the OPD's cluster, or all OPDs of its pemda
    and year.  Strengths: the ``top_n`` largest positive gaps (≥ 0.25 sd);
    weaknesses: the largest negative ones.

    Parameters
    ----------
    profiles : DataFrame with columns [kode_wilayah, year, opd_key, *features]
    labels : array-like of shape (n_opds,)
        Cluster of each row (e.g. ``OPDClusterer.labels_``).
    features : list of str, optional
        Default: :func:`iid_research.opd.profile_feature_columns`.
    top_n : int, default=3
    lang : {'id', 'en'}, default='id'

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_key, cluster, strengths_vs_cluster,
    weaknesses_vs_cluster, strengths_vs_pemda, weaknesses_vs_pemda]
        Texts like "Porsi inovasi digital (+1.4 sd); ...", one row per OPD.
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

    def texts(gaps: pd.DataFrame, positive: bool) -> list[str]:
        out = []
        arr = gaps.to_numpy()
        for row in arr:
            order = np.argsort(-row if positive else row, kind="stable")[:top_n]
            picked = [(feats[j], row[j]) for j in order if (row[j] >= 0.25 if positive else row[j] <= -0.25)]
            out.append("; ".join(f"{feature_label(f, lang, short=True)} ({fmt_number(v, lang, '+.1f')} sd)" for f, v in picked))
        return out

    out = profiles[[c for c in ("kode_wilayah", "year", "opd_key") if c in profiles.columns]].copy()
    out["cluster"] = labels.to_numpy()
    out["strengths_vs_cluster"] = texts(gap_cl, True)
    out["weaknesses_vs_cluster"] = texts(gap_cl, False)
    out["strengths_vs_pemda"] = texts(gap_pd, True)
    out["weaknesses_vs_pemda"] = texts(gap_pd, False)
    return out.reset_index(drop=True)


def sid_upgrade_gains(innovations: pd.DataFrame, *, kode_wilayah: str, year: int, framework: Framework | None = None,
                      spd_score: float = 0.0, include_new_innovation: bool = True,
                      mapping_path=None) -> pd.DataFrame:
    """IID gain of every one-step SID upgrade open to a pemda, per OPD.

    A step raises one SID indicator of one innovation by one level (e.g.
    indicator 19 of innovation X from level 1 to 2).  Each candidate is
    rescored with the official engine: the innovation's SID score with
    :func:`iid_research.scoring.score_sid_innovations`, the pemda's SID with
    :func:`iid_research.scoring.compute_sid` (so the divisor MAX(floor, n)
    and the count score apply) and the IID with
    :func:`iid_research.scoring.compute_iid`.  With
    ``include_new_innovation``, each OPD also gets the option of reporting
    one more innovation shaped like the pemda's median innovation (its
    levels rounded), whose steps are the sum of its levels.

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        All innovations (any pemda/year); the pemda-year is selected here.
    kode_wilayah : str
    year : int
    framework : Framework, optional
        Default :func:`iid_research.frameworks.framework_for_year` of ``year``.
    spd_score : float, default=0.0
        The pemda's SPD score (0-63); only shifts the IID levels, not the gains.
    include_new_innovation : bool, default=True
    mapping_path : path-like, optional
        OPD-type mapping table.

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_key, innovation_id, step_kind, indicator_no,
    from_level, to_level, steps_count, sid_gain, iid_gain, iid_gain_per_step, iid_before, iid_after,
    is_mandatory, fills_mandatory_gap]
        ``step_kind`` is "raise_level" or "add_innovation"; gains on the IID
        0-100 scale; sorted by ``iid_gain_per_step`` (largest first; ties:
        steps that fill a mandatory indicator left at 0 first, since an
        innovation missing a mandatory indicator risks rejection).

    Raises
    ------
    ValueError
        If the pemda has no innovation in ``year`` or the table breaks the contract.

    Notes
    -----
    The multi-step path to a target rank is ``iid_research.drivers.path_to_target``
    (issue 3); this function gives the one-step menu per OPD, and
    :func:`plan_steps_by_opd` splits such a plan over the OPDs.
    """
    inn = check_innovations(innovations)
    inn = inn[(inn["kode_wilayah"] == kode_wilayah) & (inn["year"] == int(year))]
    if inn.empty:
        raise ValueError(f"no innovations for kode_wilayah {kode_wilayah!r} in {year}")
    inn = add_opd_keys(inn, path=mapping_path).reset_index(drop=True)
    fw = framework if framework is not None else framework_for_year(int(year))
    weights = fw.sid_weights
    mandatory = set(fw.sid.loc[fw.sid["is_mandatory"], "indicator_no"].astype(int))
    yandas = urusan_pelayanan_dasar(inn["urusan"])
    n_yandas = int(yandas.nunique())
    base_scores = score_sid_innovations(inn, fw).to_numpy()
    base_sid = compute_sid(base_scores, fw, n_urusan_yandas=n_yandas).sid_score
    iid_before = compute_iid(spd_score, base_sid, fw)

    levels = inn[list(SID_COLUMNS)].to_numpy(dtype=int)
    rows_i, cols_j = np.nonzero(levels < 3)
    raised = inn.iloc[rows_i][list(SID_COLUMNS)].reset_index(drop=True)
    for col_idx in np.unique(cols_j):
        sel = cols_j == col_idx
        raised.loc[sel, SID_COLUMNS[col_idx]] = raised.loc[sel, SID_COLUMNS[col_idx]].to_numpy() + 1
    new_scores = score_sid_innovations(raised, fw).to_numpy()
    total = base_scores.sum()
    sid_after = np.array([compute_sid(np.append(np.delete(base_scores, i), s), fw, n_urusan_yandas=n_yandas).sid_score
                          for i, s in zip(rows_i, new_scores)]) if len(rows_i) and len(base_scores) < 400 else \
        _fast_sid_after(base_scores, total, rows_i, new_scores, fw, n_yandas)
    indicator = np.array([int(SID_COLUMNS[j].split("_")[1]) for j in cols_j], dtype=int)
    out = pd.DataFrame({
        "kode_wilayah": kode_wilayah, "year": int(year), "opd_key": inn["opd_key"].to_numpy()[rows_i],
        "innovation_id": inn["innovation_id"].to_numpy()[rows_i], "step_kind": "raise_level",
        "indicator_no": indicator, "from_level": levels[rows_i, cols_j], "to_level": levels[rows_i, cols_j] + 1,
        "steps_count": 1, "sid_gain": sid_after - base_sid,
    })
    if include_new_innovation:
        template = np.rint(np.median(levels, axis=0)).astype(int)
        if template.sum() == 0:
            template = np.array([1 if int(c.split("_")[1]) in mandatory else 0 for c in SID_COLUMNS])
        t_score = float(score_sid_innovations(pd.DataFrame([template], columns=list(SID_COLUMNS)), fw).iloc[0])
        adds = []
        for opd, part in inn.groupby("opd_key", sort=True):
            urusan = part["urusan"].mode().iloc[0]
            new_yandas = urusan_pelayanan_dasar(pd.concat([inn["urusan"], pd.Series([urusan])])).nunique()
            sid_new = compute_sid(np.append(base_scores, t_score), fw, n_urusan_yandas=int(new_yandas)).sid_score
            adds.append({"kode_wilayah": kode_wilayah, "year": int(year), "opd_key": opd,
                         "innovation_id": "(baru/new)", "step_kind": "add_innovation", "indicator_no": 0,
                         "from_level": 0, "to_level": 0, "steps_count": int(template.sum()),
                         "sid_gain": sid_new - base_sid})
        out = pd.concat([out, pd.DataFrame(adds)], ignore_index=True)
    out["iid_before"] = iid_before
    out["iid_after"] = compute_iid(spd_score, base_sid + out["sid_gain"].to_numpy(), fw)
    out["iid_gain"] = out["iid_after"] - iid_before
    out["iid_gain_per_step"] = out["iid_gain"] / out["steps_count"]
    out["is_mandatory"] = out["indicator_no"].isin(mandatory)
    out["fills_mandatory_gap"] = out["is_mandatory"] & (out["from_level"] == 0)
    cols = ["kode_wilayah", "year", "opd_key", "innovation_id", "step_kind", "indicator_no", "from_level",
            "to_level", "steps_count", "sid_gain", "iid_gain", "iid_gain_per_step", "iid_before", "iid_after",
            "is_mandatory", "fills_mandatory_gap"]
    out["_gain"] = out["iid_gain_per_step"].round(9)
    out = out.sort_values(["_gain", "fills_mandatory_gap", "opd_key", "innovation_id", "indicator_no"],
                          ascending=[False, False, True, True, True], kind="stable")[cols]
    return out.reset_index(drop=True)


def plan_steps_by_opd(innovations: pd.DataFrame, new_sid_answers: pd.DataFrame, *, kode_wilayah: str, year: int,
                      mapping_path=None) -> pd.DataFrame:
    """Attribute the SID upgrades of a path-to-target plan to the OPDs that own the innovations.

    Meant for ``iid_research.drivers.path_to_target`` (issue 3): its
    ``PathPlan.new_sid_answers`` holds the upgraded answers of the pemda-year's
    innovations in table order, followed by one row per new innovation.

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        The table given to the planner (any pemda/year; selected here in table order).
    new_sid_answers : DataFrame with columns [sid_16 ... sid_35]
        First n rows: the upgraded answers of the n selected innovations, same order; then new innovations.
    kode_wilayah : str
    year : int
    mapping_path : path-like, optional

    Returns
    -------
    DataFrame with columns [opd_key, innovation_id, indicator_no, from_level, to_level, steps_count]
        One row per (innovation, indicator) raised; new innovations get
        ``opd_key`` "(baru/new)" and ``innovation_id`` "(baru/new) 1", "(baru/new) 2", ...

    Raises
    ------
    ValueError
        If ``new_sid_answers`` has fewer rows than the pemda-year has innovations, or a level went down.
    """
    inn = innovations[(innovations["kode_wilayah"] == kode_wilayah) & (innovations["year"].astype(int) == int(year))]
    n = len(inn)
    new = new_sid_answers[list(SID_COLUMNS)].to_numpy(dtype=int)
    if len(new) < n:
        raise ValueError(f"new_sid_answers has {len(new)} rows but {kode_wilayah} {year} has {n} innovations")
    old = np.vstack([inn[list(SID_COLUMNS)].to_numpy(dtype=int), np.zeros((len(new) - n, len(SID_COLUMNS)), int)])
    if (new < old).any():
        raise ValueError("new_sid_answers lowers some levels; expected upgrades only")
    keys = list(add_opd_keys(inn, path=mapping_path)["opd_key"]) if n else []
    ids = list(inn["innovation_id"])
    keys += ["(baru/new)"] * (len(new) - n)
    ids += [f"(baru/new) {j + 1}" for j in range(len(new) - n)]
    rows_i, cols_j = np.nonzero(new > old)
    out = pd.DataFrame({
        "opd_key": np.asarray(keys, dtype=object)[rows_i], "innovation_id": np.asarray(ids, dtype=object)[rows_i],
        "indicator_no": [int(SID_COLUMNS[j].split("_")[1]) for j in cols_j],
        "from_level": old[rows_i, cols_j], "to_level": new[rows_i, cols_j],
        "steps_count": new[rows_i, cols_j] - old[rows_i, cols_j]})
    return out.sort_values(["opd_key", "innovation_id", "indicator_no"], kind="stable").reset_index(drop=True)


def _fast_sid_after(base_scores, total, rows_i, new_scores, fw, n_yandas):
    # same n innovations, so only the quality part changes: Σ/MAX(floor, n) (compute_sid on the base for the rest)
    base = compute_sid(base_scores, fw, n_urusan_yandas=n_yandas)
    return (total - base_scores[rows_i] + new_scores) / base.divisor + base.count_score


def opd_scorecards(profiles: pd.DataFrame, model: OPDClusterer, innovations: pd.DataFrame | None = None, *,
                   framework: Framework | None = None, spd_scores: dict | None = None, top_n: int = 3,
                   lang: str = "id", mapping_path=None) -> pd.DataFrame:
    """One scorecard row per OPD: cluster, archetype, strengths, weaknesses, best SID upgrades.

    Parameters
    ----------
    profiles : DataFrame
        The profile table ``model`` was fitted on (same rows, same order).
    model : OPDClusterer
        Fitted.
    innovations : DataFrame following the innovations contract, optional
        When given, each OPD gets its ``top_n`` SID upgrades with the largest
        IID gain per step (:func:`sid_upgrade_gains`).
    framework : Framework, optional
    spd_scores : dict of (kode_wilayah, year) -> float, optional
        SPD score per pemda-year, for the IID levels shown (gains do not depend on it).
    top_n : int, default=3
    lang : {'id', 'en'}, default='id'
    mapping_path : path-like, optional

    Returns
    -------
    DataFrame with columns [kode_wilayah, year, opd_key, opd_label, cluster, archetype, innovation_count,
    maturity_mean_score, strengths_vs_cluster, weaknesses_vs_cluster, strengths_vs_pemda,
    weaknesses_vs_pemda, best_upgrades, best_iid_gain_per_step]
        ``best_upgrades`` reads e.g. "indikator 35 +1 level pada 4 inovasi (+0.024 IID/step)":
        the OPD's ``top_n`` indicators with the largest IID gain per step (:func:`upgrade_menu`).
    """
    if len(profiles) != len(model.labels_):
        raise ValueError(f"profiles has {len(profiles)} rows but the model was fitted on {len(model.labels_)}")
    sw = strengths_weaknesses(profiles, model.labels_, features=model.feature_columns_, top_n=top_n, lang=lang)
    names = model.archetypes_.set_index("cluster")[f"archetype_{lang}"]
    card = sw[[c for c in ("kode_wilayah", "year", "opd_key") if c in sw.columns]].copy()
    label_col = "opd_label_id" if lang == "id" else "opd_label_en"
    card["opd_label"] = (profiles[label_col].to_numpy() if label_col in profiles.columns
                         else profiles.get("opd_key", pd.Series(index=profiles.index)).to_numpy())
    if "opd_name" in profiles.columns:
        unm = profiles["opd_type"].eq("belum_terpetakan").to_numpy() if "opd_type" in profiles.columns else False
        card["opd_label"] = np.where(unm, profiles["opd_name"].to_numpy(), card["opd_label"].to_numpy())
    card["cluster"] = model.labels_
    card["archetype"] = card["cluster"].map(names).to_numpy()
    for c in ("innovation_count", "maturity_mean_score"):
        card[c] = profiles[c].to_numpy() if c in profiles.columns else np.nan
    for c in ("strengths_vs_cluster", "weaknesses_vs_cluster", "strengths_vs_pemda", "weaknesses_vs_pemda"):
        card[c] = sw[c].to_numpy()
    card["best_upgrades"] = ""
    card["best_iid_gain_per_step"] = np.nan
    if innovations is not None and {"kode_wilayah", "year", "opd_key"} <= set(card.columns):
        word = "indikator" if lang == "id" else "indicator"
        new = "inovasi baru" if lang == "id" else "new innovation"
        for (kw, yr), idx in card.groupby(["kode_wilayah", "year"]).groups.items():
            spd = (spd_scores or {}).get((kw, yr), 0.0)
            try:
                gains = sid_upgrade_gains(innovations, kode_wilayah=kw, year=int(yr), framework=framework,
                                          spd_score=spd, mapping_path=mapping_path)
            except ValueError:
                continue
            menus = upgrade_menu(gains, by_opd=True)
            on = "pada" if lang == "id" else "on"
            inn_word = "inovasi" if lang == "id" else "innovation(s)"
            step = "langkah" if lang == "id" else "step"
            for i in idx:
                g = menus[menus["opd_key"] == card.at[i, "opd_key"]].head(top_n)
                if g.empty:
                    continue
                card.at[i, "best_iid_gain_per_step"] = float(g["iid_gain_per_step"].iloc[0])
                card.at[i, "best_upgrades"] = "; ".join(
                    (f"{word} {r.indicator_no} +1 level {on} {r.open_steps_count} {inn_word} "
                     f"({fmt_number(r.iid_gain_per_step, lang, '+.3f')} IID/{step})") if r.step_kind == "raise_level"
                    else f"{new} ({r.steps_count_min} {step}, {fmt_number(r.iid_gain_max, lang, '+.3f')} IID)"
                    for r in g.itertuples())
    card["maturity_mean_score"] = card["maturity_mean_score"].astype(float).round(1)
    return card.reset_index(drop=True)


def upgrade_menu(gains: pd.DataFrame, *, by_opd: bool = False) -> pd.DataFrame:
    """Summarise one-step upgrades per indicator: the gain per step and how many steps are open.

    Parameters
    ----------
    gains : DataFrame
        As returned by :func:`sid_upgrade_gains`.
    by_opd : bool, default=False
        One menu per OPD (``opd_key``) instead of one for the pemda.

    Returns
    -------
    DataFrame with columns [(opd_key,) step_kind, indicator_no, indicator_name_id, indicator_name_en,
    iid_gain_per_step, iid_gain_max, open_steps_count, steps_count_min, innovation_count, opd_count,
    is_mandatory]
        One row per (OPD,) step kind and indicator; ``iid_gain_per_step`` is the best
        gain per step among its open steps, ``open_steps_count`` how many
        single-level raises are open (for "add_innovation": OPDs that could
        add one).  Indicator names from the framework of the gains' year
        (2026 names when several years are mixed).  Sorted by
        ``iid_gain_per_step``, largest first.
    """
    keys = (["opd_key"] if by_opd else []) + ["step_kind", "indicator_no"]
    if gains.empty:
        return pd.DataFrame(columns=keys + ["indicator_name_id", "indicator_name_en", "iid_gain_per_step",
                                            "iid_gain_max", "open_steps_count", "steps_count_min",
                                            "innovation_count", "opd_count", "is_mandatory"])
    out = gains.groupby(keys, sort=False).agg(
        iid_gain_per_step=("iid_gain_per_step", "max"), iid_gain_max=("iid_gain", "max"),
        open_steps_count=("iid_gain", "size"), steps_count_min=("steps_count", "min"),
        innovation_count=("innovation_id", "nunique"), opd_count=("opd_key", "nunique"),
        is_mandatory=("is_mandatory", "any")).reset_index()
    years = gains["year"].unique() if "year" in gains.columns else []
    fw = framework_for_year(int(years[0])) if len(years) == 1 else load_framework(2026)
    names = fw.sid.set_index("indicator_no")
    out.insert(len(keys), "indicator_name_id", out["indicator_no"].map(names["name_id"]).fillna("(inovasi baru)"))
    out.insert(len(keys) + 1, "indicator_name_en", out["indicator_no"].map(names["name_en"]).fillna("(new innovation)"))
    out["_gain"] = out["iid_gain_per_step"].round(9)
    out = out.sort_values(["_gain", "is_mandatory", *keys], ascending=[False, False, *[True] * len(keys)],
                          kind="stable").drop(columns="_gain")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- plots

_TEXT = {
    "k": ("Jumlah klaster (k)", "Number of clusters (k)"),
    "silhouette": ("Skor silhouette", "Silhouette score"),
    "inertia": ("Inersia (siku)", "Inertia (elbow)"),
    "chosen": ("k terpilih", "chosen k"),
    "heatmap": ("Profil klaster (z-score terhadap semua OPD)", "Cluster profiles (z-score against all OPDs)"),
    "pca": ("Proyeksi PCA 2-D", "2-D PCA projection"),
    "pc": ("Komponen utama", "Principal component"),
    "dendrogram": ("Dendrogram Ward", "Ward dendrogram"),
    "distance": ("Jarak Ward (profil terstandar)", "Ward distance (standardised profiles)"),
    "zscore": ("z-score (0 = rata-rata semua OPD)", "z-score (0 = mean of all OPDs)"),
    "simulated": ("SIMULASI", "SIMULATED"),
    "opd": ("OPD", "OPD"),
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key][0 if lang == "id" else 1]


def _ax(ax):
    import matplotlib.pyplot as plt
    return ax if ax is not None else plt.gca()


def plot_k_selection(model: OPDClusterer, *, lang: str = "id", ax=None):
    """Silhouette (left axis) and inertia/elbow (right axis) for every k tried.

    Parameters
    ----------
    model : OPDClusterer, fitted
    lang : {'id', 'en'}, default='id'
    ax : matplotlib Axes, optional
        Default ``plt.gca()``.

    Returns
    -------
    matplotlib Axes
        The silhouette axis (the inertia axis is its twin).
    """
    ax = _ax(ax)
    sil = model.silhouette_scores_
    ax.plot(sil.index, sil.to_numpy(), marker="o", color="C0", label=_t("silhouette", lang))
    ax.set_xlabel(_t("k", lang))
    ax.set_ylabel(_t("silhouette", lang), color="C0")
    if model.k_ in sil.index and np.isfinite(sil.to_numpy(dtype=float)).any():
        ax.axvline(model.k_, color="grey", linestyle="--", linewidth=1)
        ax.annotate(f"{_t('chosen', lang)} = {model.k_}", (model.k_, np.nanmax(sil.to_numpy())),
                    textcoords="offset points", xytext=(5, -12), fontsize=9)
    if len(model.inertia_):
        ax2 = ax.twinx()
        ax2.plot(model.inertia_.index, model.inertia_.to_numpy(), marker="s", color="C1")
        ax2.set_ylabel(_t("inertia", lang), color="C1")
    ax.set_xticks(list(sil.index))
    return ax


def plot_cluster_heatmap(model: OPDClusterer, *, lang: str = "id", features=None, ax=None, **kwargs):
    """Heatmap of cluster profiles: features (rows) x archetypes (columns), z-scores.

    Parameters
    ----------
    model : OPDClusterer, fitted
    lang : {'id', 'en'}, default='id'
    features : list of str, optional
        Rows to show; default every numeric feature.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns
    ax = _ax(ax)
    z = model.cluster_zscores_ if features is None else model.cluster_zscores_[list(features)]
    names = model.archetypes_.set_index("cluster")[f"archetype_{lang}"]
    data = z.T.copy()
    data.columns = [f"{c}: {names.get(c, c)}" for c in z.index]
    data.index = [feature_label(f, lang) for f in z.columns]
    kwargs.setdefault("cmap", "RdBu_r")
    kwargs.setdefault("center", 0)
    if kwargs.get("annot", len(data.columns) <= 8) is True or ("annot" not in kwargs and len(data.columns) <= 8):
        kwargs["annot"] = data.map(lambda v: fmt_number(v, lang, ".1f")).to_numpy()
        kwargs["fmt"] = ""
    kwargs.setdefault("fmt", ".1f")
    kwargs.setdefault("cbar_kws", {"label": _t("zscore", lang)})
    kwargs.setdefault("annot_kws", {"fontsize": 7})
    kwargs.setdefault("yticklabels", True)
    sns.heatmap(data, ax=ax, **kwargs)
    ax.set_title(_t("heatmap", lang))
    return ax


def plot_cluster_pca(model: OPDClusterer, *, lang: str = "id", ax=None, **kwargs):
    """2-D PCA projection of the preprocessed profiles, coloured by archetype (noise grey).

    Parameters
    ----------
    model : OPDClusterer, fitted
    lang : {'id', 'en'}, default='id'
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :func:`seaborn.scatterplot`.

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns
    ax = _ax(ax)
    emb = model.embedding_
    n_comp = min(2, emb.shape[1], emb.shape[0])
    pca = PCA(n_components=n_comp, random_state=0).fit(emb)
    xy = pca.transform(emb)
    if xy.shape[1] == 1:
        xy = np.column_stack([xy, np.zeros(len(xy))])
    names = model.archetypes_.set_index("cluster")[f"archetype_{lang}"]
    hue = pd.Series(model.labels_).map(lambda c: f"{c}: {names.get(c, c)}" if c != NOISE else names.get(c, "noise"))
    order = [f"{c}: {names[c]}" for c in sorted(set(model.labels_) - {NOISE})]
    palette = dict(zip(order, sns.color_palette(n_colors=len(order))))
    if (model.labels_ == NOISE).any():
        noise_name = names.get(NOISE, "noise")
        order.append(noise_name)
        palette[noise_name] = (0.7, 0.7, 0.7)
    kwargs.setdefault("s", 30 if len(xy) < 2000 else 8)
    sns.scatterplot(x=xy[:, 0], y=xy[:, 1], hue=hue.to_numpy(), hue_order=order, palette=palette, ax=ax, **kwargs)
    ratio = pca.explained_variance_ratio_
    ax.set_xlabel(f"{_t('pc', lang)} 1 ({ratio[0]:.0%})")
    ax.set_ylabel(f"{_t('pc', lang)} 2 ({ratio[1]:.0%})" if len(ratio) > 1 else f"{_t('pc', lang)} 2")
    ax.set_title(_t("pca", lang))
    return ax


def plot_dendrogram(model: OPDClusterer, *, lang: str = "id", labels=None, max_leaves: int = 40, ax=None):
    """Ward dendrogram of the preprocessed profiles (scipy), cut line at k.

    Uses the model's linkage for method 'ward'; otherwise computes a Ward
    linkage of the embedding (at most :data:`MAX_PAIRWISE_OPDS` OPDs).

    Parameters
    ----------
    model : OPDClusterer, fitted
    lang : {'id', 'en'}, default='id'
    labels : sequence of str, optional
        Leaf labels (e.g. OPD names); shown when there are at most ``max_leaves`` OPDs.
    max_leaves : int, default=40
        Larger trees are truncated to this many leaves.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    from scipy.cluster.hierarchy import dendrogram, linkage
    ax = _ax(ax)
    link = model.linkage_
    if link is None:
        if len(model.embedding_) > MAX_PAIRWISE_OPDS:
            raise ValueError(f"too many OPDs ({len(model.embedding_)}) for a dendrogram; limit {MAX_PAIRWISE_OPDS}")
        link = linkage(model.embedding_, method="ward")
    n = len(model.embedding_)
    kwargs = {"truncate_mode": "lastp", "p": max_leaves} if n > max_leaves else {}
    if labels is not None and n <= max_leaves:
        kwargs["labels"] = list(labels)
    k = max(model.k_, 1)
    cut = (link[-k, 2] + link[-k + 1, 2]) / 2 if 1 < k < n else None
    dendrogram(link, ax=ax, color_threshold=cut if cut is not None else 0, leaf_rotation=90,
               leaf_font_size=7, **kwargs)
    if cut is not None:
        ax.axhline(cut, color="grey", linestyle="--", linewidth=1)
    ax.set_ylabel(_t("distance", lang))
    ax.set_title(_t("dendrogram", lang))
    return ax



# --------------------------------------------------------------------------- notebook helpers

_NOTEBOOK_TEXT = {
    "title": ("# Klaster OPD menurut profil inovasi — {where}, {year}",
              "# OPD clusters by innovation profile — {where}, {year}"),
    "real_heading": ("## A. Data nyata: catatan inovasi LAN (2018)",
                     "## A. Real data: LAN innovation records (2018)"),
    "real_intro": ("Profil dari kolom kategorikal saja (jenis inovasi LAN, tahun, tipe OPD); catatan ini tidak "
                   "memuat jawaban indikator SID. Metode: k-medoids dengan jarak Gower.",
                   "Profiles from categorical fields only (LAN innovation type, years, OPD type); these records "
                   "carry no SID answers. Method: k-medoids on Gower distances."),
    "real_fallback": ("Pemda {kode} punya {n} OPD dalam catatan LAN; yang dikelompokkan: OPD semua pemda "
                      "({n_all} OPD).",
                      "Pemda {kode} has {n} OPDs in the LAN records; clustering the OPDs of all pemda instead "
                      "({n_all} OPDs)."),
    "unmapped": ("Nama OPD yang belum terpetakan ke tipe OPD (tetap dipakai, tidak dibuang):",
                 "OPD names not yet mapped to an OPD type (kept, not dropped):"),
    "sim_heading": ("## B. Data SIMULASI: jawaban indikator SID", "## B. SIMULATED data: SID indicator answers"),
    "sim_banner": ("**⚠ SIMULASI — data sintetis dari `iid_research.simulate`, bukan data resmi Kemendagri/BSKDN. "
                   "Angka di bagian ini hanya untuk menguji dan memperagakan metode.**",
                   "**⚠ SIMULATED — synthetic data from `iid_research.simulate`, not official Kemendagri/BSKDN "
                   "data. Figures in this section only test and demonstrate the method.**"),
    "no_data": ("Tidak ada inovasi untuk {where} pada {year}.", "No innovations for {where} in {year}."),
    "stability": ("Stabilitas bootstrap: rata-rata ARI {ari:.2f} ({n} sampel ulang). Jaccard per klaster ≥ 0,75 "
                  "berarti klaster stabil; < 0,6 berarti tidak stabil.",
                  "Bootstrap stability: mean ARI {ari:.2f} ({n} resamples). A cluster Jaccard ≥ 0.75 means "
                  "stable; < 0.6 means not stable."),
    "scorecards": ("### Kartu skor OPD\nKekuatan dan kelemahan dibandingkan klaster dan pemda; peningkatan "
                   "indikator SID dengan tambahan IID terbesar per langkah (satu level, satu indikator, satu "
                   "inovasi), dihitung ulang dengan mesin skor resmi.",
                   "### OPD scorecards\nStrengths and weaknesses against the cluster and the pemda; the SID "
                   "indicator upgrades adding most IID per step (one level, one indicator, one innovation), "
                   "rescored with the official scoring engine."),
    "upgrades": ("### Peningkatan SID terbaik untuk pemda", "### Best SID upgrades for the pemda"),
}


def notebook_text(key: str, lang: str = "id", **values) -> str:
    """Markdown text of the OPD-cluster notebook in ``lang`` ({'id', 'en'}), formatted with ``values``."""
    if lang not in ("id", "en"):
        raise ValueError(f"lang must be 'id' or 'en', got {lang!r}")
    from .i18n import localize_fields
    return _NOTEBOOK_TEXT[key][0 if lang == "id" else 1].format(**localize_fields(lang, values))


def resolve_kode_wilayah(value: str) -> str:
    """The Kemendagri code of a pemda written as code or name ("33.16", "3316", "Kab. Blora"), or "all".

    Raises
    ------
    iid_research.regions.RegionMatchError
        If the value matches no pemda or several (the message lists the closest).
    """
    if str(value).strip().lower() == "all":
        return "all"
    from .data import match_region
    return match_region(value)


def pemda_label(kode_wilayah: str, lang: str = "id") -> str:
    """ "Kabupaten Blora (33.16)" for a code; "semua pemda"/"all pemda" for "all"."""
    if kode_wilayah == "all":
        return "semua pemda" if lang == "id" else "all pemda"
    from .data import load_regions
    names = load_regions().set_index("kode_wilayah")["nama"]
    return f"{names[kode_wilayah]} ({kode_wilayah})" if kode_wilayah in names.index else kode_wilayah


def parse_k(k) -> "int | str":
    """Read the notebook parameter ``k``: "auto" or a whole number ≥ 2 (as text or int).

    Raises
    ------
    ValueError
        For anything else.
    """
    if isinstance(k, str) and k.strip().lower() == "auto":
        return "auto"
    try:
        value = int(str(k).strip())
    except ValueError:
        raise ValueError(f"k must be 'auto' or a whole number ≥ 2, got {k!r}") from None
    if value < 2:
        raise ValueError(f"k must be 'auto' or a whole number ≥ 2, got {k!r}")
    return value


_COLUMN_LABELS = {
    "kode_wilayah": ("Kode wilayah", "Region code"), "year": ("Tahun", "Year"), "opd_key": ("OPD", "OPD"),
    "opd_label": ("OPD", "OPD"), "opd_name": ("Nama OPD", "OPD name"), "opd_type": ("Tipe OPD", "OPD type"),
    "cluster": ("Klaster", "Cluster"), "archetype": ("Arketipe", "Archetype"),
    "opd_count": ("Jumlah OPD", "OPDs"), "record_count": ("Jumlah catatan", "Records"),
    "distinguishing": ("Pembeda utama (z-score)", "Main distinguishing features (z-score)"),
    "jaccard_mean": ("Jaccard bootstrap", "Bootstrap Jaccard"),
    "innovation_count": ("Jumlah inovasi", "Innovations"),
    "maturity_mean_score": ("Rata-rata kematangan (0-111)", "Mean maturity (0-111)"),
    "strengths_vs_cluster": ("Kekuatan vs klaster", "Strengths vs cluster"),
    "weaknesses_vs_cluster": ("Kelemahan vs klaster", "Weaknesses vs cluster"),
    "strengths_vs_pemda": ("Kekuatan vs pemda", "Strengths vs pemda"),
    "weaknesses_vs_pemda": ("Kelemahan vs pemda", "Weaknesses vs pemda"),
    "best_upgrades": ("Peningkatan SID terbaik", "Best SID upgrades"),
    "best_iid_gain_per_step": ("Tambahan IID per langkah", "IID gain per step"),
    "innovation_id": ("ID inovasi", "Innovation ID"), "step_kind": ("Jenis langkah", "Step"),
    "indicator_no": ("Indikator", "Indicator"), "from_level": ("Dari level", "From level"),
    "to_level": ("Ke level", "To level"), "steps_count": ("Langkah", "Steps"),
    "iid_gain": ("Tambahan IID", "IID gain"), "iid_gain_per_step": ("Tambahan IID per langkah", "IID gain per step"),
    "iid_before": ("IID sekarang", "IID now"), "iid_after": ("IID sesudah", "IID after"),
    "is_mandatory": ("Wajib", "Mandatory"), "indicator_name_id": ("Nama indikator", "Indicator name"),
    "indicator_name_en": ("Nama indikator (en)", "Indicator name"),
    "indicator_name": ("Nama indikator", "Indicator name"),
    "iid_gain_max": ("Tambahan IID maks", "Max IID gain"),
    "open_steps_count": ("Langkah terbuka", "Open steps"), "steps_count_min": ("Langkah min", "Min steps"),
    "fills_mandatory_gap": ("Mengisi indikator wajib kosong", "Fills an empty mandatory indicator"),
}


def label_columns(frame: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Copy of ``frame`` with known column names replaced by readable labels in ``lang``."""
    i = 0 if lang == "id" else 1
    return frame.rename(columns={c: v[i] for c, v in _COLUMN_LABELS.items()})


def real_profiles_for(kode_wilayah: str = "all", *, min_opds: int = 3, lang: str = "id"):
    """Real LAN OPD profiles for a pemda, or for all pemda when it has fewer than ``min_opds`` OPDs.

    Parameters
    ----------
    kode_wilayah : str, default='all'
    min_opds : int, default=3
    lang : {'id', 'en'}, default='id'

    Returns
    -------
    profiles : DataFrame
        See :func:`iid_research.opd.build_real_opd_profiles`.
    note : str
        Empty, or why all pemda are used.
    """
    from .opd import build_real_opd_profiles
    if kode_wilayah == "all":
        return build_real_opd_profiles(kode_wilayah="all"), ""
    own = build_real_opd_profiles(kode_wilayah=kode_wilayah)
    if len(own) >= min_opds:
        return own, ""
    every = build_real_opd_profiles(kode_wilayah="all")
    return every, notebook_text("real_fallback", lang, kode=kode_wilayah, n=len(own), n_all=len(every))


def cluster_type_table(profiles: pd.DataFrame, model: OPDClusterer, *, lang: str = "id") -> pd.DataFrame:
    """OPD types (rows) x archetypes (columns): how many OPDs of each type fall in each cluster."""
    label_col = "opd_label_id" if lang == "id" else "opd_label_en"
    names = model.archetypes_.set_index("cluster")[f"archetype_{lang}"]
    arche = pd.Series(model.labels_, index=profiles.index).map(names)
    table = pd.crosstab(profiles[label_col].rename(_COLUMN_LABELS["opd_type"][0 if lang == "id" else 1]),
                        arche.rename(_COLUMN_LABELS["archetype"][0 if lang == "id" else 1]))
    return table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]


def spd_score_lookup(scores: pd.DataFrame) -> dict:
    """{(kode_wilayah, year): spd_score} from a per-pemda-year score table with those columns."""
    missing = [c for c in ("kode_wilayah", "year", "spd_score") if c not in scores.columns]
    if missing:
        raise ValueError(f"score table lacks column(s) {missing}")
    return {(k, int(y)): float(s) for k, y, s in zip(scores["kode_wilayah"], scores["year"], scores["spd_score"])}


# --------------------------------------------------------------------------- report tables and figures
# Reader-facing versions of the tables above: readable labels in the report language, no index, no raw keys.
# Notebook cells call the ``show_*`` functions, which display through :func:`iid_research.report.show_table`.

_STEP_KINDS = {"raise_level": ("Naikkan satu level", "Raise one level"),
               "add_innovation": ("Tambah inovasi baru", "Add a new innovation")}
_YES_NO = (("Ya", "Tidak"), ("Yes", "No"))


def simulated_stamp(lang: str = "id") -> str:
    """The word stamped on figures built from simulated data: "SIMULASI" or "SIMULATED"."""
    return _t("simulated", lang)


def opd_labels(profiles: pd.DataFrame, lang: str = "id") -> list[str]:
    """Readable OPD label per profile row: the OPD-type label in ``lang``, or the OPD's own name when unmapped."""
    label_col = "opd_label_id" if lang == "id" else "opd_label_en"
    if label_col in profiles.columns:
        labels = profiles[label_col].astype(str)
    else:
        labels = profiles.get("opd_key", pd.Series("", index=profiles.index)).astype(str)
    if {"opd_name", "opd_type"} <= set(profiles.columns):
        unmapped = profiles["opd_type"].eq("belum_terpetakan") & profiles["opd_name"].notna()
        labels = labels.where(~unmapped, profiles["opd_name"].astype(str))
    return labels.tolist()


def distinguishing_text(model: OPDClusterer, lang: str = "id", top_n: int = 3) -> pd.Series:
    """Per cluster: its ``top_n`` features with the largest |z|, readable, e.g. "Porsi inovasi digital +1,3"."""
    out = {}
    for c in model.cluster_zscores_.index:
        z = model.cluster_zscores_.loc[c]
        top = z.reindex(z.abs().sort_values(ascending=False).index)[:top_n]
        out[c] = "; ".join(f"{feature_label(f, lang)} {fmt_number(v, lang, '+.1f')}" for f, v in top.items())
    return pd.Series(out, name="distinguishing")


def summary_table(model: OPDClusterer, lang: str = "id") -> pd.DataFrame:
    """:meth:`OPDClusterer.summary` for a reader: readable distinguishing features, labelled columns."""
    out = model.summary(lang=lang)
    out["distinguishing"] = out["cluster"].map(distinguishing_text(model, lang)).fillna("")
    return label_columns(out, lang)


def unmapped_table(names: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """:func:`iid_research.opd.unmapped_opd_names` for a reader: name and record count."""
    return label_columns(names[["opd_name", "record_count"]], lang)


def cluster_type_report(profiles: pd.DataFrame, model: OPDClusterer, lang: str = "id") -> pd.DataFrame:
    """:func:`cluster_type_table` in long form that fits a page: per OPD type, its OPD count and clusters.

    Returns
    -------
    DataFrame with columns [Tipe OPD, Jumlah OPD, Sebaran arketipe] (labels in ``lang``)
        The spread reads e.g. "inovasi metode berkembang 4; inovasi proses berkembang 4; ...", largest first.
    """
    table = cluster_type_table(profiles, model, lang=lang)
    i = 0 if lang == "id" else 1
    spread = [ "; ".join(f"{name} {int(n)}" for name, n in row[row > 0].sort_values(ascending=False,
                                                                                     kind="stable").items())
              for _, row in table.iterrows()]
    return pd.DataFrame({_COLUMN_LABELS["opd_type"][i]: table.index.astype(str),
                         _COLUMN_LABELS["opd_count"][i]: table.sum(axis=1).astype(int).to_numpy(),
                         ("Sebaran arketipe (jumlah OPD)" if i == 0 else "Archetypes (OPDs)"): spread})


def scorecard_table(cards: pd.DataFrame, lang: str = "id", part: str = "profile") -> pd.DataFrame:
    """:func:`opd_scorecards` for a reader, in two narrower parts that fit a page.

    ``part="profile"``: OPD, archetype, innovations, maturity, strengths and
    weaknesses; ``part="upgrades"``: OPD, archetype and its best SID upgrades.
    """
    parts = {"profile": ["opd_label", "archetype", "innovation_count", "maturity_mean_score", "strengths_vs_cluster",
                         "weaknesses_vs_cluster", "strengths_vs_pemda", "weaknesses_vs_pemda"],
             "upgrades": ["opd_label", "archetype", "best_upgrades", "best_iid_gain_per_step"]}
    if part not in parts:
        raise ValueError(f"part must be one of {list(parts)}, got {part!r}")
    out = cards[[c for c in parts[part] if c in cards.columns]].copy()
    for c in ("maturity_mean_score", "best_iid_gain_per_step"):
        if c in out.columns:
            out[c] = out[c].astype(float)
    return label_columns(out, lang)


def upgrade_table(menu: pd.DataFrame, lang: str = "id", top_n: int = 12) -> pd.DataFrame:
    """:func:`upgrade_menu` for a reader: step in words, indicator name in ``lang``, Ya/Tidak, labelled columns."""
    i = 0 if lang == "id" else 1
    out = menu.head(top_n).copy()
    out["step_kind"] = out["step_kind"].map(lambda k: _STEP_KINDS.get(k, (k, k))[i])
    out["indicator_name"] = out["indicator_name_id" if lang == "id" else "indicator_name_en"]
    out["is_mandatory"] = out["is_mandatory"].map(lambda b: _YES_NO[i][0] if bool(b) else _YES_NO[i][1])
    cols = ["step_kind", "indicator_no", "indicator_name", "iid_gain_per_step", "iid_gain_max", "open_steps_count",
            "innovation_count", "opd_count", "is_mandatory"]
    return label_columns(out[cols], lang)


def show_table(frame: pd.DataFrame, lang: str = "id", digits: int = 2) -> None:
    """Display a reader-facing table (:func:`iid_research.report.show_table`), decimals in ``lang``'s notation."""
    from .report import local_floatfmt, show_table as _show
    _show(frame, lang, floatfmt=local_floatfmt(lang, f",.{digits}f"))


def plot_dendrogram_report(model: OPDClusterer, profiles: pd.DataFrame, *, lang: str = "id", simulated: bool = True,
                           max_opds: int = 3000):
    """Ward dendrogram with readable OPD labels as its own figure (None when there are too many OPDs)."""
    import matplotlib.pyplot as plt
    if len(profiles) > max_opds:  # a dendrogram needs the n x n distances
        return None
    fig, ax = plt.subplots(figsize=(13, 5.5))
    plot_dendrogram(model, lang=lang, labels=opd_labels(profiles, lang), ax=ax)
    if simulated:
        ax.set_title(f"{ax.get_title()} — {simulated_stamp(lang)}")
    fig.tight_layout()
    return ax
