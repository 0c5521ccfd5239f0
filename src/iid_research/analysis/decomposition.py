"""Exact decomposition of a pemda's IID change, and the same answers under other rules.

Notation (PPT Sosialisasi IID 2023; :mod:`iid_research.scoring`)::

    SPD        = Σ_r w_r L_r                             (20 SPD rows, indicators 1-15)
    S_i        = w_i Σ_j L_ij                            (SID indicator i = 16..35, over innovations j)
    Q          = Σ_i S_i / MAX(F, n) = φ · Σ_i m_i       φ = n / MAX(F, n) (seat fill), m_i = S_i / n
    C          = 0.38 · MIN(n, 200)                      (count score)
    IID        = (SPD + Q + C) / 250 × 100

:func:`decompose_score_change` splits ΔIID exactly into SPD rows, SID
indicators (quality per innovation), the divisor-floor "empty seats" effect,
the count score and the change of rules.  The product Q = φ·Σm_i is split by
its Shapley value (each m_i gets Δm_i·(φ_a+φ_b)/2, φ gets Δφ·(Σm_a+Σm_b)/2),
which is exact.

**The rules effect** has one definition in the package, the two-factor
Shapley value of (answers, rules) (:func:`rules_vs_data`)::

    rules = ½[(a, F_b) − (a, F_a) + (b, F_b) − (b, F_a)]

where (x, F) is the IID of answers x under framework F.  The decomposition
uses it as its ``rules`` part, and the indicator parts then split the
remaining data effect ½[(b, F_a) − (a, F_a) + (b, F_b) − (a, F_b)] exactly
(each part is the mean of its value under F_a and under F_b).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..frameworks import Framework, framework_for_year, latest_framework
from ..scoring import assign_predicates, points_to_iid, rank_within_cluster, score_components, score_parts


def pair_years(components: pd.DataFrame, year_from: int, year_to: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The components of the pemda present in both years, aligned: (rows of year_from, rows of year_to).

    Raises
    ------
    ValueError
        If no pemda has components in both years.
    """
    a = components.xs(year_from, level="year")
    b = components.xs(year_to, level="year")
    common = a.index.intersection(b.index)
    if len(common) == 0:
        raise ValueError(f"no pemda has components in both {year_from} and {year_to}")
    return a.loc[common], b.loc[common]


def _indicator_parts(a: pd.DataFrame, b: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Exact split of IID(b, fw) − IID(a, fw) into SPD rows, SID indicators, empty seats and count score."""
    pa_, pb_ = score_parts(a, fw), score_parts(b, fw)
    out = pd.DataFrame(points_to_iid(pb_["spd"] - pa_["spd"], fw), index=a.index,
                       columns=[f"spd_{r}" for r in fw.spd_row_ids])
    phi_mean = (pa_["phi"] + pb_["phi"]) / 2
    out[list(fw.sid_columns)] = points_to_iid((pb_["m"] - pa_["m"]) * phi_mean[:, None], fw)
    out["empty_seats"] = points_to_iid((pb_["phi"] - pa_["phi"]) * (pa_["m"].sum(1) + pb_["m"].sum(1)) / 2, fw)
    out["count_score"] = points_to_iid(pb_["C"] - pa_["C"], fw)
    return out


def decompose_score_change(components: pd.DataFrame, year_from: int, year_to: int, *,
                           framework_from: Framework | None = None,
                           framework_to: Framework | None = None) -> pd.DataFrame:
    """Exact decomposition of every pemda's IID change between two years.

    Parameters
    ----------
    components : DataFrame indexed by (kode_wilayah, year)
        From :func:`iid_research.scoring.pemda_components` (or ``Dataset.components()``).
    year_from, year_to : int
    framework_from, framework_to : Framework, optional
        Default ``framework_for_year`` of each year.  When they differ, the
        ``rules`` part is the two-factor Shapley rules effect of
        :func:`rules_vs_data` (the one definition; module docstring) and the
        indicator parts split the data effect: each is the mean of the part
        computed under ``framework_from`` and under ``framework_to``.

    Returns
    -------
    DataFrame indexed by kode_wilayah with columns
    [iid_from, iid_to, change, rules, spd_<row> ... (20 SPD rows), sid_16 ... sid_35,
    empty_seats, count_score, residual]
        All in IID points (0-100 scale).  ``rules + Σ spd_* + Σ sid_* + empty_seats +
        count_score = change``; ``residual`` is that difference (|residual| < 1e-9).
        ``sid_i`` is indicator i's change in quality per innovation, weighted by the
        mean seat fill; ``empty_seats`` is the effect of the divisor floor
        MAX(F, n) (non-zero only when n < F in a year); ``count_score`` the change
        of the Skor Jumlah Inovasi.

    Raises
    ------
    ValueError
        If no pemda has components in both years.
    """
    fa = framework_from or framework_for_year(year_from)
    fb = framework_to or framework_for_year(year_to)
    a, b = pair_years(components, year_from, year_to)
    aa = score_components(a, fa)["iid_score"].to_numpy()
    bb = score_components(b, fb)["iid_score"].to_numpy()
    parts = _indicator_parts(a, b, fb)
    if not fa.same_rules(fb):
        ab = score_components(a, fb)["iid_score"].to_numpy()
        ba = score_components(b, fa)["iid_score"].to_numpy()
        rules = ((ab - aa) + (bb - ba)) / 2
        parts = (parts + _indicator_parts(a, b, fa).reindex(columns=parts.columns, fill_value=0.0)) / 2
    else:
        rules = np.zeros(len(a))
    out = parts
    out.insert(0, "rules", rules)
    out.insert(0, "change", bb - aa)
    out.insert(0, "iid_to", bb)
    out.insert(0, "iid_from", aa)
    total = out.drop(columns=["iid_from", "iid_to", "change"]).sum(axis=1)
    out["residual"] = out["change"] - total
    return out


def decomposition_long(decomposition: pd.DataFrame, kode_wilayah: str, framework: Framework, *,
                       drop_zero: bool = True) -> pd.DataFrame:
    """One pemda's decomposition as a tidy table (for the waterfall chart and reports).

    Parameters
    ----------
    decomposition : DataFrame from :func:`decompose_score_change`
    kode_wilayah : str
    framework : Framework
        Gives the indicator rows and variables.
    drop_zero : bool, default True
        Drop parts that are exactly 0.

    Returns
    -------
    DataFrame with columns [component, aspect, indicator, variable, contribution_iid]
        In the order SPD rows, SID indicators, empty seats, count score, rules.
        ``component`` is a key (``spd_2a``, ``sid_19``, ``empty_seats``,
        ``count_score``, ``rules``); reports label it with
        :func:`iid_research.text.component_label`.
    """
    row = decomposition.loc[kode_wilayah]
    ind = framework.indicators.set_index("row_id")
    recs = [(f"spd_{r}", "SPD", r, ind.loc[r, "variable"], row[f"spd_{r}"]) for r in framework.spd_row_ids]
    recs += [(f"sid_{i}", "SID", str(i), ind.loc[str(i), "variable"], row[f"sid_{i}"])
             for i in framework.sid_indicators]
    recs += [(key, "SID" if key != "rules" else "", "", "", row[key])
             for key in ("empty_seats", "count_score", "rules")]
    out = pd.DataFrame(recs, columns=["component", "aspect", "indicator", "variable", "contribution_iid"])
    if drop_zero:
        out = out[out["contribution_iid"] != 0]
    return out.reset_index(drop=True)


def rules_vs_data(components: pd.DataFrame, year_from: int, year_to: int, framework_from: Framework,
                  framework_to: Framework, *, threshold_year_from: int | None = None,
                  threshold_year_to: int | None = None) -> pd.DataFrame:
    """Split each pemda's score change into a data effect and a rules effect.

    Both years' answers are scored under both frameworks; the split is the
    two-factor Shapley value (average of the two orders), so
    ``data_effect + rules_effect = change`` exactly::

        data  = ½[(b, F_a) − (a, F_a) + (b, F_b) − (a, F_b)]
        rules = ½[(a, F_b) − (a, F_a) + (b, F_b) − (b, F_a)]

    Parameters
    ----------
    components : DataFrame indexed by (kode_wilayah, year)
    year_from, year_to : int
        Years of the answers (may be equal: then only the rules differ).
    framework_from, framework_to : Framework
        E.g. ``load_framework(2023)`` and ``load_framework(2026)``.
    threshold_year_from, threshold_year_to : int, optional
        Assessment years whose predikat thresholds apply (default: the framework years).

    Returns
    -------
    DataFrame indexed by kode_wilayah with columns [iid_a_Fa, iid_b_Fa, iid_a_Fb, iid_b_Fb, change,
    data_effect, rules_effect, predicate_from, predicate_to, predicate_to_old_rules]
        IID points; predikat under each framework's thresholds.
    """
    a, b = pair_years(components, year_from, year_to)
    fa, fb = framework_from, framework_to
    aa = score_components(a, fa)["iid_score"].to_numpy()
    ba = score_components(b, fa)["iid_score"].to_numpy()
    ab = score_components(a, fb)["iid_score"].to_numpy()
    bb = score_components(b, fb)["iid_score"].to_numpy()
    ty_a = threshold_year_from or fa.year
    ty_b = threshold_year_to or fb.year
    out = pd.DataFrame({"iid_a_Fa": aa, "iid_b_Fa": ba, "iid_a_Fb": ab, "iid_b_Fb": bb}, index=a.index)
    out["change"] = bb - aa
    out["data_effect"] = ((ba - aa) + (bb - ab)) / 2
    out["rules_effect"] = ((ab - aa) + (bb - ba)) / 2
    out["predicate_from"] = assign_predicates(aa, ty_a)
    out["predicate_to"] = assign_predicates(bb, ty_b)
    out["predicate_to_old_rules"] = assign_predicates(ba, ty_a)
    return out


def rules_comparison(data, year: int, *, framework_years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Every pemda's ``year`` answers scored under two framework years (same data, other rules).

    Parameters
    ----------
    data : object with ``scores`` and ``components()`` (a :class:`~iid_research.dataset.Dataset`)
    year : int
        Year of the answers.
    framework_years : pair of int, optional
        Default: the framework of ``year`` and the newest framework in the rules
        (2023 and 2026 today).  Each framework's own predikat thresholds apply
        (the thresholds of the assessment year named like the framework).

    Returns
    -------
    DataFrame indexed by kode_wilayah with columns [level, iid_<F1>, rank_<F1>, predicate_<F1>,
    iid_<F2>, rank_<F2>, predicate_<F2>, rules_effect]
        ``rules_effect`` is the one rules effect of :func:`rules_vs_data` (equal
        answers on both sides, so iid_<F2> − iid_<F1>), in IID points.
    """
    from ..frameworks import load_framework

    if framework_years is None:
        framework_years = (framework_for_year(year).year, latest_framework().year)
    f1, f2 = (load_framework(y) for y in framework_years)
    comp = data.components().xs(year, level="year", drop_level=False)
    rv = rules_vs_data(comp, year, year, f1, f2)
    levels = data.scores.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["level"]
    out = pd.DataFrame({"level": levels.reindex(rv.index)}, index=rv.index)
    for fy, col, pred in ((f1.year, "iid_a_Fa", "predicate_from"), (f2.year, "iid_b_Fb", "predicate_to")):
        out[f"iid_{fy}"] = rv[col]
        out[f"rank_{fy}"] = rank_within_cluster(out.assign(year=year), score=f"iid_{fy}").to_numpy()
        out[f"predicate_{fy}"] = rv[pred]
    out["rules_effect"] = rv["rules_effect"]
    return out
