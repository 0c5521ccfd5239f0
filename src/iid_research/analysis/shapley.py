"""Shapley attribution of a pemda's rank change: exact over the 8 variables, sampled over 41 indicator levers.

The game of pemda p between two years: a coalition S of players takes its
year_to values, the others keep their year_from values; the value is p's rank
in its cluster against every other pemda's *year_to* score.  Ranks follow the
official rule (:func:`iid_research.scoring.rank_among`: competition ranking on
scores rounded half-up to 2 decimals).

:func:`rank_shapley` is exact (2^8 = 256 coalitions, vectorised over pemda);
:func:`indicator_rank_shapley` samples antithetic permutations over the 41
levers (20 SPD rows, 20 SID indicators, the number of innovations) and gives
a standard error.  Both split the observed change exactly into ``others``
(the field moved), ``rules`` (the framework changed) and the players.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ..frameworks import Framework, framework_for_year
from ..scoring import points_to_iid, rank_among, score_components, score_parts
from .decomposition import pair_years


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


def variable_groups(fw: Framework, count_player: str | None):
    """Players of the variable-level game and the SPD rows / SID indicators each stands for.

    Returns
    -------
    (players, spd_vars, sid_vars, spd_idx, sid_idx, count_idx)
        ``spd_idx``/``sid_idx`` map a variable to the positions of its SPD rows / SID
        indicators; ``count_idx`` is the player that carries the number of innovations.
    """
    ind = fw.indicators
    variables = fw.variables
    spd_vars = list(dict.fromkeys(ind.loc[ind["aspect"] == "SPD", "variable"]))
    sid_vars = list(dict.fromkeys(ind.loc[ind["aspect"] == "SID", "variable"]))
    spd_idx = {v: [k for k, r in enumerate(fw.spd_row_ids) if ind.set_index("row_id").loc[r, "variable"] == v]
               for v in spd_vars}
    sid_idx = {v: [k for k, i in enumerate(fw.sid_indicators) if ind.set_index("row_id").loc[str(i), "variable"] == v]
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


def field_scores(scores: pd.DataFrame, year: int) -> pd.Series:
    """The IID of every pemda with a score in ``year`` (Series by kode_wilayah) from a scores table."""
    part = scores[(scores["year"] == year) & scores["iid_score"].notna()]
    return part.set_index("kode_wilayah")["iid_score"].astype(float)


def _cluster_scores(scores: pd.Series, levels: pd.Series) -> dict:
    """For each cluster: the scores of all its members (the field a rank is taken in)."""
    return {lv: scores.loc[idx].to_numpy(float) for lv, idx in levels.groupby(levels).groups.items()}


def rank_shapley(components: pd.DataFrame, levels: pd.Series, year_from: int, year_to: int, *,
                 kode_wilayah=None, count_player: str | None = None,
                 framework_from: Framework | None = None, framework_to: Framework | None = None,
                 scores_from: pd.Series | None = None, scores: pd.DataFrame | None = None) -> RankShapleyResult:
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
    scores : DataFrame with columns [kode_wilayah, year, iid_score], optional
        Every pemda's totals of both years (a dataset's ``scores``: the decree annex, or
        published plus simulated totals).  When given, the field each rank is taken in comes
        from it, so the other pemda need no components; default: scored from ``components``.

    Returns
    -------
    RankShapleyResult
    """
    fa = framework_from or framework_for_year(year_from)
    fb = framework_to or framework_for_year(year_to)
    if scores is not None:
        iid_b_all, iid_a_all = (field_scores(scores, y) for y in (year_to, year_from))
    else:
        iid_b_all = score_components(components.xs(year_to, level="year"), fb)["iid_score"]
        iid_a_all = score_components(components.xs(year_from, level="year"), fa)["iid_score"]
    if scores_from is not None:
        iid_a_all = scores_from
    lv_b = levels.reindex(iid_b_all.index)
    lv_a = levels.reindex(iid_a_all.index)
    field_b = _cluster_scores(iid_b_all, lv_b)
    field_a = _cluster_scores(iid_a_all, lv_a)
    a, b = pair_years(components, year_from, year_to)
    if kode_wilayah is not None:
        codes = [kode_wilayah] if isinstance(kode_wilayah, str) else list(kode_wilayah)
        a, b = a.loc[codes], b.loc[codes]
    players, spd_vars, sid_vars, spd_idx, sid_idx, count_idx = variable_groups(fb, count_player)
    p = len(players)
    pa_, pb_ = score_parts(a, fb), score_parts(b, fb)

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
    iid = points_to_iid(points, fb)                                    # (N, K)
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
        ranks[rows] = rank_among(iid[rows], field_b[cl], exclude=own_b[rows, None])
        rank_from[rows] = rank_among(own_a[rows], field_a[cl], exclude=own_a[rows])
        rank_others[rows] = rank_among(own_a_fa[rows], field_b[cl], exclude=own_b[rows])
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
    values : DataFrame with columns [player, aspect, indicator, shapley_rank, std_error, ci95_halfwidth]
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
                           framework_to: Framework | None = None,
                           scores: pd.DataFrame | None = None) -> IndicatorShapleyResult:
    """Shapley values of one pemda's rank change over 41 indicator levers, by permutation sampling.

    Levers: each SPD row, each SID indicator's mean points per innovation
    (m_i), and the number of innovations n (seat fill and count score).
    Permutations are sampled in antithetic pairs (a permutation and its
    reverse).  The standard error of each value is the sample standard
    deviation of its marginal contributions / sqrt(n_permutations) (pairs
    averaged first).

    Parameters
    ----------
    components, levels, year_from, year_to, framework_from, framework_to, scores
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
                        framework_from=fa, framework_to=fb, scores=scores)
    a, b = pair_years(components, year_from, year_to)
    a, b = a.loc[[kode_wilayah]], b.loc[[kode_wilayah]]
    pa_, pb_ = score_parts(a, fb), score_parts(b, fb)
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
    iid = points_to_iid(points, fb)
    if scores is not None:
        iid_b_all = field_scores(scores, year_to)
    else:
        iid_b_all = score_components(components.xs(year_to, level="year"), fb)["iid_score"]
    lv = levels.loc[kode_wilayah]
    members = levels.reindex(iid_b_all.index) == lv
    field_b = iid_b_all[members].to_numpy(float)
    own_b = float(iid_b_all.loc[kode_wilayah])
    ranks = rank_among(iid, field_b, exclude=own_b)      # (K, P+1)
    marg_by_step = np.diff(ranks, axis=1)                  # (K, P)
    marg = np.take_along_axis(marg_by_step, pos, axis=1)   # marginal of each player
    pair_means = (marg[:half] + marg[half:]) / 2
    mean = marg.mean(0)
    se = pair_means.std(0, ddof=1) / np.sqrt(half) if half > 1 else np.full(P, np.nan)
    names = [f"spd_{r}" for r in fb.spd_row_ids] + list(fb.sid_columns) + ["n_innovations"]
    aspect = ["SPD"] * n_spd + ["SID"] * n_sid + ["SID"]
    indicator = list(fb.spd_row_ids) + [str(i) for i in fb.sid_indicators] + [""]
    vals = pd.DataFrame({"player": names, "aspect": aspect, "indicator": indicator,
                         "shapley_rank": mean, "std_error": se, "ci95_halfwidth": 1.96 * se})
    row = base.values.loc[kode_wilayah]
    extra = pd.DataFrame({"player": ["others", "rules"], "aspect": ["", ""], "indicator": ["", ""],
                          "shapley_rank": [row["others"], row["rules"]], "std_error": [0.0, 0.0],
                          "ci95_halfwidth": [0.0, 0.0]})
    vals = pd.concat([vals, extra], ignore_index=True)
    return IndicatorShapleyResult(vals, K, int(row["rank_from"]), int(row["rank_to"]),
                                  float(np.nanmax(vals["ci95_halfwidth"])))


