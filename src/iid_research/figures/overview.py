"""Plotting functions in the seaborn style: ``plot_x(data, *, ..., ax=None) -> Axes``.

Each function draws on ``ax`` (or the current Axes), labels it in the
report's language (``lang``: "id" or "en"), writes its numbers in that
language's notation, describes what it shows for readers who cannot see it
(:func:`iid_research.figures.labels.describe`) and returns the Axes.  None
calls ``plt.show()`` or saves files.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..frameworks import PREDICATES, predicate_thresholds
from ..text import fmt_number, t
from .labels import describe, join_values, localize

PREDICATE_COLORS = {
    "Sangat Inovatif": "#1a9850",
    "Inovatif": "#91cf60",
    "Kurang Inovatif": "#fc8d59",
    "Tidak Dapat Dinilai": "#bdbdbd",
}
"""One colour per predikat, used by every figure."""

LEVEL_MARKERS = {"provinsi": "s", "kabupaten": "o", "kota": "^"}


def _ax(ax):
    return ax if ax is not None else plt.gca()


def mark_simulated(ax, lang: str = "id"):
    """Stamp "SIMULATED" across an Axes whose data come from the simulator; return the Axes."""
    ax.text(0.5, 0.5, t("simulated_stamp", lang), transform=ax.transAxes,
            fontsize=36, color="#d73027", alpha=0.18, ha="center", va="center", rotation=20, zorder=0)
    ax.set_title((ax.get_title() + "  ") + ("[data simulasi]" if lang == "id" else "[simulated data]"))
    return ax


def plot_predicate_counts(data: pd.DataFrame, *, lang: str = "id", ax=None):
    """Stacked bars of national predikat counts per year.

    Parameters
    ----------
    data : DataFrame with columns [year, Sangat Inovatif, Inovatif, Kurang Inovatif, Tidak Dapat Dinilai]
        As returned by :func:`iid_research.analysis.published.participation_table`; years
        without counts are drawn empty.
    lang : {"id", "en"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    frame = data.set_index("year")[list(PREDICATES)].astype(float).fillna(0)
    bottom = np.zeros(len(frame))
    x = np.arange(len(frame))
    for pred in PREDICATES:
        vals = frame[pred].to_numpy()
        ax.bar(x, vals, bottom=bottom, color=PREDICATE_COLORS[pred], label=t(pred, lang), edgecolor="white")
        bottom += vals
    ax.set_xticks(x, [str(y) for y in frame.index])
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("n_pemda_axis", lang))
    ax.legend(title=t("predicate", lang), fontsize=8, title_fontsize=8, loc="upper left")
    ax.set_title(t("h_participation", lang))
    counted = frame[frame.sum(axis=1) > 0]
    if len(counted):
        last = counted.iloc[-1]
        counts = ", ".join(f"{fmt_number(last[p], lang, ',d')} {t(p, lang)}" for p in PREDICATES if last[p] > 0)
        describe(ax, t("alt_predicate_counts", lang, first=frame.index[0], last=frame.index[-1], year=counted.index[-1],
                       counts=counts))
    return localize(ax, lang)


def plot_score_distribution(data: pd.DataFrame, *, lang: str = "id", show_thresholds: bool = True, ax=None):
    """Published 0-100 IID scores per year, coloured by predikat, with each year's thresholds.

    Parameters
    ----------
    data : DataFrame with columns [year, iid_score, predicate]
    show_thresholds : bool, default=True
        Draw the year's Sangat Inovatif and Inovatif lower bounds
        (``rules/assessment_years.csv``) as dashed ticks.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    frame = data.dropna(subset=["iid_score"]).copy()
    years = sorted(frame["year"].unique())
    frame["predicate"] = frame["predicate"].fillna("Tidak Dapat Dinilai")
    sns.stripplot(data=frame, x="year", y="iid_score", hue="predicate", order=years,
                  hue_order=[p for p in PREDICATES if p in set(frame["predicate"])],
                  palette=PREDICATE_COLORS, jitter=0.25, size=5, ax=ax)
    if show_thresholds:
        for i, year in enumerate(years):
            th = predicate_thresholds(int(year))
            for bound in (th.sangat_inovatif_min, th.inovatif_min):
                ax.hlines(bound, i - 0.4, i + 0.4, colors="#555555", linestyles="dashed", linewidth=1)
    ax.set_ylim(0, 100)
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("score_axis", lang))
    ax.set_title(t("h_distribution", lang))
    if ax.get_legend() is not None:
        sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title=t("predicate", lang), fontsize=8)
    if years:
        scores = frame.groupby("year")["iid_score"].agg(["median", "size"])
        medians = "; ".join(t("alt_year_median", lang, year=int(y), median=fmt_number(r["median"], lang),
                              n=int(r["size"])) for y, r in scores.iterrows())
        describe(ax, t("alt_score_distribution", lang, first=years[0], last=years[-1], medians=medians))
    return localize(ax, lang)


def plot_rank_trajectories(data: pd.DataFrame, *, highlight: str | None = None, lang: str = "id", ax=None):
    """Published ranks over the years, one line per pemda (rank 1 at the top).

    Parameters
    ----------
    data : DataFrame with columns [kode_wilayah, nama, year, rank]
    highlight : str, optional
        ``kode_wilayah`` drawn thick and annotated with its ranks.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    for kode, grp in data.groupby("kode_wilayah"):
        grp = grp.sort_values("year")
        focus = kode == highlight
        ax.plot(grp["year"], grp["rank"].astype(float), marker="o", linewidth=3 if focus else 1.2,
                alpha=1 if focus or highlight is None else 0.5, label=grp["nama"].iloc[0], zorder=3 if focus else 2)
        if focus:
            for yr, rk in zip(grp["year"], grp["rank"]):
                ax.annotate(str(int(rk)), (yr, float(rk)), textcoords="offset points", xytext=(0, 8),
                            ha="center", fontsize=9, fontweight="bold")
    ax.invert_yaxis()
    years = sorted(data["year"].unique())
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("rank_axis", lang))
    ax.set_title(t("h_trajectories", lang))
    if data["kode_wilayah"].nunique() <= 12:
        ax.legend(fontsize=7, loc="best")
    n = data["kode_wilayah"].nunique()
    text = t("alt_trajectories", lang, n=n, first=years[0], last=years[-1]) if years else ""
    focus = data[data["kode_wilayah"].eq(highlight) & data["rank"].notna()].sort_values("year")
    if len(focus):
        ranks = ", ".join(f"{int(y)}: {int(r)}" for y, r in zip(focus["year"], focus["rank"]))
        if n == 1:
            text = t("alt_trajectory_one", lang, nama=focus["nama"].iloc[0], ranks=ranks)
        else:
            text += " " + t("alt_trajectory_focus", lang, nama=focus["nama"].iloc[0], ranks=ranks)
    describe(ax, text)
    return localize(ax, lang)


def plot_score_vs_covariate(data: pd.DataFrame, *, x: str = "grdp_per_capita_thousand_idr", lang: str = "id",
                            log_x: bool = True, ax=None):
    """Scatter of published IID score against a covariate, marker by level, colour by predikat.

    Parameters
    ----------
    data : DataFrame with columns [iid_score, predicate, level, x]
    x : str, default="grdp_per_capita_thousand_idr"
    log_x : bool, default=True
        Log scale for the covariate (GRDP per capita is right-skewed).

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    frame = data.dropna(subset=["iid_score", x]).copy()
    frame["predicate"] = frame["predicate"].fillna("Tidak Dapat Dinilai")
    sns.scatterplot(data=frame, x=x, y="iid_score", hue="predicate", style="level",
                    hue_order=[p for p in PREDICATES if p in set(frame["predicate"])],
                    markers=LEVEL_MARKERS, palette=PREDICATE_COLORS, ax=ax)
    if log_x and len(frame) and (frame[x] > 0).all():
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang, ",.0f")))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(t(x, lang))
    ax.set_ylabel(t("score_axis", lang))
    ax.set_ylim(0, 100)
    ax.set_title(t("h_covariates", lang))
    if ax.get_legend() is not None:
        legend = ax.get_legend()
        for text in legend.get_texts():  # seaborn writes the hue/style column names as sub-titles
            text.set_text(t(text.get_text(), lang))
        sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    rho = frame[x].astype(float).corr(frame["iid_score"].astype(float), method="spearman") if len(frame) > 2 else np.nan
    describe(ax, t("alt_covariate", lang, x=t(x, lang), n=len(frame),
                   rho=fmt_number(rho, lang) if np.isfinite(rho) else "–"))
    return localize(ax, lang)


def plot_peer_scores(data: pd.DataFrame, *, lang: str = "id", ax=None):
    """Horizontal bars of scores of pemda in one province, the focus pemda outlined.

    Parameters
    ----------
    data : DataFrame with columns [nama, iid_score, predicate, is_focus]
        As returned by :func:`iid_research.analysis.published.province_peers`.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    frame = data.sort_values("iid_score")
    colors = [PREDICATE_COLORS.get(p, "#bdbdbd") for p in frame["predicate"].fillna("Tidak Dapat Dinilai")]
    bars = ax.barh(frame["nama"], frame["iid_score"], color=colors)
    for bar, focus in zip(bars, frame["is_focus"]):
        if focus:
            bar.set_edgecolor("black")
            bar.set_linewidth(2.5)
    for y, v in enumerate(frame["iid_score"]):
        ax.text(v + 0.8, y, fmt_number(v, lang), va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("score_axis", lang))
    ranked = frame.dropna(subset=["iid_score"]).iloc[::-1].reset_index(drop=True)
    if len(ranked):
        text = t("alt_peers", lang, n=len(ranked), top=ranked["nama"].iloc[0],
                 top_score=fmt_number(ranked["iid_score"].iloc[0], lang))
        focus = ranked.index[ranked["is_focus"].astype(bool)]
        if len(focus):
            row = ranked.loc[focus[0]]
            text += " " + t("alt_peers_focus", lang, focus=row["nama"], score=fmt_number(row["iid_score"], lang),
                            pos=int(focus[0]) + 1, n=len(ranked))
        describe(ax, text)
    return localize(ax, lang)


REPRESENTATION_COLORS = {"over": "#d73027", "proportional": "#bdbdbd", "under": "#4575b4"}
"""Colours of the provincial coverage bars (over-, proportionally and under-represented)."""


def plot_provincial_coverage(data: pd.DataFrame, *, lang: str = "id", ax=None):
    """Horizontal bars: each province's share of the published sample over its share of pemda.

    Parameters
    ----------
    data : DataFrame with columns [province, representation_ratio, representation, n_sampled, n_pemda]
        As returned by :func:`iid_research.analysis.published.provincial_coverage`.

    Returns
    -------
    matplotlib Axes
        A ratio of 1 (dashed line) is a province sampled in proportion to its number of pemda.
    """
    ax = _ax(ax)
    frame = data.sort_values("representation_ratio")
    colors = [REPRESENTATION_COLORS.get(r, "#bdbdbd") for r in frame["representation"]]
    ax.barh(frame["province"], frame["representation_ratio"].astype(float), color=colors)
    for y, (k, n, c) in enumerate(zip(frame["n_sampled"], frame["n_pemda"], colors)):
        ax.text(float(frame["representation_ratio"].iloc[y]) + 0.05, y, f"{int(k)}/{int(n)}", va="center", fontsize=7,
                color=c if c != REPRESENTATION_COLORS["proportional"] else "#333333")
    ax.axvline(1.0, color="#555555", linestyle="dashed", linewidth=1)
    ax.set_xlabel(t("coverage_axis", lang))
    ax.set_title(t("h_coverage", lang))
    ax.tick_params(axis="y", labelsize=7)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in REPRESENTATION_COLORS.values()]
    ax.legend(handles, [t(f"coverage_{k}", lang) for k in REPRESENTATION_COLORS], fontsize=8, loc="lower right")
    over = frame[frame["representation"] == "over"]["province"].tolist()[::-1]
    under = frame[frame["representation"] == "under"]["province"].tolist()
    describe(ax, t("alt_coverage", lang, n=len(frame), over=", ".join(over[:3]) or "–",
                   under=", ".join(under[:3]) or "–"))
    return localize(ax, lang)


def plot_national_mean(data: pd.DataFrame, *, lang: str = "id", ax=None):
    """The published national mean IID by year beside the mean and median of the published sample.

    Parameters
    ----------
    data : DataFrame with columns [year, national_mean, sample_mean, sample_median] and optionally
        ``simulated_mean``; as returned by :func:`iid_research.analysis.published.national_mean_by_year`.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    frame = data.sort_values("year")
    series = [("national_mean", "o-", "#1a1a1a"), ("sample_mean", "s--", "#fc8d59"),
              ("sample_median", "^:", "#91bfdb")]
    if "simulated_mean" in frame and frame["simulated_mean"].notna().any():
        series.append(("simulated_mean", "x-.", "#d73027"))
    for col, style, color in series:
        vals = frame[col].astype(float)
        if vals.notna().any():
            ax.plot(frame["year"], vals, style, color=color, label=t(col, lang))
    for yr, v in zip(frame["year"], frame["national_mean"].astype(float)):
        if np.isfinite(v):
            ax.annotate(fmt_number(v, lang), (yr, v), textcoords="offset points", xytext=(0, 8), ha="center",
                        fontsize=9, fontweight="bold")
    years = [int(y) for y in frame["year"]]
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(0, 100)
    ax.set_xlabel(t("year", lang))
    ax.set_ylabel(t("score_axis", lang))
    ax.set_title(t("h_national_mean", lang))
    ax.legend(fontsize=8, loc="upper left")
    pairs = [(str(int(y)), float(v)) for y, v in zip(frame["year"], frame["national_mean"].astype(float))
             if np.isfinite(v)]
    describe(ax, t("alt_national_mean", lang, values=join_values(pairs, lang, limit=len(pairs)) or "–"))
    return localize(ax, lang)
