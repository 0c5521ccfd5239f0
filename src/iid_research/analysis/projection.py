"""Before the portal closes: a pemda's projected score and rank from its workspace answers, the gap card,
the cheapest plans, the OPD evaluation, and what the validators will cut.

:func:`project` scores the pemda's answers of year Y with the rules of Y
(:mod:`iid_research.scoring`) and ranks it against the other pemda's totals,
taken in this order (:func:`projection_field`):

1. the decree annex of year Y in the workspace (the pemda's own annex row is not one of the others);
2. else the latest earlier annex, every score shifted by a stated national drift per year
   (default :func:`default_drift`: the mean yearly change of the published national mean IID);
3. else published plus simulated totals (:func:`iid_research.dataset.published_plus_simulated`);

``rank_basis`` always states which (it contains the word "annex" when ranks come from an annex).
The gap card gives the points and IID needed to reach the next predikat, the target rank and the best
pemda of the province at the same level (a kabupaten's best kabupaten), each with its cheapest plan
(:mod:`iid_research.analysis.path`); every step is assigned to an OPD
(:func:`iid_research.analysis.evaluation.assign_plan_to_opds`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..frameworks import PREDICATES, framework_for_year, predicate_thresholds
from ..scoring import assign_predicates, count_urusan_pelayanan_dasar, rank_among, round_published, score_pemda
from .evaluation import assign_plan_to_opds, evaluate_opds, pemda_opds, resolve_opd_names, validation_risk
from .path import PathPlan, path_to_score, path_to_target


class MissingAnswersError(KeyError):
    """The dataset lacks what a projection needs (the pemda's SPD answers or innovation list of the year).

    Attributes
    ----------
    missing : list of str
        "spd" and/or "innovations".
    """

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message)
        self.missing = missing

    def __str__(self) -> str:
        return str(self.args[0])


def missing_answers(dataset, kode_wilayah: str, year: int) -> list[str]:
    """What a projection of ``year`` lacks.

    Parameters
    ----------
    dataset : Dataset
    kode_wilayah : str
    year : int

    Returns
    -------
    list of str
        ``[]`` when the dataset holds both the pemda's SPD answers and innovation list of ``year``; else
        the missing kinds, "spd" and/or "innovations" (the names ``iid-research import`` takes).
    """
    return dataset.missing_kinds(kode_wilayah, year)


PARTIAL_FIELD_SHARE = 0.9
"""A field holding fewer than this share of the pemda's cluster is partial (an annex converted from some pages)."""


def partial_field_cluster(kode_wilayah: str, rank_of) -> int | None:
    """The size of the pemda's national cluster when ``rank_of`` ranks among only part of it, else None.

    Parameters
    ----------
    kode_wilayah : str
    rank_of : int or None
        How many pemda the rank is counted among.

    Returns
    -------
    int or None
        The number of autonomous pemda of the pemda's level (e.g. 415 kabupaten) when ``rank_of`` is below
        :data:`PARTIAL_FIELD_SHARE` of it; None when the field is (nearly) the whole cluster or unknown.
    """
    from ..data import load_regions

    regions = load_regions()
    level = regions.set_index("kode_wilayah")["level"].get(kode_wilayah)
    cluster = int((regions["is_autonomous"] & (regions["level"] == level)).sum())
    if rank_of is None or not cluster or rank_of >= PARTIAL_FIELD_SHARE * cluster:
        return None
    return cluster


@dataclasses.dataclass
class Projection:
    """A pemda's projected assessment (see :func:`project`).

    Attributes
    ----------
    kode_wilayah : str
    year, framework : int
    score : dict
        spd_score, n_innovations, quality_score, count_score, sid_score, empty_seats, total_score,
        iid_score (points and IID, from :func:`iid_research.scoring.score_pemda`), n_urusan_yandas.
    predicate : str
    rank, rank_of : int or None
        Within the pemda's cluster; None when no field is available.
    rank_basis : str
        Where the other pemda's totals come from.
    field : DataFrame [kode_wilayah, level, iid_score, source]
        The other pemda of the cluster (the pemda itself excluded).
    gaps : DataFrame
        One row per goal: [gap, target_score, target_rank, points_needed, iid_needed, reachable,
        rank_after, plan_cost, plan_steps].
    plans : dict of gap -> PathPlan
    plan : PathPlan or None
        The plan to the target rank (None without a target or a field).
    plan_steps : DataFrame
        That plan's steps with their OPD (:func:`~iid_research.analysis.evaluation.assign_plan_to_opds`).
    opds : DataFrame
        The OPD evaluation (:func:`~iid_research.analysis.evaluation.evaluate_opds`).
    risk : DataFrame
        :func:`~iid_research.analysis.evaluation.validation_risk` of each innovation, its OPD named as on
        the scoreboard (:func:`~iid_research.analysis.evaluation.resolve_opd_names`).
    without_risk : dict
        Score, predikat and rank with the at-risk innovations removed.
    target_rank : int or None
    drift : float or None
        The drift per year applied to an earlier annex (None when not used).
    annex_own : float or None
        The pemda's own IID in the workspace's decree annex of the year (the published result to compare
        the projection with); None when the annex does not list it.
    """

    kode_wilayah: str
    year: int
    framework: int
    score: dict
    predicate: str
    rank: int | None
    rank_of: int | None
    rank_basis: str
    field: pd.DataFrame
    gaps: pd.DataFrame
    plans: dict
    plan: PathPlan | None
    plan_steps: pd.DataFrame
    opds: pd.DataFrame
    risk: pd.DataFrame
    without_risk: dict
    target_rank: int | None
    drift: float | None
    annex_own: float | None = None


def default_drift() -> float:
    """Mean yearly change of the published national mean IID (IID points per year).

    From :func:`iid_research.data.national_mean_iid` (46.01 in 2024, 49.43 in 2025 gives +3.42);
    0 when fewer than two years are published.  Where the shipped data have no national means
    (no ``national_mean_iid`` loader), the mean yearly change of the pemda with several published
    years (:func:`published_year_changes`) is used instead.
    """
    try:
        from ..data import national_mean_iid
    except ImportError:
        return float(published_year_changes()["drift_per_year"])
    means = national_mean_iid().sort_index()
    if len(means) < 2:
        return 0.0
    return float(np.diff(means.to_numpy()).sum() / (means.index[-1] - means.index[0]))


def published_year_changes(results: pd.DataFrame | None = None) -> dict:
    """How much published IID scores move from one assessment year to the next (drift and spread).

    Every pemda with two or more published scores on the 0-100 scale gives one change per pair of
    consecutive published years (Δ over g years).  With a random walk per pemda (yearly changes
    independent, common mean μ, spread σ)::

        μ  = Σ Δ / Σ g                                   (drift per year)
        σ² = Σ (Δ − g μ)² / g  / (K − 1)                 (spread of one pemda's yearly change)
        se = σ / √(Σ g)                                  (uncertainty of the common drift per year)

    Parameters
    ----------
    results : DataFrame, optional
        Published results [kode_wilayah, year, iid_score]; default
        :func:`iid_research.data.load_iid_results` (years from the first 0-100 year on).

    Returns
    -------
    dict with keys n_pairs, n_pemda, drift_per_year, spread_per_year, drift_sd
        Zeros when fewer than two pairs are published.
    """
    from ..frameworks import index_scale_first_year

    if results is None:
        from ..data import load_iid_results

        results = load_iid_results()
    r = results[results["iid_score"].notna() & (results["year"] >= index_scale_first_year())]
    r = r.sort_values(["kode_wilayah", "year"])
    gap = r.groupby("kode_wilayah")["year"].diff()
    change = r.groupby("kode_wilayah")["iid_score"].diff()
    ok = gap.notna() & (gap > 0)
    g, d = gap[ok].to_numpy(float), change[ok].to_numpy(float)
    out = {"n_pairs": int(len(g)), "n_pemda": int(r.loc[ok, "kode_wilayah"].nunique()), "drift_per_year": 0.0,
           "spread_per_year": 0.0, "drift_sd": 0.0}
    if len(g) < 2:
        return out
    mu = d.sum() / g.sum()
    sigma = float(np.sqrt(((d - g * mu) ** 2 / g).sum() / (len(g) - 1)))
    out.update(drift_per_year=float(mu), spread_per_year=sigma, drift_sd=float(sigma / np.sqrt(g.sum())))
    return out


def projection_field(dataset, kode_wilayah: str, year: int, *, drift: float | None = None):
    """The other pemda's totals for a projection of ``year`` and where they come from.

    Returns
    -------
    (field, basis, drift_used)
        ``field``: DataFrame [kode_wilayah, level, province, iid_score, source] of every other pemda;
        ``basis``: "annex Y", "annex Y' + drift d/yr", "published+simulated" or "none";
        ``drift_used``: the drift applied, or None.
    """
    from ..data import load_regions

    regions = load_regions().set_index("kode_wilayah")
    year = int(year)
    annex = dataset.annex
    drift_used = None
    if dataset.has_annex(year):
        part = annex[(annex["year"] == year) & (annex["kode_wilayah"] != kode_wilayah)]
        field, basis = part[["kode_wilayah", "level", "iid_score"]].copy(), f"annex {year}"
        field["source"] = "simulated" if dataset.is_demo else "published"
    elif len(annex) and (annex["year"] < year).any():
        last = int(annex.loc[annex["year"] < year, "year"].max())
        drift_used = default_drift() if drift is None else float(drift)
        part = annex[(annex["year"] == last) & (annex["kode_wilayah"] != kode_wilayah)]
        field = part[["kode_wilayah", "level", "iid_score"]].copy()
        field["iid_score"] = np.clip(field["iid_score"] + drift_used * (year - last), 0, 100)
        field["source"] = "simulated" if dataset.is_demo else "published"
        basis = f"annex {last} + drift {drift_used:+.2f}/yr"
    else:
        from ..dataset import published_plus_simulated

        others = published_plus_simulated(year, exclude=[kode_wilayah])
        if others is None:
            return pd.DataFrame(columns=["kode_wilayah", "level", "province", "iid_score", "source"]), "none", None
        field, basis = others, "published+simulated"
    field["province"] = field["kode_wilayah"].str[:2].map(regions["province"].groupby(regions.index.str[:2]).first())
    return field.dropna(subset=["iid_score"]).reset_index(drop=True), basis, drift_used


def _levels_and_answers(dataset, kode_wilayah, year, fw):
    spd = dataset.spd[(dataset.spd["kode_wilayah"] == kode_wilayah) & (dataset.spd["year"] == year)]
    inn = dataset.innovations[(dataset.innovations["kode_wilayah"] == kode_wilayah)
                              & (dataset.innovations["year"] == year)].reset_index(drop=True)
    levels = {f"{int(r.indicator_no)}{r.sub}": int(r.level) for r in spd.itertuples(index=False)}
    return spd, inn, levels


def _score(levels, inn, fw) -> dict:
    yandas = count_urusan_pelayanan_dasar(inn["urusan"]) if len(inn) else 0
    out = score_pemda(levels, inn[list(fw.sid_columns)], fw, n_urusan_yandas=yandas)
    out["n_urusan_yandas"] = yandas
    return out


def project(dataset, kode_wilayah: str, year: int, *, target_rank: int | None = None, drift: float | None = None,
            costs=None, cost_new_innovation: float = 3.0, plans: bool = True) -> Projection:
    """Project a pemda's assessment of ``year`` from its workspace answers.

    Parameters
    ----------
    dataset : Dataset
        With the pemda's SPD answers and innovations of ``year`` (a workspace).
    kode_wilayah : str
    year : int
        Assessment year; its rules apply (``framework_for_year``).
    target_rank : int, optional
        The rank to plan for (e.g. 10); without it the gap card has no target-rank row.
    drift : float, optional
        National drift (IID points per year) applied to an earlier annex; default :func:`default_drift`.
    costs, cost_new_innovation
        Costs of the plan's steps (see :func:`~iid_research.analysis.path.path_to_target`).
    plans : bool, default True
        Compute the plans of the gap card (False: the gaps only, faster).

    Returns
    -------
    Projection

    Raises
    ------
    MissingAnswersError
        (a KeyError) If the dataset lacks the pemda's SPD answers or innovation list of ``year``; the
        message names what is missing and the years the dataset holds.
    """
    from ..data import load_regions

    year = int(year)
    missing = missing_answers(dataset, kode_wilayah, year)
    if missing:
        held = [y for y in dataset.years(kode_wilayah) if not missing_answers(dataset, kode_wilayah, y)]
        what = {"spd": "SPD answers", "innovations": "innovation list"}
        lacks = ("no answers" if len(missing) == 2 else f"no {what[missing[0]]}")
        raise MissingAnswersError(f"{kode_wilayah}: {lacks} for {year} in the dataset (import the {year} "
                                  f"{' and the '.join(what[m] for m in missing)}); years that can be projected: "
                                  f"{', '.join(map(str, held)) or 'none'}", missing)
    fw = framework_for_year(year)
    regions = load_regions().set_index("kode_wilayah")
    level = regions.loc[kode_wilayah, "level"]
    spd, inn, levels = _levels_and_answers(dataset, kode_wilayah, year, fw)
    score = _score(levels, inn, fw)
    iid = float(score["iid_score"])
    predicate = str(assign_predicates([iid], year)[0])
    field_all, basis, drift_used = projection_field(dataset, kode_wilayah, year, drift=drift)
    field = field_all[field_all["level"] == level].reset_index(drop=True)
    rank = rank_of = None
    if basis != "none":
        rank, rank_of = int(rank_among(iid, field["iid_score"])), len(field) + 1
    own = pd.DataFrame({"kode_wilayah": [kode_wilayah], "year": [year], "level": [level], "iid_score": [iid]})
    scores = pd.concat([own, field.assign(year=year)[["kode_wilayah", "year", "level", "iid_score"]]],
                       ignore_index=True)
    opds = pemda_opds(inn, dataset.opd_list[dataset.opd_list["kode_wilayah"] == kode_wilayah]
                      if len(dataset.opd_list) else None)
    gaps, plan_map = [], {}

    def add_gap(name, target_score, plan):
        need = float(round_published(target_score) - round_published(iid))
        gaps.append({"gap": name, "target_score": float(target_score),
                     "target_rank": None if basis == "none" else int(rank_among(target_score, field["iid_score"])),
                     "points_needed": max(0.0, need * fw.max_total / 100), "iid_needed": max(0.0, need),
                     "reachable": None if plan is None else bool(plan.reachable),
                     "rank_after": None if plan is None or basis == "none" else int(plan.planned_rank),
                     "plan_cost": None if plan is None else float(plan.total_cost),
                     "plan_steps": None if plan is None else int(plan.n_steps)})
        if plan is not None:
            plan_map[name] = plan

    th = predicate_thresholds(year)
    bounds = {"Inovatif": th.inovatif_min, "Sangat Inovatif": th.sangat_inovatif_min,
              "Kurang Inovatif": th.kurang_inovatif_min}
    order = list(PREDICATES)
    better = [p for p in order[:order.index(predicate)] if p in bounds]
    kwargs = {"costs": costs, "cost_new_innovation": cost_new_innovation, "framework": fw}
    if better:
        nxt = better[-1]
        plan = path_to_score(spd, inn, scores, kode_wilayah, year, bounds[nxt], **kwargs) if plans else None
        add_gap(f"predicate:{nxt}", bounds[nxt], plan)
    plan = None
    if target_rank is not None and basis != "none":
        ordered = np.sort(field["iid_score"].to_numpy())[::-1]
        target_score = float(ordered[target_rank - 1]) if target_rank <= len(ordered) else 0.0
        plan = path_to_target(spd, inn, scores, kode_wilayah, year, int(target_rank), **kwargs) if plans else None
        add_gap(f"rank:{target_rank}", target_score, plan)
    # the best of the same level (a kabupaten is ranked among kabupaten, so a kota is not its yardstick)
    prov = field_all[(field_all["kode_wilayah"].str[:2] == kode_wilayah[:2]) & (field_all["level"] == level)]
    if level != "provinsi" and len(prov):
        best = prov.sort_values("iid_score", ascending=False).iloc[0]
        if best["iid_score"] > iid:
            p = path_to_score(spd, inn, scores, kode_wilayah, year, float(best["iid_score"]), **kwargs) \
                if plans else None
            add_gap(f"province_best:{best['kode_wilayah']}", float(best["iid_score"]), p)
    plan_steps = (assign_plan_to_opds(plan, inn, opds, fw, costs=costs, cost_new_innovation=cost_new_innovation)
                  if plan is not None else pd.DataFrame(columns=["opd_key", "opd_name", "kind", "steps", "cost"]))
    prev = dataset.innovations[(dataset.innovations["kode_wilayah"] == kode_wilayah)
                               & (dataset.innovations["year"] == year - 1)]
    opd_list = dataset.opd_list[dataset.opd_list["kode_wilayah"] == kode_wilayah] if len(dataset.opd_list) else None
    evaluation = evaluate_opds(inn, year, opd_list=opd_list, previous=prev if len(prev) else None,
                               plan_steps=plan_steps, framework=fw)
    risk = validation_risk(resolve_opd_names(inn, opd_list), fw)  # OPDs named as on the scoreboard
    kept = inn[~risk["at_risk"].to_numpy()] if len(inn) else inn
    alt = _score(levels, kept, fw)
    without = {"innovations_removed": int(risk["at_risk"].sum()), "n_innovations": int(alt["n_innovations"]),
               "iid_score": float(alt["iid_score"]), "predicate": str(assign_predicates([alt["iid_score"]], year)[0]),
               "rank": None if basis == "none" else int(rank_among(alt["iid_score"], field["iid_score"]))}
    return Projection(kode_wilayah, year, fw.year, score, predicate, rank, rank_of, basis, field,
                      pd.DataFrame(gaps, columns=["gap", "target_score", "target_rank", "points_needed", "iid_needed",
                                                  "reachable", "rank_after", "plan_cost", "plan_steps"]),
                      plan_map, plan, plan_steps, evaluation, risk, without, target_rank, drift_used,
                      _annex_own(dataset, kode_wilayah, year))


def _annex_own(dataset, kode_wilayah: str, year: int) -> float | None:
    """The pemda's own IID in the workspace's annex of ``year``, or None."""
    annex = dataset.annex
    if not len(annex):
        return None
    own = annex[(annex["year"] == int(year)) & (annex["kode_wilayah"] == kode_wilayah)]["iid_score"].dropna()
    return float(own.iloc[0]) if len(own) else None


def projection_dict(p: Projection) -> dict:
    """The projection as plain JSON-ready data (what ``iid-research project --json`` prints).

    Keys: kode_wilayah, year, framework, spd_score, quality_score, sid_score, count_score, iid_score,
    n_innovations, predicate, rank, rank_of, rank_basis, drift, annex_iid_score (the annex's own row, or
    None), gaps, plan {reachable, rank_after, iid_after, total_cost, steps}, opds, validation {at_risk,
    without_at_risk}.
    """
    def clean(v):
        if isinstance(v, (np.integer,)):
            return int(v)
        if isinstance(v, (np.floating, float)):
            return None if np.isnan(v) else round(float(v), 6)
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if v is pd.NA or v is None:
            return None
        return v

    def records(frame):
        return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]

    s = p.score
    plan = None
    if p.plan is not None:
        plan = {"reachable": bool(p.plan.reachable), "rank_after": int(p.plan.planned_rank),
                "iid_after": round(float(p.plan.planned_score), 6), "total_cost": float(p.plan.total_cost),
                "steps": records(p.plan_steps)}
    risky = p.risk[p.risk["at_risk"]]
    return {"kode_wilayah": p.kode_wilayah, "year": p.year, "framework": p.framework,
            "spd_score": clean(s["spd_score"]), "quality_score": clean(s["quality_score"]),
            "count_score": clean(s["count_score"]), "sid_score": clean(s["sid_score"]),
            "iid_score": clean(s["iid_score"]), "n_innovations": int(s["n_innovations"]),
            "n_urusan_yandas": int(s["n_urusan_yandas"]), "predicate": p.predicate, "rank": p.rank,
            "rank_of": p.rank_of, "rank_basis": p.rank_basis, "drift": p.drift, "target_rank": p.target_rank,
            "annex_iid_score": p.annex_own,
            "gaps": records(p.gaps), "plan": plan, "opds": records(p.opds),
            "validation": {"at_risk": records(risky), "without_at_risk": {k: clean(v) for k, v in
                                                                          p.without_risk.items()}}}
