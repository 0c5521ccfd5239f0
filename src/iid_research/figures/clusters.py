"""Figures of the OPD clustering (seaborn style: ``plot_x(model, *, lang, ax=None) -> Axes``).

They draw a fitted :class:`iid_research.analysis.clustering.OPDClusterer`;
labels come from :mod:`iid_research.text`, numbers are in the report language's
notation and each figure carries a text alternative (:mod:`iid_research.figures.labels`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from ..analysis.clustering import MAX_PAIRWISE_OPDS, NOISE, OPDClusterer
from ..frameworks import framework_for_years
from ..text import archetype_label, feature_label, fmt_number, t
from .labels import describe, localize


def _t(key: str, lang: str) -> str:
    return t(f"fig_cl_{key}", lang)


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
    if not getattr(model, "has_structure_", True):
        ax.text(0.5, 0.95, _t("no_groups", lang), transform=ax.transAxes, ha="center", va="top", fontsize=9,
                color="dimgrey")
    if len(model.inertia_):
        ax2 = ax.twinx()
        ax2.plot(model.inertia_.index, model.inertia_.to_numpy(), marker="s", color="C1")
        ax2.set_ylabel(_t("inertia", lang), color="C1")
    ax.set_xticks(list(sil.index))
    chosen = sil.get(model.k_, np.nan) if len(sil) else np.nan
    if len(sil):
        describe(ax, t("alt_k_selection", lang, k_min=int(min(sil.index)), k_max=int(max(sil.index)), k=model.k_,
                       silhouette=fmt_number(chosen, lang) if np.isfinite(chosen) else "–"))
    return localize(ax, lang)


def plot_gap_statistic(model: OPDClusterer, *, lang: str = "id", ax=None):
    """Gap statistic Gap(k) ± s_k of the clustering-tendency check, the k it picked marked.

    Parameters
    ----------
    model : OPDClusterer, fitted with ``k='auto'`` and ``tendency='gap'`` (``gap_`` not None)
    lang : {'id', 'en'}, default='id'
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If the model ran no tendency check.
    """
    if getattr(model, "gap_", None) is None:
        raise ValueError("the model ran no tendency check (fit with k='auto' and tendency='gap')")
    ax = _ax(ax)
    gap = model.gap_
    ax.errorbar(gap.index, gap["gap"], yerr=gap["se"], marker="o", color="C2", capsize=3)
    ax.axvline(model.gap_k_, color="grey", linestyle="--", linewidth=1)
    label = _t("no_groups", lang) if model.gap_k_ == 1 else f"{_t('chosen', lang)} = {model.gap_k_}"
    ax.annotate(label, (model.gap_k_, float(gap.loc[model.gap_k_, "gap"])), textcoords="offset points",
                xytext=(5, 8), fontsize=9)
    ax.set_xticks(list(gap.index))
    ax.set_xlabel(_t("k", lang))
    ax.set_ylabel(_t("gap", lang))
    ax.set_title(_t("gap_title", lang))
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
    names = archetype_names(model, lang)
    data = z.T.copy()
    data.columns = [f"{c}: {names.get(c, c)}" for c in z.index]
    fw = framework_for_years(getattr(model, "years_", ()))  # SID names of the data's rules
    data.index = [feature_label(f, lang, framework=fw) for f in z.columns]
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
    stacked = data.stack()
    top = stacked.reindex(stacked.abs().sort_values(ascending=False).index)[:3]
    describe(ax, t("alt_cluster_heatmap", lang, n_features=len(data.index), k=len(data.columns),
                   top="; ".join(f"{f} — {a} ({fmt_number(v, lang, '+.1f')})" for (f, a), v in top.items())))
    return localize(ax, lang)


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
    names = archetype_names(model, lang)
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
    shares = [fmt_number(r, lang, ".0%") for r in ratio] + ["–"] * (2 - len(ratio))
    ax.set_xlabel(f"{_t('pc', lang)} 1 ({shares[0]})")
    ax.set_ylabel(f"{_t('pc', lang)} 2 ({shares[1]})" if len(ratio) > 1 else f"{_t('pc', lang)} 2")
    ax.set_title(_t("pca", lang))
    sizes = hue.value_counts().reindex(order).dropna()
    describe(ax, t("alt_cluster_pca", lang, n=len(xy), r1=shares[0], r2=shares[1],
                   sizes="; ".join(f"{name}: {int(n)}" for name, n in sizes.items())))
    return localize(ax, lang)


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
    describe(ax, t("alt_dendrogram", lang, n=n, k=k))
    return localize(ax, lang)


def archetype_names(model, lang: str = "id") -> pd.Series:
    """Readable archetype name of each cluster of a fitted model (Series indexed by cluster)."""
    return pd.Series({r.cluster: archetype_label(r, lang) for r in model.archetypes_.itertuples(index=False)})
