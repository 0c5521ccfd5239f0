"""Figures of the driver analyses (seaborn style: ``plot_x(data, *, ..., ax=None) -> Axes``).

Every function takes ``simulated`` (default True): when set, the figure
carries a visible "DATA SIMULASI" / "SIMULATED DATA" label, because the
indicator-level data behind these analyses are simulated unless they come
from a pemda's own files (a workspace).  Labels come from :mod:`iid_research.text`;
numbers are written in the report language's notation, and each figure carries a
text alternative with its key numbers (:mod:`iid_research.figures.labels`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..text import fmt_number, player_label, t
from .labels import describe, join_values, localize

SIMULATED_COLOR = "#a50f15"
"""Colour of the SIMULATED note in figures: contrast 8:1 on white (WCAG AA needs 4.5:1)."""


def _finish(ax, text: str, simulated: bool, lang: str):
    """Stamp the SIMULATED note (when ``simulated``), describe the Axes, localize its numbers."""
    if simulated:
        ax.text(0.99, 0.01, t("simulated_note", lang), transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color=SIMULATED_COLOR, fontweight="bold")
        text = f"{text} {t('simulated_note', lang)}."
    describe(ax, text)
    return localize(ax, lang)


def plot_waterfall(data: pd.DataFrame, *, start: float, end: float | None = None, label: str = "label",
                   value: str = "contribution_iid", top_n: int = 12, lang: str = "id", simulated: bool = True,
                   ax=None):
    """Horizontal waterfall of a score change.

    Parameters
    ----------
    data : DataFrame with columns [label, contribution_iid]
        E.g. :func:`iid_research.analysis.decomposition.decomposition_long`.
    start : float
        Score before the change (IID points).
    end : float, optional
        Score after; default ``start + Σ contributions``.
    top_n : int, default 12
        Largest parts (by absolute value) shown; the rest are grouped as "Lainnya"/"Other".
    lang : {"id", "en"}
    simulated : bool, default True
        Add the SIMULATED label.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * (min(top_n, len(data)) + 4) + 1))
    d = data[[label, value]].copy()
    d = d.reindex(d[value].abs().sort_values(ascending=False).index)
    if len(d) > top_n:
        rest = d.iloc[top_n:][value].sum()
        other = pd.DataFrame({label: [t("component_other", lang)], value: [rest]})
        d = pd.concat([d.iloc[:top_n], other], ignore_index=True)
    end = start + d[value].sum() if end is None else end
    names = [t("component_start", lang), *d[label].tolist(), t("component_end", lang)]
    lefts, widths, colors = [0.0], [start], ["0.6"]
    running = start
    pal = sns.color_palette("deep")
    for v in d[value]:
        lefts.append(running if v >= 0 else running + v)
        widths.append(abs(v))
        colors.append(pal[2] if v >= 0 else pal[3])
        running += v
    lefts.append(0.0)
    widths.append(end)
    colors.append("0.3")
    y = np.arange(len(names))[::-1]
    ax.barh(y, widths, left=lefts, color=colors, edgecolor="white")
    for yi, left, w, v in zip(y[1:-1], lefts[1:-1], widths[1:-1], d[value]):
        ax.text(left + w + 0.1, yi, fmt_number(v, lang, "+.2f"), va="center", fontsize=8)
    ax.text(start, y[0], " " + fmt_number(start, lang), va="center", fontsize=8)
    ax.text(end, y[-1], " " + fmt_number(end, lang), va="center", fontsize=8)
    ax.set_yticks(y, names)
    ax.set_xlabel(t("fig_waterfall_x", lang))
    sns.despine(ax=ax)
    parts = join_values(zip(d[label], d[value]), lang, "+.2f")
    return _finish(ax, t("alt_waterfall", lang, start=fmt_number(start, lang), end=fmt_number(end, lang),
                         change=fmt_number(end - start, lang, "+.2f"), parts=parts), simulated, lang)


def plot_shapley_bars(data: pd.DataFrame, *, x: str = "shapley_rank", y: str = "player", error: str | None = None,
                      lang: str = "id", simulated: bool = True, top_n: int | None = None, xlabel: str | None = None,
                      ax=None):
    """Bars of Shapley values of a rank change (negative = moved up the ranking).

    Parameters
    ----------
    data : DataFrame with columns [player, shapley_rank] (optionally ``label`` and an error column)
        E.g. ``RankShapleyResult.values.loc[code]`` reshaped, or ``IndicatorShapleyResult.values``.
    x, y : str
        Column names of the value and the player.
    error : str, optional
        Column with a ± error (e.g. ``ci95_halfwidth``) drawn as error bars.
    top_n : int, optional
        Keep the largest |values|.
    xlabel : str, optional
        Label of the value axis (and of the text alternative); default the
        Shapley label "Contribution to rank change (negative = moved up)".
    lang, simulated, ax
        As :func:`plot_waterfall`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    d = data.copy()
    d = d.reindex(d[x].abs().sort_values(ascending=False).index)
    if top_n is not None:
        d = d.head(top_n)
    d["_label"] = d["label"] if "label" in d.columns else [player_label(p, lang) for p in d[y]]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(d) + 1.2))
    pal = sns.color_palette("deep")
    colors = [pal[2] if v < 0 else pal[3] for v in d[x]]
    pos = np.arange(len(d))
    ax.barh(pos, d[x], color=colors, xerr=d[error] if error else None, capsize=2 if error else 0)
    ax.set_yticks(pos, d["_label"])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    xlabel = t("fig_shap_x", lang) if xlabel is None else xlabel
    ax.set_xlabel(xlabel)
    sns.despine(ax=ax)
    spec = "+.2f" if x == "shapley_rank" else ".3f"
    top = join_values(zip(d["_label"], d[x]), lang, spec)
    return _finish(ax, t("alt_bars", lang, n=len(d), xlabel=xlabel, top=top), simulated, lang)


def plot_transition_heatmap(data: pd.DataFrame, *, lang: str = "id", simulated: bool = True, ax=None):
    """Heatmap of a predikat transition matrix (:func:`iid_research.analysis.panel.predicate_transitions`).

    Returns
    -------
    matplotlib.axes.Axes
    """
    mat = data.pivot(index="predicate_from", columns="predicate_to", values="share")
    order = list(dict.fromkeys(data["predicate_from"]))
    mat = mat.reindex(index=order, columns=order)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    annot = mat.map(lambda v: fmt_number(v, lang) if pd.notna(v) else "").to_numpy()
    sns.heatmap(mat, annot=annot, fmt="", cmap="Blues", vmin=0, vmax=1, cbar=False, ax=ax)
    ax.set_xlabel(t("fig_to", lang))
    ax.set_ylabel(t("fig_from", lang))
    stay = [(t(p, lang), mat.loc[p, p]) for p in order if pd.notna(mat.loc[p, p])]
    return _finish(ax, t("alt_transitions", lang, stay=join_values(stay, lang, limit=len(stay))), simulated, lang)


def plot_partial_dependence(data: pd.DataFrame, *, feature: str = "", lang: str = "id", simulated: bool = True,
                            ax=None):
    """Line of a partial dependence (:meth:`iid_research.analysis.panel.RankChangeDrivers.partial_dependence`).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    sns.lineplot(data=data, x="value", y="rank_gain", ax=ax)
    if {"ci_low", "ci_high"} <= set(data.columns) and data["ci_low"].notna().any():
        ax.fill_between(data["value"], data["ci_low"], data["ci_high"], alpha=0.25)
    ax.set_xlabel(player_label(feature, lang))
    ax.set_ylabel(t("fig_pd_y", lang))
    sns.despine(ax=ax)
    x, y = data["value"].astype(float), data["rank_gain"].astype(float)
    text = t("alt_partial_dependence", lang, y=t("fig_pd_y", lang), feature=player_label(feature, lang),
             x_min=fmt_number(x.min(), lang), x_max=fmt_number(x.max(), lang), y_min=fmt_number(y.min(), lang),
             y_max=fmt_number(y.max(), lang)) if len(data) else ""
    return _finish(ax, text, simulated, lang)




def plot_opd_contribution(data: pd.DataFrame, *, x: str = "opd_iid_contribution", y: str = "opd", top_n: int = 25,
                          lang: str = "id", simulated: bool = False, ax=None):
    """Horizontal bars of each OPD's contribution to the IID (the OPD scoreboard), largest first.

    Parameters
    ----------
    data : DataFrame with columns [opd, opd_iid_contribution]
        E.g. :func:`iid_research.notebook.workspace_report.scoreboard`.
    x, y : str
        Columns of the value (IID points) and the OPD name.
    top_n : int, default 25
        OPDs shown (the largest contributions).
    lang : {"id", "en"}
    simulated : bool, default False
        Add the SIMULATED label.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    d = data[[y, x]].dropna().sort_values(x, ascending=False).head(top_n)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.3 * len(d) + 1.5))
    pos = np.arange(len(d))
    ax.barh(pos, d[x].astype(float), color=sns.color_palette("deep")[0])
    ax.set_yticks(pos, d[y])
    ax.invert_yaxis()
    for yi, v in zip(pos, d[x].astype(float)):
        ax.text(v, yi, " " + fmt_number(v, lang), va="center", fontsize=8)
    ax.set_xlabel(t("fig_opd_contribution", lang))
    sns.despine(ax=ax)
    top = list(zip(d[y], d[x].astype(float)))
    return _finish(ax, t("alt_opd_contribution", lang, n=len(d), top=join_values(top, lang)), simulated, lang)
