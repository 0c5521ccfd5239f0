"""Figures of the driver analyses (seaborn style: ``plot_x(data, *, ..., ax=None) -> Axes``).

Every function takes ``simulated`` (default True): when set, the figure
carries a visible "DATA SIMULASI" / "SIMULATED DATA" label, because the
indicator-level data behind these analyses are simulated unless a user
supplies real answers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .drivers import SIMULATED_NOTE
from .i18n import fmt_number, t

VARIABLE_NAMES_EN = {
    "Institusi": "Institutions",
    "Sumber Daya Manusia": "Human resources",
    "Ekosistem Inovasi dan Kajian": "Innovation ecosystem & studies",
    "Infrastruktur": "Infrastructure",
    "Kecanggihan Produk": "Product sophistication",
    "Output Pengetahuan dan Teknologi": "Knowledge & technology output",
    "Kecepatan Bisnis Proses": "Business process speed",
    "Jumlah Inovasi dan Hasil Kreatif": "Innovation count & creative output",
    "n_innovations": "Number of innovations",
    "count_score": "Innovation-count score",
    "others": "Other pemda's changes",
    "rules": "Rule changes",
}
VARIABLE_NAMES_ID = {"n_innovations": "Jumlah inovasi dilaporkan", "count_score": "Skor jumlah inovasi",
                     "others": "Perubahan pemda lain",
                     "rules": "Perubahan aturan"}

_TEXT = {
    "id": {"waterfall_x": "Skor IID (poin)", "start": "Skor awal", "end": "Skor akhir",
           "other": "Lainnya", "shap_x": "Kontribusi terhadap perubahan peringkat (negatif = naik)",
           "pd_y": "Perkiraan kenaikan peringkat", "from": "Predikat awal", "to": "Predikat akhir"},
    "en": {"waterfall_x": "IID score (points)", "start": "Start score", "end": "End score",
           "other": "Other", "shap_x": "Contribution to rank change (negative = moved up)",
           "pd_y": "Predicted rank gain", "from": "Predicate (from)", "to": "Predicate (to)"},
}


def player_label(name: str, lang: str = "id") -> str:
    """Display name of a Shapley player (variable, lever, 'others', 'rules') in the report language."""
    if lang == "en":
        return VARIABLE_NAMES_EN.get(name, name)
    return VARIABLE_NAMES_ID.get(name, name)


def _mark_simulated(ax, simulated: bool, lang: str) -> None:
    if simulated:
        ax.text(0.99, 0.01, SIMULATED_NOTE.get(lang, SIMULATED_NOTE["en"]), transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color="firebrick", alpha=0.85, fontweight="bold")


def plot_waterfall(data: pd.DataFrame, *, start: float, end: float | None = None, label: str = "label",
                   value: str = "contribution_iid", top_n: int = 12, lang: str = "id", simulated: bool = True,
                   ax=None):
    """Horizontal waterfall of a score change.

    Parameters
    ----------
    data : DataFrame with columns [label, contribution_iid]
        E.g. :func:`iid_research.drivers.decomposition_long`.
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
    txt = _TEXT[lang]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * (min(top_n, len(data)) + 4) + 1))
    d = data[[label, value]].copy()
    d = d.reindex(d[value].abs().sort_values(ascending=False).index)
    if len(d) > top_n:
        rest = d.iloc[top_n:][value].sum()
        d = pd.concat([d.iloc[:top_n], pd.DataFrame({label: [txt["other"]], value: [rest]})], ignore_index=True)
    end = start + d[value].sum() if end is None else end
    names = [txt["start"], *d[label].tolist(), txt["end"]]
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
    for yi, l, w, v in zip(y[1:-1], lefts[1:-1], widths[1:-1], d[value]):
        ax.text(l + w + 0.1, yi, fmt_number(v, lang, "+.2f"), va="center", fontsize=8)
    ax.text(start, y[0], " " + fmt_number(start, lang), va="center", fontsize=8)
    ax.text(end, y[-1], " " + fmt_number(end, lang), va="center", fontsize=8)
    ax.set_yticks(y, names)
    ax.set_xlabel(txt["waterfall_x"])
    sns.despine(ax=ax)
    _mark_simulated(ax, simulated, lang)
    return ax


def plot_shapley_bars(data: pd.DataFrame, *, x: str = "shapley_rank", y: str = "player", error: str | None = None,
                      lang: str = "id", simulated: bool = True, top_n: int | None = None, ax=None):
    """Bars of Shapley values of a rank change (negative = moved up the ranking).

    Parameters
    ----------
    data : DataFrame with columns [player, shapley_rank] (optionally an error column)
        E.g. ``RankShapleyResult.values.loc[code]`` reshaped, or ``IndicatorShapleyResult.values``.
    x, y : str
        Column names of the value and the player.
    error : str, optional
        Column with a ± error (e.g. ``ci95_halfwidth``) drawn as error bars.
    top_n : int, optional
        Keep the largest |values|.
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
    name_col = f"name_{lang}"
    d["_label"] = d[name_col] if name_col in d.columns else [player_label(p, lang) for p in d[y]]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(d) + 1.2))
    pal = sns.color_palette("deep")
    colors = [pal[2] if v < 0 else pal[3] for v in d[x]]
    pos = np.arange(len(d))
    ax.barh(pos, d[x], color=colors, xerr=d[error] if error else None, capsize=2 if error else 0)
    ax.set_yticks(pos, d["_label"])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel(_TEXT[lang]["shap_x"])
    sns.despine(ax=ax)
    _mark_simulated(ax, simulated, lang)
    return ax


def plot_transition_heatmap(data: pd.DataFrame, *, lang: str = "id", simulated: bool = True, ax=None):
    """Heatmap of a predikat transition matrix (:func:`iid_research.drivers.predicate_transitions`).

    Returns
    -------
    matplotlib.axes.Axes
    """
    mat = data.pivot(index="predicate_from", columns="predicate_to", values="share")
    order = list(dict.fromkeys(data["predicate_from"]))
    mat = mat.reindex(index=order, columns=order)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    sns.heatmap(mat, annot=True, fmt=".2f", cmap="Blues", vmin=0, vmax=1, cbar=False, ax=ax)
    ax.set_xlabel(_TEXT[lang]["to"])
    ax.set_ylabel(_TEXT[lang]["from"])
    _mark_simulated(ax, simulated, lang)
    return ax


def plot_partial_dependence(data: pd.DataFrame, *, feature: str = "", lang: str = "id", simulated: bool = True,
                            ax=None):
    """Line of a partial dependence (:meth:`iid_research.drivers.RankChangeDrivers.partial_dependence`).

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
    ax.set_ylabel(_TEXT[lang]["pd_y"])
    sns.despine(ax=ax)
    _mark_simulated(ax, simulated, lang)
    return ax


NOTEBOOK_TEXT = {
    "title": {"id": "# Pendorong perubahan peringkat IID: {nama} ({year_from} → {year_to})",
              "en": "# Drivers of the IID rank change: {nama} ({year_from} → {year_to})"},
    "banner": {"id": "**⚠ DATA SIMULASI.** Data tingkat indikator IID tidak dipublikasikan; jawaban SPD dan SID di "
                     "laporan ini disimulasikan (`iid_research.simulate`, seed {seed}) dan dikalibrasi agar skor dan "
                     "peringkat resmi yang dipublikasikan terreproduksi. Angka lain bukan hasil resmi.",
               "en": "**⚠ SIMULATED DATA.** Indicator-level IID data are not public; the SPD and SID answers in this "
                     "report are simulated (`iid_research.simulate`, seed {seed}) and calibrated so that published "
                     "official scores and ranks are reproduced. Other numbers are not official results."},
    "summary": {"id": "Skor IID {score_from:.2f} (peringkat {rank_from}) → {score_to:.2f} (peringkat {rank_to}) "
                      "di antara {rank_of} {level}.",
                "en": "IID score {score_from:.2f} (rank {rank_from}) → {score_to:.2f} (rank {rank_to}) among "
                      "{rank_of} {level}."},
    "caveat": {"id": "**⚠ Catatan sumber:** {items}. Simulasi dikalibrasi ke angka ini; periksa sebelum dipakai.",
               "en": "**⚠ Source caveat:** {items}. The simulation is calibrated to this figure; verify before use."},
    "caveat_no_source": {"id": "peringkat {rank} tahun {year} tidak memiliki halaman sumber",
                         "en": "the {year} rank {rank} has no source page"},
    "caveat_no_source_score": {"id": "nilai {year} ({score}) tidak memiliki halaman sumber",
                               "en": "the {year} value ({score}) has no source page"},
    "caveat_provisional": {"id": "nilai {year} ({score}) adalah nilai sementara sebelum Kepmendagri",
                           "en": "the {year} value ({score}) is provisional, published before the decree"},
    "h_waterfall": {"id": "## Dari mana perubahan skor berasal", "en": "## Where the score change comes from"},
    "t_waterfall": {"id": "Dekomposisi eksak: indikator SPD, kualitas SID per inovasi, kursi kosong (pembagi "
                          "MAX(10, n)) dan skor jumlah inovasi; jumlah bagian = perubahan skor.",
                    "en": "Exact decomposition: SPD indicators, SID quality per innovation, empty seats (divisor "
                          "MAX(10, n)) and the innovation-count score; the parts sum to the score change."},
    "h_shapley": {"id": "## Berapa perubahan peringkat yang dijelaskan tiap variabel",
                  "en": "## How much of the rank change each variable explains"},
    "t_shapley": {"id": "Nilai Shapley eksak atas 8 variabel (256 koalisi), pemda lain pada skor {year_to}. "
                        "Negatif = naik peringkat. Jumlah semua nilai = perubahan peringkat ({change:+d}).",
                  "en": "Exact Shapley values over the 8 variables (256 coalitions), other pemda at their {year_to} "
                        "scores. Negative = moved up. All values sum to the rank change ({change:+d})."},
    "h_counterfactual": {"id": "### Peringkat kontrafaktual", "en": "### Counterfactual ranks"},
    "h_indicators": {"id": "## Indikator yang paling berpengaruh", "en": "## The indicators that mattered most"},
    "t_indicators": {"id": "Nilai Shapley per indikator dari {n} permutasi acak; galat maksimum (95 %) ±{err:.2f} "
                           "peringkat.",
                     "en": "Shapley values per indicator from {n} random permutations; largest error (95 %) "
                           "±{err:.2f} ranks."},
    "h_path": {"id": "## Jalan menuju peringkat {target}", "en": "## Path to rank {target}"},
    "h_rules": {"id": "## Data yang sama, aturan berbeda: kerangka {f1} vs {f2} (jawaban {year})",
                "en": "## Same answers, other rules: framework {f1} vs {f2} ({year} answers)"},
    "t_rules": {"id": "Jawaban {year} dinilai ulang dengan aturan {f2} (pembagi MAX(12, n), skor jumlah inovasi hanya "
                      "jika ≥ 5 urusan pelayanan dasar, ambang predikat 65,01 / 40,01). Perubahan skor = efek aturan.",
                "en": "The {year} answers rescored under the {f2} rules (divisor MAX(12, n), count score only with "
                      "≥ 5 basic-service urusan, predicate cut-offs 65.01 / 40.01). The score change is the rules "
                      "effect."},
    "h_national": {"id": "## Pendorong secara nasional ({year_from} → {year_to})",
                   "en": "## National drivers ({year_from} → {year_to})"},
    "t_fe": {"id": "Regresi panel efek tetap (pemda dan tahun): persentil peringkat (0-100) terhadap skor variabel, "
                   "dengan interval bootstrap 95 %.",
             "en": "Fixed-effects panel regression (pemda and year): rank percentile (0-100) on variable scores, "
                   "with 95 % bootstrap intervals."},
    "t_gb": {"id": "Gradient boosting kenaikan peringkat: kepentingan permutasi dengan interval bootstrap "
                   "(R² uji {r2:.2f}).",
             "en": "Gradient boosting of the rank gain: permutation importance with bootstrap intervals "
                   "(test R² {r2:.2f})."},
    "t_transitions": {"id": "Matriks transisi predikat (setiap tahun dengan ambang batasnya sendiri).",
                      "en": "Predicate transition matrix (each year with its own thresholds)."},
}

LEVEL_PLURAL = {"id": {"kabupaten": "kabupaten", "kota": "kota", "provinsi": "provinsi"},
                "en": {"kabupaten": "regencies", "kota": "cities", "provinsi": "provinces"}}


def notebook_text(key: str, lang: str = "id", **values):
    """Markdown of a notebook text block in the report language (IPython ``Markdown`` object)."""
    from IPython.display import Markdown

    from .i18n import localize_fields
    return Markdown(NOTEBOOK_TEXT[key][lang].format(**localize_fields(lang, values)))


TABLE_COLUMNS = {
    "en": {"feature": "Variable", "coef": "Coefficient", "se": "Std. error", "ci_low": "95 % low",
           "ci_high": "95 % high", "importance": "Importance"},
    "id": {"feature": "Variabel", "player": "Variabel", "coef": "Koefisien", "se": "Galat baku", "ci_low": "Batas bawah 95 %",
           "ci_high": "Batas atas 95 %", "importance": "Kepentingan"},
}


def _pattern_header(col: str, lang: str) -> str:
    import re
    m = re.fullmatch(r"(iid|rank|predicate)_(\d{4})", str(col))
    if m:
        word = {"id": {"iid": "Skor IID", "rank": "Peringkat", "predicate": "Predikat"},
                "en": {"iid": "IID score", "rank": "Rank", "predicate": "Predicate"}}[lang][m.group(1)]
        return f"{word} (aturan {m.group(2)})" if lang == "id" else f"{word} ({m.group(2)} rules)"
    fixed = {"id": {"kode_wilayah": "Kode wilayah", "level": "Klaster", "rules_effect": "Efek aturan (poin IID)"},
             "en": {"kode_wilayah": "Region code", "level": "Cluster", "rules_effect": "Rules effect (IID points)"}}
    return fixed[lang].get(col, col)


def simulated_table(data: pd.DataFrame, lang: str = "id", *, simulated: bool = True, digits: int = 2):
    """A table for a report: translated headers and variable names, rounded, captioned SIMULATED.

    Returns
    -------
    pandas Styler (renders as HTML with the caption and without the index)
    """
    d = data.copy()
    for col in ("feature", "player"):
        if col in d.columns:
            d[col] = [player_label(v, lang) for v in d[col]]
    for col in [c for c in d.columns if c == "level" or str(c).startswith("predicate_")]:
        d[col] = [t(str(v), lang) if isinstance(v, str) else v for v in d[col]]  # "kabupaten" -> "Kabupaten"
    d = d.rename(columns=TABLE_COLUMNS[lang])
    d = d.rename(columns=lambda c: _pattern_header(c, lang))
    sep = {"decimal": ",", "thousands": "."} if lang == "id" else {}  # Indonesian notation: 1.234,56
    styler = d.style.format(precision=digits, na_rep="–", **sep).hide(axis="index")
    if simulated:
        styler = styler.set_caption(SIMULATED_NOTE.get(lang, SIMULATED_NOTE["en"]))
    return styler


def show_source_caveat(kode_wilayah: str, year_from: int, year_to: int, lang: str = "id") -> str:
    """Display :func:`iid_research.drivers.source_caveat` when there is one; return its text ("" if none)."""
    from IPython.display import display

    from .drivers import source_caveat
    text = source_caveat(kode_wilayah, (year_from, year_to), lang)
    if text:
        display(Markdown(text))
    return text


def importance_label(lang: str = "id") -> str:
    """Axis label of permutation importance."""
    return "Kepentingan permutasi (penurunan R²)" if lang == "id" else "Permutation importance (drop in R²)"


def Markdown(text: str):  # noqa: N802 - mirrors IPython.display.Markdown
    """IPython Markdown object (kept here so notebooks need one import)."""
    from IPython.display import Markdown as _Markdown
    return _Markdown(text)


def predicate_counts_table(rules: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Count of pemda per predikat under each framework (from :func:`iid_research.drivers.rules_comparison`).

    Returns
    -------
    DataFrame with one row per predikat and one count column per framework year.
    """
    from .data import PREDICATES
    cols = [c for c in rules.columns if c.startswith("predicate_")]
    table = pd.DataFrame({c.replace("predicate_", "Kerangka " if lang == "id" else "Framework "):
                          rules[c].value_counts().reindex(list(PREDICATES), fill_value=0) for c in cols})
    table.index.name = "Predikat" if lang == "id" else "Predicate"
    return table.reset_index()
