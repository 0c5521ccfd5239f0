"""The cheapest path to a target rank: which upgrades of a pemda's answers lift it to rank N.

Levers (one parameter level per step):

* an SPD row r from level L_r to L_r + 1;
* SID indicator i raised one level in one innovation;
* reporting y more innovations, each answered at ``new_innovation_levels``.
  Under rules with an urusan condition (2026: the count score needs ≥ 5 of the
  6 urusan pelayanan dasar), the first new innovations are placed in the
  missing urusan pelayanan dasar, so that a pemda below the condition can
  earn the whole count score with one innovation.

Every score is computed by :mod:`iid_research.scoring` (the one home of the
formulas): the linear gains of the integer programme are the rule data
(bobot) over ``sid_divisor``, the base score for y new innovations comes from
``sid_from_sums``, and the finished plan is applied to the answers, rescored
with ``score_pemda`` and ranked with ``rank_among`` (official half-up rounding).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import optimize

from ..frameworks import Framework, framework_for_year
from ..scoring import (
    URUSAN_PELAYANAN_DASAR,
    points_to_iid,
    rank_among,
    score_pemda,
    sid_divisor,
    sid_from_sums,
    urusan_pelayanan_dasar,
)

ANY_URUSAN = ""
"""Urusan given to a planned new innovation that need not be in a particular urusan."""


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
        One row per lever used: [lever, aspect, indicator, steps, level_from, level_to,
        innovations_affected, gain_iid, cost, urusan].  ``lever`` is ``spd_<row>``,
        ``sid_<i>`` or ``new_innovations``; ``urusan`` lists, for new innovations,
        the urusan pelayanan dasar they must be in ("" otherwise).
    total_cost : float
    method : str
        "milp", "greedy" or "none" (already at the target).
    new_spd_levels : dict
        The upgraded SPD levels by row id.
    new_sid_answers : DataFrame
        The upgraded answers: first the pemda's innovations in table order, then one row per
        new innovation; column ``urusan`` holds each row's urusan (the original text, or for
        new rows the urusan pelayanan dasar to fill, "" for any).
    rank_of : int
        Pemda in the cluster (others + 1).
    new_innovation_levels : Series (sid_16 ... sid_35), optional
        The answers each planned new innovation starts from (``new_innovation_levels`` of
        :func:`path_to_target`); the plan's SID steps may raise them further, and
        :func:`plan_steps_by_opd` lists those raises.
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
    rank_of: int = 0
    new_innovation_levels: pd.Series | None = None

    @property
    def n_steps(self) -> int:
        """Total number of one-level steps (new innovations count one each)."""
        return int(self.steps["steps"].sum()) if len(self.steps) else 0


def _cost_vector(keys, costs, default=1.0):
    costs = {str(k): float(v) for k, v in (costs or {}).items()}
    return np.array([costs.get(str(k), default) for k in keys], float)


@dataclasses.dataclass
class _Situation:
    fw: Framework
    levels: dict            # SPD row -> level
    L: np.ndarray           # (n, 20) SID levels of the innovations
    urusan: list            # urusan text of each innovation
    n_yandas: int | None    # urusan pelayanan dasar covered (None when the rules have no urusan condition)
    missing_yandas: list    # urusan pelayanan dasar not covered, in guideline order
    others: np.ndarray      # other pemda's IID scores in the cluster

    def base(self, y: int, new_lv: np.ndarray):
        """(points, divisor) with y new innovations at ``new_lv`` and no other step."""
        fw, n = self.fw, len(self.L)
        w_sid = fw.sid_weights.to_numpy(float)
        total = float((self.L @ w_sid).sum()) + y * float(new_lv @ w_sid)
        yandas = None if self.n_yandas is None else self.n_yandas + min(y, len(self.missing_yandas))
        parts = sid_from_sums(total, n + y, fw, yandas)
        spd = float(np.array([self.levels[r] for r in fw.spd_row_ids]) @ fw.spd_weights.to_numpy(float))
        return spd + parts["sid_score"], int(parts["divisor"])


def _situation(spd, innovations, scores, kode_wilayah, year, fw) -> tuple[_Situation, pd.DataFrame]:
    sc = scores[scores["year"] == year].set_index("kode_wilayah")
    if kode_wilayah not in sc.index:
        raise KeyError(f"no score for {kode_wilayah} in {year}")
    cluster = sc.loc[kode_wilayah, "level"]
    others = sc[(sc["level"] == cluster) & (sc.index != kode_wilayah)]["iid_score"].to_numpy(float)
    my_spd = spd[(spd["kode_wilayah"] == kode_wilayah) & (spd["year"] == year)]
    levels = {r: 0 for r in fw.spd_row_ids}
    for r in my_spd.itertuples(index=False):
        levels[f"{int(r.indicator_no)}{r.sub or ''}"] = int(r.level)
    inn = innovations[(innovations["kode_wilayah"] == kode_wilayah) & (innovations["year"] == year)]
    cols = list(fw.sid_columns)
    L = inn[cols].to_numpy(int) if len(inn) else np.zeros((0, len(cols)), int)
    urusan = list(inn["urusan"]) if "urusan" in inn.columns else [None] * len(inn)
    n_yandas, missing = None, []
    if fw.count_score_min_urusan_yandas:
        covered = set(urusan_pelayanan_dasar(pd.Series(urusan, dtype=object)).dropna())
        n_yandas = len(covered)
        missing = [u for u in URUSAN_PELAYANAN_DASAR if u not in covered]
    return _Situation(fw, levels, L, urusan, n_yandas, missing, others), inn


def _setup(spd, innovations, scores, kode_wilayah, year, framework, costs, new_innovation_levels,
           max_new_innovations):
    """What every plan search needs: the situation, current score and rank, levers, and the best reachable."""
    fw = framework or framework_for_year(year)
    sit, _ = _situation(spd, innovations, scores, kode_wilayah, year, fw)
    L, n = sit.L, len(sit.L)
    n_sid = len(fw.sid_indicators)
    cur_iid = _rescore(sit, L, sit.levels, [])["iid_score"]
    L_spd = np.array([sit.levels[r] for r in fw.spd_row_ids])
    if new_innovation_levels is None:
        new_lv = np.clip(np.round(L.mean(0)), 0, 3).astype(int) if n else np.ones(n_sid, int)
    elif isinstance(new_innovation_levels, dict):
        new_lv = np.array([int(new_innovation_levels.get(i, new_innovation_levels.get(str(i), 0)))
                           for i in fw.sid_indicators])
    else:
        new_lv = np.asarray(new_innovation_levels, int)
    y_max = max_new_innovations if max_new_innovations is not None else max(20, fw.count_score_cap_n - n)
    head_sid = (3 - L).sum(0) if n else np.zeros(n_sid, int)
    w_spd, w_sid = fw.spd_weights.to_numpy(float), fw.sid_weights.to_numpy(float)

    def max_points(y):
        b, D = sit.base(y, new_lv)
        return b + ((3 - L_spd) * w_spd).sum() + ((head_sid + y * (3 - new_lv)) * w_sid).sum() / D

    ys = np.arange(0, y_max + 1)
    maxima = np.array([max_points(int(y)) for y in ys])
    best_iid = float(points_to_iid(maxima.max(), fw))
    return {"fw": fw, "sit": sit, "cur_iid": float(cur_iid), "cur_rank": int(rank_among(cur_iid, sit.others)),
            "L_spd": L_spd, "new_lv": new_lv, "head_sid": head_sid, "ys": ys, "maxima": maxima,
            "best_iid": best_iid, "best_rank": int(rank_among(best_iid, sit.others)),
            "c_spd": _cost_vector(fw.spd_row_ids, costs), "c_sid": _cost_vector([str(i) for i in fw.sid_indicators],
                                                                                 costs)}


def _search(st, kode_wilayah, year, target_rank, reachable, threshold, done, cost_new_innovation, method):
    """The cheapest plan whose rescored result satisfies ``done(plan)``, for the score ``threshold``."""
    fw, sit, L_spd, new_lv, head_sid = st["fw"], st["sit"], st["L_spd"], st["new_lv"], st["head_sid"]
    w_spd, w_sid = fw.spd_weights.to_numpy(float), fw.sid_weights.to_numpy(float)
    n_sid = len(fw.sid_indicators)
    args = (sit, kode_wilayah, year, target_rank, reachable, st["cur_iid"], st["cur_rank"], threshold,
            st["best_rank"])
    tail = (new_lv, st["c_spd"], st["c_sid"], cost_new_innovation)
    nothing = _finish_plan(*args, 0, np.zeros(n_sid, int), np.zeros(len(L_spd), int), *tail, "none")
    if done(nothing):
        return nothing
    slack = 0.004
    for _attempt in range(5):
        need_points = (threshold - slack) * fw.max_total / 100
        best = None
        for y in st["ys"]:
            y = int(y)
            if best is not None and cost_new_innovation * y >= best[0]:
                break
            if st["maxima"][y] < need_points:
                continue
            b, D = sit.base(y, new_lv)
            deficit = need_points - b
            gains = np.concatenate([w_spd, w_sid / D])
            cost = np.concatenate([st["c_spd"], st["c_sid"]])
            ub = np.concatenate([3 - L_spd, head_sid + y * (3 - new_lv)]).astype(float)
            if deficit <= 0:
                sol = np.zeros(len(gains))
            else:
                sol = _solve_milp(gains, cost, ub, deficit) if method == "milp" else None
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
        plan = _finish_plan(*args, y, x, z, *tail, method if method == "milp" else "greedy")
        if done(plan):
            return plan
        slack -= 0.003  # rounding edge: ask for a little more and solve again
    raise RuntimeError(f"no verified plan found for {kode_wilayah} {year} (score {threshold:.2f})")


def path_to_target(spd: pd.DataFrame, innovations: pd.DataFrame, scores: pd.DataFrame, kode_wilayah: str,
                   year: int, target_rank: int, *, framework: Framework | None = None, costs=None,
                   cost_new_innovation: float = 3.0, new_innovation_levels=None,
                   max_new_innovations: int | None = None, method: str = "milp") -> PathPlan:
    """Cheapest set of indicator upgrades that lifts a pemda to a target rank in its cluster.

    The other pemda stay at their ``scores``.  For each number y of new
    innovations the problem is an integer covering problem (reach the
    threshold score at least cost), solved exactly with
    ``scipy.optimize.milp`` (HiGHS); y is enumerated and the cheapest plan
    kept (the search stops when ``cost_new_innovation × y`` exceeds the best
    cost).  ``method="greedy"`` (or a MILP failure) uses the best gain-per-cost
    lever first.  The plan is applied to the answers, rescored with
    :func:`iid_research.scoring.score_pemda` and re-ranked; it is returned
    only if the rescored rank reaches the goal.

    Parameters
    ----------
    spd : DataFrame (long SPD answers, contract ``SPD_COLUMNS``) with the pemda's rows for ``year``
    innovations : DataFrame (contract ``INNOVATION_COLUMNS``) with the pemda's innovations for ``year``
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
        Answers of each new innovation; default the pemda's median innovation (rounded mean levels),
        or level 1 everywhere when it has none.
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
    RuntimeError
        If no plan verified by rescoring is found (should not happen; reported rather than hidden).
    """
    if target_rank < 1:
        raise ValueError("target_rank must be ≥ 1")
    st = _setup(spd, innovations, scores, kode_wilayah, year, framework, costs, new_innovation_levels,
                max_new_innovations)
    reachable = st["best_rank"] <= target_rank
    goal_rank = target_rank if reachable else st["best_rank"]
    ordered = np.sort(st["sit"].others)[::-1]
    threshold = float(ordered[goal_rank - 1]) if goal_rank <= len(ordered) else 0.0
    return _search(st, kode_wilayah, year, target_rank, reachable, threshold,
                   lambda plan: plan.planned_rank <= goal_rank, cost_new_innovation, method)


def path_to_score(spd: pd.DataFrame, innovations: pd.DataFrame, scores: pd.DataFrame, kode_wilayah: str,
                  year: int, target_score: float, *, framework: Framework | None = None, costs=None,
                  cost_new_innovation: float = 3.0, new_innovation_levels=None,
                  max_new_innovations: int | None = None, method: str = "milp") -> PathPlan:
    """Cheapest set of upgrades that lifts a pemda's IID to ``target_score`` (at the published precision).

    The same levers, solver and verification as :func:`path_to_target`; the goal is a score
    (e.g. a predikat's lower bound, 65.01) instead of a rank.  When the score cannot be reached
    the plan reaches the best score possible and ``reachable`` is False.

    Parameters
    ----------
    target_score : float
        IID (0-100) to reach; compared after half-up rounding to 2 decimals (``round_published``).
    spd, innovations, scores, kode_wilayah, year, framework, costs, cost_new_innovation,
    new_innovation_levels, max_new_innovations, method
        As :func:`path_to_target`.

    Returns
    -------
    PathPlan
        ``target_rank`` is the rank the target score gives among the other pemda.
    """
    from ..scoring import round_published

    st = _setup(spd, innovations, scores, kode_wilayah, year, framework, costs, new_innovation_levels,
                max_new_innovations)
    reachable = float(round_published(st["best_iid"])) >= float(round_published(target_score))
    threshold = float(target_score) if reachable else float(round_published(st["best_iid"]))
    rank_at = int(rank_among(threshold, st["sit"].others))
    return _search(st, kode_wilayah, year, rank_at, reachable, threshold,
                   lambda plan: float(round_published(plan.planned_score)) >= float(round_published(threshold)),
                   cost_new_innovation, method)


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
    for j in np.argsort(-cost):  # clean-up: remove single steps of the most expensive levers while still covering
        while sol[j] > 0 and gains @ sol - gains[j] >= deficit:
            sol[j] -= 1
    return sol


def _new_urusan(sit: _Situation, y: int) -> list:
    """Urusan of y planned new innovations: the missing urusan pelayanan dasar first."""
    return [sit.missing_yandas[k] if k < len(sit.missing_yandas) else ANY_URUSAN for k in range(y)]


def _rescore(sit: _Situation, M: np.ndarray, levels: dict, new_urusan: list) -> dict:
    urusan = pd.Series(list(sit.urusan) + list(new_urusan), dtype=object)
    yandas = int(urusan_pelayanan_dasar(urusan).dropna().nunique()) if sit.n_yandas is not None else None
    answers = pd.DataFrame(M, columns=list(sit.fw.sid_columns))
    return score_pemda(levels, answers, sit.fw, n_urusan_yandas=yandas)


def _finish_plan(sit, code, year, target_rank, reachable, cur_iid, cur_rank, threshold, best_rank, y, x, z,
                 new_lv, c_spd, c_sid, cost_new, method) -> PathPlan:
    fw = sit.fw
    L, n = sit.L, len(sit.L)
    new_levels = dict(sit.levels)
    rows = []
    for k, r in enumerate(fw.spd_row_ids):
        if z[k] > 0:
            new_levels[r] = sit.levels[r] + int(z[k])
            rows.append((f"spd_{r}", "SPD", r, int(z[k]), str(sit.levels[r]), str(new_levels[r]), 0,
                         float(points_to_iid(z[k] * fw.spd_weights.iloc[k], fw)), z[k] * c_spd[k], ""))
    new_urusan = _new_urusan(sit, y)
    M = (np.vstack([L, np.tile(new_lv, (y, 1))]) if y else L.copy()).astype(int).copy()
    D = int(sid_divisor(n + y, fw))
    for k, i in enumerate(fw.sid_indicators):
        steps = int(x[k])
        if steps <= 0:
            continue
        col = M[:, k]
        before = col.copy()
        left = steps
        while left > 0:  # raise the lowest answers first
            cand = np.flatnonzero(col < 3)
            if len(cand) == 0:
                break
            lowest = cand[np.argsort(col[cand], kind="stable")][:left]
            col[lowest] += 1
            left -= len(lowest)
        M[:, k] = col
        rows.append((f"sid_{i}", "SID", str(i), steps, f"{before.mean():.2f}", f"{col.mean():.2f}",
                     int((col != before).sum()), float(points_to_iid(steps * fw.sid_weights.loc[i] / D, fw)),
                     steps * c_sid[k], ""))
    if y:
        with_new = _rescore(sit, np.vstack([L, np.tile(new_lv, (y, 1))]), sit.levels, new_urusan)
        gain = with_new["iid_score"] - float(cur_iid)
        rows.append(("new_innovations", "SID", "", y, str(n), str(n + y), y, gain, y * cost_new,
                     "; ".join(u for u in new_urusan if u)))
    steps = pd.DataFrame(rows, columns=["lever", "aspect", "indicator", "steps", "level_from", "level_to",
                                        "innovations_affected", "gain_iid", "cost", "urusan"])
    result = _rescore(sit, M, new_levels, new_urusan)
    planned = float(result["iid_score"])
    answers = pd.DataFrame(M, columns=list(fw.sid_columns))
    answers["urusan"] = list(sit.urusan) + new_urusan
    return PathPlan(code, year, target_rank, reachable, float(cur_iid), int(cur_rank), float(threshold), planned,
                    int(rank_among(planned, sit.others)), int(best_rank), steps,
                    float(steps["cost"].sum()) if len(steps) else 0.0, method, new_levels, answers,
                    rank_of=len(sit.others) + 1,
                    new_innovation_levels=pd.Series(np.asarray(new_lv, int), index=list(fw.sid_columns)))


def plan_steps_by_opd(innovations: pd.DataFrame, new_sid_answers: pd.DataFrame, *, kode_wilayah: str, year: int,
                      opd_keys=None, new_start=None) -> pd.DataFrame:
    """Attribute the SID upgrades of a plan to the innovations (and so the OPDs) they touch.

    Parameters
    ----------
    innovations : DataFrame following the innovations contract
        The table given to the planner (any pemda/year; selected here in table order).
    new_sid_answers : DataFrame with columns [sid_16 ... sid_35] (and optionally urusan)
        :attr:`PathPlan.new_sid_answers`: first the n upgraded innovations, same order; then new innovations.
    kode_wilayah : str
    year : int
    opd_keys : sequence of str, optional
        OPD key of each selected innovation (e.g. from :func:`iid_research.analysis.opd.add_opd_keys`);
        default the ``opd_name`` as written.
    new_start : Series or sequence of 20 levels, optional
        The answers a new innovation starts from (:attr:`PathPlan.new_innovation_levels`); its rows
        then list only the raises above them.  Default 0 everywhere (every level of a new
        innovation is listed).

    Returns
    -------
    DataFrame with columns [opd_key, innovation_id, indicator_no, from_level, to_level, steps_count, urusan]
        One row per (innovation, indicator) raised; new innovations get
        ``opd_key`` "(baru/new)" and ``innovation_id`` "(baru/new) 1", "(baru/new) 2", ...;
        ``urusan`` is the urusan a new innovation must be in ("" for any, or for existing ones).

    Raises
    ------
    ValueError
        If ``new_sid_answers`` has fewer rows than the pemda-year has innovations, or a level went down.
    """
    inn = innovations[(innovations["kode_wilayah"] == kode_wilayah) & (innovations["year"].astype(int) == int(year))]
    cols = [c for c in new_sid_answers.columns if c.startswith("sid_")]
    n = len(inn)
    new = new_sid_answers[cols].to_numpy(dtype=int)
    if len(new) < n:
        raise ValueError(f"new_sid_answers has {len(new)} rows but {kode_wilayah} {year} has {n} innovations")
    if new_start is None:
        start = np.zeros(len(cols), int)
    elif isinstance(new_start, pd.Series):
        start = new_start.reindex(cols).fillna(0).to_numpy(dtype=int)
    else:
        start = np.asarray(new_start, int)
    old = np.vstack([inn[cols].to_numpy(dtype=int), np.tile(start, (len(new) - n, 1))])
    if (new < old).any():
        raise ValueError("new_sid_answers lowers some levels; expected upgrades only")
    keys = list(opd_keys) if opd_keys is not None else list(inn["opd_name"].fillna(""))
    if len(keys) != n:
        raise ValueError(f"opd_keys has {len(keys)} entries for {n} innovations")
    ids = list(inn["innovation_id"])
    keys += ["(baru/new)"] * (len(new) - n)
    ids += [f"(baru/new) {j + 1}" for j in range(len(new) - n)]
    urusan = (list(new_sid_answers["urusan"]) if "urusan" in new_sid_answers.columns else [""] * len(new))
    urusan = ["" for _ in range(n)] + [str(u or "") for u in urusan[n:]]
    rows_i, cols_j = np.nonzero(new > old)
    out = pd.DataFrame({
        "opd_key": np.asarray(keys, dtype=object)[rows_i], "innovation_id": np.asarray(ids, dtype=object)[rows_i],
        "indicator_no": [int(cols[j].split("_")[1]) for j in cols_j],
        "from_level": old[rows_i, cols_j], "to_level": new[rows_i, cols_j],
        "steps_count": new[rows_i, cols_j] - old[rows_i, cols_j],
        "urusan": np.asarray(urusan, dtype=object)[rows_i]})
    return out.sort_values(["opd_key", "innovation_id", "indicator_no"], kind="stable").reset_index(drop=True)
