"""Which indicators drove a pemda's IID change and rank change, and what it takes to reach a target rank.

All analyses work on the per pemda-year *components* of
:func:`iid_research.indicator_data.pemda_components` (SPD levels per row,
level sums per SID indicator, number of innovations), so they apply equally
to simulated data (:mod:`iid_research.simulate`) and to user-supplied answers.

Notation (PPT Sosialisasi IID 2023; :mod:`iid_research.scoring`)::

    SPD        = Σ_r w_r L_r                             (20 SPD rows, indicators 1-15)
    S_i        = w_i Σ_j L_ij                            (SID indicator i = 16..35, over innovations j)
    Q          = Σ_i S_i / MAX(F, n) = φ · Σ_i m_i       φ = n / MAX(F, n) (seat fill), m_i = S_i / n
    C          = 0.38 · MIN(n, 200)                      (count score)
    IID        = (SPD + Q + C) / 250 × 100

1. :func:`decompose_score_change` — exact split of ΔIID into SPD rows, SID
   indicators (quality per innovation), the divisor-floor "empty seats" effect
   and the count score.  The product Q = φ·Σm_i is split by its Shapley value
   (each m_i gets Δm_i·(φ_a+φ_b)/2, φ gets Δφ·(Σm_a+Σm_b)/2), which is exact.
2. :func:`rank_shapley` / :func:`indicator_rank_shapley` — rank-change attribution
   inside the pemda's cluster with the other pemda at their final-year scores:
   exact Shapley over the 8 variables (256 coalitions) and permutation-sampled
   Shapley over the 41 indicator levers with a standard error.
3. :class:`PanelFixedEffects`, :class:`RankChangeDrivers`,
   :func:`predicate_transitions` — cross-pemda analysis with bootstrap intervals.
4. :func:`path_to_target` — cheapest set of upgrades to reach a target rank
   (``scipy.optimize.milp``; greedy fallback), verified by rescoring.
5. :func:`rules_vs_data` — the same answers scored under two framework years.

Ranks everywhere follow :func:`iid_research.scoring.rank_within_cluster`:
competition ranking on scores rounded to 2 decimals (rank = 1 + number of
other pemda with a strictly higher rounded score).
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
from scipy import optimize
from sklearn.base import BaseEstimator, RegressorMixin

from .frameworks import SID_INDICATORS, Framework, framework_for_year
from .i18n import fmt_number
from .indicator_data import COMPONENT_SID_COLUMNS, score_components
from .scoring import SID_COLUMNS, assign_predicates, count_score, score_pemda

SIMULATED_NOTE = {"id": "DATA SIMULASI — bukan hasil resmi IID", "en": "SIMULATED DATA — not official IID results"}


# --------------------------------------------------------------------------- shared helpers

def _spd_cols(fw: Framework) -> list[str]:
    return [f"spd_{r}" for r in fw.spd_row_ids]


def _parts(comp: pd.DataFrame, fw: Framework) -> dict:
    """Arrays of the score parts of each row of ``comp`` under ``fw`` (points, not IID)."""
    spd = comp[_spd_cols(fw)].to_numpy(float) * fw.spd_weights.to_numpy()
    n = comp["n_innovations"].to_numpy(float)
    S = comp[list(COMPONENT_SID_COLUMNS)].to_numpy(float) * fw.sid_weights.to_numpy()
    D = np.maximum(fw.divisor_floor, n)
    phi = n / D
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(n[:, None] > 0, S / np.where(n > 0, n, 1)[:, None], 0.0)
    yandas = comp["n_urusan_yandas"].to_numpy() if "n_urusan_yandas" in comp else None
    C = np.asarray(count_score(n, fw, yandas if fw.count_score_min_urusan_yandas else None), float)
    return {"spd": spd, "n": n, "phi": phi, "m": m, "C": C, "S": S, "yandas": yandas}


def _to_iid(points, fw: Framework):
    return np.asarray(points, float) / fw.max_total * 100


def _pair(components: pd.DataFrame, year_from: int, year_to: int):
    a = components.xs(year_from, level="year")
    b = components.xs(year_to, level="year")
    common = a.index.intersection(b.index)
    if len(common) == 0:
        raise ValueError(f"no pemda has components in both {year_from} and {year_to}")
    return a.loc[common], b.loc[common]


def _rank_among(x, others_sorted_rounded):
    """Competition rank of score(s) x among other pemda (sorted ascending, rounded to 2 decimals)."""
    xr = np.round(np.asarray(x, float), 2)
    return 1 + len(others_sorted_rounded) - np.searchsorted(others_sorted_rounded, xr, side="right")


# --------------------------------------------------------------------------- 1. decomposition

def decompose_score_change(components: pd.DataFrame, year_from: int, year_to: int, *,
                           framework_from: Framework | None = None,
                           framework_to: Framework | None = None) -> pd.DataFrame:
    """Exact decomposition of every pemda's IID change between two years.

    Parameters
    ----------
    components : DataFrame indexed by (kode_wilayah, year)
        From :func:`~iid_research.indicator_data.pemda_components` (or ``SimulatedIID.components()``).
    year_from, year_to : int
    framework_from, framework_to : Framework, optional
        Default ``framework_for_year`` of each year.  When they differ, the
        change due to the rules alone (year_from answers rescored under the
        year_to framework) is reported as ``rules``; the indicator parts are
        computed under ``framework_to``.

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
    """
    fa = framework_from or framework_for_year(year_from)
    fb = framework_to or framework_for_year(year_to)
    a, b = _pair(components, year_from, year_to)
    pa_, pb_ = _parts(a, fb), _parts(b, fb)
    iid_from = score_components(a, fa)["iid_score"].to_numpy()
    iid_from_rules_b = score_components(a, fb)["iid_score"].to_numpy()
    iid_to = score_components(b, fb)["iid_score"].to_numpy()
    spd = _to_iid(pb_["spd"] - pa_["spd"], fb)
    phi_mean = (pa_["phi"] + pb_["phi"]) / 2
    sid = _to_iid((pb_["m"] - pa_["m"]) * phi_mean[:, None], fb)
    seats = _to_iid((pb_["phi"] - pa_["phi"]) * (pa_["m"].sum(1) + pb_["m"].sum(1)) / 2, fb)
    cnt = _to_iid(pb_["C"] - pa_["C"], fb)
    rules = iid_from_rules_b - iid_from
    out = pd.DataFrame(spd, index=a.index, columns=_spd_cols(fb))
    out[list(SID_COLUMNS)] = sid
    out["empty_seats"] = seats
    out["count_score"] = cnt
    out.insert(0, "rules", rules)
    out.insert(0, "change", iid_to - iid_from)
    out.insert(0, "iid_to", iid_to)
    out.insert(0, "iid_from", iid_from)
    parts = out.drop(columns=["iid_from", "iid_to", "change"]).sum(axis=1)
    out["residual"] = out["change"] - parts
    return out


def decomposition_long(decomposition: pd.DataFrame, kode_wilayah: str, framework: Framework, *,
                       lang: str = "id", drop_zero: bool = True) -> pd.DataFrame:
    """One pemda's decomposition as a tidy table (for the waterfall chart and reports).

    Parameters
    ----------
    decomposition : DataFrame from :func:`decompose_score_change`
    kode_wilayah : str
    framework : Framework
        Gives indicator names and variables.
    lang : {"id", "en"}
    drop_zero : bool, default True
        Drop parts that are exactly 0.

    Returns
    -------
    DataFrame with columns [component, aspect, indicator, variable, label, contribution_iid]
        In the order SPD rows, SID indicators, empty seats, count score, rules.
    """
    row = decomposition.loc[kode_wilayah]
    ind = framework.indicators.set_index("row_id")
    name_col = "name_id" if lang == "id" else "name_en"
    recs = []
    for r in framework.spd_row_ids:
        recs.append((f"spd_{r}", "SPD", r, ind.loc[r, "variable"], f"{r}. {ind.loc[r, name_col]}",
                     row[f"spd_{r}"]))
    for i in SID_INDICATORS:
        recs.append((f"sid_{i}", "SID", str(i), ind.loc[str(i), "variable"], f"{i}. {ind.loc[str(i), name_col]}",
                     row[f"sid_{i}"]))
    labels = _LABELS[lang]
    recs.append(("empty_seats", "SID", "", "", labels["empty_seats"], row["empty_seats"]))
    recs.append(("count_score", "SID", "", "", labels["count_score"], row["count_score"]))
    recs.append(("rules", "", "", "", labels["rules"], row["rules"]))
    out = pd.DataFrame(recs, columns=["component", "aspect", "indicator", "variable", "label", "contribution_iid"])
    if drop_zero:
        out = out[out["contribution_iid"] != 0]
    return out.reset_index(drop=True)


_LABELS = {
    "id": {"empty_seats": "Kursi kosong (pembagi MAX(10, n))", "count_score": "Skor jumlah inovasi",
           "rules": "Perubahan aturan penilaian", "others": "Perubahan skor pemda lain",
           "start": "Skor awal", "end": "Skor akhir", "new_innovations": "Tambah inovasi dilaporkan"},
    "en": {"empty_seats": "Empty seats (divisor MAX(10, n))", "count_score": "Innovation-count score",
           "rules": "Change of scoring rules", "others": "Other pemda's score changes",
           "start": "Start score", "end": "End score", "new_innovations": "Report more innovations"},
}


# --------------------------------------------------------------------------- 2. Shapley

def coalition_masks(n_players: int) -> np.ndarray:
    """All 2^p coalitions as a boolean matrix (row k = bits of k; player j in coalition k iff bit j set)."""
    k = np.arange(2 ** n_players)
    return ((k[:, None] >> np.arange(n_players)[None, :]) & 1).astype(bool)


def shapley_matrix(n_players: int) -> np.ndarray:
    """Matrix W (2^p × p) with Shapley values = coalition values @ W.

    φ_j = Σ_{S ∌ j} |S|! (p-|S|-1)! / p! · (v(S ∪ {j}) − v(S)), coalitions indexed by bitmask.
    """
    p = n_players
    masks = coalition_masks(p)
    size = masks.sum(1)
    W = np.zeros((2 ** p, p))
    fact = [math.factorial(i) for i in range(p + 1)]
    for j in range(p):
        without = np.flatnonzero(~masks[:, j])
        w = np.array([fact[s] * fact[p - s - 1] / fact[p] for s in size[without]])
        W[without | (1 << j), j] += w
        W[without, j] -= w
    return W


def shapley_values(coalition_values) -> np.ndarray:
    """Exact Shapley values from the values of all 2^p coalitions.

    Parameters
    ----------
    coalition_values : array of shape (..., 2^p)
        Value of each coalition, indexed by bitmask (player j in coalition k iff bit j of k is set).

    Returns
    -------
    ndarray of shape (..., p)
        Sums to v(all) − v(empty) (efficiency); symmetric players get equal values.
    """
    v = np.asarray(coalition_values, float)
    p = int(round(math.log2(v.shape[-1])))
    if 2 ** p != v.shape[-1]:
        raise ValueError(f"expected 2^p coalition values, got {v.shape[-1]}")
    return v @ shapley_matrix(p)


def _variable_groups(fw: Framework, count_player: str | None):
    ind = fw.indicators
    variables = fw.variables
    spd_vars = list(dict.fromkeys(ind.loc[ind["aspect"] == "SPD", "variable"]))
    sid_vars = list(dict.fromkeys(ind.loc[ind["aspect"] == "SID", "variable"]))
    spd_idx = {v: [k for k, r in enumerate(fw.spd_row_ids) if ind.set_index("row_id").loc[r, "variable"] == v]
               for v in spd_vars}
    sid_idx = {v: [k for k, i in enumerate(SID_INDICATORS) if ind.set_index("row_id").loc[str(i), "variable"] == v]
               for v in sid_vars}
    players = list(variables)
    if count_player is None:
        count_player = "Jumlah Inovasi dan Hasil Kreatif"
    if count_player == "separate":
        players = players + ["n_innovations"]
        count_idx = len(players) - 1
    else:
        if count_player not in players:
            raise ValueError(f"count_player {count_player!r} is not a variable; choose from {players} or 'separate'")
        count_idx = players.index(count_player)
    return players, spd_vars, sid_vars, spd_idx, sid_idx, count_idx


@dataclasses.dataclass
class RankShapleyResult:
    """Rank-change attribution of every pemda between two years.

    Attributes
    ----------
    values : DataFrame indexed by kode_wilayah
        Columns: rank_from, rank_to, change (rank_to − rank_from; negative = better),
        others (rank change due to the other pemda's changes), rules (due to the
        framework change), then one column per player (Shapley value, in ranks).
        ``others + rules + Σ players = change`` exactly.
    counterfactual : DataFrame
        One row per pemda and player: [kode_wilayah, player, score_only_this, rank_only_this,
        rank_all_but_this].
    players : list of str
    """

    values: pd.DataFrame
    counterfactual: pd.DataFrame
    players: list


def _cluster_others(scores_to: pd.Series, levels: pd.Series):
    """For each cluster: sorted rounded final-year scores of all members."""
    out = {}
    for lv, idx in levels.groupby(levels).groups.items():
        out[lv] = np.sort(np.round(scores_to.loc[idx].to_numpy(float), 2))
    return out


def _ranks_excluding_self(x, own_to, sorted_all):
    """Rank of x among the cluster without the pemda itself (whose final score is own_to)."""
    xr = np.round(np.asarray(x, float), 2)
    greater = len(sorted_all) - np.searchsorted(sorted_all, xr, side="right")
    greater = greater - (np.round(own_to, 2) > xr)
    return 1 + greater


def rank_shapley(components: pd.DataFrame, levels: pd.Series, year_from: int, year_to: int, *,
                 kode_wilayah=None, count_player: str | None = None,
                 framework_from: Framework | None = None, framework_to: Framework | None = None,
                 scores_from: pd.Series | None = None) -> RankShapleyResult:
    """Exact Shapley attribution of rank changes over the 8 IID variables (256 coalitions).

    The game of pemda p: a coalition S of variables takes its year_to values,
    the others keep their year_from values; the value is p's rank in its
    cluster against every other pemda's *year_to* score.  The observed change
    rank_to − rank_from is split into ``others`` (p unchanged, the field moved:
    rank of p's year_from score among the others' year_to scores minus
    rank_from), ``rules`` (year_from answers rescored under the year_to
    framework) and the Shapley value of each variable, which sum to it exactly.

    The number of innovations n (divisor floor and count score) moves with the
    variable ``count_player`` (default "Jumlah Inovasi dan Hasil Kreatif", the
    variable about the count and output of innovations); ``"separate"`` makes it
    a 9th player (512 coalitions).

    Parameters
    ----------
    components : DataFrame indexed by (kode_wilayah, year)
    levels : Series mapping kode_wilayah -> cluster (provinsi/kabupaten/kota)
    year_from, year_to : int
    kode_wilayah : str or list of str, optional
        Pemda to attribute (default all present in both years).
    count_player : str, optional
    framework_from, framework_to : Framework, optional
    scores_from : Series, optional
        Published/observed year_from scores by kode_wilayah for rank_from (default
        recomputed from the components, ranked among all pemda of year_from).

    Returns
    -------
    RankShapleyResult
    """
    fa = framework_from or framework_for_year(year_from)
    fb = framework_to or framework_for_year(year_to)
    comp_b_all = components.xs(year_to, level="year")
    comp_a_all = components.xs(year_from, level="year")
    iid_b_all = score_components(comp_b_all, fb)["iid_score"]
    iid_a_all = score_components(comp_a_all, fa)["iid_score"] if scores_from is None else scores_from
    lv_b = levels.reindex(iid_b_all.index)
    lv_a = levels.reindex(iid_a_all.index)
    sorted_b = _cluster_others(iid_b_all, lv_b)
    sorted_a = _cluster_others(iid_a_all, lv_a)
    a, b = _pair(components, year_from, year_to)
    if kode_wilayah is not None:
        codes = [kode_wilayah] if isinstance(kode_wilayah, str) else list(kode_wilayah)
        a, b = a.loc[codes], b.loc[codes]
    players, spd_vars, sid_vars, spd_idx, sid_idx, count_idx = _variable_groups(fb, count_player)
    p = len(players)
    pa_, pb_ = _parts(a, fb), _parts(b, fb)

    def var_values(parts):
        cols = []
        for v in players:
            if v in spd_idx:
                cols.append(parts["spd"][:, spd_idx[v]].sum(1))
            elif v in sid_idx:
                cols.append(parts["m"][:, sid_idx[v]].sum(1))
            else:
                cols.append(np.zeros(len(parts["n"])))
        return np.column_stack(cols)

    A, B = var_values(pa_), var_values(pb_)
    is_spd = np.array([v in spd_idx for v in players])
    is_sid = np.array([v in sid_idx for v in players])
    masks = coalition_masks(p)                                   # (K, p)
    X = np.where(masks[None, :, :], B[:, None, :], A[:, None, :])  # (N, K, p)
    has_n = masks[:, count_idx][None, :]
    phi = np.where(has_n, pb_["phi"][:, None], pa_["phi"][:, None])
    C = np.where(has_n, pb_["C"][:, None], pa_["C"][:, None])
    points = (X * is_spd).sum(-1) + phi * (X * is_sid).sum(-1) + C
    iid = _to_iid(points, fb)                                    # (N, K)
    codes = list(a.index)
    own_b = iid_b_all.loc[codes].to_numpy()
    ranks = np.empty_like(iid)
    rank_from = np.empty(len(codes))
    rank_others = np.empty(len(codes))
    lv = levels.loc[codes].to_numpy()
    own_a = iid_a_all.reindex(codes).to_numpy(float)
    own_a_fa = score_components(a, fa)["iid_score"].to_numpy()
    for cl in np.unique(lv):
        rows = np.flatnonzero(lv == cl)
        ranks[rows] = _ranks_excluding_self(iid[rows], own_b[rows, None], sorted_b[cl])
        rank_from[rows] = _ranks_excluding_self(own_a[rows], own_a[rows], sorted_a[cl])
        rank_others[rows] = _ranks_excluding_self(own_a_fa[rows], own_b[rows], sorted_b[cl])
    shap = shapley_values(ranks)
    rank_to = ranks[:, -1]
    rank_empty = ranks[:, 0]
    values = pd.DataFrame(shap, index=a.index, columns=players)
    values.insert(0, "rules", rank_empty - rank_others)
    values.insert(0, "others", rank_others - rank_from)
    values.insert(0, "change", rank_to - rank_from)
    values.insert(0, "rank_to", rank_to.astype(int))
    values.insert(0, "rank_from", rank_from.astype(int))
    full = 2 ** p - 1
    recs = []
    for k, code in enumerate(codes):
        for j, pl in enumerate(players):
            only = 1 << j
            recs.append((code, pl, iid[k, only], int(ranks[k, only]), int(ranks[k, full ^ only])))
    cf = pd.DataFrame(recs, columns=["kode_wilayah", "player", "score_only_this", "rank_only_this",
                                     "rank_all_but_this"])
    return RankShapleyResult(values, cf, players)


@dataclasses.dataclass
class IndicatorShapleyResult:
    """Permutation-sampled Shapley values of one pemda's rank change over indicator levers.

    Attributes
    ----------
    values : DataFrame with columns [player, aspect, indicator, name_id, name_en, shapley_rank, std_error,
        ci95_halfwidth]
        One row per lever (20 SPD rows, 20 SID indicators, ``n_innovations``), plus rows
        ``others`` and ``rules`` (exact, std_error 0).  The ``shapley_rank`` column sums
        exactly to the observed rank change (every sampled permutation is efficient).
    n_permutations : int
    rank_from, rank_to : int
    max_ci95_halfwidth : float
        The error bound reported: the largest 95 % half-width (1.96 × standard error).
    """

    values: pd.DataFrame
    n_permutations: int
    rank_from: int
    rank_to: int
    max_ci95_halfwidth: float


def indicator_rank_shapley(components: pd.DataFrame, levels: pd.Series, kode_wilayah: str, year_from: int,
                           year_to: int, *, n_permutations: int = 400, random_state=None,
                           framework_from: Framework | None = None,
                           framework_to: Framework | None = None) -> IndicatorShapleyResult:
    """Shapley values of one pemda's rank change over 41 indicator levers, by permutation sampling.

    Levers: each SPD row, each SID indicator's mean points per innovation
    (m_i), and the number of innovations n (seat fill and count score).
    Permutations are sampled in antithetic pairs (a permutation and its
    reverse).  The standard error of each value is the sample standard
    deviation of its marginal contributions / sqrt(n_permutations) (pairs
    averaged first).

    Parameters
    ----------
    components, levels, year_from, year_to, framework_from, framework_to
        As :func:`rank_shapley`.
    kode_wilayah : str
    n_permutations : int, default 400
        Rounded up to an even number.
    random_state : int or Generator, optional

    Returns
    -------
    IndicatorShapleyResult
    """
    fa = framework_from or framework_for_year(year_from)
    fb = framework_to or framework_for_year(year_to)
    rng = np.random.default_rng(random_state)
    base = rank_shapley(components, levels, year_from, year_to, kode_wilayah=kode_wilayah,
                        framework_from=fa, framework_to=fb)
    a, b = _pair(components, year_from, year_to)
    a, b = a.loc[[kode_wilayah]], b.loc[[kode_wilayah]]
    pa_, pb_ = _parts(a, fb), _parts(b, fb)
    n_spd, n_sid = pa_["spd"].shape[1], pa_["m"].shape[1]
    P = n_spd + n_sid + 1
    A = np.concatenate([pa_["spd"][0], pa_["m"][0], [0.0]])
    B = np.concatenate([pb_["spd"][0], pb_["m"][0], [0.0]])
    half = max(1, (n_permutations + 1) // 2)
    perms = np.array([rng.permutation(P) for _ in range(half)])
    perms = np.concatenate([perms, perms[:, ::-1]])
    K = len(perms)
    pos = np.argsort(perms, axis=1)                        # position of each player
    steps = np.arange(P + 1)
    inc = pos[:, None, :] < steps[None, :, None]           # (K, P+1, P)
    X = np.where(inc, B, A)
    has_n = inc[:, :, -1]
    phi = np.where(has_n, pb_["phi"][0], pa_["phi"][0])
    C = np.where(has_n, pb_["C"][0], pa_["C"][0])
    points = X[:, :, :n_spd].sum(-1) + phi * X[:, :, n_spd:n_spd + n_sid].sum(-1) + C
    iid = _to_iid(points, fb)
    comp_b_all = components.xs(year_to, level="year")
    iid_b_all = score_components(comp_b_all, fb)["iid_score"]
    lv = levels.loc[kode_wilayah]
    members = levels.reindex(iid_b_all.index) == lv
    sorted_b = np.sort(np.round(iid_b_all[members].to_numpy(float), 2))
    own_b = float(iid_b_all.loc[kode_wilayah])
    ranks = _ranks_excluding_self(iid, own_b, sorted_b)    # (K, P+1)
    marg_by_step = np.diff(ranks, axis=1)                  # (K, P)
    marg = np.take_along_axis(marg_by_step, pos, axis=1)   # marginal of each player
    pair_means = (marg[:half] + marg[half:]) / 2
    mean = marg.mean(0)
    se = pair_means.std(0, ddof=1) / np.sqrt(half) if half > 1 else np.full(P, np.nan)
    names = [f"spd_{r}" for r in fb.spd_row_ids] + list(SID_COLUMNS) + ["n_innovations"]
    aspect = ["SPD"] * n_spd + ["SID"] * n_sid + ["SID"]
    indicator = list(fb.spd_row_ids) + [str(i) for i in SID_INDICATORS] + [""]
    ind_names = fb.indicators.set_index("row_id")
    name_id = [f"{k}. {ind_names.loc[k, 'name_id']}" for k in indicator[:-1]] + ["Jumlah inovasi dilaporkan"]
    name_en = [f"{k}. {ind_names.loc[k, 'name_en']}" for k in indicator[:-1]] + ["Number of innovations"]
    vals = pd.DataFrame({"player": names, "aspect": aspect, "indicator": indicator, "name_id": name_id,
                         "name_en": name_en, "shapley_rank": mean, "std_error": se, "ci95_halfwidth": 1.96 * se})
    row = base.values.loc[kode_wilayah]
    extra = pd.DataFrame({"player": ["others", "rules"], "aspect": ["", ""], "indicator": ["", ""],
                          "name_id": ["Perubahan pemda lain", "Perubahan aturan"],
                          "name_en": ["Other pemda's changes", "Rule changes"],
                          "shapley_rank": [row["others"], row["rules"]], "std_error": [0.0, 0.0],
                          "ci95_halfwidth": [0.0, 0.0]})
    vals = pd.concat([vals, extra], ignore_index=True)
    return IndicatorShapleyResult(vals, K, int(row["rank_from"]), int(row["rank_to"]),
                                  float(np.nanmax(vals["ci95_halfwidth"])))


# --------------------------------------------------------------------------- 4. path to target

@dataclasses.dataclass
class PathPlan:
    """Cheapest upgrade plan to reach a target rank (see :func:`path_to_target`).

    Attributes
    ----------
    kode_wilayah : str
    year : int
    target_rank : int
    reachable : bool
        False when even every possible upgrade cannot reach ``target_rank``;
        the plan then reaches ``best_reachable_rank``.
    current_score, current_rank : float, int
    threshold_score : float
        IID (2 decimals) the pemda must reach: the score of the other pemda now at the target rank.
    planned_score, planned_rank : float, int
        Verified by rescoring the upgraded answers with :func:`iid_research.scoring.score_pemda`
        and re-ranking against the other pemda.
    best_reachable_rank : int
    steps : DataFrame
        One row per lever used: [lever, aspect, indicator, name, steps, level_from, level_to,
        innovations_affected, gain_iid, cost].
    total_cost : float
    method : str
        "milp" or "greedy".
    new_spd_levels : dict, new_sid_answers : DataFrame
        The upgraded answers (for reuse and audit).
    """

    kode_wilayah: str
    year: int
    target_rank: int
    reachable: bool
    current_score: float
    current_rank: int
    threshold_score: float
    planned_score: float
    planned_rank: int
    best_reachable_rank: int
    steps: pd.DataFrame
    total_cost: float
    method: str
    new_spd_levels: dict
    new_sid_answers: pd.DataFrame

    def summary(self, lang: str = "id") -> str:
        """One sentence for a policy reader."""
        if lang == "id":
            if self.current_rank <= self.target_rank:
                return f"Peringkat saat ini {self.current_rank} sudah memenuhi target {self.target_rank}."
            head = ("" if self.reachable else
                    f"Target peringkat {self.target_rank} tidak dapat dicapai; peringkat terbaik yang dapat "
                    f"dicapai adalah {self.best_reachable_rank}. ")
            return (head + f"Dari peringkat {self.current_rank} (IID {fmt_number(self.current_score, 'id')}) ke "
                    f"peringkat {self.planned_rank} (IID {fmt_number(self.planned_score, 'id')}) dengan "
                    f"{int(self.steps['steps'].sum())} langkah peningkatan (biaya {fmt_number(self.total_cost, 'id', 'g')}).")
        if self.current_rank <= self.target_rank:
            return f"Current rank {self.current_rank} already meets the target {self.target_rank}."
        head = ("" if self.reachable else f"Target rank {self.target_rank} is unreachable; the best reachable "
                                          f"rank is {self.best_reachable_rank}. ")
        return (head + f"From rank {self.current_rank} (IID {self.current_score:.2f}) to rank {self.planned_rank} "
                f"(IID {self.planned_score:.2f}) with {int(self.steps['steps'].sum())} upgrade steps "
                f"(cost {self.total_cost:g}).")


def _cost_vector(keys, costs, default=1.0):
    costs = {str(k): float(v) for k, v in (costs or {}).items()}
    return np.array([costs.get(str(k), default) for k in keys], float)


def path_to_target(spd: pd.DataFrame, innovations: pd.DataFrame, scores: pd.DataFrame, kode_wilayah: str,
                   year: int, target_rank: int, *, framework: Framework | None = None, costs=None,
                   cost_new_innovation: float = 3.0, new_innovation_levels=None,
                   max_new_innovations: int | None = None, method: str = "milp") -> PathPlan:
    """Cheapest set of indicator upgrades that lifts a pemda to a target rank in its cluster.

    Levers (one parameter level per step):

    * an SPD row r from level L_r to L_r + 1 (gain w_r points);
    * SID indicator i raised one level in one innovation (gain w_i / MAX(F, n) points);
    * reporting y more innovations, each answered at ``new_innovation_levels``
      (raises n: fewer empty seats, higher count score, and its own SID points).

    The other pemda stay at their ``scores``.  For each y the problem is an
    integer covering problem solved exactly with ``scipy.optimize.milp``
    (HiGHS); y is enumerated and the cheapest plan kept (the search stops when
    ``cost_new_innovation × y`` exceeds the best cost).  ``method="greedy"``
    (or a MILP failure) uses the best gain-per-cost lever first.  The plan is
    applied to the answers, rescored with :func:`iid_research.scoring.score_pemda`
    and re-ranked.

    Parameters
    ----------
    spd : DataFrame (long SPD answers) with the pemda's rows for ``year``
    innovations : DataFrame (one row per innovation) with the pemda's innovations for ``year``
    scores : DataFrame with columns [kode_wilayah, year, level, iid_score]
        Scores of every pemda (the cluster is the pemda's ``level``).
    kode_wilayah : str
    year : int
    target_rank : int
        E.g. 10 for the top 10.
    framework : Framework, optional
        Default ``framework_for_year(year)``.
    costs : mapping, optional
        Cost per step by SPD row id ("1", "2a", ...) or SID indicator number ("16"..."35"); default 1.
    cost_new_innovation : float, default 3.0
        Cost of reporting one more innovation.
    new_innovation_levels : mapping or sequence of 20 levels, optional
        Answers of each new innovation; default the pemda's median innovation (rounded mean levels).
    max_new_innovations : int, optional
        Default: up to the count-score cap (200) minus n, at least 20.
    method : {"milp", "greedy"}

    Returns
    -------
    PathPlan

    Raises
    ------
    KeyError
        If the pemda has no score for ``year``.
    ValueError
        If ``target_rank`` < 1.
    """
    if target_rank < 1:
        raise ValueError("target_rank must be ≥ 1")
    fw = framework or framework_for_year(year)
    sc = scores[scores["year"] == year].set_index("kode_wilayah")
    if kode_wilayah not in sc.index:
        raise KeyError(f"no score for {kode_wilayah} in {year}")
    cluster = sc.loc[kode_wilayah, "level"]
    others = sc[(sc["level"] == cluster) & (sc.index != kode_wilayah)]["iid_score"].to_numpy(float)
    others_sorted = np.sort(np.round(others, 2))
    my_spd = spd[(spd["kode_wilayah"] == kode_wilayah) & (spd["year"] == year)]
    levels = {r: 0 for r in fw.spd_row_ids}
    for r in my_spd.itertuples(index=False):
        levels[f"{int(r.indicator_no)}{r.sub or ''}"] = int(r.level)
    inn = innovations[(innovations["kode_wilayah"] == kode_wilayah) & (innovations["year"] == year)]
    L = inn[list(SID_COLUMNS)].to_numpy(int) if len(inn) else np.zeros((0, 20), int)
    n = len(L)
    yandas = None
    if fw.count_score_min_urusan_yandas:
        from .scoring import URUSAN_PELAYANAN_DASAR
        yandas = int(inn["urusan"].isin(URUSAN_PELAYANAN_DASAR).groupby(inn["urusan"]).any().sum())
    current = score_pemda(levels, pd.DataFrame(L, columns=list(SID_COLUMNS)), fw, n_urusan_yandas=yandas)
    cur_iid = current["iid_score"]
    cur_rank = int(_rank_among(cur_iid, others_sorted))

    w_spd = fw.spd_weights.to_numpy(float)
    w_sid = fw.sid_weights.to_numpy(float)
    L_spd = np.array([levels[r] for r in fw.spd_row_ids])
    c_spd = _cost_vector(fw.spd_row_ids, costs)
    c_sid = _cost_vector([str(i) for i in SID_INDICATORS], costs)
    if new_innovation_levels is None:
        new_lv = np.clip(np.round(L.mean(0)), 0, 3).astype(int) if n else np.ones(20, int)
    elif isinstance(new_innovation_levels, dict):
        new_lv = np.array([int(new_innovation_levels.get(i, new_innovation_levels.get(str(i), 0)))
                           for i in SID_INDICATORS])
    else:
        new_lv = np.asarray(new_innovation_levels, int)
    y_max = max_new_innovations if max_new_innovations is not None else max(20, fw.count_score_cap_n - n)
    spd_pts = float(L_spd @ w_spd)
    S_tot = float((L @ w_sid).sum())
    head_sid = (3 - L).sum(0) if n else np.zeros(20, int)
    s_new = float(new_lv @ w_sid)

    def base_points(y):
        D = max(fw.divisor_floor, n + y)
        C = fw.count_score_per_innovation * min(n + y, fw.count_score_cap_n)
        if yandas is not None and yandas < fw.count_score_min_urusan_yandas:
            C = 0.0
        return spd_pts + (S_tot + y * s_new) / D + C, D

    def max_points(y):
        b, D = base_points(y)
        hs = head_sid + y * (3 - new_lv)
        return b + ((3 - L_spd) * w_spd).sum() + (hs * w_sid).sum() / D

    ys = np.arange(0, y_max + 1)
    maxima = np.array([max_points(int(y)) for y in ys])
    best_iid = float(_to_iid(maxima.max(), fw))
    best_rank = int(_rank_among(best_iid, others_sorted))
    reachable = best_rank <= target_rank
    goal_rank = target_rank if reachable else best_rank
    if cur_rank <= goal_rank:
        return _finish_plan(kode_wilayah, year, target_rank, reachable, cur_iid, cur_rank,
                            float(others_sorted[::-1][goal_rank - 1]) if goal_rank <= len(others_sorted) else 0.0,
                            best_rank, levels, L, n, 0, np.zeros(20, int), np.zeros(len(L_spd), int), new_lv, fw,
                            others_sorted, c_spd, c_sid, cost_new_innovation, "none", inn, yandas)
    # score needed: the goal_rank-th best other score (2 decimals); ties share the rank
    threshold = float(others_sorted[::-1][goal_rank - 1]) if goal_rank <= len(others_sorted) else 0.0
    slack = 0.004
    for _attempt in range(5):
        need_points = (threshold - slack) * fw.max_total / 100
        best = None
        for y in ys:
            y = int(y)
            if best is not None and cost_new_innovation * y >= best[0]:
                break
            if maxima[y] < need_points:
                continue
            b, D = base_points(y)
            deficit = need_points - b
            ub_spd = 3 - L_spd
            ub_sid = head_sid + y * (3 - new_lv)
            gains = np.concatenate([w_spd, w_sid / D])
            cost = np.concatenate([c_spd, c_sid])
            ub = np.concatenate([ub_spd, ub_sid]).astype(float)
            if deficit <= 0:
                sol = np.zeros(len(gains))
            else:
                sol = None
                if method == "milp":
                    sol = _solve_milp(gains, cost, ub, deficit)
                if sol is None:
                    sol = _solve_greedy(gains, cost, ub, deficit)
                if sol is None:
                    continue
            total = float(cost @ sol + cost_new_innovation * y)
            if best is None or total < best[0] - 1e-9:
                best = (total, y, sol)
        if best is None:
            break
        _, y, sol = best
        z = np.round(sol[:len(L_spd)]).astype(int)
        x = np.round(sol[len(L_spd):]).astype(int)
        plan = _finish_plan(kode_wilayah, year, target_rank, reachable, cur_iid, cur_rank, threshold, best_rank,
                            levels, L, n, y, x, z, new_lv, fw, others_sorted, c_spd, c_sid, cost_new_innovation,
                            method if method == "milp" else "greedy", inn, yandas)
        if plan.planned_rank <= goal_rank:
            return plan
        slack -= 0.003  # rounding edge: ask for a little more and solve again
    raise RuntimeError(f"no verified plan found for {kode_wilayah} {year} (target {target_rank})")


def _solve_milp(gains, cost, ub, deficit):
    keep = ub > 0
    if not keep.any():
        return None
    res = optimize.milp(c=cost[keep], integrality=np.ones(keep.sum()),
                        bounds=optimize.Bounds(np.zeros(keep.sum()), ub[keep]),
                        constraints=[optimize.LinearConstraint(gains[keep][None, :], lb=deficit, ub=np.inf)],
                        options={"time_limit": 5.0})
    if res.status != 0 or res.x is None:
        return None
    sol = np.zeros(len(gains))
    sol[keep] = np.round(res.x)
    if gains @ sol < deficit - 1e-9:
        return None
    return sol


def _solve_greedy(gains, cost, ub, deficit):
    """Best gain per cost first, then drop steps that are not needed."""
    if (gains * ub).sum() < deficit:
        return None
    order = np.argsort(-(gains / cost))
    sol = np.zeros(len(gains))
    left = deficit
    for j in order:
        if left <= 0:
            break
        if ub[j] <= 0 or gains[j] <= 0:
            continue
        k = min(ub[j], math.ceil(left / gains[j] - 1e-12))
        sol[j] = k
        left -= k * gains[j]
    # clean-up: remove single steps of the most expensive levers while still covering
    for j in np.argsort(-cost):
        while sol[j] > 0 and gains @ sol - gains[j] >= deficit:
            sol[j] -= 1
    return sol


def _finish_plan(code, year, target_rank, reachable, cur_iid, cur_rank, threshold, best_rank, levels, L, n, y, x,
                 z, new_lv, fw, others_sorted, c_spd, c_sid, cost_new, method, inn, yandas) -> PathPlan:
    new_levels = dict(levels)
    rows = []
    ind = fw.indicators.set_index("row_id")
    for k, r in enumerate(fw.spd_row_ids):
        if z[k] > 0:
            new_levels[r] = levels[r] + int(z[k])
            rows.append((f"spd_{r}", "SPD", r, ind.loc[r, "name_id"], ind.loc[r, "name_en"], int(z[k]),
                         str(levels[r]), str(new_levels[r]), 0, z[k] * fw.spd_weights.iloc[k] / fw.max_total * 100,
                         z[k] * c_spd[k]))
    M = np.vstack([L, np.tile(new_lv, (y, 1))]) if y else L.copy()
    M = M.astype(int).copy()
    D = max(fw.divisor_floor, n + y)
    for k, i in enumerate(SID_INDICATORS):
        steps = int(x[k])
        if steps <= 0:
            continue
        col = M[:, k]
        before = col.copy()
        left = steps
        while left > 0:
            cand = np.flatnonzero(col < 3)
            if len(cand) == 0:
                break
            lowest = cand[np.argsort(col[cand], kind="stable")][:left]
            col[lowest] += 1
            left -= len(lowest)
        M[:, k] = col
        affected = int((col != before).sum())
        rows.append((f"sid_{i}", "SID", str(i), ind.loc[str(i), "name_id"], ind.loc[str(i), "name_en"], steps,
                     f"{before.mean():.2f}", f"{col.mean():.2f}", affected,
                     steps * fw.sid_weights.loc[i] / D / fw.max_total * 100, steps * c_sid[k]))
    if y:
        D0 = max(fw.divisor_floor, n)
        gain_pts = (fw.count_score_per_innovation * (min(n + y, fw.count_score_cap_n) - min(n, fw.count_score_cap_n))
                    + (L @ fw.sid_weights.to_numpy()).sum() * (1 / D - 1 / D0) + y * (new_lv @ fw.sid_weights) / D)
        rows.append(("new_innovations", "SID", "", "Tambah inovasi yang dilaporkan", "Report more innovations", y,
                     str(n), str(n + y), y, gain_pts / fw.max_total * 100, y * cost_new))
    steps = pd.DataFrame(rows, columns=["lever", "aspect", "indicator", "name_id", "name_en", "steps", "level_from",
                                        "level_to", "innovations_affected", "gain_iid", "cost"])
    answers = pd.DataFrame(M, columns=list(SID_COLUMNS))
    new_yandas = yandas
    result = score_pemda(new_levels, answers, fw, n_urusan_yandas=new_yandas)
    planned = float(result["iid_score"])
    planned_rank = int(_rank_among(planned, others_sorted))
    return PathPlan(code, year, target_rank, reachable, float(cur_iid), int(cur_rank), float(threshold), planned,
                    planned_rank, int(best_rank), steps, float(steps["cost"].sum()) if len(steps) else 0.0, method,
                    new_levels, answers)


def _cost_column(cost: pd.Series) -> pd.Series:
    """Whole-number costs as integers (a float 1.000 reads as one thousand in Indonesian)."""
    c = cost.astype(float)
    return c.round().astype(int) if len(c) and np.allclose(c, c.round()) else c.round(2)


def plan_table(plan: PathPlan, lang: str = "id") -> pd.DataFrame:
    """The plan as a table a policy reader can act on (Bahasa Indonesia when ``lang="id"``).

    Returns
    -------
    DataFrame with one row per lever: action, indicator, from, to, innovations affected, IID gain, cost.
    """
    s = plan.steps
    text = _PLAN_TEXT[lang]
    action = []
    for r in s.itertuples(index=False):
        kind = "new" if r.lever == "new_innovations" else "spd" if r.aspect == "SPD" else "sid"
        action.append(text[kind].format(steps=r.steps, indicator=r.indicator, level_from=getattr(r, "level_from", ""),
                                        level_to=getattr(r, "level_to", "")))
    head = text["columns"]
    return pd.DataFrame({head[0]: action, head[1]: s["name_id" if lang == "id" else "name_en"], head[2]: s["steps"],
                         head[3]: s["innovations_affected"], head[4]: s["gain_iid"].round(3),
                         head[5]: _cost_column(s["cost"])})


_PLAN_TEXT = {
    "id": {"new": "Laporkan {steps} inovasi tambahan",
           "spd": "Naikkan indikator SPD {indicator} dari level {level_from} ke {level_to}",
           "sid": "Naikkan indikator {indicator} satu level pada {steps} jawaban inovasi",
           "columns": ("Tindakan", "Indikator", "Langkah", "Inovasi terdampak", "Tambahan IID", "Biaya")},
    "en": {"new": "Report {steps} more innovations",
           "spd": "Raise SPD indicator {indicator} from level {level_from} to {level_to}",
           "sid": "Raise indicator {indicator} by one level in {steps} innovation answers",
           "columns": ("Action", "Indicator", "Steps", "Innovations affected", "IID gain", "Cost")},
}


# --------------------------------------------------------------------------- 5. rules versus data

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
    a, b = _pair(components, year_from, year_to)
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


# --------------------------------------------------------------------------- 3. across pemda

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
        parts = _parts(comp, fw)
        players, spd_vars, sid_vars, spd_idx, sid_idx, _ = _variable_groups(fw, None)
        frame = pd.DataFrame(index=comp.index)
        for v in spd_vars:
            frame[v] = _to_iid(parts["spd"][:, spd_idx[v]].sum(1), fw)
        for v in sid_vars:
            frame[v] = _to_iid(parts["phi"] * parts["m"][:, sid_idx[v]].sum(1), fw)
        frame["count_score"] = _to_iid(parts["C"], fw)
        frame["iid_score"] = score_components(comp, fw)["iid_score"]
        frame["year"] = int(year)
        frame["level"] = levels.reindex(frame.index).to_numpy()
        rows.append(frame.reset_index())
    panel = pd.concat(rows, ignore_index=True)
    from .scoring import cluster_sizes, rank_within_cluster
    panel["rank"] = rank_within_cluster(panel).astype(int)
    size = cluster_sizes(panel).astype(int)
    panel["rank_pct"] = 1 - (panel["rank"] - 1) / (size - 1).clip(lower=1)
    return panel


def _within(values: np.ndarray, groups: np.ndarray, times: np.ndarray, n_iter: int = 50, tol: float = 1e-10):
    """Two-way within transformation (remove group and time means) by alternating projections."""
    X = np.asarray(values, float).copy()
    if X.ndim == 1:
        X = X[:, None]
    g_codes = pd.factorize(groups)[0]
    t_codes = pd.factorize(times)[0]
    ng, nt = g_codes.max() + 1, t_codes.max() + 1
    g_cnt = np.bincount(g_codes, minlength=ng)[:, None]
    t_cnt = np.bincount(t_codes, minlength=nt)[:, None]
    for _ in range(n_iter):
        gm = np.zeros((ng, X.shape[1]))
        np.add.at(gm, g_codes, X)
        X -= (gm / g_cnt)[g_codes]
        tm = np.zeros((nt, X.shape[1]))
        np.add.at(tm, t_codes, X)
        shift = (tm / t_cnt)[t_codes]
        X -= shift
        if np.abs(shift).max() < tol:
            break
    return X


class PanelFixedEffects(RegressorMixin, BaseEstimator):
    """Two-way fixed-effects (pemda and year) linear regression with a cluster bootstrap.

    y_it = α_i + τ_t + X_it β + ε_it, estimated by OLS on the within-transformed
    data (alternating projections, exact for balanced and unbalanced panels).
    Intervals: percentile bootstrap resampling whole pemda (clusters).

    Parameters
    ----------
    n_bootstrap : int, default 200
    confidence : float, default 0.95
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
    """

    def __init__(self, n_bootstrap: int = 200, confidence: float = 0.95, random_state=None):
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
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
        self.coef_ = self._ols(Xa, ya, groups, times)
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

    @staticmethod
    def _ols(X, y, groups, times):
        Z = _within(np.column_stack([y, X]), groups, times)
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
    from .data import PREDICATES
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


# --------------------------------------------------------------------------- one-call views for notebooks

@dataclasses.dataclass
class RankDriversStudy:
    """Everything the rank-drivers notebook shows for one pemda (see :func:`study_rank_drivers`).

    Attributes
    ----------
    kode_wilayah, nama : str
    year_from, year_to, target_rank : int
    decomposition : DataFrame  (tidy, :func:`decomposition_long`)
    score_from, score_to : float
    variable_shapley : DataFrame [player, shapley_rank] incl. ``others`` and ``rules``
    counterfactual : DataFrame (labelled in ``lang``)
    indicator_shapley : IndicatorShapleyResult
    plan : PathPlan
    plan_table : DataFrame (labelled in ``lang``)
    is_simulated : bool
    """

    kode_wilayah: str
    nama: str
    year_from: int
    year_to: int
    target_rank: int
    decomposition: pd.DataFrame
    score_from: float
    score_to: float
    rank_from: int
    rank_to: int
    variable_shapley: pd.DataFrame
    counterfactual: pd.DataFrame
    indicator_shapley: IndicatorShapleyResult
    plan: PathPlan
    plan_table: pd.DataFrame
    is_simulated: bool


def source_caveat(kode_wilayah: str, years, lang: str = "id") -> str:
    """Markdown caveat when a published value the simulator is calibrated to lacks a source or is provisional.

    Looks at the rows of :func:`iid_research.data.load_iid_results` for the
    pemda in ``years`` (those pin the simulation); returns "" when every one
    has a source page and is final.
    """
    from .data import load_iid_results
    from .plots_drivers import NOTEBOOK_TEXT

    res = load_iid_results()
    rows = res[(res["kode_wilayah"] == kode_wilayah) & res["year"].isin([int(y) for y in years])]
    items = []
    for r in rows.sort_values("year").itertuples(index=False):
        if not bool(r.has_source):
            if pd.notna(r.rank):
                items.append(NOTEBOOK_TEXT["caveat_no_source"][lang].format(year=int(r.year), rank=int(r.rank)))
            else:
                score = fmt_number(float(r.iid_score), lang) if pd.notna(r.iid_score) else "–"
                items.append(NOTEBOOK_TEXT["caveat_no_source_score"][lang].format(year=int(r.year), score=score))
        if bool(r.is_provisional):
            score = fmt_number(float(r.iid_score), lang) if pd.notna(r.iid_score) else "–"
            items.append(NOTEBOOK_TEXT["caveat_provisional"][lang].format(year=int(r.year), score=score))
    if not items:
        return ""
    return NOTEBOOK_TEXT["caveat"][lang].format(items="; ".join(items))


TOTAL_LABEL = {"id": "Jumlah = perubahan peringkat", "en": "Total = rank change"}


def counterfactual_table(counterfactual: pd.DataFrame, var_shap: pd.DataFrame, *, change: int,
                         lang: str = "id") -> pd.DataFrame:
    """Counterfactual ranks and Shapley value per variable, plus every other part of the rank change.

    The rows are the variables, "other pemda moved" (``others``), "rules
    change" (``rules``, only when non-zero) and a total row; the Shapley
    column of the part rows sums to ``change`` (rank_to - rank_from).

    Parameters
    ----------
    counterfactual : DataFrame [kode_wilayah, player, score_only_this, rank_only_this, rank_all_but_this]
        One pemda's rows of :attr:`RankShapleyResult.counterfactual`.
    var_shap : DataFrame [player, shapley_rank]
        Including the players ``others`` and ``rules``.
    change : int
    lang : {"id", "en"}

    Returns
    -------
    DataFrame with columns [player, score_only_this, rank_only_this, rank_all_but_this, shapley_rank]
        ``player`` holds display labels; counterfactual cells are NaN for the
        non-variable parts and the total.
    """
    from .plots_drivers import player_label

    cf = counterfactual.drop(columns=["kode_wilayah"], errors="ignore").merge(var_shap, on="player")
    extra = var_shap[var_shap["player"].eq("others")
                     | (var_shap["player"].eq("rules") & var_shap["shapley_rank"].abs().gt(1e-9))]
    total = pd.DataFrame({"player": [TOTAL_LABEL[lang]], "shapley_rank": [float(change)]})
    cf = pd.concat([cf, extra, total], ignore_index=True)
    cf["player"] = [player_label(p, lang) for p in cf["player"]]
    for col in ("rank_only_this", "rank_all_but_this"):
        cf[col] = cf[col].astype("Int64")
    return cf


def study_rank_drivers(data, kode_wilayah: str, year_from: int, year_to: int, target_rank: int, *,
                       lang: str = "id", n_permutations: int = 400, random_state=0, costs=None,
                       cost_new_innovation: float = 3.0) -> RankDriversStudy:
    """Run analyses 1, 2 and 4 for one pemda.

    Parameters
    ----------
    data : object with attributes ``spd``, ``innovations``, ``scores`` and a method ``components()``
        E.g. :class:`iid_research.simulate.SimulatedIID`.
    kode_wilayah : str
    year_from, year_to : int
    target_rank : int
        Target for the path (in ``year_to``'s cluster, others held at their ``year_to`` scores).
    lang : {"id", "en"}
    n_permutations, random_state
        For the indicator-level Shapley values.
    costs, cost_new_innovation
        See :func:`path_to_target`.

    Returns
    -------
    RankDriversStudy

    Raises
    ------
    KeyError
        If the pemda or a year is not in ``data``.
    """
    scores = data.scores
    have = set(scores.loc[scores["kode_wilayah"] == kode_wilayah, "year"])
    missing = [y for y in (year_from, year_to) if y not in have]
    if missing:
        raise KeyError(f"{kode_wilayah}: no data for year(s) {missing}; available {sorted(have)}")
    comp = data.components()
    levels = scores.drop_duplicates("kode_wilayah").set_index("kode_wilayah")["level"]
    fb = framework_for_year(year_to)
    dec = decompose_score_change(comp.loc[comp.index.get_level_values("kode_wilayah") == kode_wilayah],
                                 year_from, year_to)
    long = decomposition_long(dec, kode_wilayah, fb, lang=lang)
    rs = rank_shapley(comp, levels, year_from, year_to, kode_wilayah=kode_wilayah)
    row = rs.values.loc[kode_wilayah]
    var_shap = pd.DataFrame({"player": ["others", "rules", *rs.players],
                             "shapley_rank": [row["others"], row["rules"], *[row[p] for p in rs.players]]})
    from .plots_drivers import player_label
    cf = counterfactual_table(rs.counterfactual.loc[rs.counterfactual["kode_wilayah"] == kode_wilayah], var_shap,
                              change=int(row["rank_to"]) - int(row["rank_from"]), lang=lang)
    if lang == "id":
        cf = cf.rename(columns={"player": "Variabel", "score_only_this": "Skor IID jika hanya variabel ini berubah",
                                "rank_only_this": "Peringkat jika hanya variabel ini berubah",
                                "rank_all_but_this": "Peringkat jika semua kecuali variabel ini berubah",
                                "shapley_rank": "Nilai Shapley (peringkat)"})
    else:
        cf = cf.rename(columns={"player": "Variable", "score_only_this": "IID if only this changed",
                                "rank_only_this": "Rank if only this changed",
                                "rank_all_but_this": "Rank if all but this changed",
                                "shapley_rank": "Shapley value (ranks)"})
    ind = indicator_rank_shapley(comp, levels, kode_wilayah, year_from, year_to, n_permutations=n_permutations,
                                 random_state=random_state)
    plan = path_to_target(data.spd, data.innovations, scores, kode_wilayah, year_to, target_rank, costs=costs,
                          cost_new_innovation=cost_new_innovation)
    from .data import load_regions
    names = load_regions().set_index("kode_wilayah")["nama"]
    is_sim = bool(scores.get("is_simulated", pd.Series([False])).any())
    return RankDriversStudy(kode_wilayah, str(names.get(kode_wilayah, kode_wilayah)), year_from, year_to,
                            target_rank, long, float(dec.loc[kode_wilayah, "iid_from"]),
                            float(dec.loc[kode_wilayah, "iid_to"]), int(row["rank_from"]), int(row["rank_to"]),
                            var_shap, cf, ind, plan, plan_table(plan, lang), is_sim)


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


def rules_comparison(data, year: int, *, framework_years=(2023, 2026), lang: str = "id") -> pd.DataFrame:
    """Every pemda's ``year`` answers scored under two framework years (same data, other rules).

    Parameters
    ----------
    data : object with ``scores`` and ``components()`` (e.g. SimulatedIID)
    year : int
        Year of the answers.
    framework_years : pair of int, default (2023, 2026)
        Each framework's own predikat thresholds apply (``predicate_thresholds(framework year)``).
        The 2026 count score needs ≥ 5 of the 6 urusan pelayanan dasar (from the innovations).
    lang : {"id", "en"}
        Not used for values; kept for a uniform notebook API.

    Returns
    -------
    DataFrame indexed by kode_wilayah with columns [level, iid_<F1>, rank_<F1>, predicate_<F1>,
    iid_<F2>, rank_<F2>, predicate_<F2>, rules_effect]
        ``rules_effect`` = iid_<F2> − iid_<F1> (IID points).
    """
    from .frameworks import load_framework
    from .scoring import rank_within_cluster
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
