"""Figures of the rank bands (seaborn style: ``plot_x(data, *, ..., ax=None) -> Axes``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..text import fmt_number, t
from .drivers import SIMULATED_COLOR
from .labels import describe, localize


def plot_rank_band(data: pd.DataFrame, *, rank: int, lo: int, hi: int, median: int, target: int | None = None,
                   draws: int | None = None, lang: str = "id", simulated: bool = False, ax=None):
    """Bars of how often each rank came out of the draws, with the 90 % band, the rank as claimed and the target.

    Parameters
    ----------
    data : DataFrame with columns [rank, share]
        Share of draws (0-1) per rank, e.g. :func:`iid_research.notebook.uncertainty.rank_counts`.
    rank : int
        The rank as claimed (point).
    lo, hi, median : int
        Ends of the 90 % band and the median.
    target : int, optional
        The target rank (a dashed line).
    draws : int, optional
        Number of draws (for the text alternative).
    lang : {"id", "en"}
    simulated : bool, default False
        Add the SIMULATED label.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    pal = sns.color_palette("deep")
    ax.axvspan(lo - 0.5, hi + 0.5, color=pal[0], alpha=0.12, label=t("fig_rank_band_legend", lang))
    ax.bar(data["rank"], data["share"], width=0.9, color=pal[0])
    ax.axvline(rank, color=pal[3], lw=1.5, label=t("fig_rank_point", lang))
    if target is not None:
        ax.axvline(target, color="0.3", lw=1.2, ls="--", label=t("fig_rank_target", lang))
    ax.set_xlabel(t("fig_rank_draws", lang))
    ax.set_ylabel(t("fig_rank_share", lang))
    ax.legend(frameon=False, fontsize=8)
    sns.despine(ax=ax)
    text = t("alt_rank_band", lang, draws=fmt_number(draws or 0, lang, ",.0f"), lo=lo, hi=hi, median=median,
             rank=rank)
    if simulated:
        ax.text(0.99, 0.01, t("simulated_note", lang), transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
                color=SIMULATED_COLOR, fontweight="bold")
        text = f"{text} {t('simulated_note', lang)}."
    describe(ax, text)
    return localize(ax, lang)
